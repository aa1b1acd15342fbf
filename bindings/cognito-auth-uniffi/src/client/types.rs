//! The records and enums of the client API — configuration, options, results, next steps — each
//! with its `From` conversion to or from the core type of the same name. Maps are
//! `Map<String, String>` / `[String: String]` on the foreign side.

use std::collections::{BTreeMap, HashMap};

use cognito_auth_core as core;

fn to_btree(map: HashMap<String, String>) -> BTreeMap<String, String> {
    map.into_iter().collect()
}

fn to_hash(map: BTreeMap<String, String>) -> HashMap<String, String> {
    map.into_iter().collect()
}

/// Where Cognito is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Endpoint {
    /// The public endpoint of an AWS region (`eu-west-1`).
    Region {
        /// The region name.
        region: String,
    },
    /// A custom URL, such as the local emulator (`http://127.0.0.1:9229`).
    Url {
        /// The URL.
        url: String,
    },
}

impl From<Endpoint> for core::Endpoint {
    fn from(endpoint: Endpoint) -> core::Endpoint {
        match endpoint {
            Endpoint::Region { region } => core::Endpoint::Region(region),
            Endpoint::Url { url } => core::Endpoint::Url(url),
        }
    }
}

/// How an `AuthClient` reaches its user pool. Unset optional fields take the core's defaults
/// (no client secret, this platform's device name, refresh 5 minutes before expiry).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthConfig {
    /// The region or URL of Cognito.
    pub endpoint: Endpoint,
    /// The user pool id, `us-east-1_AbCdEf123`.
    pub user_pool_id: String,
    /// The app client id.
    pub client_id: String,
    /// The app client secret, for clients that have one (not recommended in mobile apps).
    #[uniffi(default = None)]
    pub client_secret: Option<String>,
    /// The name `ConfirmDevice` gives this device (shown in the user's device list).
    #[uniffi(default = None)]
    pub device_name: Option<String>,
    /// Tokens are refreshed this many seconds before they expire.
    #[uniffi(default = None)]
    pub refresh_margin_seconds: Option<u64>,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("endpoint", &self.endpoint)
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("device_name", &self.device_name)
            .field("refresh_margin_seconds", &self.refresh_margin_seconds)
            .finish()
    }
}

impl From<AuthConfig> for core::AuthConfig {
    fn from(config: AuthConfig) -> core::AuthConfig {
        let mut out = core::AuthConfig::new(
            config.endpoint.into(),
            &config.user_pool_id,
            &config.client_id,
        );
        out.client_secret = config.client_secret;
        if let Some(name) = config.device_name {
            out.device_name = name;
        }
        if let Some(margin) = config.refresh_margin_seconds {
            out.refresh_margin_seconds = margin;
        }
        out
    }
}

/// A first factor of choice-based sign-in (`USER_AUTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AuthFactor {
    /// The password, sent over TLS.
    Password,
    /// The password, proven with SRP.
    PasswordSrp,
    /// A one-time code sent by e-mail.
    EmailOtp,
    /// A one-time code sent by SMS.
    SmsOtp,
}

impl From<AuthFactor> for core::AuthFactor {
    fn from(factor: AuthFactor) -> core::AuthFactor {
        match factor {
            AuthFactor::Password => core::AuthFactor::Password,
            AuthFactor::PasswordSrp => core::AuthFactor::PasswordSrp,
            AuthFactor::EmailOtp => core::AuthFactor::EmailOtp,
            AuthFactor::SmsOtp => core::AuthFactor::SmsOtp,
        }
    }
}

impl From<core::AuthFactor> for AuthFactor {
    fn from(factor: core::AuthFactor) -> AuthFactor {
        match factor {
            core::AuthFactor::Password => AuthFactor::Password,
            core::AuthFactor::PasswordSrp => AuthFactor::PasswordSrp,
            core::AuthFactor::EmailOtp => AuthFactor::EmailOtp,
            core::AuthFactor::SmsOtp => AuthFactor::SmsOtp,
        }
    }
}

/// How the password (or other first factor) is proven.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`: the password never leaves the device (default).
    UserSrp,
    /// `USER_PASSWORD_AUTH`: the password is sent over TLS (for migrations with a Lambda).
    UserPassword,
    /// `CUSTOM_AUTH` starting with an SRP password check.
    CustomWithSrp,
    /// `CUSTOM_AUTH` without a password.
    CustomWithoutSrp,
    /// `USER_AUTH` (choice-based sign-in), optionally with a preferred first factor.
    UserAuth {
        /// The factor to try first; without one Cognito offers a choice.
        preferred_first_factor: Option<AuthFactor>,
    },
}

impl From<AuthFlow> for core::AuthFlow {
    fn from(flow: AuthFlow) -> core::AuthFlow {
        match flow {
            AuthFlow::UserSrp => core::AuthFlow::UserSrp,
            AuthFlow::UserPassword => core::AuthFlow::UserPassword,
            AuthFlow::CustomWithSrp => core::AuthFlow::CustomWithSrp,
            AuthFlow::CustomWithoutSrp => core::AuthFlow::CustomWithoutSrp,
            AuthFlow::UserAuth {
                preferred_first_factor,
            } => core::AuthFlow::UserAuth {
                preferred_first_factor: preferred_first_factor.map(Into::into),
            },
        }
    }
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum MfaType {
    /// A code sent by SMS.
    Sms,
    /// A code from an authenticator app.
    Totp,
    /// A code sent by e-mail.
    Email,
}

impl From<MfaType> for core::MfaType {
    fn from(mfa: MfaType) -> core::MfaType {
        match mfa {
            MfaType::Sms => core::MfaType::Sms,
            MfaType::Totp => core::MfaType::Totp,
            MfaType::Email => core::MfaType::Email,
        }
    }
}

impl From<core::MfaType> for MfaType {
    fn from(mfa: core::MfaType) -> MfaType {
        match mfa {
            core::MfaType::Sms => MfaType::Sms,
            core::MfaType::Totp => MfaType::Totp,
            core::MfaType::Email => MfaType::Email,
        }
    }
}

/// How a code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeliveryMedium {
    /// By SMS.
    Sms,
    /// By e-mail.
    Email,
    /// Cognito did not say.
    Unknown,
}

impl From<core::DeliveryMedium> for DeliveryMedium {
    fn from(medium: core::DeliveryMedium) -> DeliveryMedium {
        match medium {
            core::DeliveryMedium::Sms => DeliveryMedium::Sms,
            core::DeliveryMedium::Email => DeliveryMedium::Email,
            core::DeliveryMedium::Unknown => DeliveryMedium::Unknown,
        }
    }
}

/// Where a code was sent (the destination is masked by Cognito, e.g. `+*******1234`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeDeliveryDetails {
    /// The masked destination.
    pub destination: Option<String>,
    /// SMS or e-mail.
    pub delivery_medium: DeliveryMedium,
    /// The attribute the code was sent to (`email`, `phone_number`).
    pub attribute_name: Option<String>,
}

impl From<core::CodeDeliveryDetails> for CodeDeliveryDetails {
    fn from(details: core::CodeDeliveryDetails) -> CodeDeliveryDetails {
        CodeDeliveryDetails {
            destination: details.destination,
            delivery_medium: details.delivery_medium.into(),
            attribute_name: details.attribute_name,
        }
    }
}

/// What an authenticator app needs to set up TOTP. `shared_secret` is a secret: do not log it
/// (Rust's `Debug` redacts it; the generated Kotlin / Swift `toString` does not).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct TotpSetupDetails {
    /// The base32 shared secret.
    pub shared_secret: String,
    /// The account name shown in the authenticator app.
    pub username: String,
}

impl std::fmt::Debug for TotpSetupDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSetupDetails")
            .field("shared_secret", &"<redacted>")
            .field("username", &self.username)
            .finish()
    }
}

impl From<core::TotpSetupDetails> for TotpSetupDetails {
    fn from(details: core::TotpSetupDetails) -> TotpSetupDetails {
        TotpSetupDetails {
            shared_secret: details.shared_secret,
            username: details.username,
        }
    }
}

impl From<TotpSetupDetails> for core::TotpSetupDetails {
    fn from(details: TotpSetupDetails) -> core::TotpSetupDetails {
        core::TotpSetupDetails {
            shared_secret: details.shared_secret,
            username: details.username,
        }
    }
}

/// What the app must do next in a sign-in (names as in the Amplify docs).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignInNextStep {
    /// Ask for the code sent by SMS; answer with `confirmSignIn(code)`.
    ConfirmSignInWithSmsMfaCode {
        /// Where it was sent.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// Ask for the code from the authenticator app.
    ConfirmSignInWithTotpCode,
    /// Ask for the one-time code sent by e-mail (or SMS for the `SMS_OTP` first factor).
    ConfirmSignInWithOtp {
        /// Where it was sent.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// Let the user choose a second factor; answer with its name (`SMS`, `TOTP`, `EMAIL`).
    ContinueSignInWithMfaSelection {
        /// The choices.
        allowed_mfa_types: Vec<MfaType>,
    },
    /// Show the TOTP secret (or QR code); answer with a code from the authenticator app.
    ContinueSignInWithTotpSetup {
        /// The secret and account name.
        totp_setup_details: TotpSetupDetails,
    },
    /// Ask for the e-mail address to use for MFA; answer with it.
    ContinueSignInWithEmailMfaSetup,
    /// Let the user choose which second factor to set up; answer with `TOTP` or `EMAIL`.
    ContinueSignInWithMfaSetupSelection {
        /// The choices.
        allowed_mfa_types: Vec<MfaType>,
    },
    /// The user must choose a new password; answer with it.
    ConfirmSignInWithNewPassword {
        /// Required attributes the user has no value for yet.
        missing_attributes: Vec<String>,
    },
    /// Answer the custom challenge of the pool's Lambda triggers.
    ConfirmSignInWithCustomChallenge {
        /// What the Lambda sent.
        additional_info: HashMap<String, String>,
    },
    /// Let the user choose a first factor; answer with its name (`PASSWORD`, `EMAIL_OTP`, ...).
    ContinueSignInWithFirstFactorSelection {
        /// The choices.
        available_factors: Vec<AuthFactor>,
    },
    /// The sign-up is not confirmed: call `confirmSignUp`, then sign in again.
    ConfirmSignUp,
    /// The password must be reset: call `resetPassword`, then sign in again.
    ResetPassword,
    /// Signed in.
    Done,
}

impl From<core::SignInNextStep> for SignInNextStep {
    fn from(step: core::SignInNextStep) -> SignInNextStep {
        use core::SignInNextStep as S;
        match step {
            S::ConfirmSignInWithSmsMfaCode {
                code_delivery_details,
            } => SignInNextStep::ConfirmSignInWithSmsMfaCode {
                code_delivery_details: code_delivery_details.into(),
            },
            S::ConfirmSignInWithTotpCode => SignInNextStep::ConfirmSignInWithTotpCode,
            S::ConfirmSignInWithOtp {
                code_delivery_details,
            } => SignInNextStep::ConfirmSignInWithOtp {
                code_delivery_details: code_delivery_details.into(),
            },
            S::ContinueSignInWithMfaSelection { allowed_mfa_types } => {
                SignInNextStep::ContinueSignInWithMfaSelection {
                    allowed_mfa_types: allowed_mfa_types.into_iter().map(Into::into).collect(),
                }
            }
            S::ContinueSignInWithTotpSetup { totp_setup_details } => {
                SignInNextStep::ContinueSignInWithTotpSetup {
                    totp_setup_details: totp_setup_details.into(),
                }
            }
            S::ContinueSignInWithEmailMfaSetup => SignInNextStep::ContinueSignInWithEmailMfaSetup,
            S::ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => {
                SignInNextStep::ContinueSignInWithMfaSetupSelection {
                    allowed_mfa_types: allowed_mfa_types.into_iter().map(Into::into).collect(),
                }
            }
            S::ConfirmSignInWithNewPassword { missing_attributes } => {
                SignInNextStep::ConfirmSignInWithNewPassword { missing_attributes }
            }
            S::ConfirmSignInWithCustomChallenge { additional_info } => {
                SignInNextStep::ConfirmSignInWithCustomChallenge {
                    additional_info: to_hash(additional_info),
                }
            }
            S::ContinueSignInWithFirstFactorSelection { available_factors } => {
                SignInNextStep::ContinueSignInWithFirstFactorSelection {
                    available_factors: available_factors.into_iter().map(Into::into).collect(),
                }
            }
            S::ConfirmSignUp => SignInNextStep::ConfirmSignUp,
            S::ResetPassword => SignInNextStep::ResetPassword,
            S::Done => SignInNextStep::Done,
        }
    }
}

/// Options of `signIn`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SignInOptions {
    /// The flow; `USER_SRP_AUTH` when unset.
    #[uniffi(default = None)]
    pub auth_flow: Option<AuthFlow>,
    /// Passed to the pool's Lambda triggers.
    #[uniffi(default)]
    pub client_metadata: HashMap<String, String>,
}

impl From<SignInOptions> for core::SignInOptions {
    fn from(options: SignInOptions) -> core::SignInOptions {
        core::SignInOptions {
            auth_flow: options.auth_flow.map(Into::into).unwrap_or_default(),
            client_metadata: to_btree(options.client_metadata),
        }
    }
}

/// Options of `confirmSignIn`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ConfirmSignInOptions {
    /// The authenticator's name shown in the user's device list (TOTP setup).
    #[uniffi(default = None)]
    pub friendly_device_name: Option<String>,
    /// Attributes to send with a new password (e.g. the missing required ones).
    #[uniffi(default)]
    pub user_attributes: HashMap<String, String>,
    /// Passed to the pool's Lambda triggers.
    #[uniffi(default)]
    pub client_metadata: HashMap<String, String>,
}

impl From<ConfirmSignInOptions> for core::ConfirmSignInOptions {
    fn from(options: ConfirmSignInOptions) -> core::ConfirmSignInOptions {
        core::ConfirmSignInOptions {
            friendly_device_name: options.friendly_device_name,
            user_attributes: to_btree(options.user_attributes),
            client_metadata: to_btree(options.client_metadata),
        }
    }
}

/// A device's standing with Cognito, as this client knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceStatus {
    /// Tracked and remembered: signing in here skips MFA when the pool allows it.
    Remembered,
    /// Tracked but not remembered: MFA is still asked.
    NotRemembered,
    /// Forgotten: no longer tracked; its key and secret are gone.
    Forgotten,
    /// Not tracked (the pool does not track devices, or tracking failed).
    NotTracked,
}

impl From<core::DeviceStatus> for DeviceStatus {
    fn from(status: core::DeviceStatus) -> DeviceStatus {
        match status {
            core::DeviceStatus::Remembered => DeviceStatus::Remembered,
            core::DeviceStatus::NotRemembered => DeviceStatus::NotRemembered,
            core::DeviceStatus::Forgotten => DeviceStatus::Forgotten,
            core::DeviceStatus::NotTracked => DeviceStatus::NotTracked,
        }
    }
}

/// What a sign-in did with this device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceOutcome {
    /// Cognito now tracks this device.
    Tracked {
        /// The device key.
        device_key: String,
        /// Remembered (pool mode "Always") or not remembered (mode "User opt-in").
        status: DeviceStatus,
        /// The pool lets the user choose: ask them, then call `rememberDevice` if they agree.
        ask_user_to_remember: bool,
    },
    /// Confirming the device failed; the sign-in succeeded anyway and the next one retries.
    NotTracked {
        /// Why.
        reason: String,
    },
}

impl From<core::DeviceOutcome> for DeviceOutcome {
    fn from(outcome: core::DeviceOutcome) -> DeviceOutcome {
        match outcome {
            core::DeviceOutcome::Tracked {
                device_key,
                status,
                ask_user_to_remember,
            } => DeviceOutcome::Tracked {
                device_key,
                status: status.into(),
                ask_user_to_remember,
            },
            core::DeviceOutcome::NotTracked { reason } => DeviceOutcome::NotTracked { reason },
        }
    }
}

/// The outcome of `signIn` and `confirmSignIn`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignInResult {
    /// Whether the user is now signed in.
    pub is_signed_in: bool,
    /// What the app must do next (`Done` when signed in).
    pub next_step: SignInNextStep,
    /// What happened to this device (only when signed in and the pool tracks devices).
    pub device: Option<DeviceOutcome>,
}

impl From<core::SignInResult> for SignInResult {
    fn from(result: core::SignInResult) -> SignInResult {
        SignInResult {
            is_signed_in: result.is_signed_in,
            next_step: result.next_step.into(),
            device: result.device.map(Into::into),
        }
    }
}

/// A device of the user, as `fetchDevices` lists it. Times are seconds since the epoch.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AuthDevice {
    /// The device key.
    pub id: String,
    /// The name given at `ConfirmDevice`.
    pub name: Option<String>,
    /// Remembered or not (as Cognito reports it).
    pub status: DeviceStatus,
    /// When it was created.
    pub created_at: Option<f64>,
    /// When it last signed in.
    pub last_authenticated_at: Option<f64>,
    /// When it last changed.
    pub last_modified_at: Option<f64>,
    /// Whether this is the device this client runs on.
    pub is_current_device: bool,
}

impl From<core::AuthDevice> for AuthDevice {
    fn from(device: core::AuthDevice) -> AuthDevice {
        AuthDevice {
            id: device.id,
            name: device.name,
            status: device.status.into(),
            created_at: device.created_at,
            last_authenticated_at: device.last_authenticated_at,
            last_modified_at: device.last_modified_at,
            is_current_device: device.is_current_device,
        }
    }
}

/// The tokens of a signed-in user. Secrets: never log them (Rust's `Debug` redacts them; the
/// generated Kotlin / Swift `toString` does not).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthTokens {
    /// The access token (for Cognito's user operations and your APIs).
    pub access_token: String,
    /// The ID token (the user's identity claims).
    pub id_token: Option<String>,
    /// Seconds since the epoch when the access token expires.
    pub expires_at: u64,
}

impl std::fmt::Debug for AuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthTokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &self.id_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl From<core::AuthTokens> for AuthTokens {
    fn from(tokens: core::AuthTokens) -> AuthTokens {
        AuthTokens {
            access_token: tokens.access_token,
            id_token: tokens.id_token,
            expires_at: tokens.expires_at,
        }
    }
}

/// What `fetchAuthSession` returns.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthSession {
    /// Whether a user is signed in.
    pub is_signed_in: bool,
    /// Cognito's canonical username of the signed-in user.
    pub username: Option<String>,
    /// The user's `sub`.
    pub user_sub: Option<String>,
    /// Valid tokens, when signed in.
    pub tokens: Option<AuthTokens>,
}

impl From<core::AuthSession> for AuthSession {
    fn from(session: core::AuthSession) -> AuthSession {
        AuthSession {
            is_signed_in: session.is_signed_in,
            username: session.username,
            user_sub: session.user_sub,
            tokens: session.tokens.map(Into::into),
        }
    }
}

/// The user's MFA methods.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MfaPreferences {
    /// The methods enabled for the user (sorted: SMS, TOTP, e-mail).
    pub enabled: Vec<MfaType>,
    /// The method used when several are enabled.
    pub preferred: Option<MfaType>,
}

impl From<core::MfaPreferences> for MfaPreferences {
    fn from(preferences: core::MfaPreferences) -> MfaPreferences {
        MfaPreferences {
            enabled: preferences.enabled.into_iter().map(Into::into).collect(),
            preferred: preferences.preferred.map(Into::into),
        }
    }
}

/// A change to one MFA method, for `updateMfaPreference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MfaPreference {
    /// Enable it (the preferred method is unchanged).
    Enabled,
    /// Disable it.
    Disabled,
    /// Enable it and make it the preferred method.
    Preferred,
    /// Enable it, and make it not preferred.
    NotPreferred,
}

impl From<MfaPreference> for core::MfaPreference {
    fn from(preference: MfaPreference) -> core::MfaPreference {
        match preference {
            MfaPreference::Enabled => core::MfaPreference::Enabled,
            MfaPreference::Disabled => core::MfaPreference::Disabled,
            MfaPreference::Preferred => core::MfaPreference::Preferred,
            MfaPreference::NotPreferred => core::MfaPreference::NotPreferred,
        }
    }
}

/// A user attribute (`email`, `phone_number`, `custom:team`, ...).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserAttribute {
    /// The attribute name.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl From<core::UserAttribute> for UserAttribute {
    fn from(attribute: core::UserAttribute) -> UserAttribute {
        UserAttribute {
            name: attribute.name,
            value: attribute.value,
        }
    }
}

/// Options of `signUp`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SignUpOptions {
    /// Attributes of the new user (`email`, `phone_number`, ...).
    #[uniffi(default)]
    pub user_attributes: HashMap<String, String>,
    /// Passed to the pool's Lambda triggers.
    #[uniffi(default)]
    pub client_metadata: HashMap<String, String>,
}

impl From<SignUpOptions> for core::SignUpOptions {
    fn from(options: SignUpOptions) -> core::SignUpOptions {
        core::SignUpOptions {
            user_attributes: to_btree(options.user_attributes),
            client_metadata: to_btree(options.client_metadata),
        }
    }
}

/// What to do after a sign-up step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignUpStep {
    /// Ask for the code that was sent, then call `confirmSignUp`.
    ConfirmSignUp {
        /// Where the code went.
        code_delivery_details: Option<CodeDeliveryDetails>,
    },
    /// Confirmed: the user can sign in.
    Done,
}

impl From<core::SignUpStep> for SignUpStep {
    fn from(step: core::SignUpStep) -> SignUpStep {
        match step {
            core::SignUpStep::ConfirmSignUp {
                code_delivery_details,
            } => SignUpStep::ConfirmSignUp {
                code_delivery_details: code_delivery_details.map(Into::into),
            },
            core::SignUpStep::Done => SignUpStep::Done,
        }
    }
}

/// The outcome of `signUp` and `confirmSignUp`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignUpResult {
    /// Whether the user is confirmed.
    pub is_sign_up_complete: bool,
    /// The new user's `sub`, when Cognito returns it.
    pub user_id: Option<String>,
    /// What to do next.
    pub next_step: SignUpStep,
}

impl From<core::SignUpResult> for SignUpResult {
    fn from(result: core::SignUpResult) -> SignUpResult {
        SignUpResult {
            is_sign_up_complete: result.is_sign_up_complete,
            user_id: result.user_id,
            next_step: result.next_step.into(),
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthUser {
    /// Cognito's canonical username.
    pub username: String,
    /// The user's `sub`.
    pub user_id: Option<String>,
}

impl From<core::AuthUser> for AuthUser {
    fn from(user: core::AuthUser) -> AuthUser {
        AuthUser {
            username: user.username,
            user_id: user.user_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_secrets() {
        let totp = TotpSetupDetails {
            shared_secret: "JBSWY3DPEHPK3PXP".into(),
            username: "alice".into(),
        };
        let step = SignInNextStep::ContinueSignInWithTotpSetup {
            totp_setup_details: totp,
        };
        assert!(!format!("{step:?}").contains("JBSWY3DPEHPK3PXP"));
        let tokens = AuthTokens {
            access_token: "eyJaccess".into(),
            id_token: Some("eyJid".into()),
            expires_at: 1,
        };
        assert!(!format!("{tokens:?}").contains("eyJ"));
        let config = AuthConfig {
            endpoint: Endpoint::Region {
                region: "eu-west-1".into(),
            },
            user_pool_id: "eu-west-1_AbC".into(),
            client_id: "client".into(),
            client_secret: Some("s3cret".into()),
            device_name: None,
            refresh_margin_seconds: None,
        };
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn config_defaults_come_from_the_core() {
        let config = core::AuthConfig::from(AuthConfig {
            endpoint: Endpoint::Url {
                url: "http://127.0.0.1:9229".into(),
            },
            user_pool_id: "us-east-1_AbC".into(),
            client_id: "client".into(),
            client_secret: None,
            device_name: None,
            refresh_margin_seconds: None,
        });
        let defaults = core::AuthConfig::new(
            core::Endpoint::Url("http://127.0.0.1:9229".into()),
            "us-east-1_AbC",
            "client",
        );
        assert_eq!(config, defaults);
    }

    #[test]
    fn options_and_next_steps_convert_field_by_field() {
        let options = core::SignInOptions::from(SignInOptions {
            auth_flow: Some(AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::EmailOtp),
            }),
            client_metadata: HashMap::from([("k".into(), "v".into())]),
        });
        assert_eq!(
            options.auth_flow,
            core::AuthFlow::UserAuth {
                preferred_first_factor: Some(core::AuthFactor::EmailOtp)
            }
        );
        assert_eq!(options.client_metadata["k"], "v");
        assert_eq!(
            core::SignInOptions::from(SignInOptions::default()),
            core::SignInOptions::default()
        );
        let step = SignInNextStep::from(core::SignInNextStep::ContinueSignInWithMfaSelection {
            allowed_mfa_types: vec![core::MfaType::Sms, core::MfaType::Totp],
        });
        assert_eq!(
            step,
            SignInNextStep::ContinueSignInWithMfaSelection {
                allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
            }
        );
    }
}
