//! Runs the built `cognito-auth` binary against an emulator started in this test process.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use cognito_emulator::{client, start, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_cognito-auth");
pub const PASSWORD: &str = "Passw0rd!cli";

/// An emulator with one pool (MFA on: SMS + TOTP; devices remembered on user prompt), and a
/// store directory for the CLI.
pub struct Env {
    pub runtime: tokio::runtime::Runtime,
    pub emulator: Option<RunningEmulator>,
    pub endpoint: String,
    pub pool_id: String,
    pub client_id: String,
    pub store: tempfile::TempDir,
}

/// What one CLI run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The one JSON object on stdout.
    pub fn json(&self) -> Value {
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one JSON line, got: {}",
            self.stdout
        );
        serde_json::from_str(lines[0]).expect("stdout is JSON")
    }

    /// Asserts success and returns the JSON object.
    pub fn ok(&self) -> Value {
        assert_eq!(
            self.code, 0,
            "exit {}: stderr {} stdout {}",
            self.code, self.stderr, self.stdout
        );
        let value = self.json();
        assert_eq!(value["ok"], true, "{value}");
        value
    }

    /// Asserts failure with `code` and exactly one line on stderr; returns that line.
    pub fn fails(&self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "exit {}: stderr {} stdout {}",
            self.code, self.stderr, self.stdout
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one stderr line: {:?}",
            self.stderr
        );
        lines[0].to_owned()
    }
}

impl Env {
    pub fn new() -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let emulator = runtime
            .block_on(start(EmulatorConfig::default()))
            .expect("emulator");
        let endpoint = emulator.endpoint().to_owned();
        let mut env = Env {
            runtime,
            emulator: Some(emulator),
            endpoint,
            pool_id: String::new(),
            client_id: String::new(),
            store: tempfile::tempdir().expect("tempdir"),
        };
        let pool = env.call(
            "CreateUserPool",
            json!({
                "PoolName": "cli",
                "MfaConfiguration": "ON",
                "AutoVerifiedAttributes": ["email"],
                "DeviceConfiguration": {
                    "ChallengeRequiredOnNewDevice": true,
                    "DeviceOnlyRememberedOnUserPrompt": true,
                },
            }),
        );
        env.pool_id = pool["UserPool"]["Id"].as_str().expect("id").to_owned();
        env.call(
            "SetUserPoolMfaConfig",
            json!({
                "UserPoolId": env.pool_id,
                "MfaConfiguration": "ON",
                "SmsMfaConfiguration": { "SmsConfiguration": { "SnsCallerArn": "arn:aws:iam::123456789012:role/sns" } },
                "SoftwareTokenMfaConfiguration": { "Enabled": true },
            }),
        );
        let client = env.call(
            "CreateUserPoolClient",
            json!({
                "UserPoolId": env.pool_id,
                "ClientName": "cli",
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        );
        env.client_id = client["UserPoolClient"]["ClientId"]
            .as_str()
            .expect("client id")
            .to_owned();
        env
    }

    pub fn call(&self, operation: &str, body: Value) -> Value {
        let (status, value) = self
            .runtime
            .block_on(client::call(&self.endpoint, operation, &body))
            .expect("HTTP");
        assert_eq!(status, 200, "{operation}: {value}");
        value
    }

    /// Runs `cognito-auth --json <pool flags> ARGS` with `stdin`.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut all = vec![
            "--json",
            "--endpoint",
            &self.endpoint,
            "--user-pool-id",
            &self.pool_id,
            "--client-id",
            &self.client_id,
        ];
        let store = self.store.path().to_str().expect("utf-8 path").to_owned();
        all.extend(["--store", store.as_str()]);
        all.extend(args);
        run_bin(&all, stdin, &[])
    }

    /// Runs `cognito-auth --json <pool flags> --store STORE ARGS`: another device of the same app.
    pub fn run_in(&self, store: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Run {
        let store = store.to_str().expect("utf-8 path");
        let mut all = vec![
            "--json",
            "--endpoint",
            &self.endpoint,
            "--user-pool-id",
            &self.pool_id,
            "--client-id",
            &self.client_id,
            "--store",
            store,
        ];
        all.extend(args);
        run_bin(&all, stdin, &[])
    }

    /// Runs `cognito-auth --json --endpoint E --user-pool-id P admin ARGS` with the AWS standard
    /// chain given dummy keys in the environment, the shared config files pointed at nothing and
    /// EC2 instance metadata off: every request goes to the emulator on 127.0.0.1.
    pub fn admin(&self, args: &[&str]) -> Run {
        let mut all = vec![
            "--json",
            "--endpoint",
            &self.endpoint,
            "--user-pool-id",
            &self.pool_id,
            "admin",
        ];
        all.extend(args);
        let none = self.store.path().join("no-aws-config");
        let none = none.to_str().expect("utf-8 path");
        run_bin(&all, None, &admin_env(none))
    }

    /// The newest code in the outbox for `username` with this purpose (`SIGN_UP`, `MFA`).
    pub fn code(&self, username: &str, purpose: &str) -> String {
        let path = format!(
            "/_emulator/messages?userPoolId={}&username={username}",
            self.pool_id
        );
        let response = self
            .runtime
            .block_on(client::request(&self.endpoint, "GET", &path, &[], b""))
            .expect("outbox");
        let messages = response.json();
        messages
            .as_array()
            .and_then(|all| all.iter().rev().find(|m| m["purpose"] == purpose))
            .and_then(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no {purpose} code for {username}: {messages}"))
            .to_owned()
    }

    /// The emulator's clock.
    pub fn now(&self) -> u64 {
        let response = self
            .runtime
            .block_on(client::request(
                &self.endpoint,
                "GET",
                "/_emulator/clock",
                &[],
                b"",
            ))
            .expect("clock");
        response.json()["now"].as_u64().expect("now")
    }

    /// Moves the emulator's clock.
    pub fn advance(&self, seconds: i64) {
        let body = json!({ "advanceSeconds": seconds }).to_string();
        let response = self
            .runtime
            .block_on(client::request(
                &self.endpoint,
                "POST",
                "/_emulator/clock",
                &[("content-type", "application/json")],
                body.as_bytes(),
            ))
            .expect("clock");
        assert_eq!(response.status, 200);
    }

    /// A confirmed user with e-mail and phone, signed up through the CLI.
    pub fn signed_up(&self, username: &str, phone: &str) {
        let email = format!("{username}@example.com");
        self.run(
            &[
                "sign-up",
                "--username",
                username,
                "--email",
                &email,
                "--phone",
                phone,
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        )
        .ok();
        let code = self.code(username, "SIGN_UP");
        self.run(&["confirm-sign-up", "--username", username, &code], None)
            .ok();
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
    }
}

/// The AWS environment of the admin tests: dummy static keys, no shared config or credentials
/// file (`missing` is a path that does not exist), no instance metadata.
pub fn admin_env(missing: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", missing),
        ("AWS_SHARED_CREDENTIALS_FILE", missing),
    ]
}

/// Runs the binary with `args`, `stdin` and extra environment variables.
pub fn run_bin(args: &[&str], stdin: Option<&str>, envs: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "COGNITO_AUTH_REGION",
        "COGNITO_AUTH_ENDPOINT",
        "COGNITO_AUTH_USER_POOL_ID",
        "COGNITO_AUTH_CLIENT_ID",
        "COGNITO_AUTH_CLIENT_SECRET",
        "COGNITO_AUTH_STORE",
    ] {
        command.env_remove(var);
    }
    // Nothing of this machine's AWS configuration reaches the binary: the admin tests give it
    // their own (see `Env::admin`).
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("AWS_") {
            command.env_remove(var);
        }
    }
    command.envs(envs.iter().copied());
    let mut child = command.spawn().expect("spawn cognito-auth");
    {
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The fields of a `--json` output that carry a library value are that value's one encoding
/// (bindings/JSON.md): decoded into the core type `T` and encoded again, they come out unchanged.
pub fn assert_encoding<T: serde::Serialize + serde::de::DeserializeOwned>(
    output: &Value,
    fields: &[&str],
) {
    let object: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), output[*f].clone()))
        .collect();
    let value = Value::Object(object);
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} is not a {}: {e}", std::any::type_name::<T>()));
    assert_eq!(serde_json::to_value(typed).unwrap(), value);
}
