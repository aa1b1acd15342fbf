//! # cognito-auth-core
//!
//! The protocol core of cognito-auth: everything needed to sign a user in to an Amazon Cognito
//! user pool, written as pure Rust with no IO in the protocol logic, so that iOS, Android,
//! Flutter and desktop apps all run the same code.
//!
//! * [`srp`]: Cognito's variant of SRP-6a for both roles (the app and the server), used for
//!   password sign-in (`USER_SRP_AUTH`), remembered-device sign-in (`DEVICE_SRP_AUTH`) and
//!   `ConfirmDevice`.
//! * [`signin`]: the sign-in state machine, pure `(state, event) → (state, effects)`.
//! * [`api`]: the Cognito API behind the [`api::CognitoApi`] trait, and its HTTPS transport.
//! * [`AuthClient`]: the facade apps call — sign-in, MFA, devices, session, account.
//! * [`store`]: the [`SecretStore`] trait and the key scheme for tokens and device secrets.
//! * [`AuthError`]: the one public error type; [`CognitoException`]: the one table of Cognito's
//!   exceptions.
//!
//! Features: `https` (default) — the HTTPS transport and [`AuthClient::new`]; without it the
//! crate has no TLS stack (the secret-store crates use it so). `uniffi` — the binding-visible
//! types derive their Kotlin and Swift definitions (used by `bindings/cognito-auth-uniffi`).

#![cfg_attr(not(feature = "uniffi"), forbid(unsafe_code))]
#![warn(missing_docs)]

// With the `uniffi` feature, the binding-visible types of this crate are a UniFFI component of
// their own ("cognito_auth_core"); bindings/cognito-auth-uniffi uses them as they are.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("cognito_auth_core");

pub mod api;
mod client;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod signin;
pub mod srp;
pub mod store;

pub use client::{
    default_device_name, AuthClient, AuthConfig, AuthDevice, AuthEvent, AuthEventListener,
    AuthSession, AuthTokens, AuthUser, Clock, DeviceOutcome, DeviceStatus, Endpoint, ListenerId,
    MfaPreference, MfaPreferences, SignInResult, SignOutResult, SignUpOptions, SignUpResult,
    SignUpStep, SystemClock, UserAttribute,
};
pub use error::{AuthError, CognitoException, ErrorKind, ErrorReport};
pub use signin::{
    AuthFactor, AuthFlow, CodeDeliveryDetails, ConfirmSignInOptions, DeliveryMedium, MfaType,
    SignInNextStep, SignInOptions, TotpSetupDetails,
};
pub use store::{InMemoryStore, SecretStore, StoreError, StoreErrorKind};
