//! The password, codes, tokens and device secret never appear in the logs. Alone in its test
//! binary: tracing caches per-callsite interest process-wide, so a test running concurrently
//! without a subscriber could hide events from this one.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cognito_auth_core::{ConfirmSignInOptions, SignInOptions};
use cognito_auth_e2e::{DeviceMode, Emu, PoolSpec, PASSWORD};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn passwords_codes_and_tokens_never_reach_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::Always,
            client_secret: true,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "sam", &[("phone_number", "+15555550166")])
        .await;
    let (client, _, store) = emu.new_client(&pool);
    client
        .sign_in("sam", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    let code = emu.last_code(&pool, "sam").await;
    let wrong = if code == "999999" { "888888" } else { "999999" };
    let _ = client
        .confirm_sign_in(wrong, ConfirmSignInOptions::default())
        .await;
    client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    emu.advance(3700).await;
    let session = client.fetch_auth_session(false).await.unwrap();
    client.sign_out(false).await.unwrap();
    client
        .sign_in("sam", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("signed in"),
        "the test must capture the client's logs:\n{logs}"
    );
    let tokens = session.tokens.unwrap();
    let device = store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/device"))
        .unwrap();
    let device_secret = serde_json::from_str::<serde_json::Value>(&store.get_value(&device))
        .unwrap()["device_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut secrets = vec![
        PASSWORD.to_owned(),
        code,
        wrong.to_owned(),
        tokens.access_token,
        tokens.id_token.unwrap(),
        device_secret,
    ];
    secrets.push(pool.client_secret.clone().unwrap());
    for secret in secrets {
        assert!(!logs.contains(&secret), "a secret reached the logs");
    }
}

trait GetValue {
    fn get_value(&self, key: &str) -> String;
}

impl GetValue for cognito_auth_core::InMemoryStore {
    fn get_value(&self, key: &str) -> String {
        use cognito_auth_core::SecretStore;
        self.get(key).unwrap().unwrap()
    }
}
