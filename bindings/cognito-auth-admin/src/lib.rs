//! # cognito-auth-admin
//!
//! Administration of Amazon Cognito user pools over the official AWS SDK for Rust
//! (`aws-sdk-cognitoidentityprovider`), for what sits on the administrator's side of the
//! project's sign-in library:
//!
//! * a user's devices: [`AdminClient::list_devices`] (every page), [`AdminClient::get_device`],
//!   [`AdminClient::forget_device`], [`AdminClient::set_device_remembered`];
//! * a **remembered-device limit**: [`AdminClient::enforce_device_limit`] keeps the `N` most
//!   recently used remembered devices and forgets the others (or, as a dry run, says which it
//!   would forget); [`enforce_device_limit_on_sign_in`] does it from a post authentication
//!   Lambda trigger at every sign-in;
//! * **recovery from a lost authenticator**: [`AdminClient::recover_mfa`] switches the user to
//!   SMS MFA or turns their MFA off, deleting the lost TOTP factor, and optionally signs them out
//!   everywhere;
//! * a user at a glance: [`AdminClient::show_user`].
//!
//! Every call is signed (SigV4) with credentials from the AWS standard chain
//! ([`AdminClient::from_env`]) or with the SDK client you pass ([`AdminClient::from_sdk`]).
//! HTTPS runs on rustls with ring, the workspace's one TLS stack.
//!
//! Results serialize to the project's one JSON encoding (`bindings/JSON.md`): `camelCase`
//! fields, `SCREAMING_SNAKE_CASE` enum values, times in seconds since the epoch. Errors are
//! [`AdminError`]: typed, one line each, never a secret.
//!
//! ```no_run
//! use cognito_auth_admin::{AdminClient, AdminConfig, RecoverTo};
//!
//! # async fn run() -> Result<(), cognito_auth_admin::AdminError> {
//! let admin = AdminClient::from_env(AdminConfig::new("eu-west-1_AbCdEf123")).await?;
//! let dry_run = admin.enforce_device_limit("alice", 2, false).await?;
//! println!("would forget {} devices", dry_run.forget.len());
//! admin.enforce_device_limit("alice", 2, true).await?;
//! let recovery = admin
//!     .recover_mfa("bob", RecoverTo::Sms { phone_number: Some("+15555550100".into()) }, true)
//!     .await?;
//! assert!(recovery.software_token_deleted || !recovery.before.enabled.is_empty());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod devices;
mod error;
mod hook;
mod limit;
mod mfa;
mod user;

pub use client::{https_client, AdminClient, AdminConfig, MAX_DEVICES_PER_PAGE};
pub use devices::AdminDevice;
pub use error::{AdminError, AdminErrorKind, AdminErrorReport};
pub use hook::{enforce_device_limit_on_sign_in, PostAuthenticationEvent, POST_AUTHENTICATION};
pub use limit::{plan_device_limit, DeviceLimitPlan, DeviceLimitReport};
pub use mfa::{MfaRecovery, MfaRecoveryAction, RecoverTo};
pub use user::AdminUser;

/// The SDK this crate drives, for callers that build their own client
/// ([`AdminClient::from_sdk`]).
pub use aws_sdk_cognitoidentityprovider as sdk;
