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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use cognito_auth_core::{SecretStore, StoreError};
use cognito_auth_secret_files::{atomic_write, create_exclusive, read_if_exists, SecretDir};
use jni::objects::{GlobalRef, JByteArray, JCharArray, JObject, JString, JValue};
use jni::{JNIEnv, JavaVM};
use zeroize::Zeroizing;

/// The Android Keystore's keystore type and provider name.
pub const ANDROID_KEY_STORE: &str = "AndroidKeyStore";

/// The subdirectory of `Context.getFilesDir()` used by [`AndroidKeystoreStore::for_android_context`].
pub const ANDROID_DATA_SUBDIR: &str = "cognito-auth";

/// Extension of value files.
const EXTENSION: &str = "gcm";

/// Value file: `MAGIC | VERSION | IV length (1) | IV | ciphertext | tag (16)`.
const MAGIC: &[u8; 4] = b"CAKS";
const VERSION: u8 = 1;
const TAG_BITS: i32 = 128;
const MAX_IV_LEN: usize = 64;

/// Local references one operation may create (they are freed when it returns).
const LOCAL_FRAME: i32 = 32;

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

/// A failure inside a JNI operation. `Java` is an exception that has already been cleared.
enum Failure {
    Jni(jni::errors::Error),
    Java { class: String, text: String },
    Store(StoreError),
}

impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Failure {
        Failure::Jni(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        Failure::Store(error)
    }
}

impl Failure {
    fn into_store_error(self, operation: &str) -> StoreError {
        match self {
            Failure::Store(error) => error,
            Failure::Java { text, .. } => {
                StoreError::new(format!("{operation} failed: Java exception {text}"))
            }
            Failure::Jni(error) => {
                StoreError::new(format!("{operation} failed: JNI error: {error}"))
            }
        }
    }
}

type JResult<T> = Result<T, Failure>;

/// Runs `f` with the thread attached and in a local frame; any pending exception is cleared and
/// turned into [`Failure::Java`].
fn with_env<T>(vm: &JavaVM, f: impl FnOnce(&mut JNIEnv) -> JResult<T>) -> JResult<T> {
    let mut env = vm.attach_current_thread()?;
    env.with_local_frame(LOCAL_FRAME, |env| {
        let result = f(env);
        settle(env, result)
    })
}

/// Clears a pending exception, if any, and describes it.
fn take_exception(env: &mut JNIEnv) -> Option<Failure> {
    if !env.exception_check().unwrap_or(false) {
        return None;
    }
    let throwable = env.exception_occurred();
    let _ = env.exception_clear();
    Some(match throwable {
        Ok(throwable) if !throwable.is_null() => describe_throwable(env, &throwable),
        _ => Failure::Java {
            class: "unknown".to_owned(),
            text: "unknown".to_owned(),
        },
    })
}

/// Leaves no exception pending: a pending exception replaces the result (an exception left
/// pending after a successful call is still a failure).
fn settle<T>(env: &mut JNIEnv, result: JResult<T>) -> JResult<T> {
    match (take_exception(env), result) {
        (None, result) => result,
        (Some(_), Err(Failure::Store(error))) => Err(Failure::Store(error)),
        (Some(described), _) => Err(described),
    }
}

fn describe_throwable(env: &mut JNIEnv, throwable: &JObject) -> Failure {
    let class = (|| -> jni::errors::Result<String> {
        let class = env
            .call_method(throwable, "getClass", "()Ljava/lang/Class;", &[])?
            .l()?;
        let name = JString::from(
            env.call_method(&class, "getName", "()Ljava/lang/String;", &[])?
                .l()?,
        );
        let name: String = env.get_string(&name)?.into();
        Ok(name)
    })();
    let text = (|| -> jni::errors::Result<String> {
        let text = JString::from(
            env.call_method(throwable, "toString", "()Ljava/lang/String;", &[])?
                .l()?,
        );
        let text: String = env.get_string(&text)?.into();
        Ok(text)
    })();
    // Describing must not itself leave an exception pending.
    if env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
    }
    let class = class.unwrap_or_else(|_| "unknown".to_owned());
    let mut text = text.unwrap_or_else(|_| class.clone());
    if text.chars().count() > 300 {
        text = text.chars().take(300).collect::<String>() + "…";
    }
    Failure::Java { class, text }
}

fn jstring<'local>(env: &mut JNIEnv<'local>, text: &str) -> JResult<JString<'local>> {
    Ok(env.new_string(text)?)
}

fn char_array<'local>(env: &mut JNIEnv<'local>, text: &str) -> JResult<JCharArray<'local>> {
    let units: Zeroizing<Vec<u16>> = Zeroizing::new(text.encode_utf16().collect());
    let len = i32::try_from(units.len())
        .map_err(|_| StoreError::new("the keystore password is too long"))?;
    let array = env.new_char_array(len)?;
    env.set_char_array_region(&array, 0, &units)?;
    Ok(array)
}

fn wipe_chars(env: &mut JNIEnv, array: &JCharArray) {
    if let Ok(len) = env.get_array_length(array) {
        let zeros = vec![0u16; usize::try_from(len).unwrap_or(0)];
        let _ = env.set_char_array_region(array, 0, &zeros);
    }
}

fn wipe_bytes(env: &mut JNIEnv, array: &JByteArray) {
    if let Ok(len) = env.get_array_length(array) {
        let zeros = vec![0i8; usize::try_from(len).unwrap_or(0)];
        let _ = env.set_byte_array_region(array, 0, &zeros);
    }
}

fn string_array<'local>(env: &mut JNIEnv<'local>, items: &[&str]) -> JResult<JObject<'local>> {
    let len = i32::try_from(items.len()).map_err(|_| StoreError::new("too many strings"))?;
    let array = env.new_object_array(len, "java/lang/String", JObject::null())?;
    for (index, item) in items.iter().enumerate() {
        let item = jstring(env, item)?;
        env.set_object_array_element(&array, index as i32, &item)?;
    }
    Ok(array.into())
}

/// `KeyStore.getInstance(type)`, loaded from `source`. Returns the keystore and whether a
/// keystore file existed.
fn load_keystore<'local>(
    env: &mut JNIEnv<'local>,
    source: &KeyStoreSource,
    password: Option<&JCharArray>,
) -> JResult<(JObject<'local>, bool)> {
    let keystore_type = jstring(env, source.keystore_type())?;
    let keystore = env
        .call_static_method(
            "java/security/KeyStore",
            "getInstance",
            "(Ljava/lang/String;)Ljava/security/KeyStore;",
            &[JValue::Object(&keystore_type)],
        )?
        .l()?;
    let mut existed = false;
    match source {
        KeyStoreSource::AndroidKeyStore => {
            env.call_method(
                &keystore,
                "load",
                "(Ljava/security/KeyStore$LoadStoreParameter;)V",
                &[JValue::Object(&JObject::null())],
            )?
            .v()?;
        }
        KeyStoreSource::File { path, .. } => {
            let bytes = read_if_exists(path).map_err(|e| {
                StoreError::new(format!("cannot read the keystore {}: {e}", path.display()))
            })?;
            let input = match bytes {
                Some(bytes) => {
                    existed = true;
                    let array = env.byte_array_from_slice(&bytes)?;
                    env.new_object(
                        "java/io/ByteArrayInputStream",
                        "([B)V",
                        &[JValue::Object(&array)],
                    )?
                }
                None => JObject::null(),
            };
            let null = JObject::null();
            let password: &JObject = password.map(|p| p.as_ref()).unwrap_or(&null);
            env.call_method(
                &keystore,
                "load",
                "(Ljava/io/InputStream;[C)V",
                &[JValue::Object(&input), JValue::Object(password)],
            )?
            .v()?;
        }
    }
    Ok((keystore, existed))
}

/// The outcome of looking for or creating the key.
enum KeyOutcome {
    Key(GlobalRef),
    /// Another process created the keystore file first: load it again.
    LostRace,
}

fn load_or_create_key(env: &mut JNIEnv, config: &KeystoreConfig) -> JResult<KeyOutcome> {
    let password = match &config.source {
        KeyStoreSource::File { password, .. } => Some(char_array(env, password)?),
        KeyStoreSource::AndroidKeyStore => None,
    };
    let result = load_or_create_key_with(env, config, password.as_ref());
    // Clear a pending exception before the wipe (JNI forbids most calls while one is pending).
    let result = settle(env, result);
    if let Some(password) = &password {
        wipe_chars(env, password);
    }
    result
}

fn load_or_create_key_with(
    env: &mut JNIEnv,
    config: &KeystoreConfig,
    password: Option<&JCharArray>,
) -> JResult<KeyOutcome> {
    let (keystore, existed) = load_keystore(env, &config.source, password)?;
    let alias = jstring(env, &config.key_alias)?;
    let null = JObject::null();
    let password_obj: &JObject = password.map(|p| p.as_ref()).unwrap_or(&null);
    let key = env
        .call_method(
            &keystore,
            "getKey",
            "(Ljava/lang/String;[C)Ljava/security/Key;",
            &[JValue::Object(&alias), JValue::Object(password_obj)],
        )?
        .l()?;
    if !key.is_null() {
        let is_secret = env.is_instance_of(&key, "javax/crypto/SecretKey")?;
        if !is_secret {
            return Err(StoreError::new(format!(
                "the keystore entry {} is not a secret key",
                config.key_alias
            ))
            .into());
        }
        return Ok(KeyOutcome::Key(env.new_global_ref(&key)?));
    }
    match &config.source {
        KeyStoreSource::AndroidKeyStore => {
            let key = generate_android_key(env, &alias)?;
            Ok(KeyOutcome::Key(env.new_global_ref(&key)?))
        }
        KeyStoreSource::File { path, .. } => {
            let key = generate_file_key(env, &keystore, &alias, password_obj)?;
            let output = env.new_object("java/io/ByteArrayOutputStream", "()V", &[])?;
            env.call_method(
                &keystore,
                "store",
                "(Ljava/io/OutputStream;[C)V",
                &[JValue::Object(&output), JValue::Object(password_obj)],
            )?
            .v()?;
            let bytes =
                JByteArray::from(env.call_method(&output, "toByteArray", "()[B", &[])?.l()?);
            let bytes = env.convert_byte_array(&bytes)?;
            let write_error = |e: std::io::Error| {
                StoreError::new(format!("cannot write the keystore {}: {e}", path.display()))
            };
            if existed {
                atomic_write(path, &bytes).map_err(write_error)?;
            } else {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    cognito_auth_secret_files::create_private_dir(parent).map_err(write_error)?;
                }
                if !create_exclusive(path, &bytes).map_err(write_error)? {
                    return Ok(KeyOutcome::LostRace);
                }
            }
            Ok(KeyOutcome::Key(env.new_global_ref(&key)?))
        }
    }
}

/// The `KeyGenParameterSpec` of the store's key: AES-256, encrypt and decrypt, GCM, no
/// padding, randomized encryption (the Keystore chooses every IV).
fn android_key_spec<'local>(env: &mut JNIEnv<'local>, alias: &JString) -> JResult<JObject<'local>> {
    const BUILDER: &str = "android/security/keystore/KeyGenParameterSpec$Builder";
    const RETURNS_BUILDER: &str = ")Landroid/security/keystore/KeyGenParameterSpec$Builder;";
    // KeyProperties.PURPOSE_ENCRYPT | KeyProperties.PURPOSE_DECRYPT
    let purposes = 1 | 2;
    let builder = env.new_object(
        BUILDER,
        "(Ljava/lang/String;I)V",
        &[JValue::Object(alias), JValue::Int(purposes)],
    )?;
    let block_modes = string_array(env, &["GCM"])?; // KeyProperties.BLOCK_MODE_GCM
    env.call_method(
        &builder,
        "setBlockModes",
        format!("([Ljava/lang/String;{RETURNS_BUILDER}"),
        &[JValue::Object(&block_modes)],
    )?
    .l()?;
    let paddings = string_array(env, &["NoPadding"])?; // KeyProperties.ENCRYPTION_PADDING_NONE
    env.call_method(
        &builder,
        "setEncryptionPaddings",
        format!("([Ljava/lang/String;{RETURNS_BUILDER}"),
        &[JValue::Object(&paddings)],
    )?
    .l()?;
    env.call_method(
        &builder,
        "setKeySize",
        format!("(I{RETURNS_BUILDER}"),
        &[JValue::Int(256)],
    )?
    .l()?;
    env.call_method(
        &builder,
        "setRandomizedEncryptionRequired",
        format!("(Z{RETURNS_BUILDER}"),
        &[JValue::Bool(1)],
    )?
    .l()?;
    Ok(env
        .call_method(
            &builder,
            "build",
            "()Landroid/security/keystore/KeyGenParameterSpec;",
            &[],
        )?
        .l()?)
}

/// Builds the `android.security.keystore.KeyGenParameterSpec` the store generates its key with,
/// without generating a key. Only for checking the JNI calls against Android's classes on a
/// desktop JVM (see the README); needs those classes on the class path.
#[doc(hidden)]
pub fn key_gen_parameter_spec_for_tests<'local>(
    env: &mut JNIEnv<'local>,
    alias: &str,
) -> Result<JObject<'local>, StoreError> {
    let result = (|| {
        let alias = jstring(env, alias)?;
        android_key_spec(env, &alias)
    })();
    settle(env, result).map_err(|f| f.into_store_error("building the KeyGenParameterSpec"))
}

/// Generates the AES-256-GCM key inside the Android Keystore.
fn generate_android_key<'local>(
    env: &mut JNIEnv<'local>,
    alias: &JString,
) -> JResult<JObject<'local>> {
    let spec = android_key_spec(env, alias)?;
    let algorithm = jstring(env, "AES")?;
    let provider = jstring(env, ANDROID_KEY_STORE)?;
    let generator = env
        .call_static_method(
            "javax/crypto/KeyGenerator",
            "getInstance",
            "(Ljava/lang/String;Ljava/lang/String;)Ljavax/crypto/KeyGenerator;",
            &[JValue::Object(&algorithm), JValue::Object(&provider)],
        )?
        .l()?;
    env.call_method(
        &generator,
        "init",
        "(Ljava/security/spec/AlgorithmParameterSpec;)V",
        &[JValue::Object(&spec)],
    )?
    .v()?;
    Ok(env
        .call_method(&generator, "generateKey", "()Ljavax/crypto/SecretKey;", &[])?
        .l()?)
}

/// Generates an AES-256 key with the default provider and puts it in `keystore` as a
/// `SecretKeyEntry` under `alias`.
fn generate_file_key<'local>(
    env: &mut JNIEnv<'local>,
    keystore: &JObject,
    alias: &JString,
    password: &JObject,
) -> JResult<JObject<'local>> {
    let algorithm = jstring(env, "AES")?;
    let generator = env
        .call_static_method(
            "javax/crypto/KeyGenerator",
            "getInstance",
            "(Ljava/lang/String;)Ljavax/crypto/KeyGenerator;",
            &[JValue::Object(&algorithm)],
        )?
        .l()?;
    env.call_method(&generator, "init", "(I)V", &[JValue::Int(256)])?
        .v()?;
    let key = env
        .call_method(&generator, "generateKey", "()Ljavax/crypto/SecretKey;", &[])?
        .l()?;
    let entry = env.new_object(
        "java/security/KeyStore$SecretKeyEntry",
        "(Ljavax/crypto/SecretKey;)V",
        &[JValue::Object(&key)],
    )?;
    let protection = env.new_object(
        "java/security/KeyStore$PasswordProtection",
        "([C)V",
        &[JValue::Object(password)],
    )?;
    env.call_method(
        keystore,
        "setEntry",
        "(Ljava/lang/String;Ljava/security/KeyStore$Entry;Ljava/security/KeyStore$ProtectionParameter;)V",
        &[
            JValue::Object(alias),
            JValue::Object(&entry),
            JValue::Object(&protection),
        ],
    )?
    .v()?;
    // PasswordProtection keeps a copy of the password until destroyed.
    env.call_method(&protection, "destroy", "()V", &[])?.v()?;
    Ok(key)
}

fn new_cipher<'local>(env: &mut JNIEnv<'local>) -> JResult<JObject<'local>> {
    let transformation = jstring(env, "AES/GCM/NoPadding")?;
    Ok(env
        .call_static_method(
            "javax/crypto/Cipher",
            "getInstance",
            "(Ljava/lang/String;)Ljavax/crypto/Cipher;",
            &[JValue::Object(&transformation)],
        )?
        .l()?)
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
            StoreError::new(format!(
                "the secret file {} is corrupt (not a cognito-auth Keystore file, or truncated)",
                path.display()
            ))
        };
        if file.len() < MAGIC.len() + 2 || &file[..MAGIC.len()] != MAGIC {
            return Err(corrupt());
        }
        if file[MAGIC.len()] != VERSION {
            return Err(StoreError::new(format!(
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
                    StoreError::new(format!(
                        "the secret file {} failed authentication: it was modified, copied from \
                     another key's file, or written with another Keystore key",
                        path.display()
                    ))
                }
                other => other.into_store_error(&format!("decrypting {}", path.display())),
            })?;
        match std::str::from_utf8(&plaintext) {
            Ok(text) => Ok(Some(text.to_owned())),
            Err(_) => Err(StoreError::new(format!(
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
