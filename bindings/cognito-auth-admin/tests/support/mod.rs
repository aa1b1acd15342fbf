//! The official SDK pointed at an in-process emulator, and sign-ins with the core's AuthClient.

#![allow(dead_code)]

use cognito_auth_admin::sdk::config::{BehaviorVersion, Credentials, Region};
use cognito_auth_admin::{https_client, AdminClient};
use cognito_auth_core::{
    AuthClient, ConfirmSignInOptions, DeviceOutcome, SignInNextStep, SignInOptions, SignInResult,
};
use cognito_auth_e2e::{Emu, Pool, PASSWORD};

/// An [`AdminClient`] for `pool` through the real SDK (SigV4 with dummy static credentials,
/// rustls on ring) against the emulator's endpoint.
pub fn admin(emu: &Emu, pool: &Pool) -> AdminClient {
    let config = cognito_auth_admin::sdk::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&emu.endpoint)
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "not-a-secret",
            None,
            None,
            "test",
        ))
        .http_client(https_client())
        .build();
    AdminClient::from_sdk(
        cognito_auth_admin::sdk::Client::from_conf(config),
        &pool.pool_id,
    )
}

/// Signs `username` in, answering an SMS code if one is asked; returns the result and whether
/// MFA was asked.
pub async fn sign_in(
    emu: &Emu,
    pool: &Pool,
    client: &AuthClient,
    username: &str,
) -> (SignInResult, bool) {
    let first = client
        .sign_in(username, Some(PASSWORD), SignInOptions::default())
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
    let code = emu.last_code(pool, username).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("SMS code");
    assert!(done.is_signed_in, "{done:?}");
    (done, true)
}

/// The device key a sign-in tracked.
pub fn tracked_key(result: &SignInResult) -> String {
    match &result.device {
        Some(DeviceOutcome::Tracked { device_key, .. }) => device_key.clone(),
        other => panic!("expected a tracked device, got {other:?}"),
    }
}
