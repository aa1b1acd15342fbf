//! The pluggable secret store: a C vtable whose callbacks are *requests* that the foreign side
//! completes with [`complete`] (`cognito_store_complete`), at once or later, from any thread.
//!
//! Completion instead of a return value lets Dart implement the store with
//! `NativeCallable.listener` (which cannot return a value and runs later, on the isolate's
//! thread): the Rust thread that asked waits for the answer, the Dart isolate never blocks.
//! C callers and platform shims (Keychain, Keystore) simply complete inside the callback.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void, CStr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use cognito_auth_core::{SecretStore, StoreError};
use zeroize::Zeroizing;

use crate::error::CognitoErrorCode;
use crate::COGNITO_STORE_UNREADABLE;

/// A secret store implemented by the caller. Every callback is a request identified by
/// `request`: answer it exactly once with `cognito_store_complete(request, status, value)`,
/// during the callback or later, from any thread. `key` and `value` stay valid until then.
/// Callbacks run on library threads, never inside a call you made to the library.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CognitoSecretStore {
    /// Passed back to every callback (may be NULL).
    pub context: *mut c_void,
    /// Look up `key`: complete with status 0 and the value, or status 0 and NULL when missing.
    pub get: Option<unsafe extern "C" fn(context: *mut c_void, request: u64, key: *const c_char)>,
    /// Store `value` under `key` (replacing it): complete with status 0.
    pub set: Option<
        unsafe extern "C" fn(
            context: *mut c_void,
            request: u64,
            key: *const c_char,
            value: *const c_char,
        ),
    >,
    /// Remove `key` (a missing key is not an error): complete with status 0.
    pub remove:
        Option<unsafe extern "C" fn(context: *mut c_void, request: u64, key: *const c_char)>,
    /// Optional (may be NULL): called once, from any thread, when the library no longer uses
    /// the store (after `cognito_client_free` and the client's last operation, or when
    /// `cognito_client_new` fails); no callback is called after it.
    pub release: Option<unsafe extern "C" fn(context: *mut c_void)>,
}

/// How long a store request may stay unanswered before the operation fails with `STORAGE`.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(30);

type Answer = Result<Option<String>, StoreError>;

/// A request waiting for its completion. It owns the key and value handed to the callback, so
/// they stay valid until the completion (even after a timeout).
struct Pending {
    reply: SyncSender<Answer>,
    _key: Zeroizing<Vec<u8>>,
    _value: Option<Zeroizing<Vec<u8>>>,
}

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);
// A BTreeMap (not a HashMap): its nodes are referenced from their start, so a leak checker does
// not mistake the registry for "possibly lost" memory.
static PENDING: Mutex<BTreeMap<u64, Pending>> = Mutex::new(BTreeMap::new());

fn pending() -> MutexGuard<'static, BTreeMap<u64, Pending>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Completes a store request. `status == 0` is success (`value`: the value for `get`, NULL for
/// a missing key; ignored for `set` / `remove`); [`COGNITO_STORE_UNREADABLE`] says the record exists but
/// can never be read; any other status is a failure of the store. On failure `value` is an
/// optional message (it must not contain a secret).
///
/// # Safety
/// `value` is NULL or a NUL-terminated string readable for the duration of the call.
pub unsafe fn complete(request: u64, status: i32, value: *const c_char) -> CognitoErrorCode {
    let text = if value.is_null() {
        None
    } else {
        // SAFETY: the caller guarantees a readable NUL-terminated string.
        let bytes = unsafe { CStr::from_ptr(value) }.to_bytes();
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.to_owned()),
            Err(_) => return CognitoErrorCode::InvalidUtf8,
        }
    };
    let Some(entry) = pending().remove(&request) else {
        return CognitoErrorCode::UnknownStoreRequest;
    };
    let message = || {
        text.clone()
            .unwrap_or_else(|| format!("the secret store failed (status {status})"))
    };
    let answer = match status {
        0 => Ok(text.clone()),
        COGNITO_STORE_UNREADABLE => Err(StoreError::unreadable(message())),
        _ => Err(StoreError::new(message())),
    };
    // The waiting side may have timed out and gone: nothing to do then.
    let _ = entry.reply.send(answer);
    CognitoErrorCode::Ok
}

fn c_bytes(text: &str) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    if text.as_bytes().contains(&0) {
        return Err(StoreError::new("a store key or value contains a NUL byte"));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len() + 1));
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(0);
    Ok(bytes)
}

/// The core's [`SecretStore`] over a [`CognitoSecretStore`] vtable.
pub struct ForeignStore {
    vtable: CognitoSecretStore,
}

// SAFETY: the C contract of `CognitoSecretStore` is that its callbacks may be called from any
// thread, concurrently, with its `context`.
unsafe impl Send for ForeignStore {}
// SAFETY: as above; `ForeignStore` has no interior state of its own.
unsafe impl Sync for ForeignStore {}

impl ForeignStore {
    /// Checks that the three required callbacks are present.
    pub fn new(vtable: CognitoSecretStore) -> Result<ForeignStore, &'static str> {
        if vtable.get.is_none() || vtable.set.is_none() || vtable.remove.is_none() {
            return Err("the secret store needs get, set and remove callbacks");
        }
        Ok(ForeignStore { vtable })
    }

    fn ask(
        &self,
        key: &str,
        value: Option<&str>,
        call: impl FnOnce(u64, *const c_char, *const c_char),
    ) -> Answer {
        let key_bytes = c_bytes(key)?;
        let value_bytes = value.map(c_bytes).transpose()?;
        let key_ptr = key_bytes.as_ptr().cast::<c_char>();
        let value_ptr = value_bytes
            .as_ref()
            .map_or(std::ptr::null(), |v| v.as_ptr().cast::<c_char>());
        let request = NEXT_REQUEST.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = sync_channel(1);
        pending().insert(
            request,
            Pending {
                reply,
                _key: key_bytes,
                _value: value_bytes,
            },
        );
        // The bytes moved into the registry entry: their heap buffers (and so the pointers) are
        // unchanged and stay alive until the request is completed.
        let called = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            call(request, key_ptr, value_ptr)
        }));
        if called.is_err() {
            pending().remove(&request);
            return Err(StoreError::new("the secret store callback panicked"));
        }
        wait(&answer)
    }
}

fn wait(answer: &Receiver<Answer>) -> Answer {
    if let Ok(ready) = answer.try_recv() {
        return ready; // completed inside the callback: the usual case for C and platform shims
    }
    let blocking = || match answer.recv_timeout(STORE_TIMEOUT) {
        Ok(ready) => ready,
        Err(RecvTimeoutError::Timeout) => Err(StoreError::new(format!(
            "the secret store did not answer within {} s",
            STORE_TIMEOUT.as_secs()
        ))),
        Err(RecvTimeoutError::Disconnected) => {
            Err(StoreError::new("the secret store request was lost"))
        }
    };
    // On the library's (multi-thread) runtime, let other tasks use this worker meanwhile.
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(blocking)
        }
        _ => blocking(),
    }
}

impl SecretStore for ForeignStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let get = self.vtable.get.expect("checked in new");
        let context = self.vtable.context;
        self.ask(key, None, |request, key, _| {
            // SAFETY: a function pointer and context supplied by the caller for exactly this
            // use; `key` is a valid NUL-terminated string until the request completes.
            unsafe { get(context, request, key) }
        })
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let set = self.vtable.set.expect("checked in new");
        let context = self.vtable.context;
        self.ask(key, Some(value), |request, key, value| {
            // SAFETY: as in `get`; `value` is valid until the request completes.
            unsafe { set(context, request, key, value) }
        })
        .map(|_| ())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let remove = self.vtable.remove.expect("checked in new");
        let context = self.vtable.context;
        self.ask(key, None, |request, key, _| {
            // SAFETY: as in `get`.
            unsafe { remove(context, request, key) }
        })
        .map(|_| ())
    }
}

impl Drop for ForeignStore {
    fn drop(&mut self) {
        if let Some(release) = self.vtable.release {
            let context = self.vtable.context;
            // SAFETY: called once, as the vtable contract says; a panic cannot cross it (C).
            let _ = std::panic::catch_unwind(|| unsafe { release(context) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::CString;

    struct Map(Mutex<HashMap<String, String>>);

    unsafe extern "C" fn get(context: *mut c_void, request: u64, key: *const c_char) {
        let map = unsafe { &*(context as *const Map) };
        let key = unsafe { CStr::from_ptr(key) }.to_str().unwrap().to_owned();
        let value = map.0.lock().unwrap().get(&key).cloned();
        let value = value.map(|v| CString::new(v).unwrap());
        let ptr = value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
        assert_eq!(unsafe { complete(request, 0, ptr) }, CognitoErrorCode::Ok);
    }

    unsafe extern "C" fn set(
        context: *mut c_void,
        request: u64,
        key: *const c_char,
        value: *const c_char,
    ) {
        let map = unsafe { &*(context as *const Map) };
        let key = unsafe { CStr::from_ptr(key) }.to_str().unwrap().to_owned();
        let value = unsafe { CStr::from_ptr(value) }
            .to_str()
            .unwrap()
            .to_owned();
        if value == "fail" {
            let msg = CString::new("disk full").unwrap();
            unsafe { complete(request, 1, msg.as_ptr()) };
            return;
        }
        map.0.lock().unwrap().insert(key, value);
        unsafe { complete(request, 0, std::ptr::null()) };
    }

    unsafe extern "C" fn remove(context: *mut c_void, request: u64, key: *const c_char) {
        let map = unsafe { &*(context as *const Map) };
        let key = unsafe { CStr::from_ptr(key) }.to_str().unwrap().to_owned();
        map.0.lock().unwrap().remove(&key);
        // Completed later, from another thread, as Dart does.
        std::thread::spawn(move || unsafe { complete(request, 0, std::ptr::null()) });
    }

    #[test]
    fn a_foreign_store_round_trips_and_reports_failures() {
        let map = Box::new(Map(Mutex::new(HashMap::new())));
        let store = ForeignStore::new(CognitoSecretStore {
            context: &*map as *const Map as *mut c_void,
            get: Some(get),
            set: Some(set),
            remove: Some(remove),
            release: None,
        })
        .unwrap();
        assert_eq!(store.get("k").unwrap(), None);
        store.set("k", "v").unwrap();
        assert_eq!(store.get("k").unwrap().as_deref(), Some("v"));
        assert_eq!(store.set("k", "fail").unwrap_err().message, "disk full");
        store.delete("k").unwrap();
        assert_eq!(store.get("k").unwrap(), None);
        assert!(store.set("a\0b", "v").is_err());
    }

    #[test]
    fn unknown_requests_are_refused() {
        assert_eq!(
            unsafe { complete(u64::MAX, 0, std::ptr::null()) },
            CognitoErrorCode::UnknownStoreRequest
        );
    }

    #[test]
    fn a_store_without_callbacks_is_refused() {
        let empty = CognitoSecretStore {
            context: std::ptr::null_mut(),
            get: None,
            set: None,
            remove: None,
            release: None,
        };
        assert!(ForeignStore::new(empty).is_err());
    }
}
