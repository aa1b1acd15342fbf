//! A Cognito **post authentication** trigger that keeps each user's remembered devices to a limit
//! at every sign-in, written as the handler a Lambda function runs: event in, event out.
//!
//! Here it reads one event (JSON) on stdin and writes the event back on stdout, so it runs
//! without AWS Lambda:
//!
//! ```sh
//! DEVICE_LIMIT=2 cargo run -p cognito-auth-admin --example post_authentication < event.json
//! ```
//!
//! In a Lambda function, the same handler goes into the runtime of your choice — with the
//! `lambda_runtime` crate (not a dependency of this workspace):
//!
//! ```ignore
//! let admin = AdminClient::from_env(AdminConfig::new(pool_id)).await?;
//! lambda_runtime::run(lambda_runtime::service_fn(|event: LambdaEvent<Value>| {
//!     let admin = admin.clone();
//!     async move { Ok::<Value, lambda_runtime::Error>(handle(&admin, event.payload, 3).await) }
//! }))
//! .await
//! ```
//!
//! The function's role needs `cognito-idp:AdminListDevices` and `cognito-idp:AdminForgetDevice`
//! on the pool. Credentials come from the AWS standard chain (in Lambda: the function's role).
//! `COGNITO_AUTH_ENDPOINT` points it at the local emulator instead of AWS.

use std::io::Read;

use cognito_auth_admin::{
    enforce_device_limit_on_sign_in, AdminClient, AdminConfig, PostAuthenticationEvent,
};
use serde_json::Value;

/// The handler: enforces the limit and returns the event, as Cognito expects. A failure is
/// logged and the sign-in goes on (an error returned to Cognito would fail the sign-in).
async fn handle(admin: &AdminClient, event: Value, keep: u32) -> Value {
    match enforce_device_limit_on_sign_in(admin, &event, keep).await {
        Ok(report) => eprintln!(
            "device limit {keep} for {}: kept {}, forgot {}",
            report.username,
            report.kept.len(),
            report.forget.len()
        ),
        Err(e) => eprintln!("device limit not enforced: {e}"),
    }
    event
}

#[tokio::main]
async fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("cannot read the event: {e}");
        std::process::exit(2);
    }
    let event: Value = match serde_json::from_str(&input) {
        Ok(event) => event,
        Err(e) => {
            eprintln!("the event is not JSON: {e}");
            std::process::exit(2);
        }
    };
    let pool_id = match PostAuthenticationEvent::parse(&event) {
        Ok(parsed) => parsed.user_pool_id,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let keep = std::env::var("DEVICE_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut config = AdminConfig::new(pool_id);
    config.endpoint = std::env::var("COGNITO_AUTH_ENDPOINT").ok();
    let admin = match AdminClient::from_env(config).await {
        Ok(admin) => admin,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("{}", handle(&admin, event, keep).await);
}
