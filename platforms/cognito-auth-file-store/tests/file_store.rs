use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::thread;

use cognito_auth_core::SecretStore;
use cognito_auth_file_store::FileStore;

const TOKENS: &str = "cognito-auth/us-east-1_Pool/client/user/alice/tokens";
const DEVICE: &str = "cognito-auth/us-east-1_Pool/client/user/alice/device";

fn value_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sealed"))
        .collect();
    files.sort();
    files
}

#[test]
fn round_trip_replace_and_delete() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path().join("store")).unwrap();
    assert_eq!(store.get(TOKENS).unwrap(), None);
    store.set(TOKENS, "{\"access_token\":\"a\"}").unwrap();
    store.set(DEVICE, "").unwrap();
    store.set("alias/ünïcödé and spaces/..", "ü").unwrap();
    assert_eq!(
        store.get(TOKENS).unwrap().as_deref(),
        Some("{\"access_token\":\"a\"}")
    );
    assert_eq!(store.get(DEVICE).unwrap().as_deref(), Some(""));
    assert_eq!(
        store.get("alias/ünïcödé and spaces/..").unwrap().as_deref(),
        Some("ü")
    );
    store.set(TOKENS, "second").unwrap();
    assert_eq!(store.get(TOKENS).unwrap().as_deref(), Some("second"));
    store.delete(TOKENS).unwrap();
    assert_eq!(store.get(TOKENS).unwrap(), None);
    store.delete(TOKENS).unwrap();
    store.delete("never-set").unwrap();
    assert_eq!(value_files(store.dir()).len(), 2);
}

#[test]
fn values_are_not_stored_in_clear_and_names_are_hashed() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    let secret = "device-secret-0123456789-device-secret";
    store.set(DEVICE, secret).unwrap();
    for entry in fs::read_dir(temp.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.contains("alice"), "{name}");
        let bytes = fs::read(&path).unwrap();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
}

#[test]
fn values_persist_across_instances() {
    let temp = tempfile::tempdir().unwrap();
    {
        let store = FileStore::open(temp.path()).unwrap();
        store.set(TOKENS, "persisted").unwrap();
    }
    let store = FileStore::open(temp.path()).unwrap();
    assert_eq!(store.get(TOKENS).unwrap().as_deref(), Some("persisted"));
}

#[test]
fn a_separate_key_file_works_and_is_required() {
    let temp = tempfile::tempdir().unwrap();
    let key_file = temp.path().join("keys/app.key");
    let store = FileStore::open_with_key_file(temp.path().join("data"), &key_file).unwrap();
    store.set(TOKENS, "v").unwrap();
    assert!(key_file.exists());
    assert!(!temp.path().join("data/store.key").exists());
    let again = FileStore::open_with_key_file(temp.path().join("data"), &key_file).unwrap();
    assert_eq!(again.get(TOKENS).unwrap().as_deref(), Some("v"));
}

#[test]
fn tampered_truncated_and_garbage_files_are_errors_not_missing() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    store
        .set(TOKENS, "a value long enough to flip a byte in")
        .unwrap();
    let path = value_files(temp.path()).pop().unwrap();
    let original = fs::read(&path).unwrap();

    // Every single-byte flip anywhere in the file is detected.
    for index in 0..original.len() {
        let mut bytes = original.clone();
        bytes[index] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let error = store.get(TOKENS).unwrap_err();
        assert!(!error.message.contains("a value"), "{}", error.message);
    }

    fs::write(&path, &original[..original.len() - 1]).unwrap();
    let error = store.get(TOKENS).unwrap_err();
    assert!(error.message.contains("failed authentication"), "{error}");

    fs::write(&path, b"short").unwrap();
    let error = store.get(TOKENS).unwrap_err();
    assert!(error.message.contains("corrupt"), "{error}");

    fs::write(&path, b"").unwrap();
    assert!(store.get(TOKENS).is_err());

    fs::write(&path, &original).unwrap();
    assert_eq!(
        store.get(TOKENS).unwrap().as_deref(),
        Some("a value long enough to flip a byte in")
    );
}

#[test]
fn a_file_swapped_for_another_keys_file_is_detected() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    store.set(TOKENS, "alice's tokens").unwrap();
    store.set(DEVICE, "alice's device").unwrap();
    let dir = cognito_auth_secret_files::SecretDir::open(temp.path(), "sealed").unwrap();
    fs::copy(dir.path_for(DEVICE), dir.path_for(TOKENS)).unwrap();
    let error = store.get(TOKENS).unwrap_err();
    assert!(error.message.contains("failed authentication"), "{error}");
    assert!(!error.message.contains("alice"), "{error}");
}

#[test]
fn a_different_key_file_is_reported_as_such() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    store.set(TOKENS, "v").unwrap();
    drop(store);

    // Replace the key file with another valid key.
    let other = tempfile::tempdir().unwrap();
    FileStore::open(other.path()).unwrap();
    let key_file = temp.path().join("store.key");
    fs::remove_file(&key_file).unwrap();
    fs::copy(other.path().join("store.key"), &key_file).unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    let error = store.get(TOKENS).unwrap_err();
    assert!(error.message.contains("different key"), "{error}");
}

#[test]
fn a_malformed_key_file_is_refused_and_kept() {
    let temp = tempfile::tempdir().unwrap();
    let key_file = temp.path().join("store.key");
    fs::write(&key_file, b"not a key").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key_file, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let error = FileStore::open(temp.path()).unwrap_err();
    assert!(error.message.contains("malformed"), "{error}");
    assert_eq!(fs::read(&key_file).unwrap(), b"not a key");
}

#[cfg(unix)]
#[test]
fn permissions_are_private_and_a_readable_key_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("nested/store");
    let store = FileStore::open(&dir).unwrap();
    store.set(TOKENS, "v").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&temp.path().join("nested")), 0o700);
    assert_eq!(mode(store.key_file()), 0o600);
    for file in value_files(&dir) {
        assert_eq!(mode(&file), 0o600);
    }

    fs::set_permissions(store.key_file(), fs::Permissions::from_mode(0o644)).unwrap();
    let error = FileStore::open(&dir).unwrap_err();
    assert!(error.message.contains("mode 644"), "{error}");
}

#[test]
fn concurrent_first_opens_agree_on_one_key() {
    let temp = tempfile::tempdir().unwrap();
    let dir = Arc::new(temp.path().join("store"));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let dir = Arc::clone(&dir);
            thread::spawn(move || {
                let store = FileStore::open(&*dir).unwrap();
                store
                    .set(&format!("key-{i}"), &format!("value-{i}"))
                    .unwrap();
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let store = FileStore::open(&*dir).unwrap();
    for i in 0..8 {
        assert_eq!(
            store.get(&format!("key-{i}")).unwrap(),
            Some(format!("value-{i}"))
        );
    }
}

#[test]
fn concurrent_writers_never_tear_a_file() {
    let temp = tempfile::tempdir().unwrap();
    let dir = Arc::new(temp.path().to_path_buf());
    FileStore::open(&*dir)
        .unwrap()
        .set(TOKENS, "initial")
        .unwrap();
    // Values of very different lengths, so a torn file could not pass authentication.
    let valid =
        |writer: usize, round: usize| format!("{writer}:{round}:{}", "x".repeat(writer * 997));

    let writers: Vec<_> = (1..=4)
        .map(|writer| {
            let dir = Arc::clone(&dir);
            thread::spawn(move || {
                let store = FileStore::open(&*dir).unwrap(); // one instance per writer, like processes
                for round in 0..100 {
                    store.set(TOKENS, &valid(writer, round)).unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let dir = Arc::clone(&dir);
        thread::spawn(move || {
            let store = FileStore::open(&*dir).unwrap();
            for _ in 0..400 {
                let value = store
                    .get(TOKENS)
                    .unwrap()
                    .expect("the key never disappears");
                if value != "initial" {
                    let mut parts = value.splitn(3, ':');
                    let writer: usize = parts.next().unwrap().parse().unwrap();
                    let round: usize = parts.next().unwrap().parse().unwrap();
                    assert_eq!(value, valid(writer, round));
                }
            }
        })
    };
    for writer in writers {
        writer.join().unwrap();
    }
    reader.join().unwrap();

    let store = FileStore::open(&*dir).unwrap();
    let last = store.get(TOKENS).unwrap().unwrap();
    assert!(
        last.ends_with(&"x".repeat(997)) && last.contains(":99:"),
        "{}",
        &last[..8]
    );
    let leftovers: Vec<_> = fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(cognito_auth_secret_files::TEMP_PREFIX))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn debug_and_errors_reveal_no_secrets() {
    let temp = tempfile::tempdir().unwrap();
    let store = FileStore::open(temp.path()).unwrap();
    store.set(TOKENS, "super-secret-token").unwrap();
    let debug = format!("{store:?}");
    assert!(debug.contains("FileStore"));
    assert!(!debug.contains("super-secret"));
    let key = fs::read(store.key_file()).unwrap();
    let hex: String = key[8..].iter().map(|b| format!("{b:02x}")).collect();
    assert!(!debug.contains(&hex));
    assert!(!debug.contains("cipher"));
}
