//! Client handles: `uint64_t` ids in a registry (a stale or doubly freed handle is an error
//! code, never a dangling pointer), each with the event callback the app registered.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::panic::catch_unwind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth_core::{AuthClient, AuthConfig, AuthEvent, AuthEventListener, SecretStore};

use crate::completion::into_c_string;
use crate::error::{CognitoErrorCode, FfiError};
use crate::runtime;

/// A foreign pointer that the C contract allows to cross threads.
#[derive(Clone, Copy)]
pub struct UserData(pub *mut c_void);
// SAFETY: the documented contract: callbacks and their user data may be used from any thread.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

type EventTarget = Option<(unsafe extern "C" fn(*mut c_void, *mut c_char), UserData)>;

/// Forwards core events to the registered C callback; cleared when the client is freed.
#[derive(Default)]
pub struct EventSink {
    target: Mutex<EventTarget>,
}

impl EventSink {
    pub fn lock(&self) -> MutexGuard<'_, EventTarget> {
        self.target.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl AuthEventListener for EventSink {
    fn on_auth_event(&self, event: AuthEvent) {
        // Held during the call, so that once `cognito_client_free` (or a new callback) returns,
        // the previous callback is never called again.
        let target = self.lock();
        if let Some((callback, user_data)) = *target {
            let json = serde_json::to_string(&event).unwrap_or_default();
            let text = into_c_string(json);
            // SAFETY: a callback registered for exactly this use; the string is handed over.
            let _ = catch_unwind(|| unsafe { callback(user_data.0, text) });
        }
    }
}

struct Entry {
    client: Arc<AuthClient>,
    events: Arc<EventSink>,
}

static NEXT_CLIENT: AtomicU64 = AtomicU64::new(1);
static CLIENTS: Mutex<BTreeMap<u64, Entry>> = Mutex::new(BTreeMap::new());

fn clients() -> MutexGuard<'static, BTreeMap<u64, Entry>> {
    CLIENTS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Creates a client from its configuration JSON (the core's `AuthConfig` encoding) and a store;
/// returns its handle (never 0).
pub fn create(config_json: &str, store: Arc<dyn SecretStore>) -> Result<u64, FfiError> {
    let config = decode_config(config_json)?;
    let runtime = runtime::handle()?;
    let _context = runtime.enter(); // the HTTP transport may need the runtime's context
    let client = new_client(config, store)?;
    let events = Arc::new(EventSink::default());
    client.add_listener(Arc::clone(&events) as Arc<dyn AuthEventListener>);
    let handle = NEXT_CLIENT.fetch_add(1, Ordering::Relaxed);
    clients().insert(
        handle,
        Entry {
            client: Arc::new(client),
            events,
        },
    );
    Ok(handle)
}

/// The configuration JSON as the core's `AuthConfig`; a mismatch names the field.
pub fn decode_config(config_json: &str) -> Result<AuthConfig, FfiError> {
    let mut reader = serde_json::Deserializer::from_str(config_json);
    serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        FfiError::invalid_json(format!(
            "the configuration does not fit: {}: {}",
            e.path(),
            e.inner()
        ))
    })
}

#[cfg(feature = "https")]
fn new_client(config: AuthConfig, store: Arc<dyn SecretStore>) -> Result<AuthClient, FfiError> {
    AuthClient::new(config, store).map_err(FfiError::from)
}

#[cfg(not(feature = "https"))]
fn new_client(_config: AuthConfig, _store: Arc<dyn SecretStore>) -> Result<AuthClient, FfiError> {
    Err(FfiError::usage(
        CognitoErrorCode::RuntimeUnavailable,
        "this build has no HTTPS transport (feature `https`)",
    ))
}

/// The platform's secure store, as `options_json` (`{"keychainService"?,
/// "keychainAccessGroup"?, "directory"?}`) chooses it: the Keychain on Apple platforms, the
/// Android Keystore in `directory` on Android.
pub fn platform_store(options_json: &str) -> Result<Arc<dyn SecretStore>, FfiError> {
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase", deny_unknown_fields, default)]
    struct Options {
        keychain_service: Option<String>,
        keychain_access_group: Option<String>,
        directory: Option<String>,
    }
    let options: Options = if options_json.trim().is_empty() {
        Options::default()
    } else {
        serde_json::from_str(options_json)
            .map_err(|e| FfiError::invalid_json(format!("the store options do not fit: {e}")))?
    };
    let store = if cfg!(target_vendor = "apple") {
        let service = options
            .keychain_service
            .unwrap_or_else(|| cognito_auth_platform_store::DEFAULT_KEYCHAIN_SERVICE.to_owned());
        cognito_auth_platform_store::keychain(&service, options.keychain_access_group)
    } else {
        let directory = options.directory.ok_or_else(|| {
            FfiError::invalid_json(
                "the store options need \"directory\" (the app's files directory) on this platform",
            )
        })?;
        cognito_auth_platform_store::android_keystore(&directory)
    };
    store.map_err(|e| FfiError::from(cognito_auth_core::AuthError::from(e)))
}

/// The client behind a handle.
pub fn get(handle: u64) -> Result<Arc<AuthClient>, FfiError> {
    clients()
        .get(&handle)
        .map(|e| Arc::clone(&e.client))
        .ok_or_else(|| {
            FfiError::usage(
                CognitoErrorCode::InvalidHandle,
                format!("no client has the handle {handle}"),
            )
        })
}

/// The event sink of a handle.
pub fn events(handle: u64) -> Option<Arc<EventSink>> {
    clients().get(&handle).map(|e| Arc::clone(&e.events))
}

/// Removes a handle; its event callback is never called after this returns.
pub fn free(handle: u64) -> CognitoErrorCode {
    let Some(entry) = clients().remove(&handle) else {
        return CognitoErrorCode::InvalidHandle;
    };
    *entry.events.lock() = None;
    CognitoErrorCode::Ok
}
