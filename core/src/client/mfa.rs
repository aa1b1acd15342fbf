//! MFA after sign-in: TOTP setup and the user's MFA preferences.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::AuthClient;
use crate::api::types::{
    AccessTokenRequest, AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, Empty,
    GetUserResponse, MfaSettings, SetUserMfaPreferenceRequest, VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse,
};
use crate::error::AuthError;
use crate::signin::{MfaType, TotpSetupDetails};

/// The user's MFA methods.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MfaPreferences {
    /// The methods enabled for the user (sorted: SMS, TOTP, e-mail; no duplicates).
    pub enabled: Vec<MfaType>,
    /// The method used when several are enabled.
    pub preferred: Option<MfaType>,
}

/// A change to one MFA method, for [`AuthClient::update_mfa_preference`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MfaPreference {
    /// Enable it (the preferred method is unchanged).
    Enabled,
    /// Disable it.
    Disabled,
    /// Enable it and make it the preferred method.
    Preferred,
    /// Enable it, and make it not preferred.
    NotPreferred,
}

impl MfaPreference {
    fn settings(self) -> MfaSettings {
        match self {
            MfaPreference::Enabled => MfaSettings {
                enabled: true,
                preferred_mfa: None,
            },
            MfaPreference::Disabled => MfaSettings {
                enabled: false,
                preferred_mfa: Some(false),
            },
            MfaPreference::Preferred => MfaSettings {
                enabled: true,
                preferred_mfa: Some(true),
            },
            MfaPreference::NotPreferred => MfaSettings {
                enabled: true,
                preferred_mfa: Some(false),
            },
        }
    }
}

impl AuthClient {
    /// Starts TOTP setup for the signed-in user: returns the shared secret to show (or its
    /// `otpauth://` URI as a QR code). Finish with [`AuthClient::verify_totp_setup`].
    pub async fn set_up_totp(&self) -> Result<TotpSetupDetails, AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let request = AssociateSoftwareTokenRequest {
            access_token: Some(self.access_token().await?),
            session: None,
        };
        let response: AssociateSoftwareTokenResponse =
            self.call("AssociateSoftwareToken", &request).await?;
        Ok(TotpSetupDetails {
            shared_secret: response.secret_code,
            username,
        })
    }

    /// Finishes TOTP setup with a code from the authenticator app. TOTP is then enabled; make
    /// it preferred with [`AuthClient::update_mfa_preference`].
    pub async fn verify_totp_setup(
        &self,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<(), AuthError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(AuthError::invalid_input("The TOTP code is empty."));
        }
        let request = VerifySoftwareTokenRequest {
            access_token: Some(self.access_token().await?),
            session: None,
            user_code: code.to_owned(),
            friendly_device_name: friendly_device_name.map(str::to_owned),
        };
        let response: VerifySoftwareTokenResponse =
            self.call("VerifySoftwareToken", &request).await?;
        if response.status.as_deref() == Some("SUCCESS") {
            Ok(())
        } else {
            Err(AuthError::service(
                "EnableSoftwareTokenMFAException",
                &format!("VerifySoftwareToken status {:?}", response.status),
            ))
        }
    }

    /// The signed-in user's enabled and preferred MFA methods.
    pub async fn fetch_mfa_preference(&self) -> Result<MfaPreferences, AuthError> {
        let request = AccessTokenRequest {
            access_token: self.access_token().await?,
        };
        let user: GetUserResponse = self.call("GetUser", &request).await?;
        Ok(MfaPreferences {
            enabled: user
                .user_mfa_setting_list
                .iter()
                .filter_map(|m| MfaType::parse(m))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            preferred: user
                .preferred_mfa_setting
                .as_deref()
                .and_then(MfaType::parse),
        })
    }

    /// Changes MFA methods; `None` leaves a method as it is. At most one may be
    /// [`MfaPreference::Preferred`]: that is checked before anything is sent.
    pub async fn update_mfa_preference(
        &self,
        sms: Option<MfaPreference>,
        totp: Option<MfaPreference>,
        email: Option<MfaPreference>,
    ) -> Result<(), AuthError> {
        let preferred = [sms, totp, email]
            .iter()
            .filter(|p| **p == Some(MfaPreference::Preferred))
            .count();
        if preferred > 1 {
            return Err(AuthError::invalid_input(
                "Only one MFA method can be preferred; mark the others Enabled or NotPreferred.",
            ));
        }
        if sms.is_none() && totp.is_none() && email.is_none() {
            return Err(AuthError::invalid_input(
                "No MFA preference to change was given.",
            ));
        }
        let request = SetUserMfaPreferenceRequest {
            access_token: self.access_token().await?,
            sms: sms.map(MfaPreference::settings),
            totp: totp.map(MfaPreference::settings),
            email: email.map(MfaPreference::settings),
        };
        self.call::<_, Empty>("SetUserMFAPreference", &request)
            .await?;
        Ok(())
    }
}
