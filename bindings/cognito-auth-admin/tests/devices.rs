//! The device operations and the remembered-device limit against the emulator over HTTP,
//! through the official AWS SDK, with real sign-ins by the core's AuthClient on the other side.

mod support;

use cognito_auth_admin::{enforce_device_limit_on_sign_in, AdminDevice, AdminError};
use cognito_auth_core::{AuthClient, CognitoException, DeviceStatus};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec};
use serde_json::json;
use support::{admin, sign_in, tracked_key};

const USER: &str = "dana";

/// MFA required (SMS), every device remembered, a remembered device replaces MFA.
async fn pool(emu: &Emu) -> Pool {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::Always,
            device_replaces_mfa: true,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[("phone_number", "+15555550142")])
        .await;
    pool
}

/// `n` clients, each signed in once (SMS) with its device remembered, 10 s apart.
async fn remembered_devices(emu: &Emu, pool: &Pool, n: usize) -> Vec<(AuthClient, String)> {
    let mut clients = Vec::new();
    for _ in 0..n {
        emu.advance(10).await;
        let (client, _, _) = emu.new_client(pool);
        let (result, asked) = sign_in(emu, pool, &client, USER).await;
        assert!(asked, "a new device is asked for MFA");
        let key = tracked_key(&result);
        clients.push((client, key));
    }
    clients
}

fn ids(devices: &[AdminDevice]) -> Vec<&str> {
    devices.iter().map(|d| d.id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_are_listed_over_every_page_got_updated_and_forgotten() {
    let emu = Emu::start().await;
    let pool = pool(&emu).await;
    let clients = remembered_devices(&emu, &pool, 3).await;
    let keys: Vec<&str> = clients.iter().map(|(_, k)| k.as_str()).collect();
    let admin = admin(&emu, &pool);

    // One device per page: three AdminListDevices calls, every device once.
    let listed = admin
        .clone()
        .with_page_size(1)
        .list_devices(USER)
        .await
        .unwrap();
    assert_eq!(ids(&listed), keys);
    assert!(listed.iter().all(AdminDevice::is_remembered));
    assert!(listed
        .iter()
        .all(|d| d.name.as_deref() == Some("e2e test device")));
    assert_eq!(admin.list_devices(USER).await.unwrap(), listed);

    let one = admin.get_device(USER, keys[1]).await.unwrap();
    assert_eq!(one, listed[1]);
    admin
        .set_device_remembered(USER, keys[1], false)
        .await
        .unwrap();
    let one = admin.get_device(USER, keys[1]).await.unwrap();
    assert_eq!(one.status, DeviceStatus::NotRemembered);

    admin.forget_device(USER, keys[1]).await.unwrap();
    let gone = admin.get_device(USER, keys[1]).await.unwrap_err();
    assert_eq!(gone.exception(), Some(CognitoException::ResourceNotFound));
    assert_eq!(
        ids(&admin.list_devices(USER).await.unwrap()),
        [keys[0], keys[2]]
    );

    let unknown = admin.list_devices("nobody").await.unwrap_err();
    assert_eq!(unknown.exception(), Some(CognitoException::UserNotFound));
    let line = unknown.to_string();
    assert!(
        line.contains("UserNotFoundException: User does not exist."),
        "{line}"
    );
    assert!(!line.contains('\n'));
    let no_pool = admin
        .for_pool("us-east-1_nothere00")
        .list_devices(USER)
        .await
        .unwrap_err();
    assert_eq!(
        no_pool.exception(),
        Some(CognitoException::ResourceNotFound)
    );
    drop(emu); // the secret-leak scan, then the emulator stops
}

#[tokio::test(flavor = "multi_thread")]
async fn the_limit_forgets_the_least_recently_used_and_those_devices_fall_back_to_mfa() {
    let emu = Emu::start().await;
    let pool = pool(&emu).await;
    let clients = remembered_devices(&emu, &pool, 4).await;
    let key = |i: usize| clients[i].1.as_str();
    // The first device signs in again last: by last use the order is 0, 3, 2, 1.
    emu.advance(10).await;
    clients[0].0.sign_out(false).await.unwrap();
    let (_, asked) = sign_in(&emu, &pool, &clients[0].0, USER).await;
    assert!(!asked, "a remembered device skips MFA");
    let admin = admin(&emu, &pool);

    let dry = admin.enforce_device_limit(USER, 2, false).await.unwrap();
    assert!(!dry.applied);
    assert_eq!(ids(&dry.kept), [key(0), key(3)]);
    assert_eq!(ids(&dry.forget), [key(2), key(1)]);
    assert_eq!(
        admin.list_devices(USER).await.unwrap().len(),
        4,
        "a dry run changes nothing"
    );

    let applied = admin.enforce_device_limit(USER, 2, true).await.unwrap();
    assert!(applied.applied);
    assert_eq!(
        (applied.kept.clone(), applied.forget.clone()),
        (dry.kept, dry.forget)
    );
    let left = admin.list_devices(USER).await.unwrap();
    let mut left_ids = ids(&left);
    left_ids.sort_unstable();
    let mut kept = vec![key(0), key(3)];
    kept.sort_unstable();
    assert_eq!(left_ids, kept);
    // Enforcing again finds nothing more to forget.
    let again = admin.enforce_device_limit(USER, 2, true).await.unwrap();
    assert!(again.forget.is_empty());

    for i in [0, 3] {
        let sent = emu.message_count(&pool, USER).await;
        clients[i].0.sign_out(false).await.unwrap();
        let (_, asked) = sign_in(&emu, &pool, &clients[i].0, USER).await;
        assert!(!asked, "kept device {i} still skips MFA");
        assert_eq!(
            emu.message_count(&pool, USER).await,
            sent,
            "no SMS for device {i}"
        );
    }
    for i in [1, 2] {
        clients[i].0.sign_out(false).await.unwrap();
        // The forgotten device's key is refused; the client signs in without it, the user only
        // sees the MFA step, and Cognito issues a new device.
        let (result, asked) = sign_in(&emu, &pool, &clients[i].0, USER).await;
        assert!(asked, "forgotten device {i} falls back to MFA");
        assert_ne!(tracked_key(&result), key(i));
    }
    drop(emu); // the secret-leak scan, then the emulator stops
}

#[tokio::test(flavor = "multi_thread")]
async fn the_post_authentication_hook_enforces_the_limit_in_the_events_pool() {
    let emu = Emu::start().await;
    let pool = pool(&emu).await;
    let clients = remembered_devices(&emu, &pool, 3).await;
    // An admin client made for another pool: the event names the pool.
    let admin = admin(&emu, &pool).for_pool("us-east-1_otherpool");
    let event = json!({
        "version": "1", "region": "us-east-1", "userPoolId": pool.pool_id, "userName": USER,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": pool.client_id},
        "triggerSource": "PostAuthentication_Authentication",
        "request": {"userAttributes": {"phone_number": "+15555550142"}, "newDeviceUsed": false},
        "response": {},
    });
    let report = enforce_device_limit_on_sign_in(&admin, &event, 1)
        .await
        .unwrap();
    assert!(report.applied);
    assert_eq!(ids(&report.kept), [clients[2].1.as_str()]);
    assert_eq!(report.forget.len(), 2);
    let left = admin
        .for_pool(&pool.pool_id)
        .list_devices(USER)
        .await
        .unwrap();
    assert_eq!(ids(&left), [clients[2].1.as_str()]);

    let mut wrong = event.clone();
    wrong["triggerSource"] = json!("PreAuthentication_Authentication");
    assert!(matches!(
        enforce_device_limit_on_sign_in(&admin, &wrong, 1).await,
        Err(AdminError::InvalidInput { .. })
    ));
    drop(emu); // the secret-leak scan, then the emulator stops
}
