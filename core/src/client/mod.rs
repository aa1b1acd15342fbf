//! [`AuthClient`]: the facade apps call. It owns the sign-in machine, runs its effects against a
//! [`CognitoApi`], and keeps tokens and device secrets in a [`SecretStore`].

mod account;
mod devices;
mod events;
pub(crate) mod jwt;
mod mfa;
mod session;
mod signin;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use zeroize::Zeroizing;

#[cfg(feature = "https")]
use crate::api::http::HttpCognitoApi;
use crate::api::{invoke, CognitoApi};
use crate::error::AuthError;
use crate::signin::{MachineConfig, SignInState};
use crate::store::{Keys, SecretStore};

pub use account::{AuthUser, SignUpOptions, SignUpResult, SignUpStep, UserAttribute};
pub use devices::{AuthDevice, DeviceOutcome, DeviceStatus};
pub use events::{AuthEvent, AuthEventListener, ListenerId};
pub use mfa::{MfaPreference, MfaPreferences};
pub use session::{AuthSession, AuthTokens, SignOutResult};
pub use signin::SignInResult;

/// Seconds since the Unix epoch, from the system or from a test.
pub trait Clock: Send + Sync {
    /// Now, in whole seconds since the Unix epoch (UTC).
    fn now_unix(&self) -> u64;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// Where Cognito is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Endpoint {
    /// The public endpoint of an AWS region (`eu-west-1`).
    Region(String),
    /// A custom URL, such as the local emulator (`http://127.0.0.1:9229`).
    Url(String),
}

/// How an [`AuthClient`] reaches its user pool. Its printed forms never show the client secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug, Display))]
pub struct AuthConfig {
    /// The region or URL of Cognito.
    pub endpoint: Endpoint,
    /// The user pool id, `us-east-1_AbCdEf123`.
    pub user_pool_id: String,
    /// The app client id.
    pub client_id: String,
    /// The app client secret, for clients that have one (server-side or CLI apps; not
    /// recommended in mobile apps).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub client_secret: Option<String>,
    /// The name `ConfirmDevice` gives this device (shown in the user's device list); by default
    /// [`default_device_name`].
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub device_name: Option<String>,
    /// Tokens are refreshed this many seconds before they expire.
    #[serde(default = "default_refresh_margin")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 300))]
    pub refresh_margin_seconds: u64,
    /// Allows a plain `http://` URL endpoint on another machine (a test server on a private
    /// network). Off by default: without TLS, passwords, codes and refresh tokens can be read
    /// on the way. `http://` to this machine (`127.0.0.1`, `localhost`, `::1`: the local
    /// emulator) needs no opt-in.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub allow_insecure_http: bool,
}

fn default_refresh_margin() -> u64 {
    300
}

impl AuthConfig {
    /// A configuration with the defaults: no client secret, this platform's device name, and
    /// refresh five minutes before expiry.
    pub fn new(endpoint: Endpoint, user_pool_id: &str, client_id: &str) -> AuthConfig {
        AuthConfig {
            endpoint,
            user_pool_id: user_pool_id.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            device_name: None,
            refresh_margin_seconds: default_refresh_margin(),
            allow_insecure_http: false,
        }
    }

    /// The device name `ConfirmDevice` sends.
    pub fn device_name(&self) -> String {
        self.device_name.clone().unwrap_or_else(default_device_name)
    }
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("endpoint", &self.endpoint)
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("device_name", &self.device_name)
            .field("refresh_margin_seconds", &self.refresh_margin_seconds)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl std::fmt::Display for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// `ConfirmDevice`'s default device name: the platform, as the Amplify libraries name it.
pub fn default_device_name() -> String {
    let platform = match std::env::consts::OS {
        "ios" => "iOS",
        "android" => "Android",
        "macos" => "macOS",
        "linux" => "Linux",
        "windows" => "Windows",
        other => other,
    };
    format!("{platform} device (cognito-auth)")
}

/// Signs users in to one Cognito app client and keeps their session.
///
/// Cheap to share: wrap it in an `Arc`. Sign-in calls are serialised; token refreshes by
/// concurrent callers are shared (one refresh for all).
pub struct AuthClient {
    config: AuthConfig,
    machine: MachineConfig,
    keys: Keys,
    api: Arc<dyn CognitoApi>,
    store: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    sign_in_state: Mutex<SignInState>,
    refresh_lock: Mutex<()>,
    listeners: events::Listeners,
    /// `(username, session)` of a sign-up that asked to sign in once confirmed.
    auto_sign_in: std::sync::Mutex<Option<(String, String)>>,
}

impl AuthClient {
    /// A client that talks to Cognito over HTTPS (or HTTP for a `http://` URL endpoint).
    #[cfg(feature = "https")]
    pub fn new(config: AuthConfig, store: Arc<dyn SecretStore>) -> Result<AuthClient, AuthError> {
        let api = HttpCognitoApi::for_endpoint(&config.endpoint, config.allow_insecure_http)?;
        Ok(AuthClient::with_api(
            config,
            Arc::new(api),
            store,
            Arc::new(SystemClock),
        ))
    }

    /// A client over any [`CognitoApi`] and [`Clock`] (tests, custom transports).
    pub fn with_api(
        config: AuthConfig,
        api: Arc<dyn CognitoApi>,
        store: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> AuthClient {
        let machine = MachineConfig {
            user_pool_id: config.user_pool_id.clone(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone().map(Zeroizing::new),
        };
        let keys = Keys::new(&config.user_pool_id, &config.client_id);
        AuthClient {
            config,
            machine,
            keys,
            api,
            store,
            clock,
            sign_in_state: Mutex::new(SignInState::Idle),
            refresh_lock: Mutex::new(()),
            listeners: events::Listeners::default(),
            auto_sign_in: std::sync::Mutex::new(None),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Adds a listener for [`AuthEvent`]s (signed in / out, session expired, device remembered
    /// or forgotten).
    pub fn add_listener(&self, listener: Arc<dyn AuthEventListener>) -> ListenerId {
        self.listeners.add(listener)
    }

    /// Removes a listener added with [`AuthClient::add_listener`]; `false` if it was not there.
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.listeners.remove(id)
    }

    fn secret_hash(&self, username: &str) -> Option<String> {
        self.config
            .client_secret
            .as_ref()
            .map(|secret| crate::srp::secret_hash(secret, username, &self.config.client_id))
    }

    async fn call<Req: serde::Serialize, Resp: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        request: &Req,
    ) -> Result<Resp, AuthError> {
        tracing::debug!(operation, "calling Cognito");
        let result = invoke(self.api.as_ref(), operation, request).await;
        if let Err(error) = &result {
            tracing::debug!(operation, code = ?error.code(), "Cognito call failed");
        }
        result.map_err(AuthError::from)
    }
}
