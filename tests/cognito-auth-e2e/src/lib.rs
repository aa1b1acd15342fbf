//! Test support for driving [`cognito_auth_core::AuthClient`] against a real, in-process
//! [`cognito_emulator`] over HTTP: pools with MFA and device modes, users, the outbox, the clock
//! and fault hooks, and a [`CountingApi`] that counts calls per operation.
//!
//! Every test binary that starts an [`Emu`] runs the secret-leak scan ([`leak_scan`]): its log
//! lines at TRACE level are searched for every password, code, token, TOTP secret, client
//! secret and device secret its tests used.

pub mod leak_scan;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use cognito_auth_core::api::http::HttpCognitoApi;
use cognito_auth_core::api::{ApiFuture, CognitoApi};
use cognito_auth_core::{
    AuthClient, AuthConfig, Clock, ConfirmSignInOptions, Endpoint, InMemoryStore, SecretStore,
    SignInOptions, SignInResult,
};
use cognito_emulator::{client, start, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

/// A password that satisfies Cognito's default policy.
pub const PASSWORD: &str = "Passw0rd!";

/// How a pool treats devices (Cognito's "Remember user devices" setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceMode {
    /// No `DeviceConfiguration`: devices are not tracked.
    Off,
    /// Every device is remembered.
    Always,
    /// The user decides (`DeviceOnlyRememberedOnUserPrompt`).
    UserOptIn,
}

/// A user pool and app client on the emulator.
#[derive(Debug, Clone)]
pub struct Pool {
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// What a pool looks like.
#[derive(Debug, Clone)]
pub struct PoolSpec {
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa: &'static str,
    pub sms: bool,
    pub totp: bool,
    pub email: bool,
    pub devices: DeviceMode,
    /// `ChallengeRequiredOnNewDevice`: a remembered device replaces MFA.
    pub device_replaces_mfa: bool,
    /// Users sign in with their e-mail (`UsernameAttributes = [email]`).
    pub email_as_username: bool,
    /// Users may also sign in with a verified e-mail or phone number
    /// (`AliasAttributes = [email, phone_number]`).
    pub email_and_phone_aliases: bool,
    /// `AutoVerifiedAttributes = [email]`: changing the e-mail sends a code.
    pub auto_verify_email: bool,
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors` for `USER_AUTH` (Cognito's default: PASSWORD).
    pub first_factors: Vec<&'static str>,
    pub client_secret: bool,
    /// The app client's `PreventUserExistenceErrors = ENABLED` (the console's default; the
    /// API's is `LEGACY`).
    pub prevent_user_existence_errors: bool,
}

impl Default for PoolSpec {
    fn default() -> Self {
        PoolSpec {
            mfa: "OFF",
            sms: true,
            totp: true,
            email: false,
            devices: DeviceMode::Off,
            device_replaces_mfa: true,
            email_as_username: false,
            email_and_phone_aliases: false,
            auto_verify_email: false,
            first_factors: vec!["PASSWORD"],
            client_secret: false,
            prevent_user_existence_errors: false,
        }
    }
}

/// A running emulator and the client clock kept in step with it. Dropping it registers the
/// secrets that crossed its API and runs the leak scan ([`leak_scan::check`]): a secret in a log
/// line or printed form fails the test.
pub struct Emu {
    pub emulator: RunningEmulator,
    pub endpoint: String,
    pub clock: Arc<TestClock>,
}

impl Emu {
    /// Starts an emulator on an ephemeral port.
    pub async fn start() -> Emu {
        Emu::start_with(EmulatorConfig::default()).await
    }

    pub async fn start_with(config: EmulatorConfig) -> Emu {
        leak_scan::install();
        let emulator = start(config).await.expect("the emulator starts");
        let endpoint = emulator.endpoint().to_owned();
        Emu {
            emulator,
            endpoint,
            clock: Arc::new(TestClock::default()),
        }
    }

    /// Calls an operation and expects success.
    pub async fn ok(&self, operation: &str, body: Value) -> Value {
        let (status, value) = client::call(&self.endpoint, operation, &body)
            .await
            .expect("HTTP call");
        assert_eq!(status, 200, "{operation} failed: {value}");
        value
    }

    /// Creates a pool and an app client.
    pub async fn pool(&self, spec: PoolSpec) -> Pool {
        let mut body = json!({
            "PoolName": "e2e",
            "MfaConfiguration": spec.mfa,
            "Policies": { "SignInPolicy": { "AllowedFirstAuthFactors": spec.first_factors } },
        });
        if spec.email_as_username {
            body["UsernameAttributes"] = json!(["email"]);
        }
        if spec.email_and_phone_aliases {
            body["AliasAttributes"] = json!(["email", "phone_number"]);
        }
        if spec.email_as_username || spec.auto_verify_email {
            body["AutoVerifiedAttributes"] = json!(["email"]);
        }
        match spec.devices {
            DeviceMode::Off => {}
            mode => {
                body["DeviceConfiguration"] = json!({
                    "ChallengeRequiredOnNewDevice": spec.device_replaces_mfa,
                    "DeviceOnlyRememberedOnUserPrompt": mode == DeviceMode::UserOptIn,
                })
            }
        }
        let created = self.ok("CreateUserPool", body).await;
        let pool_id = created["UserPool"]["Id"]
            .as_str()
            .expect("pool id")
            .to_owned();
        if spec.mfa != "OFF" {
            let mut mfa = json!({
                "UserPoolId": pool_id,
                "MfaConfiguration": spec.mfa,
                "SmsMfaConfiguration": { "SmsConfiguration": { "SnsCallerArn": "arn:aws:iam::123456789012:role/sns" } },
                "SoftwareTokenMfaConfiguration": { "Enabled": spec.totp },
            });
            if spec.email {
                mfa["EmailMfaConfiguration"] = json!({ "Message": "{####}", "Subject": "code" });
            }
            if !spec.sms {
                mfa.as_object_mut()
                    .expect("object")
                    .remove("SmsMfaConfiguration");
            }
            self.ok("SetUserPoolMfaConfig", mfa).await;
        }
        let client = self
            .ok(
                "CreateUserPoolClient",
                json!({
                    "UserPoolId": pool_id,
                    "ClientName": "e2e-app",
                    "GenerateSecret": spec.client_secret,
                    "ExplicitAuthFlows": [
                        "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                        "ALLOW_USER_AUTH", "ALLOW_CUSTOM_AUTH",
                    ],
                    "PreventUserExistenceErrors":
                        if spec.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" },
                }),
            )
            .await;
        Pool {
            pool_id,
            client_id: client["UserPoolClient"]["ClientId"]
                .as_str()
                .expect("client id")
                .to_owned(),
            client_secret: client["UserPoolClient"]["ClientSecret"]
                .as_str()
                .map(str::to_owned),
        }
    }

    /// Creates a confirmed user with a permanent password and the given attributes.
    pub async fn user(&self, pool: &Pool, username: &str, attributes: &[(&str, &str)]) {
        let mut attrs: Vec<Value> = attributes
            .iter()
            .map(|(n, v)| json!({ "Name": n, "Value": v }))
            .collect();
        for (name, _) in attributes {
            if *name == "email" || *name == "phone_number" {
                attrs.push(json!({ "Name": format!("{name}_verified"), "Value": "true" }));
            }
        }
        self.ok(
            "AdminCreateUser",
            json!({ "UserPoolId": pool.pool_id, "Username": username, "UserAttributes": attrs, "MessageAction": "SUPPRESS" }),
        )
        .await;
        self.ok(
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool.pool_id, "Username": username, "Password": PASSWORD, "Permanent": true }),
        )
        .await;
    }

    /// The newest code delivered to `username`.
    pub async fn last_code(&self, pool: &Pool, username: &str) -> String {
        let path = format!(
            "/_emulator/messages?userPoolId={}&username={}",
            pool.pool_id,
            encode(username)
        );
        let response = client::request(&self.endpoint, "GET", &path, &[], b"")
            .await
            .expect("outbox");
        let messages = response.json();
        messages
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no code delivered to {username}: {messages}"))
            .to_owned()
    }

    /// How many messages `username` has received.
    pub async fn message_count(&self, pool: &Pool, username: &str) -> usize {
        let path = format!(
            "/_emulator/messages?userPoolId={}&username={}",
            pool.pool_id,
            encode(username)
        );
        let response = client::request(&self.endpoint, "GET", &path, &[], b"")
            .await
            .expect("outbox");
        response.json().as_array().map_or(0, Vec::len)
    }

    /// The emulator's clock.
    pub async fn now(&self) -> u64 {
        let response = client::request(&self.endpoint, "GET", "/_emulator/clock", &[], b"")
            .await
            .expect("clock");
        response.json()["now"].as_u64().expect("now")
    }

    /// Moves the emulator's clock and the client clock forward together.
    pub async fn advance(&self, seconds: i64) {
        let body = json!({ "advanceSeconds": seconds }).to_string();
        let response = client::request(
            &self.endpoint,
            "POST",
            "/_emulator/clock",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await
        .expect("clock");
        assert_eq!(response.status, 200);
        self.clock.advance(seconds);
    }

    /// Stops the emulator's clock (it then moves only with [`Emu::advance`]): for checks that
    /// count whole seconds, such as the 1-second first lockout.
    pub async fn freeze_clock(&self) {
        let response = client::request(
            &self.endpoint,
            "POST",
            "/_emulator/clock",
            &[("content-type", "application/json")],
            br#"{"freeze": true}"#,
        )
        .await
        .expect("clock");
        assert_eq!(response.status, 200);
    }

    /// Configures the pool's `CUSTOM_AUTH` challenge (the emulator's stand-in for Lambdas).
    pub async fn custom_auth(&self, pool: &Pool, parameters: Value, answer: &str) {
        let body = json!({ "userPoolId": pool.pool_id, "challengeParameters": parameters, "answer": answer }).to_string();
        let response = client::request(
            &self.endpoint,
            "POST",
            "/_emulator/custom-auth",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await
        .expect("custom-auth hook");
        assert_eq!(response.status, 200, "{}", response.json());
    }

    /// Makes the next `count` calls of `operation` fail with `error`.
    pub async fn fault(&self, operation: &str, error: &str, count: u32) {
        let body = json!({ "operation": operation, "error": error, "count": count }).to_string();
        let response = client::request(
            &self.endpoint,
            "POST",
            "/_emulator/faults",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await
        .expect("faults");
        assert_eq!(response.status, 200, "{}", response.json());
    }

    /// Arms a fault with the emulator's `/_emulator/faults` hook (`operation`, `error` or
    /// `response`, `skip`, `count`, `delayMs`).
    pub async fn fault_with(&self, body: Value) {
        self.hook("POST", "/_emulator/faults", &body.to_string())
            .await;
    }

    /// Clears every armed fault.
    pub async fn clear_faults(&self) {
        self.hook("DELETE", "/_emulator/faults", "").await;
    }

    /// Makes the next `count` calls of `operation` wait `delay_ms` first, then run (a slow
    /// network: with a shorter client timeout, the client gives up while the call is applied).
    pub async fn delay(&self, operation: &str, delay_ms: u64, count: u32) {
        let body =
            json!({ "operation": operation, "count": count, "delayMs": delay_ms }).to_string();
        self.hook("POST", "/_emulator/faults", &body).await;
    }

    /// Marks `username` as having registered a passkey (Cognito then offers `WEB_AUTHN`).
    pub async fn passkey(&self, pool: &Pool, username: &str) {
        let body = json!({ "userPoolId": pool.pool_id, "username": username }).to_string();
        self.hook("POST", "/_emulator/passkeys", &body).await;
    }

    async fn hook(&self, method: &str, path: &str, body: &str) {
        let response = client::request(
            &self.endpoint,
            method,
            path,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await
        .expect("hook");
        assert_eq!(response.status, 200, "{path}: {}", response.json());
    }

    /// An [`AuthClient`] for `pool` over `store` that reaches Cognito at `endpoint` (e.g. a
    /// closed port: offline) and gives up on a call after `timeout`.
    pub fn client_at(
        &self,
        pool: &Pool,
        store: Arc<dyn SecretStore>,
        endpoint: &str,
        timeout: std::time::Duration,
    ) -> AuthClient {
        let http = HttpCognitoApi::with_endpoint(endpoint)
            .expect("endpoint")
            .with_timeout(timeout);
        let mut config = AuthConfig::new(
            Endpoint::Url(endpoint.to_owned()),
            &pool.pool_id,
            &pool.client_id,
        );
        config.client_secret = pool.client_secret.clone();
        config.device_name = Some("e2e test device".into());
        let store = Arc::new(leak_scan::ScanningStore(store));
        AuthClient::with_api(config, Arc::new(http), store, self.clock.clone())
    }

    /// Signs `username` in with [`PASSWORD`], answering an SMS code from the outbox if one is
    /// asked; panics on any error.
    pub async fn sign_in_answering_sms(
        &self,
        pool: &Pool,
        client: &AuthClient,
        username: &str,
    ) -> SignInResult {
        let first = client
            .sign_in(username, Some(PASSWORD), SignInOptions::default())
            .await
            .expect("sign in");
        if first.is_signed_in {
            return first;
        }
        let code = self.last_code(pool, username).await;
        let done = client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .expect("code");
        assert!(done.is_signed_in, "{done:?}");
        done
    }

    /// A TOTP code for `secret` at the emulator's current time.
    pub async fn totp(&self, secret: &str) -> String {
        cognito_emulator::totp_code(secret, self.now().await)
    }

    /// An [`AuthClient`] for `pool` over real HTTP, with its own call counter.
    pub fn client(
        &self,
        pool: &Pool,
        store: Arc<dyn SecretStore>,
    ) -> (AuthClient, Arc<CountingApi>) {
        let http = HttpCognitoApi::with_endpoint(&self.endpoint).expect("endpoint");
        let api = Arc::new(CountingApi::new(http));
        let mut config = AuthConfig::new(
            Endpoint::Url(self.endpoint.clone()),
            &pool.pool_id,
            &pool.client_id,
        );
        config.client_secret = pool.client_secret.clone();
        config.device_name = Some("e2e test device".into());
        let store = Arc::new(leak_scan::ScanningStore(store));
        let client = AuthClient::with_api(config, api.clone(), store, self.clock.clone());
        (client, api)
    }

    /// An [`AuthClient`] with a fresh in-memory store.
    pub fn new_client(&self, pool: &Pool) -> (AuthClient, Arc<CountingApi>, Arc<InMemoryStore>) {
        let store = Arc::new(InMemoryStore::new());
        let (client, api) = self.client(pool, store.clone());
        (client, api, store)
    }
}

impl Emu {
    /// Registers the secrets that crossed this emulator's API so far and runs the leak scan
    /// ([`leak_scan::check`]).
    pub fn leak_scan(&self) -> Result<leak_scan::Totals, String> {
        for secret in self.emulator.secrets() {
            leak_scan::secret(&secret);
        }
        leak_scan::check()
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Err(report) = self.leak_scan() {
            if !std::thread::panicking() {
                panic!("{report}");
            }
        }
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The system clock plus an offset that tests move together with the emulator's.
#[derive(Default)]
pub struct TestClock {
    offset: AtomicI64,
}

impl TestClock {
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        let system = cognito_auth_core::SystemClock.now_unix() as i64;
        (system + self.offset.load(Ordering::SeqCst)).max(0) as u64
    }
}

/// A [`CognitoApi`] that counts calls per operation and passes them on.
pub struct CountingApi {
    inner: HttpCognitoApi,
    counts: Mutex<HashMap<&'static str, usize>>,
}

impl CountingApi {
    pub fn new(inner: HttpCognitoApi) -> CountingApi {
        CountingApi {
            inner,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Calls of `operation` so far.
    pub fn count(&self, operation: &str) -> usize {
        self.counts
            .lock()
            .expect("counts")
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Calls of every operation so far.
    pub fn total(&self) -> usize {
        self.counts.lock().expect("counts").values().sum()
    }
}

impl CognitoApi for CountingApi {
    fn call(&self, operation: &'static str, body: Value) -> ApiFuture<'_> {
        *self
            .counts
            .lock()
            .expect("counts")
            .entry(operation)
            .or_default() += 1;
        self.inner.call(operation, body)
    }
}
