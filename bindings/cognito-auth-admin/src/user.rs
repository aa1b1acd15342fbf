//! A user at a glance: status, attributes, MFA settings and devices (`AdminGetUser` and
//! `AdminListDevices`).

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use cognito_auth_core::{MfaPreferences, MfaType, UserAttribute};
use serde::{Deserialize, Serialize};

use crate::devices::check_username;
use crate::{AdminClient, AdminError};

/// A user as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    /// The canonical username (the `sub` in pools that sign in with e-mail or phone).
    pub username: String,
    /// Cognito's user status: `CONFIRMED`, `UNCONFIRMED`, `FORCE_CHANGE_PASSWORD`,
    /// `RESET_REQUIRED`, `EXTERNAL_PROVIDER`, ...
    pub status: Option<String>,
    /// Whether the user may sign in (`AdminDisableUser` turns this off).
    pub enabled: bool,
    /// The user's attributes (`sub`, `email`, `phone_number`, ...), as Cognito lists them.
    pub attributes: Vec<UserAttribute>,
    /// The MFA methods enabled for the user and the preferred one.
    pub mfa: MfaPreferences,
    /// Devices Cognito tracks for the user.
    pub device_count: u32,
    /// Of those, the remembered ones (they skip MFA when the pool allows it).
    pub remembered_device_count: u32,
    /// Seconds since the epoch.
    pub created_at: Option<f64>,
    /// Seconds since the epoch.
    pub last_modified_at: Option<f64>,
}

impl AdminUser {
    /// The value of attribute `name`, if the user has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
}

/// The MFA methods of an `AdminGetUser` answer (`UserMFASettingList`, `PreferredMfaSetting`).
pub(crate) fn mfa_of(user: &AdminGetUserOutput) -> MfaPreferences {
    MfaPreferences {
        enabled: user
            .user_mfa_setting_list()
            .iter()
            .filter_map(|m| MfaType::parse(m))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        preferred: user.preferred_mfa_setting().and_then(MfaType::parse),
    }
}

impl AdminClient {
    /// `AdminGetUser`, as the SDK answers it.
    pub(crate) async fn get_user(&self, username: &str) -> Result<AdminGetUserOutput, AdminError> {
        check_username(username)?;
        self.sdk
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(AdminError::from_sdk)
    }

    /// The user's status, attributes, MFA settings and device counts.
    pub async fn show_user(&self, username: &str) -> Result<AdminUser, AdminError> {
        let user = self.get_user(username).await?;
        let devices = self.list_devices(username).await?;
        let remembered = devices.iter().filter(|d| d.is_remembered()).count();
        Ok(AdminUser {
            username: user.username().to_owned(),
            status: user.user_status().map(|s| s.as_str().to_owned()),
            enabled: user.enabled(),
            attributes: user
                .user_attributes()
                .iter()
                .map(|a| UserAttribute {
                    name: a.name().to_owned(),
                    value: a.value().unwrap_or_default().to_owned(),
                })
                .collect(),
            mfa: mfa_of(&user),
            device_count: u32::try_from(devices.len()).unwrap_or(u32::MAX),
            remembered_device_count: u32::try_from(remembered).unwrap_or(u32::MAX),
            created_at: user.user_create_date().map(|d| d.as_secs_f64()),
            last_modified_at: user.user_last_modified_date().map(|d| d.as_secs_f64()),
        })
    }

    /// Signs `username` out everywhere (`AdminUserGlobalSignOut`): every refresh token is
    /// revoked, and access tokens stop working for the operations that check revocation.
    pub async fn sign_out_everywhere(&self, username: &str) -> Result<(), AdminError> {
        check_username(username)?;
        self.sdk
            .admin_user_global_sign_out()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        Ok(())
    }
}
