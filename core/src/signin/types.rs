//! What apps see of a sign-in: the options they pass and the next step they must take.
//!
//! These types are declared once, here: their serde attributes are the JSON encoding shared by
//! the C ABI and the CLI (`bindings/JSON.md`), and with the `uniffi` feature they are the Kotlin and
//! Swift types too.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// How the password (or other first factor) is proven.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`: the password never leaves the device (default).
    #[default]
    #[serde(rename = "USER_SRP_AUTH")]
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password is sent over TLS (for migrations with a Lambda).
    #[serde(rename = "USER_PASSWORD_AUTH")]
    UserPassword,
    /// `CUSTOM_AUTH` starting with an SRP password check.
    #[serde(rename = "CUSTOM_WITH_SRP")]
    CustomWithSrp,
    /// `CUSTOM_AUTH` without a password: the Lambda triggers decide the challenges.
    #[serde(rename = "CUSTOM_WITHOUT_SRP")]
    CustomWithoutSrp,
    /// `USER_AUTH` (choice-based sign-in), optionally with a preferred first factor.
    #[serde(rename = "USER_AUTH")]
    UserAuth {
        /// The factor to try first; without one Cognito offers a choice.
        #[serde(default)]
        preferred_first_factor: Option<AuthFactor>,
    },
}

/// A first factor of `USER_AUTH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AuthFactor {
    /// The password, sent over TLS.
    Password,
    /// The password, proven with SRP.
    PasswordSrp,
    /// A one-time code sent by e-mail.
    EmailOtp,
    /// A one-time code sent by SMS.
    SmsOtp,
}

impl AuthFactor {
    /// Cognito's name (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SMS_OTP`), also the JSON name.
    pub fn wire_name(self) -> &'static str {
        match self {
            AuthFactor::Password => "PASSWORD",
            AuthFactor::PasswordSrp => "PASSWORD_SRP",
            AuthFactor::EmailOtp => "EMAIL_OTP",
            AuthFactor::SmsOtp => "SMS_OTP",
        }
    }

    /// Parses Cognito's name, case-insensitively.
    pub fn from_wire_name(name: &str) -> Option<AuthFactor> {
        let name = name.trim().to_ascii_uppercase();
        [
            AuthFactor::Password,
            AuthFactor::PasswordSrp,
            AuthFactor::EmailOtp,
            AuthFactor::SmsOtp,
        ]
        .into_iter()
        .find(|f| f.wire_name() == name)
    }
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MfaType {
    /// A code sent by SMS (`SMS_MFA`).
    Sms,
    /// A code from an authenticator app (`SOFTWARE_TOKEN_MFA`).
    Totp,
    /// A code sent by e-mail (`EMAIL_OTP`).
    Email,
}

impl MfaType {
    /// Cognito's challenge name (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`).
    pub fn challenge_name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS_MFA",
            MfaType::Totp => "SOFTWARE_TOKEN_MFA",
            MfaType::Email => "EMAIL_OTP",
        }
    }

    /// The short name (`SMS`, `TOTP`, `EMAIL`): the JSON name, and what `confirm_sign_in`
    /// takes to choose a factor.
    pub fn short_name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS",
            MfaType::Totp => "TOTP",
            MfaType::Email => "EMAIL",
        }
    }

    /// Parses a challenge name or a short name (`SMS`, `TOTP`, `EMAIL`), case-insensitively.
    pub fn parse(name: &str) -> Option<MfaType> {
        match name.trim().to_ascii_uppercase().as_str() {
            "SMS" | "SMS_MFA" => Some(MfaType::Sms),
            "TOTP" | "SOFTWARE_TOKEN_MFA" => Some(MfaType::Totp),
            "EMAIL" | "EMAIL_OTP" | "EMAIL_MFA" => Some(MfaType::Email),
            _ => None,
        }
    }
}

/// How a code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeliveryMedium {
    /// By SMS.
    Sms,
    /// By e-mail.
    Email,
    /// Cognito did not say.
    Unknown,
}

/// Where a code was sent (the destination is masked by Cognito, e.g. `+*******1234`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CodeDeliveryDetails {
    /// The masked destination.
    pub destination: Option<String>,
    /// SMS or e-mail.
    pub delivery_medium: DeliveryMedium,
    /// The attribute the code was sent to (`email`, `phone_number`).
    pub attribute_name: Option<String>,
}

impl CodeDeliveryDetails {
    pub(crate) fn new(
        destination: Option<String>,
        medium: Option<&str>,
        attribute: Option<String>,
    ) -> CodeDeliveryDetails {
        let delivery_medium = match medium.map(str::to_ascii_uppercase).as_deref() {
            Some("SMS") => DeliveryMedium::Sms,
            Some("EMAIL") => DeliveryMedium::Email,
            _ => DeliveryMedium::Unknown,
        };
        CodeDeliveryDetails {
            destination,
            delivery_medium,
            attribute_name: attribute,
        }
    }
}

/// What an authenticator app needs to set up TOTP. Its printed forms (`Debug`, `Display`,
/// Kotlin's `toString`, Swift's `description`) never show the secret; read
/// [`TotpSetupDetails::shared_secret`] to show it to the user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug, Display))]
pub struct TotpSetupDetails {
    /// The base32 shared secret (show it, or encode [`TotpSetupDetails::setup_uri`] as a QR code).
    pub shared_secret: String,
    /// The account name shown in the authenticator app.
    pub username: String,
}

impl TotpSetupDetails {
    /// The `otpauth://totp/...` URI authenticator apps scan, with `app_name` as the issuer.
    pub fn setup_uri(&self, app_name: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}",
            percent_encode(app_name),
            percent_encode(&self.username),
            self.shared_secret,
            percent_encode(app_name)
        )
    }
}

impl std::fmt::Debug for TotpSetupDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSetupDetails")
            .field("shared_secret", &"<redacted>")
            .field("username", &self.username)
            .finish()
    }
}

impl std::fmt::Display for TotpSetupDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What the app must do next in a sign-in (names as in the Amplify docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "signInStep",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SignInNextStep {
    /// Ask for the code sent by SMS; answer with `confirm_sign_in(code)`.
    ConfirmSignInWithSmsMfaCode {
        /// Where it was sent.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// Ask for the code from the authenticator app.
    ConfirmSignInWithTotpCode,
    /// Ask for the one-time code sent by e-mail (or SMS for the `SMS_OTP` first factor).
    ConfirmSignInWithOtp {
        /// Where it was sent.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// Let the user choose a second factor; answer with its name (`SMS`, `TOTP`, `EMAIL`).
    ContinueSignInWithMfaSelection {
        /// The choices.
        allowed_mfa_types: Vec<MfaType>,
    },
    /// Show the TOTP secret (or QR code); answer with a code from the authenticator app.
    ContinueSignInWithTotpSetup {
        /// The secret and setup URI.
        totp_setup_details: TotpSetupDetails,
    },
    /// Ask for the e-mail address to use for MFA; answer with it.
    ContinueSignInWithEmailMfaSetup,
    /// Let the user choose which second factor to set up; answer with `TOTP` or `EMAIL`.
    ContinueSignInWithMfaSetupSelection {
        /// The choices.
        allowed_mfa_types: Vec<MfaType>,
    },
    /// The user must choose a new password; answer with it (and the missing attributes in the
    /// options).
    ConfirmSignInWithNewPassword {
        /// Required attributes the user has no value for yet.
        missing_attributes: Vec<String>,
    },
    /// Answer the custom challenge of the pool's Lambda triggers.
    ConfirmSignInWithCustomChallenge {
        /// What the Lambda sent.
        additional_info: HashMap<String, String>,
    },
    /// Let the user choose a first factor; answer with its name (`PASSWORD`, `EMAIL_OTP`, ...).
    ContinueSignInWithFirstFactorSelection {
        /// The choices.
        available_factors: Vec<AuthFactor>,
        /// Factors Cognito offered that this library cannot do (`WEB_AUTHN`: passkeys), by
        /// Cognito's name: not choices, shown so the app can tell the user why they are missing.
        #[serde(default)]
        unsupported_factors: Vec<String>,
    },
    /// The sign-up is not confirmed: call `confirm_sign_up`, then sign in again.
    ConfirmSignUp,
    /// The password must be reset: call `reset_password`, then sign in again.
    ResetPassword,
    /// Signed in.
    Done,
}

/// Options of [`AuthClient::sign_in`](crate::AuthClient::sign_in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignInOptions {
    /// The flow; `USER_SRP_AUTH` by default.
    pub auth_flow: AuthFlow,
    /// Passed to the pool's Lambda triggers.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub client_metadata: HashMap<String, String>,
}

/// Options of [`AuthClient::confirm_sign_in`](crate::AuthClient::confirm_sign_in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConfirmSignInOptions {
    /// The authenticator's name shown in the user's device list (TOTP setup).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub friendly_device_name: Option<String>,
    /// Attributes to send with a new password (e.g. the missing required ones).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_attributes: HashMap<String, String>,
    /// Passed to the pool's Lambda triggers.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub client_metadata: HashMap<String, String>,
}
