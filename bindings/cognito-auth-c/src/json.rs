//! Request JSON in, result JSON out: the conversions between the C API's JSON and the core's
//! types. Field names are camelCase; enum values are the SCREAMING_SNAKE names Amplify uses.

use std::collections::BTreeMap;

use cognito_auth_core::{
    AuthDevice, AuthFactor, AuthFlow, AuthSession, AuthUser, CodeDeliveryDetails,
    ConfirmSignInOptions, DeliveryMedium, DeviceOutcome, DeviceStatus, MfaPreference,
    MfaPreferences, MfaType, SignInNextStep, SignInOptions, SignInResult, SignUpOptions,
    SignUpResult, SignUpStep, TotpSetupDetails, UserAttribute,
};
use serde_json::{json, Map, Value};

use crate::error::FfiError;

/// A parsed request object.
pub struct Request {
    fields: Map<String, Value>,
}

impl Request {
    /// Parses a request; an empty text is an empty object.
    pub fn parse(text: &str) -> Result<Request, FfiError> {
        if text.trim().is_empty() {
            return Ok(Request { fields: Map::new() });
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(fields)) => Ok(Request { fields }),
            Ok(Value::Null) => Ok(Request { fields: Map::new() }),
            Ok(_) => Err(FfiError::invalid_json("the request must be a JSON object")),
            Err(e) => Err(FfiError::invalid_json(format!(
                "the request is not valid JSON: {e}"
            ))),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }

    /// A required string field.
    pub fn string(&self, name: &str) -> Result<String, FfiError> {
        self.opt_string(name)?
            .ok_or_else(|| FfiError::invalid_json(format!("the request needs \"{name}\"")))
    }

    /// An optional string field (absent or null → `None`).
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, FfiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(FfiError::invalid_json(format!(
                "\"{name}\" must be a string"
            ))),
        }
    }

    /// An optional boolean field.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, FfiError> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(FfiError::invalid_json(format!(
                "\"{name}\" must be a boolean"
            ))),
        }
    }

    /// An optional unsigned integer field.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, FfiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                FfiError::invalid_json(format!("\"{name}\" must be a non-negative integer"))
            }),
        }
    }

    /// An optional map of strings (absent → empty).
    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, FfiError> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(FfiError::invalid_json(format!(
                        "the values of \"{name}\" must be strings"
                    ))),
                })
                .collect(),
            Some(_) => Err(FfiError::invalid_json(format!(
                "\"{name}\" must be an object of strings"
            ))),
        }
    }

    /// An optional nested object (absent → empty).
    pub fn object(&self, name: &str) -> Result<Request, FfiError> {
        match self.get(name) {
            None => Ok(Request { fields: Map::new() }),
            Some(Value::Object(map)) => Ok(Request {
                fields: map.clone(),
            }),
            Some(_) => Err(FfiError::invalid_json(format!(
                "\"{name}\" must be an object"
            ))),
        }
    }

    /// `SignInOptions` from `{"authFlow", "preferredFirstFactor", "clientMetadata"}`.
    pub fn sign_in_options(&self) -> Result<SignInOptions, FfiError> {
        let preferred_first_factor = match self.opt_string("preferredFirstFactor")? {
            None => None,
            Some(name) => Some(AuthFactor::from_wire_name(&name).ok_or_else(|| {
                FfiError::invalid_json(format!("unknown preferredFirstFactor {name:?}"))
            })?),
        };
        let auth_flow = match self.opt_string("authFlow")?.as_deref() {
            None | Some("USER_SRP_AUTH") => AuthFlow::UserSrp,
            Some("USER_PASSWORD_AUTH") => AuthFlow::UserPassword,
            Some("CUSTOM_WITH_SRP") => AuthFlow::CustomWithSrp,
            Some("CUSTOM_WITHOUT_SRP") => AuthFlow::CustomWithoutSrp,
            Some("USER_AUTH") => AuthFlow::UserAuth {
                preferred_first_factor,
            },
            Some(other) => {
                return Err(FfiError::invalid_json(format!(
                    "unknown authFlow {other:?}"
                )))
            }
        };
        Ok(SignInOptions {
            auth_flow,
            client_metadata: self.string_map("clientMetadata")?,
        })
    }

    /// `ConfirmSignInOptions` from `{"friendlyDeviceName", "userAttributes", "clientMetadata"}`.
    pub fn confirm_sign_in_options(&self) -> Result<ConfirmSignInOptions, FfiError> {
        Ok(ConfirmSignInOptions {
            friendly_device_name: self.opt_string("friendlyDeviceName")?,
            user_attributes: self.string_map("userAttributes")?,
            client_metadata: self.string_map("clientMetadata")?,
        })
    }

    /// `SignUpOptions` from `{"userAttributes", "clientMetadata"}`.
    pub fn sign_up_options(&self) -> Result<SignUpOptions, FfiError> {
        Ok(SignUpOptions {
            user_attributes: self.string_map("userAttributes")?,
            client_metadata: self.string_map("clientMetadata")?,
        })
    }

    /// An optional `MfaPreference` (`ENABLED`, `DISABLED`, `PREFERRED`, `NOT_PREFERRED`).
    pub fn mfa_preference(&self, name: &str) -> Result<Option<MfaPreference>, FfiError> {
        match self.opt_string(name)?.as_deref() {
            None => Ok(None),
            Some("ENABLED") => Ok(Some(MfaPreference::Enabled)),
            Some("DISABLED") => Ok(Some(MfaPreference::Disabled)),
            Some("PREFERRED") => Ok(Some(MfaPreference::Preferred)),
            Some("NOT_PREFERRED") => Ok(Some(MfaPreference::NotPreferred)),
            Some(other) => Err(FfiError::invalid_json(format!(
                "\"{name}\" must be ENABLED, DISABLED, PREFERRED or NOT_PREFERRED, not {other:?}"
            ))),
        }
    }
}

fn mfa_type(t: MfaType) -> &'static str {
    match t {
        MfaType::Sms => "SMS",
        MfaType::Totp => "TOTP",
        MfaType::Email => "EMAIL",
    }
}

fn device_status(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Remembered => "REMEMBERED",
        DeviceStatus::NotRemembered => "NOT_REMEMBERED",
        DeviceStatus::Forgotten => "FORGOTTEN",
        DeviceStatus::NotTracked => "NOT_TRACKED",
    }
}

/// `{"destination", "deliveryMedium", "attributeName"}`.
pub fn delivery(d: &CodeDeliveryDetails) -> Value {
    let medium = match d.delivery_medium {
        DeliveryMedium::Sms => "SMS",
        DeliveryMedium::Email => "EMAIL",
        DeliveryMedium::Unknown => "UNKNOWN",
    };
    json!({
        "destination": d.destination,
        "deliveryMedium": medium,
        "attributeName": d.attribute_name,
    })
}

fn opt_delivery(d: &Option<CodeDeliveryDetails>) -> Value {
    d.as_ref().map_or(Value::Null, delivery)
}

/// `{"sharedSecret", "username"}`.
pub fn totp_details(d: &TotpSetupDetails) -> Value {
    json!({ "sharedSecret": d.shared_secret, "username": d.username })
}

/// `{"signInStep": "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE", ...step fields}`.
pub fn next_step(step: &SignInNextStep) -> Value {
    use SignInNextStep::*;
    let types = |ts: &Vec<MfaType>| ts.iter().map(|t| mfa_type(*t)).collect::<Vec<_>>();
    match step {
        ConfirmSignInWithSmsMfaCode {
            code_delivery_details,
        } => json!({
            "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
            "codeDeliveryDetails": delivery(code_delivery_details),
        }),
        ConfirmSignInWithTotpCode => json!({ "signInStep": "CONFIRM_SIGN_IN_WITH_TOTP_CODE" }),
        ConfirmSignInWithOtp {
            code_delivery_details,
        } => json!({
            "signInStep": "CONFIRM_SIGN_IN_WITH_OTP",
            "codeDeliveryDetails": delivery(code_delivery_details),
        }),
        ContinueSignInWithMfaSelection { allowed_mfa_types } => json!({
            "signInStep": "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
            "allowedMfaTypes": types(allowed_mfa_types),
        }),
        ContinueSignInWithTotpSetup { totp_setup_details } => json!({
            "signInStep": "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
            "totpSetupDetails": totp_details(totp_setup_details),
        }),
        ContinueSignInWithEmailMfaSetup => {
            json!({ "signInStep": "CONTINUE_SIGN_IN_WITH_EMAIL_MFA_SETUP" })
        }
        ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => json!({
            "signInStep": "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION",
            "allowedMfaTypes": types(allowed_mfa_types),
        }),
        ConfirmSignInWithNewPassword { missing_attributes } => json!({
            "signInStep": "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD",
            "missingAttributes": missing_attributes,
        }),
        ConfirmSignInWithCustomChallenge { additional_info } => json!({
            "signInStep": "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
            "additionalInfo": additional_info,
        }),
        ContinueSignInWithFirstFactorSelection { available_factors } => json!({
            "signInStep": "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
            "availableFactors": available_factors.iter().map(|f| f.wire_name()).collect::<Vec<_>>(),
        }),
        ConfirmSignUp => json!({ "signInStep": "CONFIRM_SIGN_UP" }),
        ResetPassword => json!({ "signInStep": "RESET_PASSWORD" }),
        Done => json!({ "signInStep": "DONE" }),
    }
}

/// `{"type": "TRACKED", "deviceKey", "status", "askUserToRemember"}` or
/// `{"type": "NOT_TRACKED", "reason"}`.
pub fn device_outcome(outcome: &DeviceOutcome) -> Value {
    match outcome {
        DeviceOutcome::Tracked {
            device_key,
            status,
            ask_user_to_remember,
        } => json!({
            "type": "TRACKED",
            "deviceKey": device_key,
            "status": device_status(*status),
            "askUserToRemember": ask_user_to_remember,
        }),
        DeviceOutcome::NotTracked { reason } => json!({ "type": "NOT_TRACKED", "reason": reason }),
    }
}

/// `{"isSignedIn", "nextStep", "device"}`.
pub fn sign_in_result(r: &SignInResult) -> Value {
    json!({
        "isSignedIn": r.is_signed_in,
        "nextStep": next_step(&r.next_step),
        "device": r.device.as_ref().map_or(Value::Null, device_outcome),
    })
}

/// `{"isSignedIn", "username", "userSub", "tokens": {"accessToken", "idToken", "expiresAt"}}`.
pub fn session(s: &AuthSession) -> Value {
    json!({
        "isSignedIn": s.is_signed_in,
        "username": s.username,
        "userSub": s.user_sub,
        "tokens": s.tokens.as_ref().map_or(Value::Null, |t| json!({
            "accessToken": t.access_token,
            "idToken": t.id_token,
            "expiresAt": t.expires_at,
        })),
    })
}

/// `[{"id", "name", "status", "createdAt", "lastAuthenticatedAt", "lastModifiedAt", "isCurrentDevice"}]`.
pub fn devices(list: &[AuthDevice]) -> Value {
    Value::Array(
        list.iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "name": d.name,
                    "status": device_status(d.status),
                    "createdAt": d.created_at,
                    "lastAuthenticatedAt": d.last_authenticated_at,
                    "lastModifiedAt": d.last_modified_at,
                    "isCurrentDevice": d.is_current_device,
                })
            })
            .collect(),
    )
}

/// `{"status": "REMEMBERED"}`.
pub fn current_device_status(s: DeviceStatus) -> Value {
    json!({ "status": device_status(s) })
}

/// `{"enabled": ["SMS", ...], "preferred": "TOTP" | null}`.
pub fn mfa_preferences(p: &MfaPreferences) -> Value {
    json!({
        "enabled": p.enabled.iter().map(|t| mfa_type(*t)).collect::<Vec<_>>(),
        "preferred": p.preferred.map(mfa_type),
    })
}

/// `{"isSignUpComplete", "userId", "nextStep": {"signUpStep", "codeDeliveryDetails"}}`.
pub fn sign_up_result(r: &SignUpResult) -> Value {
    let next = match &r.next_step {
        SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } => json!({
            "signUpStep": "CONFIRM_SIGN_UP",
            "codeDeliveryDetails": opt_delivery(code_delivery_details),
        }),
        SignUpStep::Done => json!({ "signUpStep": "DONE", "codeDeliveryDetails": null }),
    };
    json!({
        "isSignUpComplete": r.is_sign_up_complete,
        "userId": r.user_id,
        "nextStep": next,
    })
}

/// `{"codeDeliveryDetails": {...} | null}`.
pub fn code_delivery(d: &Option<CodeDeliveryDetails>) -> Value {
    json!({ "codeDeliveryDetails": opt_delivery(d) })
}

/// `{"codeDeliveryDetailsList": [...]}`.
pub fn code_delivery_list(list: &[CodeDeliveryDetails]) -> Value {
    json!({ "codeDeliveryDetailsList": list.iter().map(delivery).collect::<Vec<_>>() })
}

/// `{"username", "userId"}`.
pub fn user(u: &AuthUser) -> Value {
    json!({ "username": u.username, "userId": u.user_id })
}

/// `[{"name", "value"}]`.
pub fn attributes(list: &[UserAttribute]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| json!({ "name": a.name, "value": a.value }))
            .collect(),
    )
}

/// `{"nextStep": step | null}`.
pub fn pending_step(step: &Option<SignInNextStep>) -> Value {
    json!({ "nextStep": step.as_ref().map_or(Value::Null, next_step) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_step_is_encoded_with_its_delivery() {
        let result = SignInResult {
            is_signed_in: false,
            next_step: SignInNextStep::ConfirmSignInWithSmsMfaCode {
                code_delivery_details: CodeDeliveryDetails {
                    destination: Some("+*******0199".into()),
                    delivery_medium: DeliveryMedium::Sms,
                    attribute_name: Some("phone_number".into()),
                },
            },
            device: None,
        };
        let v = sign_in_result(&result);
        assert_eq!(v["isSignedIn"], false);
        assert_eq!(
            v["nextStep"]["signInStep"],
            "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
        );
        assert_eq!(
            v["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
            "SMS"
        );
        assert_eq!(v["device"], Value::Null);
    }

    #[test]
    fn requests_are_checked() {
        let r = Request::parse(r#"{"username":"a","global":true,"n":3,"m":{"k":"v"}}"#).unwrap();
        assert_eq!(r.string("username").unwrap(), "a");
        assert!(r.bool_or("global", false).unwrap());
        assert_eq!(r.opt_u64("n").unwrap(), Some(3));
        assert_eq!(r.string_map("m").unwrap()["k"], "v");
        assert!(r.string("password").is_err());
        assert!(r.bool_or("username", false).is_err());
        assert!(Request::parse("[1]").is_err());
        assert!(Request::parse("{").is_err());
        assert!(Request::parse("").is_ok());
        assert!(Request::parse("null").is_ok());
    }

    #[test]
    fn sign_in_options_parse_flows() {
        let r = Request::parse(r#"{"authFlow":"USER_AUTH","preferredFirstFactor":"EMAIL_OTP"}"#)
            .unwrap();
        assert_eq!(
            r.sign_in_options().unwrap().auth_flow,
            AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::EmailOtp)
            }
        );
        let bad = Request::parse(r#"{"authFlow":"NOPE"}"#).unwrap();
        assert!(bad.sign_in_options().is_err());
    }
}
