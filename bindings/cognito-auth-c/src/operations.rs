//! Every `AuthClient` operation the C ABI offers, behind one entry point, `cognito_call`.
//!
//! [`CognitoOperation`] names them (the header documents each one's request and result JSON);
//! [`dispatch`] maps each to a function that reads the request, calls the core, and encodes the
//! result. Requests and results are the core's own types in their one JSON encoding
//! (`bindings/JSON.md`); the few result envelopes (`{"nextStep": ...}`, `{"codeDeliveryDetails":
//! ...}`) are written here, once each.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use cognito_auth_core::{
    AuthClient, ConfirmSignInOptions, MfaPreference, SignInOptions, SignUpOptions,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::FfiError;

/// The operations of `cognito_call`. Each takes a request JSON object (`{}` or NULL where it
/// has no arguments; `?` marks optional fields) and completes with a result JSON.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoOperation {
    /// `{"username", "password"?, "options"?: {"authFlow"?: {"type": "USER_SRP_AUTH" |
    /// "USER_PASSWORD_AUTH" | "CUSTOM_WITH_SRP" | "CUSTOM_WITHOUT_SRP" | "USER_AUTH",
    /// "preferredFirstFactor"?}, "clientMetadata"?}}` → a SignInResult `{"isSignedIn",
    /// "nextStep": {"signInStep", ...}, "device": {"type": "TRACKED" | "NOT_TRACKED", ...} | null}`.
    SignIn = 1,
    /// `{"challengeResponse", "options"?: {"friendlyDeviceName"?, "userAttributes"?,
    /// "clientMetadata"?}}` → a SignInResult.
    ConfirmSignIn = 2,
    /// `{}` → `{"nextStep": step | null}`: the step a sign-in waits for (also after a restart).
    PendingSignInStep = 3,
    /// `{}` → `{}`: abandons a sign-in waiting for an answer.
    CancelSignIn = 4,
    /// `{"forceRefresh"?}` → an AuthSession `{"isSignedIn", "username", "userSub", "tokens":
    /// {"accessToken", "idToken", "expiresAt"} | null}` (tokens refreshed when needed).
    FetchAuthSession = 5,
    /// `{"globalSignOut"?}` → `{"globalSignOutError", "revokeTokenError"}` (each a message or
    /// null): the local sign-out always happens; the result says what the server did not do.
    SignOut = 6,
    /// `{}` → `{"username", "userId"}`.
    GetCurrentUser = 7,
    /// `{}` → `{}`: remembers this device (its sign-ins then skip MFA when the pool allows it).
    RememberDevice = 8,
    /// `{}` → `{}`: keeps tracking this device but stops remembering it.
    StopRememberingDevice = 9,
    /// `{"deviceId"?}` → `{}`: forgets a device (this one when `deviceId` is absent).
    ForgetDevice = 10,
    /// `{}` → `[{"id", "name", "status", "createdAt", "lastAuthenticatedAt", "lastModifiedAt",
    /// "isCurrentDevice"}]`.
    FetchDevices = 11,
    /// `{}` → `{"status": "REMEMBERED" | "NOT_REMEMBERED" | "FORGOTTEN" | "NOT_TRACKED"}`.
    CurrentDeviceStatus = 12,
    /// `{}` → `{"sharedSecret", "username"}` (see `cognito_totp_setup_uri`).
    SetUpTotp = 13,
    /// `{"code", "friendlyDeviceName"?}` → `{}`.
    VerifyTotpSetup = 14,
    /// `{}` → `{"enabled": ["SMS" | "TOTP" | "EMAIL"], "preferred": ... | null}`.
    FetchMfaPreference = 15,
    /// `{"sms"?, "totp"?, "email"?}`, each `"ENABLED" | "DISABLED" | "PREFERRED" |
    /// "NOT_PREFERRED"` → `{}`.
    UpdateMfaPreference = 16,
    /// `{"username", "password", "options"?: {"userAttributes"?, "clientMetadata"?}}` → a
    /// SignUpResult `{"isSignUpComplete", "userId", "nextStep": {"signUpStep":
    /// "CONFIRM_SIGN_UP" | "DONE", "codeDeliveryDetails"?}}`.
    SignUp = 17,
    /// `{"username", "confirmationCode"}` → a SignUpResult.
    ConfirmSignUp = 18,
    /// `{"username"}` → `{"codeDeliveryDetails": {...} | null}`.
    ResendSignUpCode = 19,
    /// `{"username"}` → `{"codeDeliveryDetails": {...} | null}`: sends a password-reset code.
    ResetPassword = 20,
    /// `{"username", "newPassword", "confirmationCode"}` → `{}`.
    ConfirmResetPassword = 21,
    /// `{"oldPassword", "newPassword"}` → `{}`.
    UpdatePassword = 22,
    /// `{}` → `[{"name", "value"}]`.
    FetchUserAttributes = 23,
    /// `{"attributes": {"name": "value"}}` → `{"codeDeliveryDetailsList": [...]}`.
    UpdateUserAttributes = 24,
    /// `{"attributeName"}` → `{"codeDeliveryDetails": {...} | null}`.
    SendUserAttributeVerificationCode = 25,
    /// `{"attributeName", "confirmationCode"}` → `{}`.
    ConfirmUserAttribute = 26,
    /// `{}` → `{}`: deletes the signed-in user.
    DeleteUser = 27,
    /// `{}` → `{}`: clears this client's sign-in data on this device (tokens, device secret, a
    /// saved sign-in) without calling Cognito — the way out of `LOCAL_STATE_UNREADABLE`.
    ResetLocalState = 28,
    /// `{"attributeNames": ["custom:team", ...]}` → `{}`.
    DeleteUserAttributes = 29,
}

impl CognitoOperation {
    /// Every operation, in code order.
    pub const ALL: [CognitoOperation; 29] = {
        use CognitoOperation::*;
        [
            SignIn,
            ConfirmSignIn,
            PendingSignInStep,
            CancelSignIn,
            FetchAuthSession,
            SignOut,
            GetCurrentUser,
            RememberDevice,
            StopRememberingDevice,
            ForgetDevice,
            FetchDevices,
            CurrentDeviceStatus,
            SetUpTotp,
            VerifyTotpSetup,
            FetchMfaPreference,
            UpdateMfaPreference,
            SignUp,
            ConfirmSignUp,
            ResendSignUpCode,
            ResetPassword,
            ConfirmResetPassword,
            UpdatePassword,
            FetchUserAttributes,
            UpdateUserAttributes,
            SendUserAttributeVerificationCode,
            ConfirmUserAttribute,
            DeleteUser,
            ResetLocalState,
            DeleteUserAttributes,
        ]
    };

    /// The operation with this C value.
    pub fn from_code(code: i32) -> Option<CognitoOperation> {
        CognitoOperation::ALL
            .into_iter()
            .find(|op| *op as i32 == code)
    }
}

/// What an operation returns: the result JSON or an error.
pub type OpFuture = Pin<Box<dyn Future<Output = Result<Value, FfiError>> + Send>>;

/// Starts `operation` for `client` with the request JSON `request`.
pub fn dispatch(operation: CognitoOperation, c: Arc<AuthClient>, request: &str) -> OpFuture {
    use CognitoOperation::*;
    let parsed = parse_object(request);
    macro_rules! op {
        ($request:ty, |$r:ident| $body:expr) => {{
            let parsed = parsed.and_then(decode::<$request>);
            Box::pin(async move {
                let $r = parsed?;
                $body
            })
        }};
    }
    match operation {
        SignIn => op!(SignInRequest, |r| encode(
            c.sign_in(
                &r.username,
                r.password.as_deref().map(String::as_str),
                r.options
            )
            .await?
        )),
        ConfirmSignIn => op!(ConfirmSignInRequest, |r| encode(
            c.confirm_sign_in(&r.challenge_response, r.options).await?
        )),
        PendingSignInStep => op!(NoArguments, |_r| Ok(
            json!({ "nextStep": c.pending_sign_in_step().await? })
        )),
        CancelSignIn => op!(NoArguments, |_r| {
            c.cancel_sign_in().await;
            done()
        }),
        FetchAuthSession => op!(FetchAuthSessionRequest, |r| encode(
            c.fetch_auth_session(r.force_refresh).await?
        )),
        SignOut => op!(SignOutRequest, |r| encode(
            c.sign_out(r.global_sign_out).await?
        )),
        GetCurrentUser => op!(NoArguments, |_r| encode(c.get_current_user().await?)),
        RememberDevice => op!(NoArguments, |_r| {
            c.remember_device().await?;
            done()
        }),
        StopRememberingDevice => op!(NoArguments, |_r| {
            c.stop_remembering_device().await?;
            done()
        }),
        ForgetDevice => op!(ForgetDeviceRequest, |r| {
            c.forget_device(r.device_id.as_deref()).await?;
            done()
        }),
        FetchDevices => op!(NoArguments, |_r| encode(c.fetch_devices().await?)),
        CurrentDeviceStatus => op!(NoArguments, |_r| Ok(
            json!({ "status": c.current_device_status()? })
        )),
        SetUpTotp => op!(NoArguments, |_r| encode(c.set_up_totp().await?)),
        VerifyTotpSetup => op!(VerifyTotpSetupRequest, |r| {
            c.verify_totp_setup(&r.code, r.friendly_device_name.as_deref())
                .await?;
            done()
        }),
        FetchMfaPreference => op!(NoArguments, |_r| encode(c.fetch_mfa_preference().await?)),
        UpdateMfaPreference => op!(UpdateMfaPreferenceRequest, |r| {
            c.update_mfa_preference(r.sms, r.totp, r.email).await?;
            done()
        }),
        SignUp => op!(SignUpRequest, |r| encode(
            c.sign_up(&r.username, &r.password, r.options).await?
        )),
        ConfirmSignUp => op!(UsernameCodeRequest, |r| encode(
            c.confirm_sign_up(&r.username, &r.confirmation_code).await?
        )),
        ResendSignUpCode => op!(UsernameRequest, |r| Ok(
            json!({ "codeDeliveryDetails": c.resend_sign_up_code(&r.username).await? })
        )),
        ResetPassword => op!(UsernameRequest, |r| Ok(
            json!({ "codeDeliveryDetails": c.reset_password(&r.username).await? })
        )),
        ConfirmResetPassword => op!(ConfirmResetPasswordRequest, |r| {
            c.confirm_reset_password(&r.username, &r.new_password, &r.confirmation_code)
                .await?;
            done()
        }),
        UpdatePassword => op!(UpdatePasswordRequest, |r| {
            c.update_password(&r.old_password, &r.new_password).await?;
            done()
        }),
        FetchUserAttributes => op!(NoArguments, |_r| encode(c.fetch_user_attributes().await?)),
        UpdateUserAttributes => op!(UpdateUserAttributesRequest, |r| Ok(
            json!({ "codeDeliveryDetailsList": c.update_user_attributes(&r.attributes).await? })
        )),
        SendUserAttributeVerificationCode => op!(AttributeRequest, |r| Ok(json!({
            "codeDeliveryDetails":
                c.send_user_attribute_verification_code(&r.attribute_name).await?
        }))),
        ConfirmUserAttribute => op!(ConfirmAttributeRequest, |r| {
            c.confirm_user_attribute(&r.attribute_name, &r.confirmation_code)
                .await?;
            done()
        }),
        DeleteUser => op!(NoArguments, |_r| {
            c.delete_user().await?;
            done()
        }),
        ResetLocalState => op!(NoArguments, |_r| {
            c.reset_local_state().await?;
            done()
        }),
        DeleteUserAttributes => op!(DeleteAttributesRequest, |r| {
            c.delete_user_attributes(&r.attribute_names).await?;
            done()
        }),
    }
}

fn done() -> Result<Value, FfiError> {
    Ok(json!({}))
}

fn encode<T: Serialize>(value: T) -> Result<Value, FfiError> {
    serde_json::to_value(value)
        .map_err(|e| FfiError::invalid_json(format!("cannot encode the result: {e}")))
}

/// The request text as a JSON object; empty text or `null` is `{}`.
fn parse_object(text: &str) -> Result<Value, FfiError> {
    if text.trim().is_empty() {
        return Ok(json!({}));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Null) => Ok(json!({})),
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(FfiError::invalid_json("the request must be a JSON object")),
        Err(e) => Err(FfiError::invalid_json(format!(
            "the request is not valid JSON: {e}"
        ))),
    }
}

/// The request as `T`; a mismatch names the field (`username: invalid type: integer ...`).
fn decode<T: DeserializeOwned>(value: Value) -> Result<T, FfiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!("{path}: ")
        };
        FfiError::invalid_json(format!("the request does not fit: {at}{}", e.inner()))
    })
}

/// A secret argument: zeroed when dropped.
type Secret = Zeroizing<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArguments {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignInRequest {
    username: String,
    password: Option<Secret>,
    #[serde(default)]
    options: SignInOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmSignInRequest {
    challenge_response: Secret,
    #[serde(default)]
    options: ConfirmSignInOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FetchAuthSessionRequest {
    #[serde(default)]
    force_refresh: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignOutRequest {
    #[serde(default)]
    global_sign_out: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ForgetDeviceRequest {
    device_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyTotpSetupRequest {
    code: Secret,
    friendly_device_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMfaPreferenceRequest {
    sms: Option<MfaPreference>,
    totp: Option<MfaPreference>,
    email: Option<MfaPreference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignUpRequest {
    username: String,
    password: Secret,
    #[serde(default)]
    options: SignUpOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsernameRequest {
    username: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UsernameCodeRequest {
    username: String,
    confirmation_code: Secret,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmResetPasswordRequest {
    username: String,
    new_password: Secret,
    confirmation_code: Secret,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdatePasswordRequest {
    old_password: Secret,
    new_password: Secret,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateUserAttributesRequest {
    attributes: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeleteAttributesRequest {
    attribute_names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AttributeRequest {
    attribute_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmAttributeRequest {
    attribute_name: String,
    confirmation_code: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_anything_is_sent() {
        let ok: SignInRequest = decode(
            parse_object(
                r#"{"username":"a","options":{"authFlow":{"type":"USER_AUTH","preferredFirstFactor":"EMAIL_OTP"}}}"#,
            )
            .unwrap(),
        )
        .map_err(|e| e.json)
        .unwrap();
        assert_eq!(
            ok.options.auth_flow,
            cognito_auth_core::AuthFlow::UserAuth {
                preferred_first_factor: Some(cognito_auth_core::AuthFactor::EmailOtp)
            }
        );
        assert!(ok.password.is_none());
        for bad in [
            r#"{"username":"a","options":{"authFlow":{"type":"NOPE"}}}"#,
            r#"{"username":"a","pasword":"typo"}"#,
            r#"{"username":3}"#,
            r#"{}"#,
        ] {
            let error = parse_object(bad)
                .and_then(decode::<SignInRequest>)
                .err()
                .unwrap_or_else(|| panic!("{bad} was accepted"));
            assert_eq!(
                error.code,
                crate::CognitoErrorCode::InvalidJson as i32,
                "{bad}"
            );
        }
        assert!(parse_object("[1]").is_err());
        assert!(parse_object("{").is_err());
        assert_eq!(parse_object("").unwrap(), json!({}));
        assert_eq!(parse_object("null").unwrap(), json!({}));
        assert!(decode::<NoArguments>(json!({"x": 1})).is_err());
    }

    #[test]
    fn operation_codes_are_dense_and_stable() {
        for (index, op) in CognitoOperation::ALL.iter().enumerate() {
            assert_eq!(*op as i32, index as i32 + 1);
            assert_eq!(CognitoOperation::from_code(*op as i32), Some(*op));
        }
        assert_eq!(CognitoOperation::from_code(0), None);
        assert_eq!(CognitoOperation::from_code(30), None);
    }
}
