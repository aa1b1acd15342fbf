//! `cognito-auth`: sign in to an Amazon Cognito user pool from the terminal, run the local
//! emulator, or watch the whole story in `cognito-auth demo`. See README.md.

#![forbid(unsafe_code)]

mod commands;
mod demo;
mod errors;
mod output;
mod prompt;
mod qr;
mod store;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use errors::{CliError, ExitCode};

/// The issuer name in `otpauth://` URIs.
pub const APP_NAME: &str = "cognito-auth";

#[derive(Parser, Debug)]
#[command(
    name = "cognito-auth",
    version,
    about = "Sign in to Amazon Cognito user pools: SRP, MFA and remembered devices",
    after_help = "Exit codes: 0 ok, 1 Cognito refused / failed check, 2 usage, 3 network or timeout, 4 storage, 5 signed out."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the user pool is, and how to print.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// AWS region of the user pool (default: the prefix of --user-pool-id).
    #[arg(long, global = true, env = "COGNITO_AUTH_REGION")]
    pub region: Option<String>,
    /// A custom endpoint URL, such as the emulator's `http://127.0.0.1:9229`.
    #[arg(long, global = true, env = "COGNITO_AUTH_ENDPOINT")]
    pub endpoint: Option<String>,
    /// The user pool id, e.g. `eu-west-1_AbCdEf123`.
    #[arg(long, global = true, env = "COGNITO_AUTH_USER_POOL_ID")]
    pub user_pool_id: Option<String>,
    /// The app client id.
    #[arg(long, global = true, env = "COGNITO_AUTH_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Refused: a secret on the command line can be read by other local users (`ps`, shell
    /// history). The secret comes from COGNITO_AUTH_CLIENT_SECRET or --client-secret-file.
    #[arg(long, global = true, hide = true, value_name = "REFUSED")]
    pub client_secret: Option<String>,
    /// A file holding the app client secret, for clients that have one (keep it mode 0600);
    /// or set COGNITO_AUTH_CLIENT_SECRET to the secret itself.
    #[arg(
        long,
        global = true,
        env = "COGNITO_AUTH_CLIENT_SECRET_FILE",
        value_name = "PATH"
    )]
    pub client_secret_file: Option<PathBuf>,
    /// Directory of the encrypted secret store (default: $XDG_CONFIG_HOME/cognito-auth or
    /// ~/.config/cognito-auth).
    #[arg(long, global = true, env = "COGNITO_AUTH_STORE")]
    pub store: Option<PathBuf>,
    /// Seconds allowed for each call to Cognito.
    #[arg(
        long,
        global = true,
        env = "COGNITO_AUTH_TIMEOUT",
        default_value_t = 20
    )]
    pub timeout: u64,
    /// Print one JSON object per command on stdout (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Walk through sign-up, SMS MFA, remembered devices and TOTP against an in-process emulator.
    Demo {
        /// Type the codes yourself (Enter takes the code from the emulator's outbox).
        #[arg(long)]
        interactive: bool,
    },
    /// Run the local Cognito emulator.
    Emulator {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 9229)]
        port: u16,
        /// Keep the emulator's state in this JSON file.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Accept device challenges without a Session (pycognito).
        #[arg(long)]
        lenient_device_session: bool,
        /// Allow a non-loopback --host (prints a warning).
        #[arg(long)]
        allow_remote: bool,
        /// Also accept this Host header name (DNS rebinding protection; `*` accepts any).
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
        /// Require this token for test hooks and administrator operations.
        #[arg(long, env = "COGNITO_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Issue tokens with Cognito's `iss` (https://cognito-idp.us-east-1.amazonaws.com/POOL).
        #[arg(long)]
        cognito_issuer: bool,
    },
    /// Register a new user (the password is prompted, or read with --password-stdin).
    SignUp {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: Option<String>,
        /// Phone number in E.164 form (+15555550100).
        #[arg(long)]
        phone: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// Then ask for the confirmation code (prompted on a terminal, else the next line of
        /// stdin), confirm and sign in, all in this process (the app client must allow
        /// USER_AUTH).
        #[arg(long)]
        auto_sign_in: bool,
    },
    /// Confirm a sign-up with the code that was sent (`-` reads it from stdin).
    ConfirmSignUp {
        #[arg(long)]
        username: String,
        code: String,
    },
    /// Send the sign-up confirmation code again.
    ResendSignUpCode {
        #[arg(long)]
        username: String,
    },
    /// Start a password reset: a code is sent to the user.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Set a new password with the reset code (`-` reads the code from stdin); the new password
    /// is prompted, or read with --password-stdin.
    ConfirmResetPassword {
        #[arg(long)]
        username: String,
        code: String,
        /// Read the new password from stdin (the line after the code when CODE is `-`).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change the signed-in user's password (both prompted, or two lines of stdin).
    UpdatePassword {
        /// Read the current password, then the new one, from the first two lines of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign in: SRP by default; the password is prompted, or read with --password-stdin.
    SignIn {
        #[arg(long)]
        username: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// How the password (or other first factor) is proven.
        #[arg(long, value_enum)]
        flow: Option<Flow>,
        /// The first factor to try with `--flow user-auth` (implies it); the one-time codes
        /// need no password.
        #[arg(long, value_enum, ignore_case = true)]
        factor: Option<Factor>,
    },
    /// Answer the sign-in's current step: a code, an MFA type, a new password (`-` reads stdin).
    ConfirmSignIn { value: String },
    /// Show the step the sign-in under way waits for.
    PendingSignIn,
    /// Abandon the sign-in under way.
    CancelSignIn,
    /// Show the session: username and token expiry (refreshing tokens if needed).
    Session {
        /// Also print the tokens.
        #[arg(long)]
        show_tokens: bool,
        /// Refresh the tokens even if they are still valid.
        #[arg(long)]
        force_refresh: bool,
    },
    /// The signed-in user, from the stored tokens (no network call).
    CurrentUser,
    /// Sign out on this device (revokes the refresh token).
    SignOut {
        /// Sign out of every device.
        #[arg(long)]
        global: bool,
    },
    /// Delete the signed-in user's account (asks for confirmation unless --yes).
    DeleteUser {
        /// Do not ask (required with --json and without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Clear everything stored here for this app client (tokens, device secret, a saved
    /// sign-in) without calling Cognito: the way out of an unreadable store.
    ResetLocalState,
    /// The signed-in user's attributes.
    #[command(subcommand)]
    Attributes(AttributesCommand),
    /// Remembered devices.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// MFA: TOTP setup and preferences.
    #[command(subcommand)]
    Mfa(MfaCommand),
    /// Administration with AWS credentials (standard chain): a user's devices, a
    /// remembered-device limit, lost-authenticator recovery, the user's view.
    #[cfg(feature = "admin")]
    #[command(subcommand)]
    Admin(commands::admin::AdminCommand),
}

#[derive(Subcommand, Debug)]
pub enum DevicesCommand {
    /// List the user's devices (this one marked).
    List,
    /// Remember this device, so that signing in here skips MFA.
    Remember,
    /// Stop remembering this device (it stays tracked): MFA is asked again here.
    StopRemembering,
    /// Forget a device (this one by default).
    Forget { device_id: Option<String> },
}

#[derive(Subcommand, Debug)]
pub enum MfaCommand {
    /// Start TOTP setup: prints the secret, the otpauth:// URI and a QR code.
    SetupTotp,
    /// Finish TOTP setup with a code from the authenticator app (`-` reads it from stdin).
    VerifyTotp {
        code: String,
        /// The authenticator's name.
        #[arg(long)]
        device_name: Option<String>,
    },
    /// Show the MFA methods, or change them with --sms / --totp / --email.
    Preference {
        #[arg(long, value_enum)]
        sms: Option<Pref>,
        #[arg(long, value_enum)]
        totp: Option<Pref>,
        #[arg(long, value_enum)]
        email: Option<Pref>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AttributesCommand {
    /// List the user's attributes.
    List,
    /// Set attributes: NAME=VALUE... (a changed e-mail or phone number gets a code to verify).
    Update {
        #[arg(required = true, value_name = "NAME=VALUE")]
        assignments: Vec<String>,
    },
    /// Verify an attribute with the code that was sent (`-` reads it from stdin).
    Verify { name: String, code: String },
    /// Delete attributes (`nickname`, `custom:team`, ...).
    Delete {
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Send a verification code for an attribute (`email`, `phone_number`).
    SendCode { name: String },
}

/// How `sign-in` proves the password (or other first factor).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// USER_SRP_AUTH: the password never leaves this machine (default).
    Srp,
    /// USER_PASSWORD_AUTH: the password is sent over TLS.
    Password,
    /// USER_AUTH (choice-based): --factor picks the first factor, else Cognito offers a choice.
    UserAuth,
    /// CUSTOM_AUTH without a password: the pool's triggers pose the challenges.
    Custom,
    /// CUSTOM_AUTH starting with an SRP password check.
    CustomSrp,
}

/// A first factor of `--flow user-auth`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// A one-time code sent by e-mail (no password).
    #[value(name = "EMAIL_OTP")]
    EmailOtp,
    /// A one-time code sent by SMS (no password).
    #[value(name = "SMS_OTP")]
    SmsOtp,
    /// The password, sent over TLS.
    #[value(name = "PASSWORD")]
    Password,
    /// The password, proven with SRP.
    #[value(name = "PASSWORD_SRP")]
    PasswordSrp,
}

/// A change to one MFA method.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pref {
    Enabled,
    Disabled,
    Preferred,
    NotPreferred,
}

impl Command {
    /// The command's name in messages (`sign-in`, `devices list`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Demo { .. } => "demo",
            Command::Emulator { .. } => "emulator",
            Command::SignUp { .. } => "sign-up",
            Command::ConfirmSignUp { .. } => "confirm-sign-up",
            Command::ResendSignUpCode { .. } => "resend-sign-up-code",
            Command::ResetPassword { .. } => "reset-password",
            Command::ConfirmResetPassword { .. } => "confirm-reset-password",
            Command::UpdatePassword { .. } => "update-password",
            Command::SignIn { .. } => "sign-in",
            Command::ConfirmSignIn { .. } => "confirm-sign-in",
            Command::PendingSignIn => "pending-sign-in",
            Command::CancelSignIn => "cancel-sign-in",
            Command::Session { .. } => "session",
            Command::CurrentUser => "current-user",
            Command::SignOut { .. } => "sign-out",
            Command::DeleteUser { .. } => "delete-user",
            Command::ResetLocalState => "reset-local-state",
            Command::Attributes(AttributesCommand::List) => "attributes list",
            Command::Attributes(AttributesCommand::Update { .. }) => "attributes update",
            Command::Attributes(AttributesCommand::Verify { .. }) => "attributes verify",
            Command::Attributes(AttributesCommand::Delete { .. }) => "attributes delete",
            Command::Attributes(AttributesCommand::SendCode { .. }) => "attributes send-code",
            Command::Devices(DevicesCommand::List) => "devices list",
            Command::Devices(DevicesCommand::Remember) => "devices remember",
            Command::Devices(DevicesCommand::StopRemembering) => "devices stop-remembering",
            Command::Devices(DevicesCommand::Forget { .. }) => "devices forget",
            Command::Mfa(MfaCommand::SetupTotp) => "mfa setup-totp",
            Command::Mfa(MfaCommand::VerifyTotp { .. }) => "mfa verify-totp",
            Command::Mfa(MfaCommand::Preference { .. }) => "mfa preference",
            #[cfg(feature = "admin")]
            Command::Admin(admin) => admin.name(),
        }
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print and exit 0; real usage errors exit 2.
            let code = if e.use_stderr() {
                ExitCode::Usage as i32
            } else {
                0
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let name = cli.command.name();
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let error = CliError::failed(format!("cannot start the async runtime: {e}"));
            output::print_error(name, json, &error);
            std::process::exit(error.code as i32);
        }
    };
    let result = runtime.block_on(commands::run(cli));
    let code = match result {
        Ok(report) => {
            output::print_report(name, json, &report);
            ExitCode::Ok
        }
        Err(error) => {
            output::print_error(name, json, &error);
            error.code
        }
    };
    // Don't wait for idle connections of the HTTP client's pool.
    runtime.shutdown_background();
    std::process::exit(code as i32);
}
