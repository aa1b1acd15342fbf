//! # cognito-auth-uniffi
//!
//! The UniFFI layer of [`cognito_auth_core`] for Kotlin (Android, desktop JVM) and Swift (iOS,
//! macOS). It adds **no auth logic**: every type here mirrors a core type, with a `From`
//! conversion in the module of its concern, and every method of [`AuthClient`] calls the core's
//! method of the same name.
//!
//! | module | what |
//! | --- | --- |
//! | [`client`] | the [`AuthClient`] object, its configuration, results and next steps |
//! | [`error`] | the one error enum, [`AuthError`] (`AuthException` in Kotlin) |
//! | [`runtime`] | how async calls get the tokio runtime the HTTP transport needs |
//! | [`store`] | the host-implemented [`SecretStore`] (Keychain, EncryptedSharedPreferences) |
//! | [`events`] | the host-implemented [`AuthEventListener`] |
//! | [`logging`] | the host-implemented [`AuthLogger`] receiving `tracing` events |
//!
//! Bindings are generated in library mode by `scripts/bindgen` (see `bindings/README.md`).

uniffi::setup_scaffolding!();

pub mod client;
pub mod error;
pub mod events;
pub mod logging;
pub mod runtime;
pub mod store;

pub use client::AuthClient;
pub use error::AuthError;
pub use events::{AuthEvent, AuthEventListener};
pub use logging::{AuthLogger, LogLevel, LogRecord};
pub use store::{SecretStore, StoreError};
