//! The AES key: loaded from the Java KeyStore, or generated in it (with a `KeyGenParameterSpec`
//! in the Android Keystore, or as a `SecretKeyEntry` of a keystore file on a desktop JVM); and
//! the `Cipher` that uses it.

use cognito_auth_core::StoreError;
use cognito_auth_secret_files::{atomic_write, create_exclusive, read_if_exists};
use jni::objects::{GlobalRef, JByteArray, JCharArray, JObject, JString, JValue};
use jni::JNIEnv;

use crate::jni_util::{char_array, jstring, settle, string_array, wipe_chars, JResult};
use crate::{KeyStoreSource, KeystoreConfig, ANDROID_KEY_STORE};

/// `KeyStore.getInstance(type)`, loaded from `source`. Returns the keystore and whether a
/// keystore file existed.
pub(crate) fn load_keystore<'local>(
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
pub(crate) enum KeyOutcome {
    Key(GlobalRef),
    /// Another process created the keystore file first: load it again.
    LostRace,
}

pub(crate) fn load_or_create_key(env: &mut JNIEnv, config: &KeystoreConfig) -> JResult<KeyOutcome> {
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

pub(crate) fn load_or_create_key_with(
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
pub(crate) fn android_key_spec<'local>(
    env: &mut JNIEnv<'local>,
    alias: &JString,
) -> JResult<JObject<'local>> {
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
pub(crate) fn generate_android_key<'local>(
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
pub(crate) fn generate_file_key<'local>(
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

pub(crate) fn new_cipher<'local>(env: &mut JNIEnv<'local>) -> JResult<JObject<'local>> {
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
