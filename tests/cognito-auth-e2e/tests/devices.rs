//! Remembered devices end to end: every device mode × whether a remembered device replaces
//! MFA, forgetting, a tampered device secret, an app restart, refresh with the device key,
//! listing every page, and a fault on every call of the flow.

use std::sync::Arc;

use cognito_auth_core::{
    AuthClient, ConfirmSignInOptions, DeviceOutcome, DeviceStatus, InMemoryStore, SecretStore,
    SignInNextStep, SignInOptions, SignInResult,
};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};

const USER: &str = "dana";

async fn mfa_pool(emu: &Emu, devices: DeviceMode, device_replaces_mfa: bool) -> Pool {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices,
            device_replaces_mfa,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[("phone_number", "+15555550142")])
        .await;
    pool
}

/// Signs in, answering the SMS code if one is asked; returns the result and whether MFA was asked.
async fn sign_in(emu: &Emu, pool: &Pool, client: &AuthClient) -> (SignInResult, bool) {
    let first = client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in");
    if first.is_signed_in {
        return (first, false);
    }
    assert!(
        matches!(
            first.next_step,
            SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
        ),
        "{first:?}"
    );
    let code = emu.last_code(pool, USER).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("code");
    assert!(done.is_signed_in);
    (done, true)
}

fn tracked_key(result: &SignInResult) -> String {
    match &result.device {
        Some(DeviceOutcome::Tracked { device_key, .. }) => device_key.clone(),
        other => panic!("expected a tracked device, got {other:?}"),
    }
}

#[tokio::test]
async fn every_device_mode_with_and_without_mfa_replacement() {
    for mode in [DeviceMode::Always, DeviceMode::UserOptIn, DeviceMode::Off] {
        for replaces in [true, false] {
            let label = format!("{mode:?}, remembered device replaces MFA: {replaces}");
            let emu = Emu::start().await;
            let pool = mfa_pool(&emu, mode, replaces).await;
            let (client, api, _) = emu.new_client(&pool);

            let (first, asked) = sign_in(&emu, &pool, &client).await;
            assert!(asked, "{label}: the first sign-in asks for MFA");
            match mode {
                DeviceMode::Off => {
                    assert_eq!(first.device, None, "{label}");
                    assert_eq!(
                        client.current_device_status().unwrap(),
                        DeviceStatus::NotTracked
                    );
                }
                DeviceMode::Always => {
                    let Some(DeviceOutcome::Tracked {
                        status,
                        ask_user_to_remember,
                        ..
                    }) = &first.device
                    else {
                        panic!("{label}: {first:?}");
                    };
                    assert_eq!(*status, DeviceStatus::Remembered, "{label}");
                    assert!(!ask_user_to_remember, "{label}");
                }
                DeviceMode::UserOptIn => {
                    let Some(DeviceOutcome::Tracked {
                        status,
                        ask_user_to_remember,
                        ..
                    }) = &first.device
                    else {
                        panic!("{label}: {first:?}");
                    };
                    assert_eq!(*status, DeviceStatus::NotRemembered, "{label}");
                    assert!(ask_user_to_remember, "{label}");
                    // Not remembered yet: MFA is still asked.
                    client.sign_out(false).await.unwrap();
                    let (_, asked) = sign_in(&emu, &pool, &client).await;
                    assert!(
                        asked,
                        "{label}: a not-remembered device is still asked for MFA"
                    );
                    client.remember_device().await.expect("remember");
                    assert_eq!(
                        client.current_device_status().unwrap(),
                        DeviceStatus::Remembered
                    );
                }
            }
            client.sign_out(false).await.unwrap();
            let before = api.count("RespondToAuthChallenge");
            let (second, asked) = sign_in(&emu, &pool, &client).await;
            let skipped = mode != DeviceMode::Off && replaces;
            assert_eq!(asked, !skipped, "{label}");
            if skipped {
                // PASSWORD_VERIFIER, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER.
                assert_eq!(api.count("RespondToAuthChallenge") - before, 3, "{label}");
                assert_eq!(
                    second.device, None,
                    "{label}: no new device on a known device"
                );
            }
        }
    }
}

#[tokio::test]
async fn forget_restart_and_tampered_secret() {
    let emu = Emu::start().await;
    let pool = mfa_pool(&emu, DeviceMode::Always, true).await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let (first, _) = sign_in(&emu, &pool, &client).await;
    let first_key = tracked_key(&first);

    // An app restart: a new client on the same store still has the device.
    drop(client);
    let (client, api) = emu.client(&pool, store.clone());
    client.sign_out(false).await.unwrap();
    let (_, asked) = sign_in(&emu, &pool, &client).await;
    assert!(
        !asked,
        "after a restart the remembered device still skips MFA"
    );

    let devices = client.fetch_devices().await.expect("devices");
    let current: Vec<_> = devices.iter().filter(|d| d.is_current_device).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].id, first_key);
    assert_eq!(current[0].status, DeviceStatus::Remembered);
    assert_eq!(current[0].name.as_deref(), Some("e2e test device"));

    // Forget: local key and secret gone, MFA asked again, a new device key issued.
    client.forget_device(None).await.expect("forget");
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::Forgotten
    );
    assert_eq!(stored_secret(&store), None, "the device secret is deleted");
    client.sign_out(false).await.unwrap();
    let (after_forget, asked) = sign_in(&emu, &pool, &client).await;
    assert!(asked, "a forgotten device is asked for MFA again");
    let second_key = tracked_key(&after_forget);
    assert_ne!(second_key, first_key);

    // A tampered device secret: Cognito refuses it; the client drops the device and falls back
    // to MFA instead of locking the user out.
    let device_key = store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/device"))
        .expect("device record");
    let record = store.get(&device_key).unwrap().unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&record).unwrap();
    json["device_secret"] = serde_json::json!("not-the-secret");
    store.set(&device_key, &json.to_string()).unwrap();
    client.sign_out(false).await.unwrap();
    let failures_before = api.count("RespondToAuthChallenge");
    let (recovered, asked) = sign_in(&emu, &pool, &client).await;
    assert!(asked, "with a wrong device secret, MFA is asked");
    assert!(
        api.count("RespondToAuthChallenge") - failures_before >= 4,
        "the device SRP was tried and refused"
    );
    let third_key = tracked_key(&recovered);
    assert_ne!(
        third_key, second_key,
        "a fresh device replaces the unusable one"
    );
}

#[tokio::test]
async fn refresh_carries_the_device_key() {
    let emu = Emu::start().await;
    let pool = mfa_pool(&emu, DeviceMode::Always, true).await;
    let (client, api, _) = emu.new_client(&pool);
    sign_in(&emu, &pool, &client).await;
    let before = client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .unwrap();
    emu.advance(3700).await;
    let after = client
        .fetch_auth_session(false)
        .await
        .expect("refresh")
        .tokens
        .unwrap();
    assert_ne!(before.access_token, after.access_token);
    assert!(after.expires_at > before.expires_at);
    // The emulator refuses a device-bound refresh token without its device key.
    assert_eq!(api.count("GetTokensFromRefreshToken"), 1);
}

#[tokio::test]
async fn fetch_devices_reads_every_page() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            devices: DeviceMode::Always,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[]).await;
    let mut last = None;
    for _ in 0..63 {
        let (client, _, _) = emu.new_client(&pool);
        let result = client
            .sign_in(USER, Some(PASSWORD), SignInOptions::default())
            .await
            .unwrap();
        tracked_key(&result);
        last = Some(client);
    }
    let client = last.unwrap();
    let devices = client.fetch_devices().await.expect("devices");
    assert_eq!(devices.len(), 63, "two pages of at most 60");
    assert_eq!(devices.iter().filter(|d| d.is_current_device).count(), 1);
}

/// Every call of the device flows, failed once by the emulator: the failed step reports a
/// retryable error, nothing half-written stays behind, and a retry succeeds.
#[tokio::test]
async fn a_fault_on_every_call_loses_no_device_secret() {
    let emu = Emu::start().await;
    let pool = mfa_pool(&emu, DeviceMode::UserOptIn, true).await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let device_record =
        |store: &InMemoryStore| store.keys().into_iter().find(|k| k.ends_with("/device"));

    // ConfirmDevice refused: still signed in, device not tracked, nothing pending left.
    emu.fault("ConfirmDevice", "InvalidParameterException", 1)
        .await;
    let (result, _) = sign_in(&emu, &pool, &client).await;
    assert!(
        matches!(result.device, Some(DeviceOutcome::NotTracked { .. })),
        "{result:?}"
    );
    assert_eq!(device_record(&store), None);
    // ConfirmDevice fails with a server error (it may have been applied): the secret is kept,
    // pending; the next sign-in asks Cognito (GetDevice: not confirmed), drops it and tracks
    // the new device.
    client.sign_out(false).await.unwrap();
    emu.fault("ConfirmDevice", "InternalErrorException", 1)
        .await;
    let (result, _) = sign_in(&emu, &pool, &client).await;
    assert!(
        matches!(&result.device, Some(DeviceOutcome::NotTracked { reason }) if reason.contains("kept")),
        "{result:?}"
    );
    assert!(
        device_record(&store).is_some(),
        "the pending secret is kept"
    );
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::NotTracked
    );
    client.sign_out(false).await.unwrap();
    let (result, _) = sign_in(&emu, &pool, &client).await;
    let key = tracked_key(&result);

    // UpdateDeviceStatus fails: not remembered locally either; the retry remembers it.
    emu.fault("UpdateDeviceStatus", "TooManyRequestsException", 1)
        .await;
    let failed = client.remember_device().await;
    assert!(
        failed.as_ref().is_err_and(|e| e.is_retryable()),
        "{failed:?}"
    );
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::NotRemembered
    );
    client.remember_device().await.expect("retry remember");
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::Remembered
    );

    // InitiateAuth / RespondToAuthChallenge fail during the device sign-in: the device stays.
    for operation in ["InitiateAuth", "RespondToAuthChallenge"] {
        client.sign_out(false).await.unwrap();
        emu.fault(operation, "InternalErrorException", 1).await;
        let failed = client
            .sign_in(USER, Some(PASSWORD), SignInOptions::default())
            .await;
        assert!(
            failed.as_ref().is_err_and(|e| e.is_retryable()),
            "{operation}: {failed:?}"
        );
        assert!(
            device_record(&store).is_some(),
            "{operation}: the device secret survives"
        );
        let (_, asked) = sign_in(&emu, &pool, &client).await;
        assert!(!asked, "{operation}: the retry still skips MFA");
    }

    // ListDevices fails, then works.
    emu.fault("ListDevices", "InternalErrorException", 1).await;
    assert!(client.fetch_devices().await.is_err());
    assert_eq!(client.fetch_devices().await.unwrap().len(), 1);

    // Refresh fails, then works, with the tokens intact in between.
    emu.advance(3700).await;
    emu.fault("GetTokensFromRefreshToken", "InternalErrorException", 1)
        .await;
    assert!(client.fetch_auth_session(false).await.is_err());
    assert!(client.fetch_auth_session(false).await.unwrap().is_signed_in);

    // ForgetDevice fails: the device and its secret stay; the retry forgets it.
    emu.fault("ForgetDevice", "InternalErrorException", 1).await;
    assert!(client.forget_device(None).await.is_err());
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::Remembered
    );
    client.forget_device(None).await.expect("retry forget");
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::Forgotten
    );
    assert_eq!(stored_secret(&store), None, "the device secret is deleted");
    assert!(client
        .fetch_devices()
        .await
        .unwrap()
        .iter()
        .all(|d| d.id != key));
}

#[tokio::test]
async fn a_device_forgotten_elsewhere_is_dropped_and_the_sign_in_retried() {
    let emu = Emu::start().await;
    let pool = mfa_pool(&emu, DeviceMode::Always, true).await;
    let (client, _, store) = emu.new_client(&pool);
    let (first, _) = sign_in(&emu, &pool, &client).await;
    let key = tracked_key(&first);
    // Another device of the user forgets this one.
    let (other, _, _) = emu.new_client(&pool);
    sign_in(&emu, &pool, &other).await;
    other
        .forget_device(Some(&key))
        .await
        .expect("forget from elsewhere");

    client.sign_out(false).await.unwrap();
    let (result, asked) = sign_in(&emu, &pool, &client).await;
    assert!(asked, "the forgotten device no longer skips MFA");
    assert_ne!(tracked_key(&result), key);
    assert_eq!(
        store
            .keys()
            .iter()
            .filter(|k| k.ends_with("/device"))
            .count(),
        1
    );
}

/// The device secret in the store, if any (a forgotten device keeps only its key).
fn stored_secret(store: &InMemoryStore) -> Option<String> {
    let key = store.keys().into_iter().find(|k| k.ends_with("/device"))?;
    let record: serde_json::Value = serde_json::from_str(&store.get(&key).ok()??).ok()?;
    record["device_secret"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
