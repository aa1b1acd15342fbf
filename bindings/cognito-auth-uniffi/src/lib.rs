//! # cognito-auth-uniffi
//!
//! The UniFFI layer of [`cognito_auth_core`] for Kotlin (Android, desktop JVM) and Swift (iOS,
//! macOS). It adds **no auth logic** and declares **no copy of a core type**: configurations,
//! options, results, next steps, devices and events are the core's own types, which derive
//! their UniFFI definitions with the core's `uniffi` feature (a UniFFI component of their own,
//! `cognito_auth_core`). What lives here is what only the bindings have: the [`AuthClient`]
//! object, whose every method calls the core's method of the same name; the error in its
//! foreign shape; and the traits the host implements.
//!
//! | module | what |
//! | --- | --- |
//! | [`client`] | the [`AuthClient`] object |
//! | [`error`] | the one error enum, [`AuthError`] (`AuthException` in Kotlin) |
//! | [`runtime`] | how async calls get the tokio runtime the HTTP transport needs |
//! | [`store`] | the host-implemented [`SecretStore`], for apps that bring their own storage |
//! | [`platform`] | clients over the platform's secure storage (Keychain, Android Keystore) |
//! | [`events`] | the host-implemented [`AuthEventListener`] |
//! | [`logging`] | the host-implemented [`AuthLogger`] receiving `tracing` events |
//!
//! Bindings are generated in library mode by `scripts/bindgen` (see `bindings/README.md`).

uniffi::setup_scaffolding!();

pub mod client;
pub mod error;
pub mod events;
pub mod logging;
pub mod platform;
pub mod runtime;
pub mod store;

pub use client::AuthClient;
pub use error::AuthError;
pub use events::AuthEventListener;
pub use logging::{AuthLogger, LogLevel, LogRecord};
pub use platform::KeychainOptions;
pub use store::{SecretStore, StoreError};
