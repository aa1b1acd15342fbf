//! A user's devices, as an administrator: list (every page), get, forget, set remembered.

use aws_sdk_cognitoidentityprovider::types::{DeviceRememberedStatusType, DeviceType};
use cognito_auth_core::DeviceStatus;
use serde::{Deserialize, Serialize};

use crate::{AdminClient, AdminError};

/// A device of a user, as `AdminListDevices` / `AdminGetDevice` describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminDevice {
    /// The device key (`us-east-1_...`), as the core's `AuthDevice` calls it.
    pub id: String,
    /// The name given at `ConfirmDevice`.
    pub name: Option<String>,
    /// `REMEMBERED` or `NOT_REMEMBERED` (Cognito's `dev:device_remembered_status`).
    pub status: DeviceStatus,
    /// Seconds since the epoch.
    pub created_at: Option<f64>,
    /// Seconds since the epoch: the last sign-in that this device proved (device SRP).
    pub last_authenticated_at: Option<f64>,
    /// Seconds since the epoch.
    pub last_modified_at: Option<f64>,
    /// The IP address of the last sign-in with this device, when Cognito reports it.
    pub last_ip_used: Option<String>,
}

impl AdminDevice {
    /// Whether signing in with this device skips MFA (when the pool allows it).
    pub fn is_remembered(&self) -> bool {
        self.status == DeviceStatus::Remembered
    }

    pub(crate) fn from_sdk(device: &DeviceType) -> Result<AdminDevice, AdminError> {
        let attribute = |name: &str| {
            device
                .device_attributes()
                .iter()
                .find(|a| a.name() == name)
                .and_then(|a| a.value())
                .map(str::to_owned)
        };
        let id = device
            .device_key()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| AdminError::InvalidResponse {
                detail: "a device without a DeviceKey".into(),
            })?;
        let status = match attribute("dev:device_remembered_status").as_deref() {
            Some("remembered") => DeviceStatus::Remembered,
            _ => DeviceStatus::NotRemembered,
        };
        Ok(AdminDevice {
            id: id.to_owned(),
            name: attribute("device_name"),
            status,
            created_at: device.device_create_date().map(|d| d.as_secs_f64()),
            last_authenticated_at: device
                .device_last_authenticated_date()
                .map(|d| d.as_secs_f64()),
            last_modified_at: device.device_last_modified_date().map(|d| d.as_secs_f64()),
            last_ip_used: attribute("last_ip_used"),
        })
    }
}

/// Most pages [`AdminClient::list_devices`] follows: a pagination token that never ends is a
/// broken answer, not a reason to loop for ever.
const MAX_PAGES: usize = 10_000;

impl AdminClient {
    /// Every device of `username` (`AdminListDevices`, all pages).
    pub async fn list_devices(&self, username: &str) -> Result<Vec<AdminDevice>, AdminError> {
        check_username(username)?;
        let mut devices = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .sdk
                .admin_list_devices()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .limit(self.page_size)
                .set_pagination_token(token.take())
                .send()
                .await
                .map_err(AdminError::from_sdk)?;
            for device in page.devices() {
                devices.push(AdminDevice::from_sdk(device)?);
            }
            match page.pagination_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(devices),
            }
        }
        Err(AdminError::InvalidResponse {
            detail: format!("AdminListDevices was still paginating after {MAX_PAGES} pages"),
        })
    }

    /// One device of `username` (`AdminGetDevice`); an unknown key is Cognito's
    /// `ResourceNotFoundException`.
    pub async fn get_device(
        &self,
        username: &str,
        device_key: &str,
    ) -> Result<AdminDevice, AdminError> {
        check_username(username)?;
        check_device_key(device_key)?;
        let out = self
            .sdk
            .admin_get_device()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .device_key(device_key)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        let device = out.device().ok_or_else(|| AdminError::InvalidResponse {
            detail: "AdminGetDevice answered without a Device".into(),
        })?;
        AdminDevice::from_sdk(device)
    }

    /// Forgets a device of `username` (`AdminForgetDevice`): Cognito stops tracking it, so the
    /// next sign-in there asks for MFA again (and the app's stored device key is refused, which
    /// the project's clients handle by signing in without it).
    pub async fn forget_device(&self, username: &str, device_key: &str) -> Result<(), AdminError> {
        check_username(username)?;
        check_device_key(device_key)?;
        self.sdk
            .admin_forget_device()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .device_key(device_key)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        Ok(())
    }

    /// Sets whether a device of `username` is remembered (`AdminUpdateDeviceStatus`).
    pub async fn set_device_remembered(
        &self,
        username: &str,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), AdminError> {
        check_username(username)?;
        check_device_key(device_key)?;
        let status = if remembered {
            DeviceRememberedStatusType::Remembered
        } else {
            DeviceRememberedStatusType::NotRemembered
        };
        self.sdk
            .admin_update_device_status()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .device_key(device_key)
            .device_remembered_status(status)
            .send()
            .await
            .map_err(AdminError::from_sdk)?;
        Ok(())
    }
}

pub(crate) fn check_username(username: &str) -> Result<(), AdminError> {
    if username.trim().is_empty() {
        return Err(AdminError::invalid_input("The username is empty."));
    }
    Ok(())
}

fn check_device_key(device_key: &str) -> Result<(), AdminError> {
    if device_key.trim().is_empty() {
        return Err(AdminError::invalid_input("The device key is empty."));
    }
    Ok(())
}
