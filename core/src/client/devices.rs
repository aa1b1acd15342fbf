//! Remembered devices: tracking after sign-in (`ConfirmDevice`), remember / forget / fetch.
//!
//! Cognito's vocabulary: a device is **tracked** once `ConfirmDevice` registered its SRP
//! verifier; a tracked device is **remembered** (it may skip MFA) or **not remembered**; a
//! **forgotten** device is no longer tracked and its key and secret are deleted here too.

use serde::{Deserialize, Serialize};

use super::AuthClient;
use crate::api::types::{
    ConfirmDeviceRequest, ConfirmDeviceResponse, DeviceKeyRequest, DeviceSecretVerifierConfig,
    DeviceType, Empty, GetDeviceResponse, ListDevicesRequest, ListDevicesResponse,
    NewDeviceMetadata, UpdateDeviceStatusRequest,
};
use crate::error::AuthError;
use crate::srp::DeviceSecret;
use crate::store::{read_json, write_json, StoredDevice, StoredDeviceState};

/// A device's standing with Cognito, as this client knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeviceStatus {
    /// Tracked and remembered: signing in here skips MFA when the pool allows it.
    Remembered,
    /// Tracked but not remembered: MFA is still asked.
    NotRemembered,
    /// Forgotten: no longer tracked; its key and secret are gone.
    Forgotten,
    /// Not tracked (the pool does not track devices, or tracking failed).
    NotTracked,
}

/// What a sign-in did with this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeviceOutcome {
    /// Cognito now tracks this device.
    Tracked {
        /// The device key.
        device_key: String,
        /// Remembered (pool mode "Always") or not remembered (mode "User opt-in").
        status: DeviceStatus,
        /// The pool lets the user choose: ask them, then call
        /// [`AuthClient::remember_device`] if they agree.
        ask_user_to_remember: bool,
    },
    /// Cognito offered to track the device, but confirming it failed; the sign-in succeeded
    /// anyway and the next sign-in will try again.
    NotTracked {
        /// Why.
        reason: String,
    },
}

/// A device of the user, as [`AuthClient::fetch_devices`] lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthDevice {
    /// The device key.
    pub id: String,
    /// The name given at `ConfirmDevice`.
    pub name: Option<String>,
    /// Remembered or not (as Cognito reports it).
    pub status: DeviceStatus,
    /// Seconds since the epoch.
    pub created_at: Option<f64>,
    /// Seconds since the epoch.
    pub last_authenticated_at: Option<f64>,
    /// Seconds since the epoch.
    pub last_modified_at: Option<f64>,
    /// Whether this is the device this client runs on.
    pub is_current_device: bool,
}

/// Devices listed per `ListDevices` page (Cognito's maximum).
const DEVICES_PER_PAGE: u32 = 60;

/// `fetch_devices` gives up after this many pages (6000 devices): an endpoint that keeps
/// returning pages is broken, and the app must not loop with it.
const MAX_DEVICE_PAGES: usize = 100;

/// Writes of a confirmed device before it is left pending.
const DEVICE_WRITE_ATTEMPTS: u32 = 3;

/// Whether a call that failed with `error` may still have been applied by Cognito: the request
/// may have arrived although no answer did (or only a broken or server-error one).
fn may_have_been_applied(error: &AuthError) -> bool {
    matches!(
        error,
        AuthError::Network { .. } | AuthError::Timeout | AuthError::InvalidResponse { .. }
    ) || error.exception() == Some(crate::error::CognitoException::InternalError)
}

impl AuthClient {
    /// Tracks a device Cognito has just issued: the secret is saved as *pending* before
    /// `ConfirmDevice` is called, so it is never lost. The user is already signed in, so
    /// nothing here fails the sign-in: a failure is the outcome [`DeviceOutcome::NotTracked`].
    ///
    /// If `ConfirmDevice` may have been applied although it failed (the connection broke, no
    /// answer in time, a server error), the pending record is kept, and the next sign-in or
    /// refresh asks Cognito whether it knows the device
    /// ([`AuthClient::reconcile_pending_device`]). A record that cannot be saved once Cognito
    /// confirmed the device is written again; if it still cannot be, it stays pending, to be
    /// reconciled the same way.
    pub(super) async fn track_new_device(
        &self,
        username: &str,
        access_token: &str,
        metadata: &NewDeviceMetadata,
    ) -> DeviceOutcome {
        let not_tracked = |reason: String| {
            tracing::warn!(%reason, "the device is not tracked");
            DeviceOutcome::NotTracked { reason }
        };
        let secret =
            match DeviceSecret::try_generate(&metadata.device_group_key, &metadata.device_key) {
                Ok(secret) => secret,
                Err(error) => return not_tracked(AuthError::from(error).to_string()),
            };
        let mut record = StoredDevice {
            device_key: metadata.device_key.clone(),
            device_group_key: metadata.device_group_key.clone(),
            device_secret: secret.secret().to_owned(),
            state: StoredDeviceState::Pending,
        };
        if let Err(error) = write_json(self.store.as_ref(), &self.keys.device(username), &record) {
            // Without its secret saved, the device must not be confirmed.
            return not_tracked(format!("the device secret could not be saved: {error}"));
        }
        let request = ConfirmDeviceRequest {
            access_token: access_token.to_owned(),
            device_key: metadata.device_key.clone(),
            device_secret_verifier_config: DeviceSecretVerifierConfig {
                password_verifier: secret.verifier_b64(),
                salt: secret.salt_b64(),
            },
            device_name: self.config.device_name(),
        };
        let response = match self
            .call::<_, ConfirmDeviceResponse>("ConfirmDevice", &request)
            .await
        {
            Ok(response) => response,
            Err(error) if may_have_been_applied(&error) => {
                tracing::warn!(
                    "ConfirmDevice may have been applied; the device secret is kept and checked \
                     at the next sign-in"
                );
                return DeviceOutcome::NotTracked {
                    reason: format!("{error} (kept: checked again at the next sign-in)"),
                };
            }
            Err(error) => {
                if let Err(store_error) = self.store.delete(&self.keys.device(username)) {
                    tracing::warn!(%store_error, "could not delete the unconfirmed device");
                }
                return not_tracked(error.to_string());
            }
        };
        let remembered = !response.user_confirmation_necessary;
        record.state = if remembered {
            StoredDeviceState::Remembered
        } else {
            StoredDeviceState::NotRemembered
        };
        self.save_confirmed_device(username, &record);
        tracing::info!(remembered, "device tracked");
        if remembered {
            self.listeners.emit(super::AuthEvent::DeviceRemembered {
                device_key: record.device_key.clone(),
            });
        }
        DeviceOutcome::Tracked {
            device_key: record.device_key.clone(),
            status: status_of(record.state),
            ask_user_to_remember: response.user_confirmation_necessary,
        }
    }

    /// Writes a device Cognito has confirmed, trying again if the store fails. If it still
    /// fails, the record stays pending (its secret is safe) and is reconciled later.
    fn save_confirmed_device(&self, username: &str, record: &StoredDevice) {
        let key = self.keys.device(username);
        for attempt in 1..=DEVICE_WRITE_ATTEMPTS {
            match write_json(self.store.as_ref(), &key, record) {
                Ok(()) => return,
                Err(error) => tracing::warn!(
                    %error,
                    attempt,
                    "the confirmed device could not be saved"
                ),
            }
        }
        tracing::warn!(
            "the device stays saved as pending; the next sign-in or refresh checks it with Cognito"
        );
    }

    /// Settles a device left *pending* by a `ConfirmDevice` whose outcome is unknown, with a
    /// valid access token: Cognito lists it (`GetDevice`) → confirmed, with Cognito's
    /// remembered status; Cognito does not know it → deleted (the sign-in's new device, if any,
    /// is tracked instead); no answer → still pending.
    ///
    /// `None` when there was nothing to settle or the pending device was dropped (the caller
    /// tracks the new device); otherwise what happened to this device.
    pub(super) async fn reconcile_pending_device(
        &self,
        username: &str,
        access_token: &str,
    ) -> Option<DeviceOutcome> {
        let mut record = match self.stored_device(username) {
            Ok(Some(record)) if record.state == StoredDeviceState::Pending => record,
            _ => return None,
        };
        let request = DeviceKeyRequest {
            access_token: access_token.to_owned(),
            device_key: record.device_key.clone(),
        };
        match self
            .call::<_, GetDeviceResponse>("GetDevice", &request)
            .await
        {
            Ok(response) => {
                let remembered = describe(response.device, None).status == DeviceStatus::Remembered;
                record.state = if remembered {
                    StoredDeviceState::Remembered
                } else {
                    StoredDeviceState::NotRemembered
                };
                self.save_confirmed_device(username, &record);
                tracing::info!(remembered, "a device left pending is confirmed");
                if remembered {
                    self.listeners.emit(super::AuthEvent::DeviceRemembered {
                        device_key: record.device_key.clone(),
                    });
                }
                Some(DeviceOutcome::Tracked {
                    device_key: record.device_key.clone(),
                    status: status_of(record.state),
                    ask_user_to_remember: !remembered,
                })
            }
            Err(error) if may_have_been_applied(&error) || error.is_retryable() => {
                tracing::warn!("a device left pending could not be checked; kept for next time");
                Some(DeviceOutcome::NotTracked {
                    reason: format!(
                        "{error} (a device left pending is kept: checked again at the next \
                         sign-in)"
                    ),
                })
            }
            Err(_) => {
                tracing::info!("a device left pending was never confirmed; it is dropped");
                if let Err(error) = self.store.delete(&self.keys.device(username)) {
                    tracing::warn!(%error, "could not delete the unconfirmed device");
                }
                None
            }
        }
    }

    /// Remembers this device, so that signing in here skips MFA (when the pool allows it).
    pub async fn remember_device(&self) -> Result<(), AuthError> {
        self.set_device_status(true).await
    }

    /// Marks this device as not remembered (still tracked): MFA is asked again.
    pub async fn stop_remembering_device(&self) -> Result<(), AuthError> {
        self.set_device_status(false).await
    }

    async fn set_device_status(&self, remembered: bool) -> Result<(), AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let mut device = self.usable_device(&username)?.ok_or_else(|| {
            AuthError::invalid_state("This device is not tracked by Cognito; sign in first on a pool that tracks devices.")
        })?;
        let request = UpdateDeviceStatusRequest {
            access_token: self.access_token().await?,
            device_key: device.device_key.clone(),
            device_remembered_status: if remembered {
                "remembered"
            } else {
                "not_remembered"
            }
            .into(),
        };
        self.call::<_, Empty>("UpdateDeviceStatus", &request)
            .await?;
        device.state = if remembered {
            StoredDeviceState::Remembered
        } else {
            StoredDeviceState::NotRemembered
        };
        write_json(self.store.as_ref(), &self.keys.device(&username), &device)?;
        tracing::info!(remembered, "device status updated");
        if remembered {
            self.listeners.emit(super::AuthEvent::DeviceRemembered {
                device_key: device.device_key.clone(),
            });
        }
        Ok(())
    }

    /// Forgets a device. With `None`, this device: Cognito stops tracking it and its secret is
    /// deleted here (its status becomes [`DeviceStatus::Forgotten`]), so the next sign-in asks
    /// for MFA again and Cognito issues a new device. Cognito also ends the refresh token of a
    /// session bound to the forgotten device: this device's session lasts until its tokens
    /// expire, then the user signs in again. A device Cognito already forgot (an earlier call
    /// whose answer was lost) is forgotten here without an error.
    pub async fn forget_device(&self, device_id: Option<&str>) -> Result<(), AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let current = self.usable_device(&username)?;
        let device_key = match (device_id, &current) {
            (Some(id), _) => id.to_owned(),
            (None, Some(device)) => device.device_key.clone(),
            (None, None) => {
                return Err(AuthError::invalid_state(
                    "This device is not tracked, so there is nothing to forget.",
                ))
            }
        };
        let request = DeviceKeyRequest {
            access_token: self.access_token().await?,
            device_key: device_key.clone(),
        };
        let this_device = current.is_some_and(|d| d.device_key == device_key);
        match self.call::<_, Empty>("ForgetDevice", &request).await {
            Ok(_) => {}
            // This device is already gone at Cognito (an earlier ForgetDevice whose answer was
            // lost, or another client forgot it): forgetting it here completes the job.
            Err(AuthError::Service {
                exception: crate::error::CognitoException::ResourceNotFound,
                ..
            }) if this_device => {
                tracing::info!("Cognito no longer knows this device; forgetting it here");
            }
            Err(error) => return Err(error),
        }
        if this_device {
            let tombstone = StoredDevice {
                device_key: device_key.clone(),
                device_group_key: String::new(),
                device_secret: String::new(),
                state: StoredDeviceState::Forgotten,
            };
            write_json(
                self.store.as_ref(),
                &self.keys.device(&username),
                &tombstone,
            )?;
            tracing::info!("this device was forgotten");
        }
        self.listeners
            .emit(super::AuthEvent::DeviceForgotten { device_key });
        Ok(())
    }

    /// The status of this device for the signed-in user.
    pub fn current_device_status(&self) -> Result<DeviceStatus, AuthError> {
        let Some(username) = self.current_username()? else {
            return Ok(DeviceStatus::NotTracked);
        };
        Ok(match self.stored_device(&username)? {
            Some(device) => status_of(device.state),
            None => DeviceStatus::NotTracked,
        })
    }

    /// Every device of the signed-in user (all pages), the current one marked.
    pub async fn fetch_devices(&self) -> Result<Vec<AuthDevice>, AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let current_key = self.usable_device(&username)?.map(|d| d.device_key.clone());
        let access_token = self.access_token().await?;
        let mut devices = Vec::new();
        let mut pagination_token: Option<String> = None;
        for _ in 0..MAX_DEVICE_PAGES {
            let request = ListDevicesRequest {
                access_token: access_token.clone(),
                limit: DEVICES_PER_PAGE,
                pagination_token: pagination_token.clone(),
            };
            let page: ListDevicesResponse = self.call("ListDevices", &request).await?;
            devices.extend(
                page.devices
                    .into_iter()
                    .map(|d| describe(d, current_key.as_deref())),
            );
            match page.pagination_token {
                Some(token) if token.is_empty() => return Ok(devices),
                Some(token) if pagination_token.as_deref() == Some(token.as_str()) => {
                    return Err(AuthError::invalid_response(
                        "ListDevices returned the same page token twice",
                    ))
                }
                Some(token) => pagination_token = Some(token),
                None => return Ok(devices),
            }
        }
        Err(AuthError::invalid_response(format!(
            "ListDevices kept returning pages (more than {MAX_DEVICE_PAGES}); stopped"
        )))
    }

    pub(super) fn stored_device(&self, username: &str) -> Result<Option<StoredDevice>, AuthError> {
        read_json(self.store.as_ref(), &self.keys.device(username))
    }

    /// The stored device if it can answer `DEVICE_SRP_AUTH` (confirmed, not forgotten).
    pub(super) fn usable_device(&self, username: &str) -> Result<Option<StoredDevice>, AuthError> {
        Ok(self.stored_device(username)?.filter(|d| d.state.usable()))
    }

    /// Deletes the stored device of the user who typed `typed`.
    pub(super) fn forget_local_device_of(&self, typed: &str) -> Result<(), AuthError> {
        if let Some(canonical) = self.canonical_username(typed)? {
            self.store.delete(&self.keys.device(&canonical))?;
        }
        Ok(())
    }
}

fn status_of(state: StoredDeviceState) -> DeviceStatus {
    match state {
        StoredDeviceState::Remembered => DeviceStatus::Remembered,
        StoredDeviceState::NotRemembered => DeviceStatus::NotRemembered,
        StoredDeviceState::Forgotten => DeviceStatus::Forgotten,
        StoredDeviceState::Pending => DeviceStatus::NotTracked,
    }
}

fn describe(device: DeviceType, current_key: Option<&str>) -> AuthDevice {
    let attribute = |name: &str| {
        device
            .device_attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.clone())
    };
    let status = match attribute("dev:device_remembered_status").as_deref() {
        Some("remembered") => DeviceStatus::Remembered,
        _ => DeviceStatus::NotRemembered,
    };
    AuthDevice {
        name: attribute("device_name"),
        status,
        created_at: device.device_create_date,
        last_authenticated_at: device.device_last_authenticated_date,
        last_modified_at: device.device_last_modified_date,
        is_current_device: current_key == Some(device.device_key.as_str()),
        id: device.device_key,
    }
}
