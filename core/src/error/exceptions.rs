//! Cognito's exceptions: **the one table** of every exception the library names, with its C
//! code, its C name, whether trying again later can succeed, and what to tell the user.
//!
//! Everything else derives from this table: [`CognitoException`] (and its UniFFI enum for
//! Kotlin and Swift), the mapping of wire names (`CodeMismatchException`) to variants, the C
//! ABI's exception codes (`COGNITO_ERROR_CODE_CODE_MISMATCH = 105`, written into the C header by
//! `bindings/cognito-auth-c`'s header test), and the Dart enum (tested against the C table). To
//! name a new exception, add one row; its C code is the next free number (codes are never
//! reused or renumbered: apps compiled against an older header keep working).

use serde::{Deserialize, Serialize};

macro_rules! cognito_exceptions {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $code:literal, $wire:literal, $c_name:literal,
            retryable: $retryable:literal, $advice:literal;
    )*) => {
        /// A Cognito exception, by kind. [`CognitoException::Other`] stands for any name not in
        /// the table (the name itself is in [`AuthError::Service`](crate::AuthError)'s
        /// `exception_name`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum CognitoException {
            $( $(#[doc = $doc])* $variant, )*
            /// An exception not listed here: read the error's `exception_name`.
            Other,
        }

        impl CognitoException {
            /// Every named exception, in table order ([`CognitoException::Other`] excluded).
            pub const ALL: &'static [CognitoException] = &[$(CognitoException::$variant,)*];

            /// The kind of the exception Cognito names `name` (`"CodeMismatchException"`, with
            /// or without a namespace prefix such as `com.amazonaws...#`).
            pub fn from_wire_name(name: &str) -> CognitoException {
                match name.rsplit('#').next().unwrap_or(name) {
                    $( $wire => CognitoException::$variant, )*
                    _ => CognitoException::Other,
                }
            }

            /// Cognito's name (`"CodeMismatchException"`); `None` for [`CognitoException::Other`].
            pub fn wire_name(self) -> Option<&'static str> {
                match self {
                    $( CognitoException::$variant => Some($wire), )*
                    CognitoException::Other => None,
                }
            }

            /// The C ABI's code (`105` for `CodeMismatch`); `100` for [`CognitoException::Other`].
            pub fn c_code(self) -> i32 {
                match self {
                    $( CognitoException::$variant => $code, )*
                    CognitoException::Other => 100,
                }
            }

            /// The C ABI's name without prefix (`"CODE_MISMATCH"`); `"SERVICE"` for
            /// [`CognitoException::Other`].
            pub fn c_name(self) -> &'static str {
                match self {
                    $( CognitoException::$variant => $c_name, )*
                    CognitoException::Other => "SERVICE",
                }
            }

            /// Whether the same call may succeed later without the user changing anything.
            pub fn is_retryable(self) -> bool {
                match self {
                    $( CognitoException::$variant => $retryable, )*
                    CognitoException::Other => false,
                }
            }

            /// What the user can do about it.
            pub fn advice(self) -> &'static str {
                match self {
                    $( CognitoException::$variant => $advice, )*
                    CognitoException::Other => "Cognito refused the request.",
                }
            }
        }
    };
}

cognito_exceptions! {
    /// Wrong credentials, an expired or invalid session or token, a disabled operation, or too
    /// many failed sign-ins.
    NotAuthorized = 101, "NotAuthorizedException", "NOT_AUTHORIZED", retryable: false,
        "Check the username and password, or sign in again if the session expired.";
    /// No such user (only for app clients with `PreventUserExistenceErrors = LEGACY`).
    UserNotFound = 102, "UserNotFoundException", "USER_NOT_FOUND", retryable: false,
        "No account has this username; check it or sign up.";
    /// The user has not confirmed their sign-up.
    UserNotConfirmed = 103, "UserNotConfirmedException", "USER_NOT_CONFIRMED", retryable: false,
        "Confirm the sign-up with the code that was sent, then sign in.";
    /// The user must reset their password.
    PasswordResetRequired = 104, "PasswordResetRequiredException", "PASSWORD_RESET_REQUIRED",
        retryable: false, "Reset the password, then sign in with the new one.";
    /// The code is wrong.
    CodeMismatch = 105, "CodeMismatchException", "CODE_MISMATCH", retryable: false,
        "The code is wrong; check it and try again.";
    /// The code has expired, or (TOTP) was already used.
    ExpiredCode = 106, "ExpiredCodeException", "EXPIRED_CODE", retryable: false,
        "The code has expired; request a new one.";
    /// A parameter is missing or malformed.
    InvalidParameter = 107, "InvalidParameterException", "INVALID_PARAMETER", retryable: false,
        "A value sent to Cognito was rejected; check the input.";
    /// The password does not satisfy the pool's policy.
    InvalidPassword = 108, "InvalidPasswordException", "INVALID_PASSWORD", retryable: false,
        "The password does not meet the pool's password policy.";
    /// The user name is taken.
    UsernameExists = 109, "UsernameExistsException", "USERNAME_EXISTS", retryable: false,
        "This username is taken; choose another or sign in.";
    /// The e-mail or phone alias belongs to another user.
    AliasExists = 110, "AliasExistsException", "ALIAS_EXISTS", retryable: false,
        "This e-mail or phone number belongs to another account.";
    /// A device (or another resource) does not exist.
    ResourceNotFound = 111, "ResourceNotFoundException", "RESOURCE_NOT_FOUND", retryable: false,
        "Cognito does not know this device or resource.";
    /// Too many requests; try again later.
    TooManyRequests = 112, "TooManyRequestsException", "TOO_MANY_REQUESTS", retryable: true,
        "Too many requests; wait a little and try again.";
    /// A limit was exceeded (e.g. attempts).
    LimitExceeded = 113, "LimitExceededException", "LIMIT_EXCEEDED", retryable: true,
        "Too many attempts; wait a little and try again.";
    /// Too many failed attempts.
    TooManyFailedAttempts = 114, "TooManyFailedAttemptsException", "TOO_MANY_FAILED_ATTEMPTS",
        retryable: false, "Too many failed attempts; wait before trying again.";
    /// TOTP is not set up for the user.
    SoftwareTokenMfaNotFound = 115, "SoftwareTokenMFANotFoundException",
        "SOFTWARE_TOKEN_MFA_NOT_FOUND", retryable: false,
        "TOTP is not set up for this user; set it up first.";
    /// The TOTP code did not verify during setup.
    EnableSoftwareTokenMfa = 116, "EnableSoftwareTokenMFAException", "ENABLE_SOFTWARE_TOKEN_MFA",
        retryable: false, "The authenticator code did not verify; try a fresh code.";
    /// The code could not be delivered.
    CodeDeliveryFailure = 117, "CodeDeliveryFailureException", "CODE_DELIVERY_FAILURE",
        retryable: true, "The code could not be delivered; check the e-mail or phone number.";
    /// The pool is not configured for this.
    InvalidUserPoolConfiguration = 118, "InvalidUserPoolConfigurationException",
        "INVALID_USER_POOL_CONFIGURATION", retryable: false,
        "The user pool is not configured for this operation.";
    /// The MFA method is not available.
    MfaMethodNotFound = 119, "MFAMethodNotFoundException", "MFA_METHOD_NOT_FOUND",
        retryable: false, "This MFA method is not available for the user.";
    /// Cognito failed internally.
    InternalError = 120, "InternalErrorException", "INTERNAL_ERROR", retryable: true,
        "Cognito had an internal error; try again.";
    /// The operation is not supported.
    UnsupportedOperation = 121, "UnsupportedOperationException", "UNSUPPORTED_OPERATION",
        retryable: false, "Cognito does not support this operation here.";
    /// `RevokeToken` was given a token it cannot revoke (an access or ID token).
    UnsupportedTokenType = 122, "UnsupportedTokenTypeException", "UNSUPPORTED_TOKEN_TYPE",
        retryable: false, "Only refresh tokens can be revoked.";
    /// A Lambda trigger of the pool refused the request.
    UserLambdaValidation = 123, "UserLambdaValidationException", "USER_LAMBDA_VALIDATION",
        retryable: false, "The user pool's custom validation refused the request.";
    /// A Lambda trigger of the pool answered something Cognito could not use.
    InvalidLambdaResponse = 124, "InvalidLambdaResponseException", "INVALID_LAMBDA_RESPONSE",
        retryable: false, "The user pool's custom logic failed; contact the app's support.";
    /// A Lambda trigger of the pool failed unexpectedly.
    UnexpectedLambda = 125, "UnexpectedLambdaException", "UNEXPECTED_LAMBDA",
        retryable: true, "The user pool's custom logic failed; try again later.";
    /// AWS WAF or another protection blocked the request.
    Forbidden = 126, "ForbiddenException", "FORBIDDEN", retryable: false,
        "The request was blocked by the service's protection rules.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_round_trips_and_codes_are_unique() {
        let mut codes = std::collections::BTreeSet::new();
        let mut c_names = std::collections::BTreeSet::new();
        for &exception in CognitoException::ALL {
            let name = exception.wire_name().expect("named");
            assert_eq!(CognitoException::from_wire_name(name), exception);
            assert_eq!(
                CognitoException::from_wire_name(&format!("com.amazonaws.cognito#{name}")),
                exception
            );
            assert!(
                codes.insert(exception.c_code()),
                "duplicate code {exception:?}"
            );
            assert!(c_names.insert(exception.c_name()), "duplicate C name");
            assert!(exception.c_code() > 100);
            // The C name is the variant's name in SCREAMING_SNAKE_CASE, as serde writes it.
            assert_eq!(
                serde_json::to_value(exception).unwrap(),
                serde_json::json!(exception.c_name())
            );
        }
        assert_eq!(
            CognitoException::from_wire_name("BrandNewException"),
            CognitoException::Other
        );
        assert_eq!(CognitoException::Other.wire_name(), None);
        assert_eq!(CognitoException::Other.c_code(), 100);
    }
}
