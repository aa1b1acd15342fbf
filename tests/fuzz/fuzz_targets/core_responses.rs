//! Every Cognito answer the core reads: an `AuthClient` runs a script of operations while the
//! fuzzer writes every HTTP answer (status, `x-amzn-ErrorType`, body), decoded by the core's own
//! `decode_response`. Each operation must end in a result or a typed error, never a panic, and
//! no result, error or log line may show the password (a secret the fuzzer cannot know).
//!
//! Input: `FLAGS OPS` on the first record, then one record per answer (see `http_answer`),
//! records separated by `\n---\n`. FLAGS: `1` = the app client has a secret. OPS: one letter
//! per operation, `a` = sign in (SRP), ... (see `OPERATIONS`).
#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use cognito_auth_core::{
    AuthClient, AuthConfig, AuthError, AuthFactor, AuthFlow, ConfirmSignInOptions, Endpoint,
    InMemoryStore, MfaPreference, SignInOptions, SignUpOptions,
};
use cognito_auth_fuzz::{
    assert_hidden, block_on, records, secret, take_logs, FixedClock, ScriptedApi,
};
use libfuzzer_sys::fuzz_target;

/// The operations, by letter: `a` is the first.
const OPERATIONS: &[&str] = &[
    "sign_in SRP",                                           // a
    "sign_in USER_PASSWORD_AUTH",                            // b
    "sign_in USER_AUTH",                                     // c
    "sign_in CUSTOM_WITHOUT_SRP",                            // d
    "confirm_sign_in code",                                  // e
    "confirm_sign_in TOTP choice",                           // f
    "confirm_sign_in new password",                          // g
    "fetch_auth_session",                                    // h
    "fetch_auth_session forced",                             // i
    "fetch_devices",                                         // j
    "remember_device",                                       // k
    "forget_device",                                         // l
    "sign_out",                                              // m
    "sign_out global",                                       // n
    "set_up_totp",                                           // o
    "verify_totp_setup",                                     // p
    "fetch_mfa_preference",                                  // q
    "update_mfa_preference",                                 // r
    "sign_up",                                               // s
    "confirm_sign_up",                                       // t
    "resend_sign_up_code",                                   // u
    "reset_password",                                        // v
    "confirm_reset_password",                                // w
    "update_password",                                       // x
    "fetch_user_attributes",                                 // y
    "get_current_user",                                      // z
    "update_user_attributes",                                // A
    "send_user_attribute_verification_code",                 // B
    "confirm_user_attribute",                                // C
    "delete_user",                                           // D
    "stop_remembering_device",                               // E
    "pending_sign_in_step / current_device_status / cancel", // F
    "confirm_sign_in e-mail",                                // G
    "sign_in CUSTOM_WITH_SRP",                               // H
    "reset_local_state",                                     // I
    "delete_user_attributes",                                // J
];

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

fn operation(byte: u8) -> usize {
    LETTERS
        .iter()
        .position(|&l| l == byte)
        .unwrap_or(usize::from(byte) % OPERATIONS.len())
}

/// Runs one operation; returns what it printed (result or error) for the secret check.
async fn run(client: &AuthClient, op: usize, password: &str) -> String {
    fn out<T: std::fmt::Debug + serde::Serialize>(result: Result<T, AuthError>) -> String {
        match result {
            Ok(value) => {
                let json = serde_json::to_string(&value).expect("results encode as JSON");
                format!("{value:?} {json}")
            }
            Err(error) => describe(&error),
        }
    }
    let new_password = format!("{password}-new");
    let attributes = HashMap::from([("email".to_owned(), "bob@example.com".to_owned())]);
    let flow = |auth_flow| SignInOptions {
        auth_flow,
        client_metadata: HashMap::new(),
    };
    match op {
        0 => out(client
            .sign_in("alice", Some(password), flow(AuthFlow::UserSrp))
            .await),
        1 => out(client
            .sign_in("alice", Some(password), flow(AuthFlow::UserPassword))
            .await),
        2 => {
            let options = flow(AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::EmailOtp),
            });
            out(client
                .sign_in("alice@example.com", Some(password), options)
                .await)
        }
        3 => out(client
            .sign_in("alice", None, flow(AuthFlow::CustomWithoutSrp))
            .await),
        4 => out(client
            .confirm_sign_in("123456", ConfirmSignInOptions::default())
            .await),
        5 => out(client
            .confirm_sign_in("TOTP", ConfirmSignInOptions::default())
            .await),
        6 => {
            let options = ConfirmSignInOptions {
                user_attributes: attributes,
                ..ConfirmSignInOptions::default()
            };
            out(client.confirm_sign_in(&new_password, options).await)
        }
        7 => out(client.fetch_auth_session(false).await),
        8 => out(client.fetch_auth_session(true).await),
        9 => out(client.fetch_devices().await),
        10 => out(client.remember_device().await),
        11 => out(client.forget_device(None).await),
        12 => out(client.sign_out(false).await),
        13 => out(client.sign_out(true).await),
        14 => out(client.set_up_totp().await),
        15 => out(client.verify_totp_setup("123456", Some("phone")).await),
        16 => out(client.fetch_mfa_preference().await),
        17 => out(client
            .update_mfa_preference(
                Some(MfaPreference::Enabled),
                Some(MfaPreference::Preferred),
                Some(MfaPreference::Disabled),
            )
            .await),
        18 => {
            let options = SignUpOptions {
                user_attributes: attributes,
                client_metadata: HashMap::new(),
                auto_sign_in: true,
            };
            out(client.sign_up("bob", password, options).await)
        }
        19 => out(client.confirm_sign_up("bob", "123456").await),
        20 => out(client.resend_sign_up_code("bob").await),
        21 => out(client.reset_password("bob").await),
        22 => out(client
            .confirm_reset_password("bob", &new_password, "123456")
            .await),
        23 => out(client.update_password(password, &new_password).await),
        24 => out(client.fetch_user_attributes().await),
        25 => out(client.get_current_user().await),
        26 => out(client.update_user_attributes(&attributes).await),
        27 => out(client.send_user_attribute_verification_code("email").await),
        28 => out(client.confirm_user_attribute("email", "123456").await),
        29 => out(client.delete_user().await),
        30 => out(client.stop_remembering_device().await),
        31 => {
            let pending = out(client.pending_sign_in_step().await);
            let device = out(client.current_device_status());
            client.cancel_sign_in().await;
            format!("{pending} {device}")
        }
        32 => out(client
            .confirm_sign_in("alice@example.com", ConfirmSignInOptions::default())
            .await),
        33 => out(client
            .sign_in("alice", Some(password), flow(AuthFlow::CustomWithSrp))
            .await),
        34 => out(client.reset_local_state().await),
        _ => out(client
            .delete_user_attributes(&["nickname".to_owned()])
            .await),
    }
}

/// Every printed form of an error: Display, Debug, and the JSON report.
fn describe(error: &AuthError) -> String {
    let report = serde_json::to_string(&error.report()).expect("error reports encode as JSON");
    format!("{error} {error:?} {report}")
}

fuzz_target!(|data: &[u8]| {
    let records = records(data, 64);
    let (head, answers) = records.split_first().expect("at least one record");
    let flags = head.first().copied().unwrap_or(b'0');
    let ops: Vec<usize> = head.iter().skip(1).take(8).map(|&b| operation(b)).collect();
    let password = secret("password");

    let mut config = AuthConfig::new(
        Endpoint::Url("http://127.0.0.1:9229".into()),
        "us-east-1_Fuzz12345",
        "fuzzclient",
    );
    if flags & 1 == 1 {
        config.client_secret = Some(secret("client secret"));
    }
    let api = Arc::new(ScriptedApi::new(answers));
    let client = AuthClient::with_api(
        config.clone(),
        api.clone(),
        Arc::new(InMemoryStore::new()),
        Arc::new(FixedClock),
    );
    take_logs();
    for op in ops {
        let printed = block_on(run(&client, op, &password));
        if cognito_auth_fuzz::tracing_enabled() {
            eprintln!("{} -> {printed:.400}", OPERATIONS[op]);
        }
        let logs = take_logs();
        assert_hidden(&password, &printed, OPERATIONS[op]);
        assert_hidden(&password, &logs, "the log");
        if let Some(client_secret) = &config.client_secret {
            assert_hidden(client_secret, &printed, OPERATIONS[op]);
            assert_hidden(client_secret, &logs, "the log");
        }
    }
});
