//! The store's logic over a fake Keychain that behaves like `SecItem*` (duplicate on add of an
//! existing item, not-found on update/find/delete of a missing one) and can be told to fail.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;

type ItemId = (String, String, Option<String>);

#[derive(Default)]
struct FakeState {
    items: HashMap<ItemId, Vec<u8>>,
    calls: Vec<String>,
    /// Status returned by every call while set (e.g. a locked device).
    fail_with: Option<i32>,
    /// Items seen by add/update, to check the attributes.
    written: Vec<(ItemId, bool, Accessibility)>,
    /// Delete the item right before the next update (a concurrent delete).
    vanish_before_update: bool,
}

#[derive(Clone, Default)]
struct FakeKeychain(Arc<Mutex<FakeState>>);

fn id(item: &Item<'_>) -> ItemId {
    (
        item.service.to_owned(),
        item.account.to_owned(),
        item.access_group.map(str::to_owned),
    )
}

impl FakeKeychain {
    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.0.lock().unwrap()
    }

    fn begin(&self, call: &str) -> Result<std::sync::MutexGuard<'_, FakeState>, i32> {
        let mut state = self.state();
        state.calls.push(call.to_owned());
        match state.fail_with {
            Some(status) => Err(status),
            None => Ok(state),
        }
    }
}

impl KeychainBackend for FakeKeychain {
    fn add(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32> {
        let mut state = self.begin("add")?;
        state
            .written
            .push((id(item), item.data_protection_keychain, item.accessibility));
        if state.items.contains_key(&id(item)) {
            return Err(status::DUPLICATE_ITEM);
        }
        state.items.insert(id(item), secret.to_vec());
        Ok(())
    }

    fn update(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32> {
        let mut state = self.begin("update")?;
        if std::mem::take(&mut state.vanish_before_update) {
            state.items.remove(&id(item));
        }
        state
            .written
            .push((id(item), item.data_protection_keychain, item.accessibility));
        match state.items.get_mut(&id(item)) {
            Some(data) => {
                *data = secret.to_vec();
                Ok(())
            }
            None => Err(status::ITEM_NOT_FOUND),
        }
    }

    fn find(&self, item: &Item<'_>) -> Result<Zeroizing<Vec<u8>>, i32> {
        let state = self.begin("find")?;
        state
            .items
            .get(&id(item))
            .map(|data| Zeroizing::new(data.clone()))
            .ok_or(status::ITEM_NOT_FOUND)
    }

    fn delete(&self, item: &Item<'_>) -> Result<(), i32> {
        let mut state = self.begin("delete")?;
        state
            .items
            .remove(&id(item))
            .map(|_| ())
            .ok_or(status::ITEM_NOT_FOUND)
    }
}

fn store(config: KeychainConfig) -> (KeychainStore, FakeKeychain) {
    let fake = FakeKeychain::default();
    (
        KeychainStore::with_backend(config, Box::new(fake.clone())),
        fake,
    )
}

const KEY: &str = "cognito-auth/us-east-1_Pool/client/user/alice/device";

#[test]
fn round_trip_update_and_delete() {
    let (store, fake) = store(KeychainConfig::default());
    assert_eq!(store.get(KEY).unwrap(), None);
    store.set(KEY, "first").unwrap();
    assert_eq!(store.get(KEY).unwrap().as_deref(), Some("first"));
    store.set(KEY, "second").unwrap();
    assert_eq!(store.get(KEY).unwrap().as_deref(), Some("second"));
    store.delete(KEY).unwrap();
    assert_eq!(store.get(KEY).unwrap(), None);
    store.delete(KEY).unwrap(); // errSecItemNotFound on delete is fine
    assert_eq!(
        fake.state().calls,
        ["find", "add", "find", "add", "update", "find", "delete", "find", "delete"]
    );
}

#[test]
fn items_are_named_by_service_account_and_group() {
    let config = KeychainConfig::new("com.example.app").with_access_group("TEAM123.shared");
    let (store, fake) = store(config);
    store.set(KEY, "v").unwrap();
    store.set(KEY, "w").unwrap();
    let expected_id = (
        "com.example.app".to_owned(),
        KEY.to_owned(),
        Some("TEAM123.shared".to_owned()),
    );
    let state = fake.state();
    assert_eq!(
        state.items.get(&expected_id).map(Vec::as_slice),
        Some(&b"w"[..])
    );
    // Both the add and the update carry the accessibility and the data-protection flag.
    assert_eq!(state.written.len(), 3);
    for (id, data_protection, accessibility) in &state.written {
        assert_eq!(id, &expected_id);
        assert!(data_protection);
        assert_eq!(
            *accessibility,
            Accessibility::AfterFirstUnlockThisDeviceOnly
        );
    }
}

#[test]
fn services_do_not_see_each_others_items() {
    let fake = FakeKeychain::default();
    let a = KeychainStore::with_backend(KeychainConfig::new("a"), Box::new(fake.clone()));
    let b = KeychainStore::with_backend(KeychainConfig::new("b"), Box::new(fake.clone()));
    a.set(KEY, "from a").unwrap();
    assert_eq!(b.get(KEY).unwrap(), None);
    b.delete(KEY).unwrap();
    assert_eq!(a.get(KEY).unwrap().as_deref(), Some("from a"));
}

#[test]
fn a_locked_device_is_an_error_on_every_operation_and_nothing_is_kept() {
    let (store, fake) = store(KeychainConfig::default());
    store.set(KEY, "stored before the lock").unwrap();
    fake.state().fail_with = Some(status::INTERACTION_NOT_ALLOWED);
    for error in [
        store.get(KEY).unwrap_err(),
        store.set(KEY, "new secret").unwrap_err(),
        store.delete(KEY).unwrap_err(),
    ] {
        assert!(
            error.message.contains("errSecInteractionNotAllowed"),
            "{error}"
        );
        assert!(error.message.contains("device is locked"), "{error}");
        assert!(!error.message.contains("secret"), "{error}");
        assert!(!error.message.contains("alice"), "{error}");
    }
    // After unlocking, the value is the one written before: the failed set kept nothing.
    fake.state().fail_with = None;
    assert_eq!(
        store.get(KEY).unwrap().as_deref(),
        Some("stored before the lock")
    );
}

#[test]
fn other_statuses_are_explicit_errors() {
    for (status, expected) in [
        (status::MISSING_ENTITLEMENT, "errSecMissingEntitlement"),
        (status::AUTH_FAILED, "errSecAuthFailed"),
        (status::NOT_AVAILABLE, "errSecNotAvailable"),
        (-99999, "OSStatus -99999"),
    ] {
        let (store, fake) = store(KeychainConfig::new("svc"));
        fake.state().fail_with = Some(status);
        let error = store.get(KEY).unwrap_err();
        assert!(error.message.contains(expected), "{error}");
        assert!(
            error.message.contains("Keychain read failed (service svc)"),
            "{error}"
        );
        let error = store.set(KEY, "v").unwrap_err();
        assert!(error.message.contains("Keychain add failed"), "{error}");
    }
}

#[test]
fn an_item_deleted_between_add_and_update_is_added_again() {
    let (store, fake) = store(KeychainConfig::default());
    store.set(KEY, "old").unwrap();
    fake.state().vanish_before_update = true;
    store.set(KEY, "new").unwrap();
    assert_eq!(store.get(KEY).unwrap().as_deref(), Some("new"));
    assert_eq!(fake.state().calls, ["add", "add", "update", "add", "find"]);
}

#[test]
fn data_that_is_not_utf8_is_an_error() {
    let (store, fake) = store(KeychainConfig::default());
    fake.state().items.insert(
        ("cognito-auth".to_owned(), KEY.to_owned(), None),
        vec![0xff, 0xfe],
    );
    let error = store.get(KEY).unwrap_err();
    assert!(error.message.contains("UTF-8"), "{error}");
}

#[test]
fn debug_shows_the_configuration_only() {
    let (store, _) = store(KeychainConfig::default());
    store.set(KEY, "secret-value").unwrap();
    let debug = format!("{store:?}");
    assert!(debug.contains("cognito-auth"));
    assert!(!debug.contains("secret-value"));
}

#[test]
fn the_store_is_a_shareable_secret_store() {
    fn assert_store<T: SecretStore + 'static>() {}
    assert_store::<KeychainStore>();
    let (store, _) = store(KeychainConfig::default());
    let shared: Arc<dyn SecretStore> = Arc::new(store);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                for round in 0..50 {
                    shared.set(&format!("k{i}"), &format!("{round}")).unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    for i in 0..4 {
        assert_eq!(shared.get(&format!("k{i}")).unwrap().as_deref(), Some("49"));
    }
}
