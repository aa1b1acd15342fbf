//! # cognito-auth-core
//!
//! The protocol core of cognito-auth: everything needed to sign a user in to an Amazon Cognito
//! user pool, written as pure Rust with no IO in the protocol logic, so that iOS, Android,
//! Flutter and desktop apps all run the same code.
//!
//! Today this crate holds [`srp`], Cognito's variant of SRP-6a for both roles (the app and the
//! server), used for password sign-in (`USER_SRP_AUTH`), remembered-device sign-in
//! (`DEVICE_SRP_AUTH`) and `ConfirmDevice`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod srp;
