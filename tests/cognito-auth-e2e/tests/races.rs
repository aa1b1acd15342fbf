//! Races (issue 16), on a multi-threaded runtime: two sign-ins at once on one client,
//! remember and forget while a refresh is in flight, sign-out during a refresh, and a hundred
//! concurrent session fetches with expired tokens. The emulator's delay hook holds a call open
//! so the interleaving is the one named; each race also runs repeatedly without the hook.

use std::sync::Arc;
use std::time::Duration;

use cognito_auth_core::{
    AuthClient, ConfirmSignInOptions, DeviceStatus, InMemoryStore, SecretStore, SignInNextStep,
    SignInOptions,
};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};

const USER: &str = "rita";
const ROUNDS: usize = 10;

async fn pool(emu: &Emu, devices: DeviceMode) -> Pool {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[("phone_number", "+15555550199")])
        .await;
    pool
}

async fn sign_in(emu: &Emu, pool: &Pool, client: &AuthClient) {
    emu.sign_in_answering_sms(pool, client, USER).await;
}

/// Every record reads back, and the current user goes with its tokens.
fn assert_consistent(store: &InMemoryStore) {
    for key in store.keys() {
        let value = store.get(&key).unwrap().unwrap();
        if !key.ends_with("current-user") && !key.contains("/alias/") {
            serde_json::from_str::<serde_json::Value>(&value)
                .unwrap_or_else(|e| panic!("{key} does not read back: {e}"));
        }
    }
    let current = store.keys().iter().any(|k| k.ends_with("current-user"));
    let tokens = store.keys().iter().any(|k| k.ends_with("/tokens"));
    assert_eq!(current, tokens, "the current user goes with its tokens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sign_ins_at_once_on_one_client_end_in_one_consistent_sign_in() {
    let emu = Emu::start().await;
    let pool = pool(&emu, DeviceMode::Off).await;
    for round in 0..ROUNDS {
        let store = Arc::new(InMemoryStore::new());
        let (client, _) = emu.client(&pool, store.clone());
        let client = Arc::new(client);
        if round == 0 {
            // Hold the first InitiateAuth open so the second call really waits behind it.
            emu.delay("InitiateAuth", 300, 1).await;
        }
        let start = || {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .sign_in(USER, Some(PASSWORD), SignInOptions::default())
                    .await
            })
        };
        let (a, b) = (start(), start());
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        for result in [&a, &b] {
            assert!(
                matches!(
                    result.as_ref().map(|r| &r.next_step),
                    Ok(SignInNextStep::ConfirmSignInWithSmsMfaCode { .. })
                ),
                "round {round}: {result:?}"
            );
        }
        // The sign-in that ran last is the one waiting; its code signs in.
        let code = emu.last_code(&pool, USER).await;
        let done = client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .expect("the latest code");
        assert!(done.is_signed_in, "round {round}");
        assert_consistent(&store);
        assert!(client.fetch_auth_session(false).await.unwrap().is_signed_in);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn remember_and_forget_during_a_refresh() {
    let emu = Emu::start().await;
    let pool = pool(&emu, DeviceMode::UserOptIn).await;
    for round in 0..ROUNDS {
        let store = Arc::new(InMemoryStore::new());
        let (client, api) = emu.client(&pool, store.clone());
        let client = Arc::new(client);
        sign_in(&emu, &pool, &client).await;
        assert_eq!(
            client.current_device_status().unwrap(),
            DeviceStatus::NotRemembered
        );
        if round == 0 {
            emu.delay("GetTokensFromRefreshToken", 300, 1).await;
        }
        let refresh = {
            let client = client.clone();
            tokio::spawn(async move { client.fetch_auth_session(true).await })
        };
        let remember = {
            let client = client.clone();
            tokio::spawn(async move { client.remember_device().await })
        };
        let refreshed = refresh.await.unwrap().expect("refreshed");
        remember.await.unwrap().expect("remembered");
        assert!(refreshed.is_signed_in);
        assert_eq!(
            client.current_device_status().unwrap(),
            DeviceStatus::Remembered
        );
        assert_consistent(&store);

        if round == 0 {
            emu.delay("GetTokensFromRefreshToken", 300, 1).await;
        }
        let refresh = {
            let client = client.clone();
            tokio::spawn(async move { client.fetch_auth_session(true).await })
        };
        let forget = {
            let client = client.clone();
            tokio::spawn(async move { client.forget_device(None).await })
        };
        // Forgetting the device also ends the refresh token bound to it (as in Cognito): a
        // refresh that reaches Cognito after the forget ends the session; one before it works.
        let refreshed = refresh.await.unwrap();
        forget.await.unwrap().expect("forgotten");
        assert_consistent(&store);
        let session = client.fetch_auth_session(false).await.unwrap();
        let status = client.current_device_status().unwrap();
        match refreshed {
            Ok(_) => assert!(
                session.is_signed_in && status == DeviceStatus::Forgotten,
                "round {round}: {status:?}"
            ),
            Err(cognito_auth_core::AuthError::SignedOut) => assert!(
                !session.is_signed_in && status == DeviceStatus::NotTracked,
                "round {round}: {status:?}"
            ),
            Err(other) => panic!("round {round}: {other:?}"),
        }
        assert!(api.count("GetTokensFromRefreshToken") >= 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_out_during_a_refresh_never_leaves_tokens_behind() {
    let emu = Emu::start().await;
    let pool = pool(&emu, DeviceMode::Off).await;
    for round in 0..ROUNDS {
        let store = Arc::new(InMemoryStore::new());
        let (client, _) = emu.client(&pool, store.clone());
        let client = Arc::new(client);
        sign_in(&emu, &pool, &client).await;
        if round % 2 == 0 {
            emu.delay("GetTokensFromRefreshToken", 200, 1).await;
        }
        let refreshes: Vec<_> = (0..5)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.fetch_auth_session(true).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        client.sign_out(false).await.expect("signed out");
        for refresh in refreshes {
            // Each refresh ran before the sign-out, or found nobody signed in after it.
            let session = refresh.await.unwrap();
            assert!(
                session.is_ok() || matches!(session, Err(cognito_auth_core::AuthError::SignedOut)),
                "round {round}: {session:?}"
            );
        }
        assert!(
            store.keys().iter().all(|k| !k.ends_with("/tokens")),
            "round {round}: tokens written back after the sign-out"
        );
        assert!(!client.fetch_auth_session(false).await.unwrap().is_signed_in);
        assert_consistent(&store);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_fetches_of_expired_tokens_refresh_once() {
    let emu = Emu::start().await;
    let pool = pool(&emu, DeviceMode::Off).await;
    for round in 0..ROUNDS {
        let (client, api, _) = emu.new_client(&pool);
        sign_in(&emu, &pool, &client).await;
        let client = Arc::new(client);
        emu.advance(3600).await;
        let fetches: Vec<_> = (0..100)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.fetch_auth_session(false).await })
            })
            .collect();
        let mut tokens = Vec::new();
        for fetch in fetches {
            tokens.push(fetch.await.unwrap().unwrap().tokens.unwrap().access_token);
        }
        assert_eq!(api.count("GetTokensFromRefreshToken"), 1, "round {round}");
        assert!(tokens.iter().all(|t| *t == tokens[0]), "round {round}");
    }
}
