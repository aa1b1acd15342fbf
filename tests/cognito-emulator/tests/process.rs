//! The binary (listening line) and state-file persistence across restarts.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use cognito_emulator::{start, EmulatorConfig};
use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn state_file_survives_restart() {
    let dir = std::env::temp_dir().join(format!("cognito-emu-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    let config = EmulatorConfig {
        state_file: Some(path.clone()),
        ..Default::default()
    };
    let emu = start(config.clone()).await.unwrap();
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "pers", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "pers", PASSWORD, None).await;
    let refresh = v["AuthenticationResult"]["RefreshToken"].clone();
    emu.shutdown().await;
    assert!(path.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != "state.json")
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");

    let emu = start(config).await.unwrap();
    let pool = Pool {
        ep: emu.endpoint().to_owned(),
        ..pool
    };
    let (status, v) = srp_sign_in(&pool, "pers", PASSWORD, None).await;
    assert_eq!(status, 200, "{v}");
    let r = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    // The signing key persisted too, so the new access token works.
    ok(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": r["AuthenticationResult"]["AccessToken"]}),
    )
    .await;
    emu.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_prints_listening_line_first() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
            .args(["--host", "127.0.0.1", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let endpoint = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert!(!endpoint.ends_with(":0"));
    let r = cognito_emulator::client::request(&endpoint, "GET", "/_emulator/health", &[], b"")
        .await
        .unwrap();
    assert_eq!(r.status, 200);

    let bad = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
