//! The sign-in state machine: pure transitions `(state, event) → (state, effects)`.
//!
//! [`transitions::step`] is the only place where sign-in state changes. It performs no IO:
//! calls to Cognito leave as [`Effect::Call`] and their answers come back as
//! [`Event::Reply`] / [`Event::Failed`]; the stored device is asked for with
//! [`Effect::LoadDevice`] and comes back as [`Event::DeviceLoaded`]; randomness and time come
//! from an [`Env`]. The [`AuthClient`](crate::AuthClient) runs the effects. An event that does
//! not fit the state leaves the state unchanged and yields [`Effect::Rejected`]. See
//! `README.md` beside this file for the diagram and how to add a challenge.

mod state;
pub(crate) mod transitions;
mod types;

#[cfg(test)]
mod tests;

pub(crate) use state::{DeviceCredentials, PendingSignIn, SignInState};
pub(crate) use transitions::{step, ApiCall, ApiReply, Effect, Env, Event, MachineConfig};
pub use types::{
    AuthFactor, AuthFlow, CodeDeliveryDetails, ConfirmSignInOptions, DeliveryMedium, MfaType,
    SignInNextStep, SignInOptions, TotpSetupDetails,
};
