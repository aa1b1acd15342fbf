//! The store's Rust → JNI → JVM path on a desktop JVM, with PKCS12 and JCEKS keystore files in
//! place of the Android Keystore: the same `KeyStore`, `KeyGenerator` and
//! `Cipher("AES/GCM/NoPadding")` calls an Android device makes, except the key generation with
//! `KeyGenParameterSpec` (Android only).

mod support;

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use cognito_auth_android_keystore::{AndroidKeystoreStore, KeyStoreSource, KeystoreConfig};
use cognito_auth_core::SecretStore;
use support::{file_config, vm};
use zeroize::Zeroizing;

const TOKENS: &str = "cognito-auth/us-east-1_Pool/client/user/alice/tokens";
const DEVICE: &str = "cognito-auth/us-east-1_Pool/client/user/alice/device";

fn open(config: KeystoreConfig) -> AndroidKeystoreStore {
    AndroidKeystoreStore::open(vm(), config).unwrap()
}

fn value_file(store: &AndroidKeystoreStore, key: &str) -> PathBuf {
    store
        .data_dir()
        .join(cognito_auth_secret_files::file_name_for_key(key, "gcm"))
}

#[test]
fn round_trip_replace_and_delete_with_pkcs12_and_jceks() {
    for keystore_type in ["PKCS12", "JCEKS"] {
        let temp = tempfile::tempdir().unwrap();
        let store = open(file_config(temp.path(), keystore_type, "cognito-auth"));
        assert_eq!(store.get(TOKENS).unwrap(), None);
        store.set(TOKENS, "{\"access_token\":\"eyJ...\"}").unwrap();
        store.set(DEVICE, "").unwrap();
        store.set("alias/zoë@example.com", "ünïcödé ✓").unwrap();
        assert_eq!(
            store.get(TOKENS).unwrap().as_deref(),
            Some("{\"access_token\":\"eyJ...\"}")
        );
        assert_eq!(store.get(DEVICE).unwrap().as_deref(), Some(""));
        assert_eq!(
            store.get("alias/zoë@example.com").unwrap().as_deref(),
            Some("ünïcödé ✓")
        );
        store.set(TOKENS, "replaced").unwrap();
        assert_eq!(store.get(TOKENS).unwrap().as_deref(), Some("replaced"));
        store.delete(TOKENS).unwrap();
        assert_eq!(store.get(TOKENS).unwrap(), None);
        store.delete(TOKENS).unwrap();
        store.delete("never-set").unwrap();
    }
}

#[test]
fn ciphertext_files_hold_a_12_byte_iv_and_no_plaintext() {
    let temp = tempfile::tempdir().unwrap();
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    let secret = "device-secret-that-must-not-appear-on-disk";
    store.set(DEVICE, secret).unwrap();
    let first = fs::read(value_file(&store, DEVICE)).unwrap();
    assert_eq!(&first[..5], b"CAKS\x01");
    assert_eq!(first[5], 12, "IV length");
    assert_eq!(first.len(), 6 + 12 + secret.len() + 16);
    for path in fs::read_dir(temp.path().join("values")).unwrap() {
        let bytes = fs::read(path.unwrap().path()).unwrap();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
    // A fresh IV every time.
    store.set(DEVICE, secret).unwrap();
    let second = fs::read(value_file(&store, DEVICE)).unwrap();
    assert_ne!(first[6..18], second[6..18]);
}

#[test]
fn values_persist_across_store_instances() {
    for keystore_type in ["PKCS12", "JCEKS"] {
        let temp = tempfile::tempdir().unwrap();
        {
            let store = open(file_config(temp.path(), keystore_type, "cognito-auth"));
            store.set(TOKENS, "persisted").unwrap();
        }
        let keystore = fs::read(
            temp.path()
                .join(format!("keys.{}", keystore_type.to_lowercase())),
        )
        .unwrap();
        let store = open(file_config(temp.path(), keystore_type, "cognito-auth"));
        assert_eq!(store.get(TOKENS).unwrap().as_deref(), Some("persisted"));
        // Reopening found the key: the keystore file was not rewritten.
        let again = fs::read(
            temp.path()
                .join(format!("keys.{}", keystore_type.to_lowercase())),
        )
        .unwrap();
        assert_eq!(keystore, again);
    }
}

#[test]
fn a_second_alias_is_added_to_the_keystore_file_without_losing_the_first() {
    let temp = tempfile::tempdir().unwrap();
    let mut config_a = file_config(temp.path(), "PKCS12", "app-a");
    config_a.data_dir = temp.path().join("a");
    let mut config_b = file_config(temp.path(), "PKCS12", "app-b");
    config_b.data_dir = temp.path().join("b");
    open(config_a).set(TOKENS, "a").unwrap();
    open(config_b).set(TOKENS, "b").unwrap();

    let mut config_a = file_config(temp.path(), "PKCS12", "app-a");
    config_a.data_dir = temp.path().join("a");
    let mut config_b = file_config(temp.path(), "PKCS12", "app-b");
    config_b.data_dir = temp.path().join("b");
    assert_eq!(open(config_a).get(TOKENS).unwrap().as_deref(), Some("a"));
    assert_eq!(open(config_b).get(TOKENS).unwrap().as_deref(), Some("b"));
}

#[test]
fn tampering_is_detected_by_the_gcm_tag() {
    let temp = tempfile::tempdir().unwrap();
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    store.set(TOKENS, "tokens to tamper with").unwrap();
    let path = value_file(&store, TOKENS);
    let original = fs::read(&path).unwrap();

    // Flip one bit in the IV, the ciphertext and the tag.
    for index in [6, 6 + 11, 18, original.len() - 17, original.len() - 1] {
        let mut bytes = original.clone();
        bytes[index] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let error = store.get(TOKENS).unwrap_err();
        assert!(error.message.contains("failed authentication"), "{error}");
        assert!(!error.message.contains("tamper with"), "{error}");
    }
    // Truncated and garbage files.
    fs::write(&path, &original[..original.len() - 1]).unwrap();
    assert!(store.get(TOKENS).is_err());
    fs::write(&path, &original[..10]).unwrap();
    assert!(store.get(TOKENS).unwrap_err().message.contains("corrupt"));
    fs::write(&path, b"").unwrap();
    assert!(store.get(TOKENS).unwrap_err().message.contains("corrupt"));
    let mut bytes = original.clone();
    bytes[4] = 9;
    fs::write(&path, &bytes).unwrap();
    assert!(store.get(TOKENS).unwrap_err().message.contains("version 9"));

    // The store still works afterwards (every exception was cleared).
    fs::write(&path, &original).unwrap();
    assert_eq!(
        store.get(TOKENS).unwrap().as_deref(),
        Some("tokens to tamper with")
    );
}

#[test]
fn a_file_copied_from_another_key_fails_authentication() {
    let temp = tempfile::tempdir().unwrap();
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    store.set(TOKENS, "alice's tokens").unwrap();
    store.set(DEVICE, "alice's device").unwrap();
    fs::copy(value_file(&store, DEVICE), value_file(&store, TOKENS)).unwrap();
    let error = store.get(TOKENS).unwrap_err();
    assert!(error.message.contains("failed authentication"), "{error}");
    assert!(!error.message.contains("alice"), "{error}");
}

#[test]
fn values_written_with_another_keystore_key_are_errors() {
    let temp = tempfile::tempdir().unwrap();
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    store.set(TOKENS, "v").unwrap();
    // Same values directory, a different key.
    let mut other = file_config(temp.path(), "JCEKS", "cognito-auth");
    other.data_dir = temp.path().join("values");
    let other = open(other);
    let error = other.get(TOKENS).unwrap_err();
    assert!(error.message.contains("failed authentication"), "{error}");
}

#[test]
fn java_exceptions_become_store_errors_and_are_cleared() {
    let temp = tempfile::tempdir().unwrap();

    // No Android Keystore on a desktop JVM: java.security.KeyStoreException.
    let error = AndroidKeystoreStore::open(
        vm(),
        KeystoreConfig {
            source: KeyStoreSource::AndroidKeyStore,
            key_alias: "cognito-auth".to_owned(),
            data_dir: temp.path().join("android"),
        },
    )
    .unwrap_err();
    assert!(
        error.message.contains("java.security.KeyStoreException"),
        "{error}"
    );
    assert!(error.message.contains("AndroidKeyStore"), "{error}");

    // An unknown keystore type.
    let mut config = file_config(temp.path(), "PKCS12", "cognito-auth");
    config.source = KeyStoreSource::File {
        keystore_type: "NO-SUCH-TYPE".to_owned(),
        path: temp.path().join("nope"),
        password: Zeroizing::new("pw".to_owned()),
    };
    let error = AndroidKeystoreStore::open(vm(), config).unwrap_err();
    assert!(
        error.message.contains("java.security.KeyStoreException"),
        "{error}"
    );

    // The wrong password for an existing keystore: java.io.IOException, and no password in
    // the message.
    open(file_config(temp.path(), "PKCS12", "cognito-auth"))
        .set(TOKENS, "v")
        .unwrap();
    let mut config = file_config(temp.path(), "PKCS12", "cognito-auth");
    config.source = KeyStoreSource::File {
        keystore_type: "PKCS12".to_owned(),
        path: temp.path().join("keys.pkcs12"),
        password: Zeroizing::new("wrong-password-123".to_owned()),
    };
    let error = AndroidKeystoreStore::open(vm(), config).unwrap_err();
    assert!(error.message.contains("java.io.IOException"), "{error}");
    assert!(!error.message.contains("wrong-password-123"), "{error}");
    assert!(!error.message.contains("test-keystore-password"), "{error}");

    // A corrupt keystore file.
    let corrupt = tempfile::tempdir().unwrap();
    fs::write(corrupt.path().join("keys.pkcs12"), b"not a keystore").unwrap();
    let error =
        AndroidKeystoreStore::open(vm(), file_config(corrupt.path(), "PKCS12", "cognito-auth"))
            .unwrap_err();
    assert!(error.message.contains("Java exception"), "{error}");
    assert!(fs::read(corrupt.path().join("keys.pkcs12")).unwrap() == b"not a keystore");

    // Android's classes are missing on a desktop JVM: java.lang.NoClassDefFoundError.
    if support::android_all_jar().is_none() {
        let vm = vm();
        let mut env = vm.attach_current_thread().unwrap();
        let error = cognito_auth_android_keystore::key_gen_parameter_spec_for_tests(&mut env, "a")
            .unwrap_err();
        assert!(error.message.contains("NoClassDefFoundError"), "{error}");
        assert!(!env.exception_check().unwrap());
    }

    // The JVM and this thread are still fine.
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    assert_eq!(store.get(TOKENS).unwrap().as_deref(), Some("v"));
}

#[test]
fn many_threads_share_one_store() {
    let temp = tempfile::tempdir().unwrap();
    let store: Arc<dyn SecretStore> =
        Arc::new(open(file_config(temp.path(), "PKCS12", "cognito-auth")));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                for round in 0..25 {
                    let key = format!("key-{i}");
                    store.set(&key, &format!("{i}/{round}")).unwrap();
                    assert_eq!(store.get(&key).unwrap(), Some(format!("{i}/{round}")));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    for i in 0..4 {
        assert_eq!(
            store.get(&format!("key-{i}")).unwrap(),
            Some(format!("{i}/24"))
        );
    }
}

#[test]
fn concurrent_first_opens_create_one_key() {
    let temp = tempfile::tempdir().unwrap();
    let dir = Arc::new(temp.path().to_path_buf());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let dir = Arc::clone(&dir);
            thread::spawn(move || {
                let store = open(file_config(&dir, "PKCS12", "cognito-auth"));
                store.set(&format!("k{i}"), &format!("v{i}")).unwrap();
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let store = open(file_config(&dir, "PKCS12", "cognito-auth"));
    for i in 0..4 {
        assert_eq!(store.get(&format!("k{i}")).unwrap(), Some(format!("v{i}")));
    }
}

#[test]
fn debug_shows_no_password() {
    let temp = tempfile::tempdir().unwrap();
    let config = file_config(temp.path(), "PKCS12", "cognito-auth");
    let debug = format!("{config:?}");
    assert!(debug.contains("PKCS12"));
    assert!(!debug.contains("test-keystore-password"));
    let store = open(config);
    let debug = format!("{store:?}");
    assert!(debug.contains("cognito-auth"));
    assert!(!debug.contains("test-keystore-password"));
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    let store = open(file_config(temp.path(), "PKCS12", "cognito-auth"));
    store.set(TOKENS, "v").unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.data_dir()), 0o700);
    assert_eq!(mode(&value_file(&store, TOKENS)), 0o600);
    assert_eq!(mode(&temp.path().join("keys.pkcs12")), 0o600);
}
