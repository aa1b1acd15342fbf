//! The [`AuthClient`] object: every operation of the core's `AuthClient`, by the same name.
//! Async methods are `suspend` functions in Kotlin and `async` in Swift; every failure is an
//! [`AuthError`]. The arguments and results are the core's own types (they derive their UniFFI
//! definitions in `cognito-auth-core` with its `uniffi` feature): each method calls the core and
//! maps its error — nothing else.

use std::collections::HashMap;
use std::sync::Arc;

use cognito_auth_core as core;
use cognito_auth_core::{
    AuthConfig, AuthDevice, AuthSession, AuthUser, CodeDeliveryDetails, ConfirmSignInOptions,
    DeviceStatus, MfaPreference, MfaPreferences, SignInNextStep, SignInOptions, SignInResult,
    SignOutResult, SignUpOptions, SignUpResult, TotpSetupDetails, UserAttribute,
};

use crate::error::AuthError;
use crate::events::{AuthEventListener, ForeignListener};
use crate::store::{ForeignStore, SecretStore};

/// Signs users in to one Cognito app client and keeps their session in the host's
/// [`SecretStore`]. Create one per app client and share it; calls may come from any thread.
#[derive(uniffi::Object)]
pub struct AuthClient {
    pub(crate) inner: core::AuthClient,
}

impl AuthClient {
    /// The core client (for Rust callers of this crate).
    pub fn core(&self) -> &core::AuthClient {
        &self.inner
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AuthClient {
    /// A client for `config`, keeping tokens and device secrets in `store`.
    #[uniffi::constructor]
    pub fn new(config: AuthConfig, store: Arc<dyn SecretStore>) -> Result<Arc<Self>, AuthError> {
        let store: Arc<dyn core::SecretStore> = Arc::new(ForeignStore(store));
        Ok(Arc::new(AuthClient {
            inner: core_client(config, store)?,
        }))
    }

    /// Adds a listener for auth events (signed in / out, session expired, tokens refreshed,
    /// device remembered or forgotten).
    pub fn add_listener(&self, listener: Arc<dyn AuthEventListener>) -> u64 {
        self.inner
            .add_listener(Arc::new(ForeignListener(listener)))
            .0
    }

    /// Removes a listener by the id `add_listener` returned; `false` if it was not there.
    pub fn remove_listener(&self, id: u64) -> bool {
        self.inner
            .remove_listener(cognito_auth_core::ListenerId(id))
    }

    /// Starts a sign-in; `result.next_step` says what to ask the user next, if anything.
    /// `password` may be absent for flows that start without one.
    #[uniffi::method(default(password = None, options = None))]
    pub async fn sign_in(
        &self,
        username: String,
        password: Option<String>,
        options: Option<SignInOptions>,
    ) -> Result<SignInResult, AuthError> {
        let options = options.unwrap_or_default();
        Ok(self
            .inner
            .sign_in(&username, password.as_deref(), options)
            .await?)
    }

    /// Answers the current next step (a code, an MFA type, a new password, ...). A wrong code
    /// leaves the sign-in at the same step.
    #[uniffi::method(default(options = None))]
    pub async fn confirm_sign_in(
        &self,
        value: String,
        options: Option<ConfirmSignInOptions>,
    ) -> Result<SignInResult, AuthError> {
        let options = options.unwrap_or_default();
        Ok(self.inner.confirm_sign_in(&value, options).await?)
    }

    /// The step the current sign-in waits for, if one is under way (also one saved by an
    /// earlier process).
    pub async fn pending_sign_in_step(&self) -> Result<Option<SignInNextStep>, AuthError> {
        Ok(self.inner.pending_sign_in_step().await?)
    }

    /// Abandons the sign-in under way, if any.
    pub async fn cancel_sign_in(&self) {
        self.inner.cancel_sign_in().await
    }

    /// The current session, refreshing the tokens first when they are (nearly) expired, or
    /// always with `force_refresh`.
    #[uniffi::method(default(force_refresh = false))]
    pub async fn fetch_auth_session(&self, force_refresh: bool) -> Result<AuthSession, AuthError> {
        Ok(self.inner.fetch_auth_session(force_refresh).await?)
    }

    /// Signs out here (revoking the refresh token), or everywhere with `global`. The device
    /// stays remembered. The local sign-out always happens (offline too); the result says
    /// what could not be done on the server.
    #[uniffi::method(default(global = false))]
    pub async fn sign_out(&self, global: bool) -> Result<SignOutResult, AuthError> {
        Ok(self.inner.sign_out(global).await?)
    }

    /// The signed-in user, from the stored tokens (no network call: works offline).
    pub async fn get_current_user(&self) -> Result<AuthUser, AuthError> {
        Ok(self.inner.get_current_user().await?)
    }

    /// Remembers this device, so that signing in here skips MFA (when the pool allows it).
    pub async fn remember_device(&self) -> Result<(), AuthError> {
        Ok(self.inner.remember_device().await?)
    }

    /// Marks this device as not remembered (still tracked): MFA is asked again.
    pub async fn stop_remembering_device(&self) -> Result<(), AuthError> {
        Ok(self.inner.stop_remembering_device().await?)
    }

    /// Forgets a device by its key, or this device when `device_id` is absent.
    #[uniffi::method(default(device_id = None))]
    pub async fn forget_device(&self, device_id: Option<String>) -> Result<(), AuthError> {
        Ok(self.inner.forget_device(device_id.as_deref()).await?)
    }

    /// Every device of the signed-in user, the current one marked.
    pub async fn fetch_devices(&self) -> Result<Vec<AuthDevice>, AuthError> {
        Ok(self.inner.fetch_devices().await?)
    }

    /// The status of this device for the signed-in user (no network call).
    pub fn current_device_status(&self) -> Result<DeviceStatus, AuthError> {
        Ok(self.inner.current_device_status()?)
    }

    /// Starts TOTP setup for the signed-in user; finish with `verify_totp_setup`.
    pub async fn set_up_totp(&self) -> Result<TotpSetupDetails, AuthError> {
        Ok(self.inner.set_up_totp().await?)
    }

    /// Finishes TOTP setup with a code from the authenticator app.
    #[uniffi::method(default(friendly_device_name = None))]
    pub async fn verify_totp_setup(
        &self,
        code: String,
        friendly_device_name: Option<String>,
    ) -> Result<(), AuthError> {
        Ok(self
            .inner
            .verify_totp_setup(&code, friendly_device_name.as_deref())
            .await?)
    }

    /// The signed-in user's enabled and preferred MFA methods.
    pub async fn fetch_mfa_preference(&self) -> Result<MfaPreferences, AuthError> {
        Ok(self.inner.fetch_mfa_preference().await?)
    }

    /// Changes MFA methods; an absent value leaves a method as it is.
    #[uniffi::method(default(sms = None, totp = None, email = None))]
    pub async fn update_mfa_preference(
        &self,
        sms: Option<MfaPreference>,
        totp: Option<MfaPreference>,
        email: Option<MfaPreference>,
    ) -> Result<(), AuthError> {
        Ok(self.inner.update_mfa_preference(sms, totp, email).await?)
    }

    /// Registers a new user.
    #[uniffi::method(default(options = None))]
    pub async fn sign_up(
        &self,
        username: String,
        password: String,
        options: Option<SignUpOptions>,
    ) -> Result<SignUpResult, AuthError> {
        let options = options.unwrap_or_default();
        Ok(self.inner.sign_up(&username, &password, options).await?)
    }

    /// Confirms a sign-up with the code the user received.
    pub async fn confirm_sign_up(
        &self,
        username: String,
        code: String,
    ) -> Result<SignUpResult, AuthError> {
        Ok(self.inner.confirm_sign_up(&username, &code).await?)
    }

    /// Sends the sign-up confirmation code again.
    pub async fn resend_sign_up_code(
        &self,
        username: String,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        Ok(self.inner.resend_sign_up_code(&username).await?)
    }

    /// Starts a password reset; finish with `confirm_reset_password`.
    pub async fn reset_password(
        &self,
        username: String,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        Ok(self.inner.reset_password(&username).await?)
    }

    /// Sets a new password with the reset code.
    pub async fn confirm_reset_password(
        &self,
        username: String,
        new_password: String,
        code: String,
    ) -> Result<(), AuthError> {
        Ok(self
            .inner
            .confirm_reset_password(&username, &new_password, &code)
            .await?)
    }

    /// Changes the signed-in user's password.
    pub async fn update_password(
        &self,
        old_password: String,
        new_password: String,
    ) -> Result<(), AuthError> {
        Ok(self
            .inner
            .update_password(&old_password, &new_password)
            .await?)
    }

    /// The signed-in user's attributes.
    pub async fn fetch_user_attributes(&self) -> Result<Vec<UserAttribute>, AuthError> {
        Ok(self.inner.fetch_user_attributes().await?)
    }

    /// Updates attributes; returns where verification codes were sent, if any.
    pub async fn update_user_attributes(
        &self,
        attributes: HashMap<String, String>,
    ) -> Result<Vec<CodeDeliveryDetails>, AuthError> {
        Ok(self.inner.update_user_attributes(&attributes).await?)
    }

    /// Sends a verification code for an attribute (`email`, `phone_number`).
    pub async fn send_user_attribute_verification_code(
        &self,
        attribute_name: String,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        Ok(self
            .inner
            .send_user_attribute_verification_code(&attribute_name)
            .await?)
    }

    /// Verifies an attribute with the code that was sent.
    pub async fn confirm_user_attribute(
        &self,
        attribute_name: String,
        code: String,
    ) -> Result<(), AuthError> {
        Ok(self
            .inner
            .confirm_user_attribute(&attribute_name, &code)
            .await?)
    }

    /// Deletes attributes of the signed-in user (`custom:team`, `nickname`, ...).
    pub async fn delete_user_attributes(&self, names: Vec<String>) -> Result<(), AuthError> {
        Ok(self.inner.delete_user_attributes(&names).await?)
    }

    /// Clears this app client's sign-in data on this device (tokens, device secret, a saved
    /// sign-in) without calling Cognito: the way out of `LocalStateUnreadable`. The user then
    /// signs in again.
    pub async fn reset_local_state(&self) -> Result<(), AuthError> {
        Ok(self.inner.reset_local_state().await?)
    }

    /// Deletes the signed-in user's account and everything stored for them here.
    pub async fn delete_user(&self) -> Result<(), AuthError> {
        Ok(self.inner.delete_user().await?)
    }
}

/// The core client over `store`, talking to Cognito over HTTPS.
pub(crate) fn core_client(
    config: AuthConfig,
    store: Arc<dyn core::SecretStore>,
) -> Result<core::AuthClient, AuthError> {
    #[cfg(feature = "https")]
    {
        Ok(core::AuthClient::new(config, store)?)
    }
    #[cfg(not(feature = "https"))]
    {
        let _ = (config, store);
        Err(AuthError::Other {
            detail: "this build has no HTTPS transport (feature `https`)".into(),
            retryable: false,
        })
    }
}

/// `ConfirmDevice`'s default device name for this platform.
#[uniffi::export]
pub fn default_device_name() -> String {
    core::default_device_name()
}

/// The `otpauth://totp/...` URI authenticator apps scan (as a QR code), with `app_name` as the
/// issuer.
#[uniffi::export]
pub fn totp_setup_uri(details: TotpSetupDetails, app_name: String) -> String {
    details.setup_uri(&app_name)
}
