//! Recovery from a lost authenticator (TOTP device), as Cognito's API reference describes it:
//! the lost software token is deleted (`AdminDeleteSoftwareToken`) and the user either gets SMS
//! MFA instead (`AdminSetUserMFAPreference`, after `AdminUpdateUserAttributes` when a phone
//! number is given) or no MFA method at all, so that a pool that requires MFA asks the user to
//! set one up at the next sign-in (`MFA_SETUP`).

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, EmailMfaSettingsType, SmsMfaSettingsType,
};
use cognito_auth_core::{MfaPreferences, MfaType};
use serde::{Deserialize, Serialize};

use crate::user::mfa_of;
use crate::{AdminClient, AdminError};

/// What to give a user who lost their authenticator instead of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoverTo {
    /// SMS MFA, enabled and preferred. With `phone_number` (E.164, `+15555550100`) the user's
    /// `phone_number` is set first and marked verified (the administrator vouches for it);
    /// without it the user must already have one.
    Sms {
        /// The number codes go to from now on.
        phone_number: Option<String>,
    },
    /// No MFA method: SMS and e-mail MFA are turned off too. In a pool that requires MFA the
    /// next sign-in then asks the user to set MFA up (`MFA_SETUP`) — unless the user has a
    /// phone number, which Cognito uses for SMS MFA in such a pool; in a pool where MFA is
    /// optional the user signs in without MFA.
    Disable,
}

/// Which recovery was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MfaRecoveryAction {
    /// [`RecoverTo::Sms`].
    ToSms,
    /// [`RecoverTo::Disable`].
    Disable,
}

/// What [`AdminClient::recover_mfa`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaRecovery {
    /// The user, as given.
    pub username: String,
    /// The recovery made.
    pub action: MfaRecoveryAction,
    /// Whether the user's phone number was set (and marked verified).
    pub phone_number_updated: bool,
    /// Whether the user's software token (the lost authenticator) was deleted.
    pub software_token_deleted: bool,
    /// Whether the user was signed out everywhere.
    pub signed_out: bool,
    /// The user's MFA methods before.
    pub before: MfaPreferences,
    /// The user's MFA methods after.
    pub after: MfaPreferences,
}

impl AdminClient {
    /// Lets a user who lost their authenticator back in (see [`RecoverTo`]); with `sign_out`,
    /// also signs the user out everywhere (`AdminUserGlobalSignOut`), so a lost phone's
    /// sessions end too.
    ///
    /// Everything that can be checked is checked before the first change (the user exists; a
    /// phone number is well-formed, or the user has one). The changes are made in this order:
    /// phone number, MFA preference, software token deletion, sign-out; if one fails, the error
    /// is returned and the earlier ones stay made (running the recovery again is safe).
    pub async fn recover_mfa(
        &self,
        username: &str,
        to: RecoverTo,
        sign_out: bool,
    ) -> Result<MfaRecovery, AdminError> {
        let user = self.get_user(username).await?;
        let before = mfa_of(&user);
        let has_phone = user
            .user_attributes()
            .iter()
            .any(|a| a.name() == "phone_number" && a.value().is_some_and(|v| !v.is_empty()));
        let mut report = MfaRecovery {
            username: username.to_owned(),
            action: match to {
                RecoverTo::Sms { .. } => MfaRecoveryAction::ToSms,
                RecoverTo::Disable => MfaRecoveryAction::Disable,
            },
            phone_number_updated: false,
            software_token_deleted: false,
            signed_out: false,
            after: before.clone(),
            before,
        };
        match &to {
            RecoverTo::Sms { phone_number } => {
                if let Some(phone) = phone_number {
                    check_phone_number(phone)?;
                    self.set_phone_number(username, phone).await?;
                    report.phone_number_updated = true;
                } else if !has_phone {
                    return Err(AdminError::invalid_input(
                        "The user has no phone number for SMS codes; give one (E.164, e.g. +15555550100).",
                    ));
                }
                self.set_mfa(username, Some(true), None).await?;
            }
            RecoverTo::Disable => {
                let sms = report.before.enabled.contains(&MfaType::Sms);
                let email = report.before.enabled.contains(&MfaType::Email);
                if sms || email {
                    self.set_mfa(username, sms.then_some(false), email.then_some(false))
                        .await?;
                }
            }
        }
        if report.before.enabled.contains(&MfaType::Totp)
            || report.before.preferred == Some(MfaType::Totp)
        {
            self.delete_software_token(username).await?;
            report.software_token_deleted = true;
        }
        if sign_out {
            self.sign_out_everywhere(username).await?;
            report.signed_out = true;
        }
        report.after = mfa_of(&self.get_user(username).await?);
        Ok(report)
    }

    /// Deletes the user's TOTP software token (`AdminDeleteSoftwareToken`): the authenticator
    /// stops working, and any preference for TOTP goes with it.
    pub async fn delete_software_token(&self, username: &str) -> Result<(), AdminError> {
        self.sdk
            .admin_delete_software_token()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        Ok(())
    }

    async fn set_phone_number(&self, username: &str, phone: &str) -> Result<(), AdminError> {
        let attribute = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(|e| AdminError::invalid_input(e.to_string()))
        };
        self.sdk
            .admin_update_user_attributes()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .user_attributes(attribute("phone_number", phone)?)
            .user_attributes(attribute("phone_number_verified", "true")?)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        Ok(())
    }

    /// `AdminSetUserMFAPreference` for SMS and e-mail: `Some(true)` enables and prefers,
    /// `Some(false)` disables, `None` leaves the method out of the request.
    async fn set_mfa(
        &self,
        username: &str,
        sms: Option<bool>,
        email: Option<bool>,
    ) -> Result<(), AdminError> {
        let mut request = self
            .sdk
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.user_pool_id)
            .username(username);
        if let Some(on) = sms {
            request = request.sms_mfa_settings(
                SmsMfaSettingsType::builder()
                    .enabled(on)
                    .preferred_mfa(on)
                    .build(),
            );
        }
        if let Some(on) = email {
            request = request.email_mfa_settings(
                EmailMfaSettingsType::builder()
                    .enabled(on)
                    .preferred_mfa(on)
                    .build(),
            );
        }
        request.send().await.map_err(AdminError::from_sdk)?;
        Ok(())
    }
}

/// E.164: `+`, then 2 to 15 digits, the first not 0.
fn check_phone_number(phone: &str) -> Result<(), AdminError> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    let ok = (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err(AdminError::invalid_input(format!(
            "{phone:?} is not a phone number in E.164 form (e.g. +15555550100)."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_must_be_e164() {
        assert!(check_phone_number("+15555550100").is_ok());
        for bad in [
            "15555550100",
            "+",
            "+0555",
            "+1 555 555",
            "+1555555010012345",
            "",
        ] {
            assert!(check_phone_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn actions_are_encoded_in_screaming_snake_case() {
        assert_eq!(
            serde_json::to_value(MfaRecoveryAction::ToSms).unwrap(),
            "TO_SMS"
        );
    }
}
