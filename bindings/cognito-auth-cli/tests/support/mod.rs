//! Runs the built `cognito-auth` binary against an emulator started in this test process.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use cognito_emulator::{client, start, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_cognito-auth");
pub const PASSWORD: &str = "Passw0rd!cli";
/// The password the password tests change to.
pub const NEW_PASSWORD: &str = "N3w-Passw0rd!cli";
/// Every password the tests use: no run may print one (see [`assert_no_secret`]).
pub const PASSWORDS: &[&str] = &[PASSWORD, NEW_PASSWORD];

/// The app client flows of [`Env::new`].
pub const SRP_FLOWS: &[&str] = &["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
/// Every flow the CLI can start, for [`Env::with_flows`].
pub const ALL_FLOWS: &[&str] = &[
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
];

/// An emulator with one pool (MFA on: SMS + TOTP; devices remembered on user prompt), and a
/// store directory for the CLI.
pub struct Env {
    pub runtime: tokio::runtime::Runtime,
    pub emulator: Option<RunningEmulator>,
    pub endpoint: String,
    pub pool_id: String,
    pub client_id: String,
    pub store: tempfile::TempDir,
    /// Codes (and other secrets) this test has handled: no run may print one.
    pub secrets: std::sync::Mutex<Vec<String>>,
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
    /// The pool below, with an app client for SRP and refresh.
    pub fn new() -> Env {
        Env::with_flows(SRP_FLOWS)
    }

    /// The pool: MFA on (SMS + TOTP), devices remembered on user prompt, e-mail auto-verified,
    /// the first factors PASSWORD, EMAIL_OTP and SMS_OTP for USER_AUTH; an app client allowing
    /// `flows`.
    pub fn with_flows(flows: &[&str]) -> Env {
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
            secrets: std::sync::Mutex::new(Vec::new()),
        };
        let pool = env.call(
            "CreateUserPool",
            json!({
                "PoolName": "cli",
                "MfaConfiguration": "ON",
                "AutoVerifiedAttributes": ["email"],
                "Policies": {
                    "SignInPolicy": { "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"] },
                },
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
                "ExplicitAuthFlows": flows,
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
        let mut all = vec!["--json"];
        all.extend(args);
        self.run_text(&all, stdin)
    }

    /// Runs `cognito-auth <pool flags> ARGS` with `stdin`: human output unless ARGS has
    /// `--json`.
    pub fn run_text(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_with_env(args, stdin, &[])
    }

    /// Runs `cognito-auth <pool flags> ARGS` with `stdin` and extra environment variables.
    pub fn run_with_env(&self, args: &[&str], stdin: Option<&str>, envs: &[(&str, &str)]) -> Run {
        let all = self.args(&self.client_id, self.store.path(), args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let run = run_bin(&all, stdin, envs);
        self.scan(&run, &all);
        run
    }

    /// `<pool flags> --client-id CLIENT --store STORE ARGS`.
    pub fn args(&self, client_id: &str, store: &std::path::Path, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = [
            "--endpoint",
            &self.endpoint,
            "--user-pool-id",
            &self.pool_id,
            "--client-id",
            client_id,
            "--store",
            store.to_str().expect("utf-8 path"),
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        all.extend(args.iter().map(|s| (*s).to_owned()));
        all
    }

    /// Asserts that the run printed none of the secrets this test handled (nor a password or
    /// a token it did not ask for).
    pub fn scan(&self, run: &Run, args: &[&str]) {
        let secrets = self.secrets.lock().expect("secrets").clone();
        assert_no_secret(run, args, &secrets);
    }

    /// Remembers a secret this test handles: no run may print it.
    pub fn secret(&self, secret: &str) -> String {
        self.secrets
            .lock()
            .expect("secrets")
            .push(secret.to_owned());
        secret.to_owned()
    }

    /// The TOTP code for `secret` at the emulator's time plus `ahead` seconds (remembered as a
    /// secret).
    pub fn totp(&self, secret: &str, ahead: u64) -> String {
        let code = cognito_emulator::totp_code(secret, self.now() + ahead);
        self.secret(&code)
    }

    /// Makes the next call of `operation` fail with the Cognito exception `error`.
    pub fn fault(&self, operation: &str, error: &str) {
        let body = json!({ "operation": operation, "error": error }).to_string();
        let response = self
            .runtime
            .block_on(client::request(
                &self.endpoint,
                "POST",
                "/_emulator/faults",
                &[("content-type", "application/json")],
                body.as_bytes(),
            ))
            .expect("faults");
        assert_eq!(response.status, 200, "{}", response.json());
    }

    /// How many calls of `operation` the emulator has had.
    pub fn calls(&self, operation: &str) -> u64 {
        let path = format!("/_emulator/calls?operation={operation}");
        let response = self
            .runtime
            .block_on(client::request(&self.endpoint, "GET", &path, &[], b""))
            .expect("calls");
        response.json()["count"].as_u64().expect("count")
    }

    /// Stops the emulator: the endpoint no longer answers.
    pub fn stop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
    }

    /// Runs `cognito-auth --json <pool flags> ARGS`, writing `first` to its stdin, then what
    /// `then` returns (called once `first` is written; stdin stays open until then).
    pub fn run_feeding(&self, args: &[&str], first: &str, then: impl FnOnce() -> String) -> Run {
        let mut with_json = vec!["--json"];
        with_json.extend(args);
        let all = self.args(&self.client_id, self.store.path(), &with_json);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut child = command(&all, &[]).spawn().expect("spawn cognito-auth");
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(first.as_bytes()).expect("write stdin");
        pipe.flush().expect("flush");
        let next = then();
        // The process may have ended already (a failure): a closed pipe is its answer.
        let _ = pipe.write_all(next.as_bytes());
        drop(pipe);
        let run = finish(child);
        self.scan(&run, &all);
        run
    }

    /// The newest code for `username` with this purpose, waiting up to 10 s for one (remembered
    /// as a secret).
    pub fn wait_code(&self, username: &str, purpose: &str) -> String {
        for _ in 0..200 {
            if let Some(code) = self.try_code(username, purpose) {
                return self.secret(&code);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("no {purpose} code for {username} within 10 s");
    }

    fn try_code(&self, username: &str, purpose: &str) -> Option<String> {
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
            .map(str::to_owned)
    }

    /// Runs `cognito-auth --json <pool flags> --store STORE ARGS`: another device of the same app.
    pub fn run_in(&self, store: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Run {
        let mut with_json = vec!["--json"];
        with_json.extend(args);
        let all = self.args(&self.client_id, store, &with_json);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let run = run_bin(&all, stdin, &[]);
        self.scan(&run, &all);
        run
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
        let run = run_bin(&all, None, &admin_env(none));
        self.scan(&run, &all);
        run
    }

    /// The newest code in the outbox for `username` with this purpose (`SIGN_UP`, `MFA`,
    /// `SIGN_IN`, `FORGOT_PASSWORD`, `VERIFY_ATTRIBUTE`), remembered as a secret.
    pub fn code(&self, username: &str, purpose: &str) -> String {
        let code = self
            .try_code(username, purpose)
            .unwrap_or_else(|| panic!("no {purpose} code for {username}"));
        self.secret(&code)
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

    /// [`Env::signed_up`], then signed in with the SMS code (this device tracked, not
    /// remembered).
    pub fn signed_in(&self, username: &str, phone: &str) {
        self.signed_up(username, phone);
        let started = self
            .run(
                &["sign-in", "--username", username, "--password-stdin"],
                Some(&format!("{PASSWORD}\n")),
            )
            .ok();
        assert_eq!(
            started["nextStep"]["signInStep"], "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
            "{started}"
        );
        let code = self.code(username, "MFA");
        let done = self.run(&["confirm-sign-in", &code], None).ok();
        assert_eq!(done["isSignedIn"], true, "{done}");
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

/// Runs the binary with `args`, `stdin` and extra environment variables; asserts that it
/// printed no password (and no token unless asked to).
pub fn run_bin(args: &[&str], stdin: Option<&str>, envs: &[(&str, &str)]) -> Run {
    let mut child = command(args, envs).spawn().expect("spawn cognito-auth");
    {
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    let run = finish(child);
    assert_no_secret(&run, args, &[]);
    run
}

fn finish(child: std::process::Child) -> Run {
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

/// Asserts that `run` printed (stdout or stderr) none of the test passwords, none of
/// `secrets` (codes: as a whole word, not inside a longer number), and no token (`eyJ`, the
/// start of every JWT) unless `args` ask for tokens (`--show-tokens`).
pub fn assert_no_secret(run: &Run, args: &[&str], secrets: &[String]) {
    let output = format!("{}\n{}", run.stdout, run.stderr);
    let secrets = PASSWORDS
        .iter()
        .map(|p| (*p).to_owned())
        .chain(secrets.iter().cloned());
    for secret in secrets {
        assert!(
            !contains_secret(&output, &secret),
            "the secret {secret:?} was printed by `cognito-auth {}`:\n{output}",
            args.join(" ")
        );
    }
    if !args.contains(&"--show-tokens") {
        assert!(
            !output.contains("eyJ"),
            "a token was printed by `cognito-auth {}`:\n{output}",
            args.join(" ")
        );
    }
}

/// Whether `text` holds `secret`; an alphanumeric secret (a code) only as a whole word.
pub fn contains_secret(text: &str, secret: &str) -> bool {
    if secret.is_empty() {
        return false;
    }
    if !secret.chars().all(|c| c.is_ascii_alphanumeric()) {
        return text.contains(secret);
    }
    let bytes = text.as_bytes();
    text.match_indices(secret).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + secret.len()).copied();
        !before.is_some_and(|b| b.is_ascii_alphanumeric())
            && !after.is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

/// The binary with `args`, piped stdio, and the environment cleared of the CLI's and AWS's
/// variables, then `envs`.
fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
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
        "COGNITO_AUTH_CLIENT_SECRET_FILE",
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
    command
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
