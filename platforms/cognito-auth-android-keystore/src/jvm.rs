//! The process's JVM, captured when the library is loaded, and the store an app gets without
//! writing any code: [`open_in_app_directory`].
//!
//! UniFFI's Kotlin loads the library through JNA, which never calls `JNI_OnLoad`; the Kotlin
//! layer therefore also loads it once with `System.loadLibrary` (the JVM then calls
//! [`JNI_OnLoad`] below, which keeps the `JavaVM`). Both loads map the same file, so both see the
//! same process-wide state.

use std::ffi::c_void;
use std::path::Path;
use std::sync::OnceLock;

use cognito_auth_core::StoreError;
use jni::JavaVM;

use crate::{AndroidKeystoreStore, KeystoreConfig};

/// The `JavaVM` pointer given to [`JNI_OnLoad`] (valid for the life of the process).
static JVM: OnceLock<usize> = OnceLock::new();

/// Called by the JVM when the library is loaded with `System.loadLibrary`: keeps the process's
/// JVM for the stores opened later.
#[no_mangle]
#[allow(unsafe_code)]
pub extern "system" fn JNI_OnLoad(
    vm: *mut jni::sys::JavaVM,
    _reserved: *mut c_void,
) -> jni::sys::jint {
    if !vm.is_null() {
        let _ = JVM.set(vm as usize);
    }
    jni::sys::JNI_VERSION_1_6
}

/// The process's JVM, if the library was loaded by one (`System.loadLibrary`).
#[allow(unsafe_code)]
pub fn process_jvm() -> Option<JavaVM> {
    let pointer = *JVM.get()? as *mut jni::sys::JavaVM;
    // SAFETY: the pointer came from the JVM itself through JNI_OnLoad, and a JavaVM outlives
    // every library it loaded; `from_raw` only wraps it.
    unsafe { JavaVM::from_raw(pointer) }.ok()
}

/// The store of an app, in `directory` (on Android, a folder of `Context.getFilesDir()`): on
/// Android the key `key_alias` lives in the Android Keystore; on a desktop JVM (tests, desktop
/// apps) in a PKCS12 keystore file in `directory`, protected by a random password kept beside
/// it (mode 0600) — a file key, not a hardware one.
pub fn open_in_app_directory(
    directory: &Path,
    key_alias: &str,
) -> Result<AndroidKeystoreStore, StoreError> {
    let vm = process_jvm().ok_or_else(|| {
        StoreError::new(
            "no JVM: the native library was not loaded with System.loadLibrary; create the \
             client with CognitoAuth.builder(context) (Kotlin), which does",
        )
    })?;
    AndroidKeystoreStore::open(
        vm,
        KeystoreConfig {
            source: source(directory)?,
            key_alias: key_alias.to_owned(),
            data_dir: directory.to_owned(),
        },
    )
}

#[cfg(target_os = "android")]
fn source(_directory: &Path) -> Result<crate::KeyStoreSource, StoreError> {
    Ok(crate::KeyStoreSource::AndroidKeyStore)
}

#[cfg(not(target_os = "android"))]
fn source(directory: &Path) -> Result<crate::KeyStoreSource, StoreError> {
    use cognito_auth_secret_files::{create_exclusive, create_private_dir, read_if_exists};
    let io = |what: &str, e: std::io::Error| StoreError::new(format!("cannot {what}: {e}"));
    create_private_dir(directory).map_err(|e| io("create the store's directory", e))?;
    let password_file = directory.join("keystore.password");
    let mut fresh = [0u8; 24];
    getrandom::fill(&mut fresh)
        .map_err(|e| StoreError::new(format!("the OS random generator failed: {e}")))?;
    let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    // Created once (exclusively, mode 0600); a second process reads the first one's.
    create_exclusive(&password_file, fresh.as_bytes())
        .map_err(|e| io("create the keystore password file", e))?;
    let password = read_if_exists(&password_file)
        .map_err(|e| io("read the keystore password file", e))?
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|p| p.len() == 48)
        .ok_or_else(|| {
            StoreError::unreadable("the keystore password file is damaged".to_owned())
        })?;
    Ok(crate::KeyStoreSource::File {
        keystore_type: "PKCS12".into(),
        path: directory.join("keystore.p12"),
        password: zeroize::Zeroizing::new(password),
    })
}
