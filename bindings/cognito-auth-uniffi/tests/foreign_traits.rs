//! The foreign traits (store, listener, logger) implemented by Rust mocks, driving a real sign-in
//! against the in-process emulator: what a Kotlin or Swift implementation receives.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cognito_auth_core::{
    AuthConfig, AuthEvent, DeviceOutcome, DeviceStatus, Endpoint, SignInNextStep,
};
use cognito_auth_uniffi::logging::set_logger;
use cognito_auth_uniffi::{
    AuthClient, AuthError, AuthEventListener, AuthLogger, LogLevel, LogRecord, SecretStore,
    StoreError,
};
use cognito_emulator::{client, start, EmulatorConfig};
use serde_json::{json, Value};

const PASSWORD: &str = "Passw0rd!";

#[derive(Default)]
struct MockStore {
    values: Mutex<BTreeMap<String, String>>,
}

impl SecretStore for MockStore {
    fn get(&self, key: String) -> Result<Option<String>, StoreError> {
        Ok(self.values.lock().unwrap().get(&key).cloned())
    }
    fn set(&self, key: String, value: String) -> Result<(), StoreError> {
        self.values.lock().unwrap().insert(key, value);
        Ok(())
    }
    fn delete(&self, key: String) -> Result<(), StoreError> {
        self.values.lock().unwrap().remove(&key);
        Ok(())
    }
}

#[derive(Default)]
struct MockListener {
    events: Mutex<Vec<AuthEvent>>,
}

impl AuthEventListener for MockListener {
    fn on_auth_event(&self, event: AuthEvent) {
        self.events.lock().unwrap().push(event);
    }
}

#[derive(Default)]
struct MockLogger {
    records: Mutex<Vec<LogRecord>>,
}

impl AuthLogger for MockLogger {
    fn log(&self, record: LogRecord) {
        self.records.lock().unwrap().push(record);
    }
}

async fn ok(endpoint: &str, operation: &str, body: Value) -> Value {
    let (status, value) = client::call(endpoint, operation, &body).await.unwrap();
    assert_eq!(status, 200, "{operation}: {value}");
    value
}

/// A pool that remembers every device, with one user `alice`; returns (pool id, client id).
async fn pool_with_user(endpoint: &str) -> (String, String) {
    let pool = ok(
        endpoint,
        "CreateUserPool",
        json!({ "PoolName": "ffi", "MfaConfiguration": "OFF",
                "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": true,
                                         "DeviceOnlyRememberedOnUserPrompt": false } }),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let app = ok(
        endpoint,
        "CreateUserPoolClient",
        json!({ "UserPoolId": pool_id, "ClientName": "ffi",
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
    )
    .await;
    let client_id = app["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        endpoint,
        "AdminCreateUser",
        json!({ "UserPoolId": pool_id, "Username": "alice", "MessageAction": "SUPPRESS" }),
    )
    .await;
    ok(
        endpoint,
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool_id, "Username": "alice", "Password": PASSWORD, "Permanent": true }),
    )
    .await;
    (pool_id, client_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_store_listener_and_logger_see_a_real_sign_in() {
    let emulator = start(EmulatorConfig::default()).await.unwrap();
    let endpoint = emulator.endpoint().to_owned();
    let (pool_id, client_id) = pool_with_user(&endpoint).await;

    let logger = Arc::new(MockLogger::default());
    set_logger(Some(logger.clone()), LogLevel::Debug).unwrap();

    let store = Arc::new(MockStore::default());
    let listener = Arc::new(MockListener::default());
    let mut config = AuthConfig::new(Endpoint::Url(endpoint), &pool_id, &client_id);
    config.device_name = Some("ffi test".into());
    let auth = AuthClient::new(config, store.clone()).unwrap();
    auth.add_listener(listener.clone());

    let wrong = auth
        .sign_in("alice".into(), Some("Wrong-passw0rd".into()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, AuthError::Service { exception_name, .. } if exception_name == "NotAuthorizedException"),
        "{wrong:?}"
    );

    let result = auth
        .sign_in("alice".into(), Some(PASSWORD.into()), None)
        .await
        .unwrap();
    assert!(result.is_signed_in);
    assert!(matches!(result.next_step, SignInNextStep::Done));
    let device_key = match result.device {
        Some(DeviceOutcome::Tracked {
            device_key,
            status: DeviceStatus::Remembered,
            ..
        }) => device_key,
        _ => panic!("device not remembered"),
    };
    assert_eq!(
        auth.current_device_status().unwrap(),
        DeviceStatus::Remembered
    );

    // Rust wrote the device secret into the host store under the core's key scheme.
    let values = store.values.lock().unwrap().clone();
    let device_key_name = format!("cognito-auth/{pool_id}/{client_id}/user/alice/device");
    let device: Value = serde_json::from_str(&values[&device_key_name]).unwrap();
    assert_eq!(device["device_key"], json!(device_key));
    assert!(!device["device_secret"].as_str().unwrap().is_empty());
    assert!(values.contains_key(&format!(
        "cognito-auth/{pool_id}/{client_id}/user/alice/tokens"
    )));

    let events = listener.events.lock().unwrap().clone();
    assert!(events.contains(&AuthEvent::SignedIn {
        username: "alice".into()
    }));
    assert!(events.contains(&AuthEvent::DeviceRemembered { device_key }));

    auth.sign_out(false).await.unwrap();
    assert_eq!(
        listener.events.lock().unwrap().last(),
        Some(&AuthEvent::SignedOut)
    );

    let records = logger.records.lock().unwrap().clone();
    assert!(
        records
            .iter()
            .any(|r| r.target.starts_with("cognito_auth_core")
                && r.message.contains("operation=InitiateAuth")),
        "{records:?}"
    );
    // Never a secret in a log line.
    for record in &records {
        assert!(!record.message.contains(PASSWORD), "{record:?}");
        assert!(
            !record.message.contains("eyJ"),
            "a JWT was logged: {record:?}"
        );
    }
    set_logger(None, LogLevel::Off).unwrap();
}
