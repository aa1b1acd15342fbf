//! # cognito-auth-android-keystore
//!
//! A [`SecretStore`] for Android apps: values are encrypted with an AES-256-GCM key held by the
//! **Android Keystore** (the key never leaves it; on most devices it lives in the TEE or
//! StrongBox), and the ciphertexts are kept as files in the app's private directory. The Rust
//! code reaches the Keystore through JNI, calling the same `java.security` / `javax.crypto`
//! classes a Kotlin app would.
//!
//! ```no_run
//! use std::sync::{Arc, OnceLock};
//! use cognito_auth_android_keystore::AndroidKeystoreStore;
//! use cognito_auth_core::SecretStore;
//! use jni::objects::{JClass, JObject};
//! use jni::JNIEnv;
//!
//! static STORE: OnceLock<Arc<dyn SecretStore>> = OnceLock::new();
//!
//! /// Kotlin: `external fun nativeInit(context: Context): String?` in
//! /// `object com.example.auth.CognitoAuthNative` (returns an error message, or null).
//! #[no_mangle]
//! pub extern "system" fn Java_com_example_auth_CognitoAuthNative_nativeInit<'local>(
//!     mut env: JNIEnv<'local>,
//!     _this: JObject<'local>,
//!     context: JObject<'local>,
//! ) -> JObject<'local> {
//!     match AndroidKeystoreStore::for_android_context(&mut env, &context, "cognito-auth") {
//!         Ok(store) => {
//!             let _ = STORE.set(Arc::new(store));
//!             JObject::null()
//!         }
//!         // Report it; never continue with an in-memory store.
//!         Err(error) => env.new_string(error.message).map(JObject::from).unwrap_or_default(),
//!     }
//! }
//! ```
//!
//! The same code runs on a desktop JVM with a PKCS12 or JCEKS keystore file
//! ([`KeyStoreSource::File`]); that is how it is tested in CI (see the README).
//!
//! ## What happens
//!
//! * [`AndroidKeystoreStore::open`] loads the `java.security.KeyStore` of the configured type and
//!   looks up the key alias. If it is missing, an AES-256 key is generated:
//!   * `AndroidKeyStore`: `KeyGenerator.getInstance("AES", "AndroidKeyStore")` initialised with
//!     `KeyGenParameterSpec.Builder(alias, PURPOSE_ENCRYPT | PURPOSE_DECRYPT)`, block mode GCM,
//!     no padding, 256 bits, randomized encryption (the Keystore picks every IV). The key is not
//!     bound to user authentication, so it works in the background after the first unlock.
//!   * a keystore file (desktop JVM): `KeyGenerator.getInstance("AES").init(256)`, stored as a
//!     `SecretKeyEntry` under the alias, and the keystore file is written atomically (created
//!     exclusively if it did not exist, so two processes never create two keys).
//! * [`set`](SecretStore::set) encrypts the value with `Cipher.getInstance("AES/GCM/NoPadding")`
//!   (random 12-byte IV chosen by the cipher, 128-bit tag, the key's name as AAD) and writes
//!   `<hex SHA-256 of the key>.gcm` in the data directory atomically.
//! * [`get`](SecretStore::get) of a file that was modified, truncated or copied from another key
//!   is an explicit [`StoreError`] (the GCM tag does not verify), never `None`.
//! * Every Java exception is cleared (`ExceptionClear`) and becomes a [`StoreError`] naming the
//!   exception; there are no panics and **no fallback to memory**. Errors name files and
//!   exception classes, never a key's name or a value; `Debug` shows no secret.
//! * Each call attaches the calling thread to the JVM if it is not attached (and detaches it
//!   again), and runs in its own JNI local frame, so it is safe from any thread, including a
//!   Tokio worker. Plaintext passes through the JVM as a `byte[]` that is overwritten with
//!   zeros after use (the JVM may still have copied it; that cannot be prevented from JNI).
//!
//! If the files outlive the Keystore key (a backup restored the files, but the key never leaves
//! the device), `get` fails for every value: the app
//! should treat that like a sign-out and `delete` the keys. Exclude the data directory from
//! Auto Backup (see the README).

#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use cognito_auth_core::{SecretStore, StoreError};
use cognito_auth_secret_files::SecretDir;
use jni::objects::{GlobalRef, JByteArray, JObject, JString, JValue};
use jni::{JNIEnv, JavaVM};
use zeroize::Zeroizing;

mod jni_util;
mod jvm;
mod keys;

use jni_util::{settle, wipe_bytes, with_env, Failure, JResult};
pub use jvm::{open_in_app_directory, process_jvm};
#[doc(hidden)]
pub use keys::key_gen_parameter_spec_for_tests;
use keys::{load_or_create_key, new_cipher, KeyOutcome};

/// The Android Keystore's keystore type and provider name.
pub const ANDROID_KEY_STORE: &str = "AndroidKeyStore";

/// The subdirectory of `Context.getFilesDir()` used by [`AndroidKeystoreStore::for_android_context`].
pub const ANDROID_DATA_SUBDIR: &str = "cognito-auth";

/// Extension of value files.
const EXTENSION: &str = "gcm";

/// Value file: `MAGIC | VERSION | IV length (1) | IV | ciphertext | tag (16)`.
const MAGIC: &[u8; 4] = b"CAKS";
const VERSION: u8 = 1;
pub(crate) const TAG_BITS: i32 = 128;
const MAX_IV_LEN: usize = 64;

/// Local references one operation may create (they are freed when it returns).
pub(crate) const LOCAL_FRAME: i32 = 32;

/// Serialises key creation within the process, so two stores opened at the same moment cannot
/// both generate a key under the same alias.
static OPEN_LOCK: Mutex<()> = Mutex::new(());

/// Which `java.security.KeyStore` holds the AES key.
pub enum KeyStoreSource {
    /// The Android Keystore (`KeyStore.getInstance("AndroidKeyStore")`), on Android only; the
    /// key is generated inside it with a `KeyGenParameterSpec` and cannot be exported.
    AndroidKeyStore,
    /// A keystore file of `keystore_type` (`"PKCS12"` or `"JCEKS"`) at `path`, protected by
    /// `password`, for desktop JVMs and tests. The file is created if missing.
    File {
        /// `KeyStore.getInstance` type: `"PKCS12"` or `"JCEKS"`.
        keystore_type: String,
        /// The keystore file.
        path: PathBuf,
        /// The keystore's and the key entry's password.
        password: Zeroizing<String>,
    },
}

impl fmt::Debug for KeyStoreSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyStoreSource::AndroidKeyStore => f.write_str("AndroidKeyStore"),
            KeyStoreSource::File {
                keystore_type,
                path,
                ..
            } => f
                .debug_struct("File")
                .field("keystore_type", keystore_type)
                .field("path", path)
                .finish_non_exhaustive(),
        }
    }
}

impl KeyStoreSource {
    fn keystore_type(&self) -> &str {
        match self {
            KeyStoreSource::AndroidKeyStore => ANDROID_KEY_STORE,
            KeyStoreSource::File { keystore_type, .. } => keystore_type,
        }
    }
}

/// Where an [`AndroidKeystoreStore`] keeps its key and its files.
#[derive(Debug)]
pub struct KeystoreConfig {
    /// The keystore holding the key.
    pub source: KeyStoreSource,
    /// The key's alias in the keystore (for example `"cognito-auth"`).
    pub key_alias: String,
    /// The app-private directory for the encrypted values (created with mode 0700 if missing).
    /// On Android: a subdirectory of `Context.getFilesDir()`.
    pub data_dir: PathBuf,
}

/// A [`SecretStore`] encrypting with a Java KeyStore key through JNI; see the
/// [crate docs](crate).
pub struct AndroidKeystoreStore {
    vm: JavaVM,
    key: GlobalRef,
    files: SecretDir,
    keystore_type: String,
    key_alias: String,
}

impl AndroidKeystoreStore {
    /// Opens the store: loads (or creates) the key `config.key_alias` in `config.source` and
    /// uses `config.data_dir` for the encrypted values. `vm` is the process's JVM (on Android,
    /// from `JNIEnv::get_java_vm` or `JNI_OnLoad`).
    pub fn open(vm: JavaVM, config: KeystoreConfig) -> Result<AndroidKeystoreStore, StoreError> {
        let files = SecretDir::open(&config.data_dir, EXTENSION)?;
        let operation = format!(
            "opening the {} key {}",
            config.source.keystore_type(),
            config.key_alias
        );
        let _guard = OPEN_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let mut attempts = 0;
        let key = loop {
            let outcome = with_env(&vm, |env| load_or_create_key(env, &config))
                .map_err(|f| f.into_store_error(&operation))?;
            match outcome {
                KeyOutcome::Key(key) => break key,
                KeyOutcome::LostRace if attempts < 3 => attempts += 1,
                KeyOutcome::LostRace => {
                    return Err(StoreError::new(format!(
                        "{operation} failed: the keystore file keeps changing"
                    )))
                }
            }
        };
        Ok(AndroidKeystoreStore {
            vm,
            key,
            files,
            keystore_type: config.source.keystore_type().to_owned(),
            key_alias: config.key_alias,
        })
    }

    /// Opens the store the usual way on Android: the key `key_alias` in the Android Keystore,
    /// the values in `context.getFilesDir()/cognito-auth/`. `context` is an
    /// `android.content.Context` (pass the application context).
    pub fn for_android_context(
        env: &mut JNIEnv,
        context: &JObject,
        key_alias: &str,
    ) -> Result<AndroidKeystoreStore, StoreError> {
        let operation = "reading Context.getFilesDir()";
        let files_dir = env
            .with_local_frame(LOCAL_FRAME, |env| {
                let result = (|| -> JResult<String> {
                    let dir = env
                        .call_method(context, "getFilesDir", "()Ljava/io/File;", &[])?
                        .l()?;
                    let path = JString::from(
                        env.call_method(&dir, "getAbsolutePath", "()Ljava/lang/String;", &[])?
                            .l()?,
                    );
                    let path: String = env.get_string(&path)?.into();
                    Ok(path)
                })();
                settle(env, result)
            })
            .map_err(|f| f.into_store_error(operation))?;
        let vm = env
            .get_java_vm()
            .map_err(|e| Failure::from(e).into_store_error(operation))?;
        AndroidKeystoreStore::open(
            vm,
            KeystoreConfig {
                source: KeyStoreSource::AndroidKeyStore,
                key_alias: key_alias.to_owned(),
                data_dir: PathBuf::from(files_dir).join(ANDROID_DATA_SUBDIR),
            },
        )
    }

    /// The directory holding the encrypted values.
    pub fn data_dir(&self) -> &std::path::Path {
        self.files.dir()
    }

    fn encrypt(&self, key: &str, value: &str) -> JResult<Vec<u8>> {
        with_env(&self.vm, |env| {
            let cipher = new_cipher(env)?;
            env.call_method(
                &cipher,
                "init",
                "(ILjava/security/Key;)V",
                &[JValue::Int(1), JValue::Object(self.key.as_obj())], // Cipher.ENCRYPT_MODE
            )?
            .v()?;
            let iv = JByteArray::from(env.call_method(&cipher, "getIV", "()[B", &[])?.l()?);
            if iv.is_null() {
                return Err(StoreError::new("the cipher chose no IV").into());
            }
            let iv = env.convert_byte_array(&iv)?;
            if iv.is_empty() || iv.len() > MAX_IV_LEN {
                return Err(StoreError::new(format!(
                    "the cipher chose an IV of {} bytes",
                    iv.len()
                ))
                .into());
            }
            let aad = env.byte_array_from_slice(key.as_bytes())?;
            env.call_method(&cipher, "updateAAD", "([B)V", &[JValue::Object(&aad)])?
                .v()?;
            let plaintext = env.byte_array_from_slice(value.as_bytes())?;
            let sealed =
                env.call_method(&cipher, "doFinal", "([B)[B", &[JValue::Object(&plaintext)]);
            let sealed = settle(env, sealed.map_err(Failure::from));
            wipe_bytes(env, &plaintext);
            let sealed = JByteArray::from(sealed?.l()?);
            let sealed = env.convert_byte_array(&sealed)?;
            let mut file = Vec::with_capacity(MAGIC.len() + 2 + iv.len() + sealed.len());
            file.extend_from_slice(MAGIC);
            file.push(VERSION);
            file.push(iv.len() as u8);
            file.extend_from_slice(&iv);
            file.extend_from_slice(&sealed);
            Ok(file)
        })
    }

    fn decrypt(&self, key: &str, iv: &[u8], sealed: &[u8]) -> JResult<Zeroizing<Vec<u8>>> {
        with_env(&self.vm, |env| {
            let cipher = new_cipher(env)?;
            let iv = env.byte_array_from_slice(iv)?;
            let spec = env.new_object(
                "javax/crypto/spec/GCMParameterSpec",
                "(I[B)V",
                &[JValue::Int(TAG_BITS), JValue::Object(&iv)],
            )?;
            env.call_method(
                &cipher,
                "init",
                "(ILjava/security/Key;Ljava/security/spec/AlgorithmParameterSpec;)V",
                &[
                    JValue::Int(2), // Cipher.DECRYPT_MODE
                    JValue::Object(self.key.as_obj()),
                    JValue::Object(&spec),
                ],
            )?
            .v()?;
            let aad = env.byte_array_from_slice(key.as_bytes())?;
            env.call_method(&cipher, "updateAAD", "([B)V", &[JValue::Object(&aad)])?
                .v()?;
            let sealed = env.byte_array_from_slice(sealed)?;
            let plaintext = JByteArray::from(
                env.call_method(&cipher, "doFinal", "([B)[B", &[JValue::Object(&sealed)])?
                    .l()?,
            );
            let bytes = Zeroizing::new(env.convert_byte_array(&plaintext)?);
            wipe_bytes(env, &plaintext);
            Ok(bytes)
        })
    }
}

impl SecretStore for AndroidKeystoreStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let Some(file) = self.files.read(key)? else {
            return Ok(None);
        };
        let path = self.files.path_for(key);
        let corrupt = || {
            StoreError::unreadable(format!(
                "the secret file {} is corrupt (not a cognito-auth Keystore file, or truncated)",
                path.display()
            ))
        };
        if file.len() < MAGIC.len() + 2 || &file[..MAGIC.len()] != MAGIC {
            return Err(corrupt());
        }
        if file[MAGIC.len()] != VERSION {
            return Err(StoreError::unreadable(format!(
                "the secret file {} has format version {}, which this version cannot read",
                path.display(),
                file[MAGIC.len()]
            )));
        }
        let iv_len = usize::from(file[MAGIC.len() + 1]);
        let body = &file[MAGIC.len() + 2..];
        if iv_len == 0 || body.len() < iv_len + (TAG_BITS as usize / 8) {
            return Err(corrupt());
        }
        let (iv, sealed) = body.split_at(iv_len);
        let plaintext = self
            .decrypt(key, iv, sealed)
            .map_err(|failure| match failure {
                Failure::Java { class, .. } if class == "javax.crypto.AEADBadTagException" => {
                    StoreError::unreadable(format!(
                        "the secret file {} failed authentication: it was modified, copied from \
                     another key's file, or written with another Keystore key",
                        path.display()
                    ))
                }
                other => other.into_store_error(&format!("decrypting {}", path.display())),
            })?;
        match std::str::from_utf8(&plaintext) {
            Ok(text) => Ok(Some(text.to_owned())),
            Err(_) => Err(StoreError::unreadable(format!(
                "the secret file {} does not hold UTF-8 text",
                path.display()
            ))),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let file = self.encrypt(key, value).map_err(|failure| {
            failure.into_store_error(&format!(
                "encrypting with the {} key {}",
                self.keystore_type, self.key_alias
            ))
        })?;
        self.files.write(key, &file)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.files.remove(key)
    }
}

impl fmt::Debug for AndroidKeystoreStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AndroidKeystoreStore")
            .field("keystore_type", &self.keystore_type)
            .field("key_alias", &self.key_alias)
            .field("data_dir", &self.files.dir())
            .finish_non_exhaustive()
    }
}
