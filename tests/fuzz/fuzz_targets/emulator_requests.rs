//! The emulator's request handling, in process, through its whole router (the host guard, the
//! Cognito endpoint, the hooks): any method, headers and body. Every answer must be what Cognito
//! could send: never a panic, never a 5xx (unless a test armed an `InternalErrorException`
//! fault), and from the Cognito endpoint either a JSON object or a Cognito-shaped error (JSON
//! `{"__type", "message"}` naming an exception Cognito has, with a matching `x-amzn-ErrorType`).
//!
//! Input: up to 8 requests separated by `\n---\n`, each written as HTTP: `METHOD PATH`, header
//! lines `Name: value`, an empty line, the body. Placeholders are replaced before sending, so
//! that requests can go deep: `%POOL%`, `%CLIENT%`, `%SECRET_CLIENT%` (and its
//! `%CLIENT_SECRET%`), `%SECRET_HASH%` (of
//! alice for the secret client), `%PASSWORD%` (alice's and carol's), `%SRP_A%`, `%TIMESTAMP%`,
//! `%CLAIM%` (alice's password claim for the last challenge), `%DEVICE_CLAIM%`,
//! `%DEVICE_SALT%` / `%DEVICE_VERIFIER%` (for `ConfirmDevice`), `%TOTP%` (for the last
//! `SecretCode`), `%CODE%` (the last code in the outbox), and the last value any answer gave for
//! `%SESSION%`, `%ACCESS%`, `%ID%`, `%REFRESH%`, `%DEVICE%`, `%DEVICE_GROUP%`, `%USER_ID%`,
//! `%SECRET_BLOCK%`.
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::Router;
use cognito_auth_core::srp::{
    format_timestamp, secret_hash, ClientEphemeral, DeviceSecret, SrpIdentity,
};
use cognito_auth_core::CognitoException;
use cognito_auth_fuzz::{block_on, find, records, tracing_enabled};
use cognito_emulator::{totp_code, EmulatorConfig, InProcessEmulator};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tower::ServiceExt;

const PASSWORD: &str = "Fuzz-Passw0rd!";
const TARGET: &str = "AWSCognitoIdentityProviderService.";

/// Exceptions of the AWS JSON protocol itself, besides the core's table of Cognito's.
const PROTOCOL_EXCEPTIONS: &[&str] = &[
    "UnknownOperationException",
    "SerializationException",
    "UnrecognizedClientException",
    "MissingAuthenticationTokenException",
];

struct Fixture {
    emulator: InProcessEmulator,
    router: Router,
    saved: Vec<u8>,
    pool: String,
    client: String,
    secret_client: String,
    client_secret: String,
    ephemeral: ClientEphemeral,
}

struct Answer {
    status: u16,
    error_type: Option<String>,
    body: Vec<u8>,
}

async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router's error type is Infallible");
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    Answer {
        status,
        error_type,
        body,
    }
}

/// A Cognito call during set-up; it must succeed.
fn call(router: &Router, operation: &str, body: Value) -> Value {
    let request = Request::post("/")
        .header("x-amz-target", format!("{TARGET}{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .body(Body::from(body.to_string()))
        .expect("a valid request");
    let answer = block_on(send(router, request));
    let value: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    assert_eq!(answer.status, 200, "{operation}: {value}");
    value
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let emulator = InProcessEmulator::new(&EmulatorConfig::default(), "http://127.0.0.1:9229")
            .expect("an emulator");
        let router = emulator.router();
        let pool = call(
            &router,
            "CreateUserPool",
            json!({"PoolName": "fuzz", "MfaConfiguration": "OPTIONAL",
                "AliasAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
                "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors":
                    ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}},
                "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                    "DeviceOnlyRememberedOnUserPrompt": true}}),
        )["UserPool"]["Id"]
            .as_str()
            .expect("a pool id")
            .to_owned();
        call(
            &router,
            "SetUserPoolMfaConfig",
            json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
                "SmsMfaConfiguration": {}, "SoftwareTokenMfaConfiguration": {"Enabled": true},
                "EmailMfaConfiguration": {}}),
        );
        let flows = json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_CUSTOM_AUTH",
            "ALLOW_USER_AUTH"
        ]);
        let client = call(
            &router,
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "app", "ExplicitAuthFlows": flows}),
        )["UserPoolClient"]["ClientId"]
            .as_str()
            .expect("a client id")
            .to_owned();
        let with_secret = call(
            &router,
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "server", "GenerateSecret": true,
                "ExplicitAuthFlows": flows}),
        );
        let secret_client = with_secret["UserPoolClient"]["ClientId"]
            .as_str()
            .expect("a client id")
            .to_owned();
        let client_secret = with_secret["UserPoolClient"]["ClientSecret"]
            .as_str()
            .expect("a client secret")
            .to_owned();
        for (name, email, phone) in [
            ("alice", "alice@example.com", "+15555550100"),
            ("carol", "carol@example.com", "+15555550101"),
        ] {
            call(
                &router,
                "AdminCreateUser",
                json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS",
                    "UserAttributes": [{"Name": "email", "Value": email},
                        {"Name": "email_verified", "Value": "true"},
                        {"Name": "phone_number", "Value": phone},
                        {"Name": "phone_number_verified", "Value": "true"}]}),
            );
            call(
                &router,
                "AdminSetUserPassword",
                json!({"UserPoolId": pool, "Username": name, "Password": PASSWORD,
                    "Permanent": true}),
            );
        }
        call(
            &router,
            "AdminSetUserMFAPreference",
            json!({"UserPoolId": pool, "Username": "carol",
                "SMSMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
        );
        let saved = emulator.save_state();
        let ephemeral = ClientEphemeral::from_secret_hex(&"3c".repeat(32)).expect("a valid a");
        Fixture {
            emulator,
            router,
            saved,
            pool,
            client,
            secret_client,
            client_secret,
            ephemeral,
        }
    })
}

/// The values the placeholders stand for, as far as the answers so far gave them.
#[derive(Default)]
struct Captured {
    values: HashMap<&'static str, String>,
    device_secret: Option<DeviceSecret>,
}

const CAPTURED: &[(&str, &str)] = &[
    ("Session", "%SESSION%"),
    ("AccessToken", "%ACCESS%"),
    ("IdToken", "%ID%"),
    ("RefreshToken", "%REFRESH%"),
    ("DeviceKey", "%DEVICE%"),
    ("DeviceGroupKey", "%DEVICE_GROUP%"),
    ("USER_ID_FOR_SRP", "%USER_ID%"),
    ("SECRET_BLOCK", "%SECRET_BLOCK%"),
    ("SRP_B", "SRP_B"),
    ("SALT", "SALT"),
    ("SecretCode", "SecretCode"),
];

impl Captured {
    fn learn(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if let (Some((_, name)), Value::String(s)) =
                        (CAPTURED.iter().find(|(k, _)| k == key), v)
                    {
                        if name.starts_with("%DEVICE") && self.get(name) != s {
                            self.device_secret = None;
                        }
                        self.values.insert(name, s.clone());
                    }
                    self.learn(v);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.learn(v)),
            _ => {}
        }
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// The device secret for the last device key (made on first use).
    fn device_secret(&mut self) -> Option<&DeviceSecret> {
        if self.device_secret.is_none() {
            let secret =
                DeviceSecret::try_generate(self.get("%DEVICE_GROUP%"), self.get("%DEVICE%"))
                    .ok()?;
            self.device_secret = Some(secret);
        }
        self.device_secret.as_ref()
    }
}

fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Replaces the placeholders in `text`.
fn fill(text: &str, fx: &Fixture, captured: &mut Captured) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let timestamp = format_timestamp(system_now());
    let mut out = text
        .replace("%POOL%", &fx.pool)
        .replace("%SECRET_CLIENT%", &fx.secret_client)
        .replace("%CLIENT_SECRET%", &fx.client_secret)
        .replace("%CLIENT%", &fx.client)
        .replace(
            "%SECRET_HASH%",
            &secret_hash(&fx.client_secret, "alice", &fx.secret_client),
        )
        .replace("%PASSWORD%", PASSWORD)
        .replace("%SRP_A%", &fx.ephemeral.public_hex())
        .replace("%TIMESTAMP%", &timestamp);
    let claim = |identity: &SrpIdentity, secret: &str, captured: &Captured| {
        fx.ephemeral
            .password_claim(
                identity,
                secret,
                captured.get("SALT"),
                captured.get("SRP_B"),
                captured.get("%SECRET_BLOCK%"),
                &timestamp,
            )
            .unwrap_or_default()
    };
    if out.contains("%CLAIM%") {
        let identity = SrpIdentity::user(&fx.pool, captured.get("%USER_ID%"));
        out = out.replace("%CLAIM%", &claim(&identity, PASSWORD, captured));
    }
    if out.contains("%DEVICE_") {
        let identity =
            SrpIdentity::device(captured.get("%DEVICE_GROUP%"), captured.get("%DEVICE%"));
        if let Some(device) = captured.device_secret() {
            let (salt, verifier) = (device.salt_b64(), device.verifier_b64());
            let secret = device.secret().to_owned();
            out = out
                .replace("%DEVICE_SALT%", &salt)
                .replace("%DEVICE_VERIFIER%", &verifier);
            if out.contains("%DEVICE_CLAIM%") {
                out = out.replace("%DEVICE_CLAIM%", &claim(&identity, &secret, captured));
            }
        }
    }
    if out.contains("%TOTP%") {
        out = out.replace(
            "%TOTP%",
            &totp_code(captured.get("SecretCode"), system_now()),
        );
    }
    if out.contains("%CODE%") {
        let request = Request::get("/_emulator/messages")
            .body(Body::empty())
            .expect("a valid request");
        let messages = block_on(send(&fx.router, request));
        let messages: Value = serde_json::from_slice(&messages.body).unwrap_or(Value::Null);
        let code = messages
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["code"].as_str())
            .unwrap_or("000000")
            .to_owned();
        out = out.replace("%CODE%", &code);
    }
    for (_, name) in CAPTURED {
        if name.starts_with('%') && out.contains(name) {
            out = out.replace(name, captured.get(name));
        }
    }
    out
}

/// A request written as HTTP text; lines that are not valid headers are left out (a server
/// never sees them: HTTP parsing rejects them first).
fn request(record: &[u8], fx: &Fixture, captured: &mut Captured) -> Option<Request<Body>> {
    let (head, body) = match find(record, b"\n\n") {
        Some(at) => (&record[..at], &record[at + 2..]),
        None => (record, &[][..]),
    };
    let head = fill(&String::from_utf8_lossy(head), fx, captured);
    let body = match std::str::from_utf8(body) {
        Ok(text) => fill(text, fx, captured).into_bytes(),
        Err(_) => body.to_vec(),
    };
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let mut words = first.split(' ');
    let method = Method::from_bytes(words.next().unwrap_or_default().as_bytes()).ok()?;
    let path = words.next().unwrap_or("/");
    let mut builder = Request::builder().method(method).uri(path);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body)).ok()
}

fn known_exception(name: &str) -> bool {
    CognitoException::from_wire_name(name).wire_name() == Some(name)
        || PROTOCOL_EXCEPTIONS.contains(&name)
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    fx.emulator
        .restore_state(&fx.saved)
        .expect("the saved state loads");
    let mut captured = Captured::default();
    let mut fault_armed = false;
    for record in records(data, 8) {
        let Some(request) = request(record, fx, &mut captured) else {
            continue;
        };
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        let answer = block_on(send(&fx.router, request));
        let value: Option<Value> = serde_json::from_slice(&answer.body).ok();
        let shown = String::from_utf8_lossy(&answer.body);
        if tracing_enabled() {
            eprintln!("{method} {path} -> {} {shown:.300}", answer.status);
        }
        if answer.status >= 500 {
            let injected = fault_armed
                && value.as_ref().is_some_and(|v| {
                    v["__type"] == "InternalErrorException"
                        && v["message"]
                            .as_str()
                            .is_some_and(|m| m.starts_with("Injected fault"))
                });
            assert!(injected, "{method} {path}: {} {shown}", answer.status);
        }
        if path == "/_emulator/faults" && method == Method::POST && answer.status == 200 {
            fault_armed = true;
        }
        if path == "/" {
            let Some(value) = &value else {
                panic!("{method} /: {} answered non-JSON: {shown}", answer.status)
            };
            assert!(value.is_object(), "{method} /: {shown}");
            if answer.status != 200 {
                let kind = value["__type"].as_str().unwrap_or_default();
                assert!(
                    known_exception(kind),
                    "{method} /: {} {shown}",
                    answer.status
                );
                assert!(value["message"].is_string(), "{method} /: {shown}");
                if let Some(header) = &answer.error_type {
                    assert_eq!(header, kind, "{method} /: x-amzn-ErrorType");
                }
            }
        }
        if let Some(value) = &value {
            captured.learn(value);
        }
    }
});
