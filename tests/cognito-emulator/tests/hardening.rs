//! The emulator as a server on a laptop or in CI: loopback unless told otherwise, a `Host` check
//! against DNS rebinding, JSON-only hook POSTs, an optional token, a private state file.

mod common;

use std::process::Command;

use cognito_emulator::{start, EmulatorConfig, RunningEmulator};
use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn emulator_with(config: EmulatorConfig) -> RunningEmulator {
    start(config).await.expect("emulator starts")
}

/// One raw HTTP/1.1 request with exactly these headers (a browser's `Host` included); returns
/// the status and the JSON body.
async fn raw(emu: &RunningEmulator, head: &str, body: &str) -> (u16, Value) {
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let req = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn binding_beyond_loopback_needs_allow_remote() {
    let refused = start(EmulatorConfig {
        host: "0.0.0.0".into(),
        ..EmulatorConfig::default()
    })
    .await
    .err()
    .expect("refused");
    assert_eq!(refused.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(refused.to_string().contains("--allow-remote"), "{refused}");

    let emu = emulator_with(EmulatorConfig {
        host: "0.0.0.0".into(),
        allow_remote: true,
        ..EmulatorConfig::default()
    })
    .await;
    assert!(emu.addr().ip().is_unspecified());
    emu.shutdown().await;

    // The binary says why and exits.
    let out = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
}

#[tokio::test(flavor = "multi_thread")]
async fn only_local_host_names_unless_configured() {
    let emu = emulator().await;
    let port = emu.addr().port();
    let target = "X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools";
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        for head in [
            format!("GET /_emulator/messages HTTP/1.1\r\nHost: {host}"),
            format!("POST / HTTP/1.1\r\nHost: {host}\r\n{target}"),
        ] {
            let (status, v) = raw(&emu, &head, "{}").await;
            assert_eq!(status, 403, "{head}");
            assert_eq!(v["__type"], "ForbiddenException");
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]".to_owned(),
        "app.localhost".to_owned(),
        "192.168.1.20:9229".to_owned(),
    ] {
        let head = format!("GET /_emulator/messages HTTP/1.1\r\nHost: {host}");
        let (status, _) = raw(&emu, &head, "").await;
        assert_eq!(status, 200, "{host}");
    }
    emu.shutdown().await;

    let emu = emulator_with(EmulatorConfig {
        allowed_hosts: vec!["cognito".into()],
        ..EmulatorConfig::default()
    })
    .await;
    let (status, _) = raw(
        &emu,
        "GET /_emulator/health HTTP/1.1\r\nHost: cognito:9229",
        "",
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = raw(&emu, "GET /_emulator/health HTTP/1.1\r\nHost: other", "").await;
    assert_eq!(status, 403);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hook_posts_must_be_json() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    let body = json!({"userPoolId": pool.pool_id, "answer": "42"}).to_string();
    // What a cross-site form or a simple fetch can send.
    for ct in [
        "Content-Type: text/plain",
        "Content-Type: application/x-www-form-urlencoded",
    ] {
        let head = format!("POST /_emulator/custom-auth HTTP/1.1\r\nHost: localhost\r\n{ct}");
        let (status, v) = raw(&emu, &head, &body).await;
        assert_eq!(status, 415, "{ct}");
        assert_eq!(v["__type"], "UnsupportedMediaTypeException");
    }
    let (status, _) = raw(
        &emu,
        "POST /_emulator/clock HTTP/1.1\r\nHost: localhost",
        r#"{"advanceSeconds": 5}"#,
    )
    .await;
    assert_eq!(status, 415, "no content type");
    // Nothing was configured or moved.
    let path = format!("/_emulator/custom-auth?userPoolId={}", pool.pool_id);
    let r = cognito_emulator::client::request(&pool.ep, "GET", &path, &[], b"")
        .await
        .unwrap();
    assert_eq!(r.json()["configured"], false);
    let (status, _) = raw(
        &emu,
        "POST /_emulator/custom-auth HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json; charset=utf-8",
        &body,
    )
    .await;
    assert_eq!(status, 200);
    emu.shutdown().await;
}

/// Found by fuzzing (tests/fuzz, `emulator_requests`): a hook took any method but GET and
/// DELETE for a POST, so `PNST /_emulator/faults` armed a fault. Each hook now answers only the
/// methods it documents, and 405 to the others.
#[tokio::test(flavor = "multi_thread")]
async fn hooks_answer_only_their_methods() {
    let emu = emulator().await;
    let body = json!({"operation": "InitiateAuth", "error": "InternalErrorException"}).to_string();
    for (method, path) in [
        ("PNST", "/_emulator/faults"),
        ("PUT", "/_emulator/faults"),
        ("PATCH", "/_emulator/custom-auth"),
        ("POST", "/_emulator/calls"),
        ("PUT", "/_emulator/passkeys"),
        ("POST", "/_emulator/secrets"),
        ("DELETE", "/_emulator/clock"),
    ] {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
        );
        let (status, _) = raw(&emu, &head, &body).await;
        assert_eq!(status, 405, "{method} {path}");
    }
    let r = cognito_emulator::client::request(emu.endpoint(), "GET", "/_emulator/faults", &[], b"")
        .await
        .unwrap();
    assert_eq!(r.json(), json!([]), "no fault was armed");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_token_guards_hooks_and_admin_operations() {
    let config = EmulatorConfig {
        admin_token: Some("tok-1234567890".into()),
        ..EmulatorConfig::default()
    };
    assert!(!format!("{config:?}").contains("tok-1234567890"));
    let emu = emulator_with(config).await;
    let ep = emu.endpoint().to_owned();
    let create = json!({"PoolName": "guarded"}).to_string();
    let target = (
        "x-amz-target",
        "AWSCognitoIdentityProviderService.CreateUserPool",
    );
    let ct = ("content-type", "application/x-amz-json-1.1");
    let api = |headers: Vec<(&'static str, String)>| {
        let ep = ep.clone();
        let create = create.clone();
        async move {
            let mut all: Vec<(&str, &str)> = vec![target, ct];
            all.extend(headers.iter().map(|(k, v)| (*k, v.as_str())));
            let r = cognito_emulator::client::request(&ep, "POST", "/", &all, create.as_bytes())
                .await
                .unwrap();
            (r.status, r.json())
        }
    };
    let (status, v) = api(vec![]).await;
    assert_eq!(status, 403);
    assert_eq!(v["__type"], "MissingAuthenticationTokenException");
    let sigv4 = |akid: &str| {
        format!("AWS4-HMAC-SHA256 Credential={akid}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00")
    };
    let (status, v) = api(vec![("authorization", sigv4("AKIDWRONG"))]).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "UnrecognizedClientException");
    // An AWS SDK passes the token as its access key id.
    let (status, v) = api(vec![("authorization", sigv4("tok-1234567890"))]).await;
    assert_eq!(status, 200, "{v}");
    let (status, _) = api(vec![("x-emulator-token", "tok-1234567890".into())]).await;
    assert_eq!(status, 200);

    // Hooks (but health) need it too.
    let hook = |headers: Vec<(&'static str, &'static str)>| {
        let ep = ep.clone();
        async move {
            cognito_emulator::client::request(&ep, "GET", "/_emulator/messages", &headers, b"")
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(hook(vec![]).await, 403);
    assert_eq!(hook(vec![("x-emulator-token", "nope")]).await, 403);
    assert_eq!(
        hook(vec![("x-emulator-token", "tok-1234567890")]).await,
        200
    );
    assert_eq!(
        hook(vec![("authorization", "Bearer tok-1234567890")]).await,
        200
    );
    let r = cognito_emulator::client::request(&ep, "GET", "/_emulator/health", &[], b"")
        .await
        .unwrap();
    assert_eq!(r.status, 200);

    // What an app calls needs no token.
    let (status, v) = call(
        &ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "nosuchclient",
               "AuthParameters": {"USERNAME": "x", "SRP_A": "1"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_ne!(v["__type"], "MissingAuthenticationTokenException", "{v}");
    emu.shutdown().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_state_file_is_private_and_never_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("cognito-emu-hardening-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let config = EmulatorConfig {
        state_file: Some(path.clone()),
        ..EmulatorConfig::default()
    };
    let emu = emulator_with(config.clone()).await;
    setup(emu.endpoint(), json!({}), json!({})).await;
    emu.shutdown().await;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    // A link at the state path (say, to a file of the victim's) is refused, not followed.
    let target = dir.join("victim.txt");
    std::fs::write(&target, "untouched").unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let refused = start(config).await.err().expect("refused");
    assert!(refused.to_string().contains("symbolic link"), "{refused}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn lenient_device_sessions_are_announced_after_the_listening_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
        .args(["--port", "0", "--lenient-device-session"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (first, warning) = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut first = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .unwrap();
        let mut warning = String::new();
        std::io::BufReader::new(stderr)
            .read_line(&mut warning)
            .unwrap();
        (first, warning)
    })
    .await
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(
        warning.contains("WARNING") && warning.contains("--lenient-device-session"),
        "{warning}"
    );
}

/// Found by fuzzing (tests/fuzz, `emulator_requests`): the clock hook accepts any i64 offset,
/// and adding it to the system time overflowed (a panic in the handler: the connection dropped,
/// and every later request that read the clock failed the same way). The clock now saturates.
#[tokio::test(flavor = "multi_thread")]
async fn the_clock_hook_takes_any_offset() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    for body in [
        json!({"advanceSeconds": i64::MAX}),
        json!({"advanceSeconds": i64::MAX}),
        json!({"freeze": true}),
        json!({"advanceSeconds": i64::MIN}),
        json!({"advanceSeconds": i64::MIN, "freeze": false}),
    ] {
        let r = cognito_emulator::client::request(
            ep,
            "POST",
            "/_emulator/clock",
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "{body}");
        assert!(r.json()["now"].is_u64(), "{body}: {}", r.json());
        // Operations that read the clock still answer as Cognito would.
        let (status, v) = call(ep, "GetUser", json!({"AccessToken": "not-a-token"})).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert_eq!(v["__type"], "NotAuthorizedException", "{body}: {v}");
    }
    emu.shutdown().await;
}
