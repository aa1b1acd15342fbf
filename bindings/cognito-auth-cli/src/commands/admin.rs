//! `admin ...`: a user's devices, the remembered-device limit, lost-authenticator recovery and
//! the user view, over the official AWS SDK (`cognito-auth-admin`) with credentials from the AWS
//! standard chain. Built with the cargo feature `admin` (on by default).

use std::time::Duration;

use clap::{ArgGroup, Args, Subcommand};
use cognito_auth_admin::{
    AdminClient, AdminConfig, AdminDevice, AdminError, DeviceLimitReport, MfaRecovery,
    MfaRecoveryAction, RecoverTo,
};
use cognito_auth_core::{srp::format_timestamp, MfaPreferences};
use serde_json::json;

use crate::errors::CliError;
use crate::output::{device_status_text, mfa_name, Report};
use crate::Global;

/// `cognito-auth admin ...`.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// A user's devices.
    #[command(subcommand)]
    Devices(AdminDevicesCommand),
    /// A user's MFA.
    #[command(subcommand)]
    Mfa(AdminMfaCommand),
    /// A user's status, attributes, MFA and devices.
    #[command(subcommand)]
    User(AdminUserCommand),
}

/// The user an admin command is about.
#[derive(Args, Debug)]
pub struct UserArg {
    /// The username (or an alias: e-mail, phone number, when the pool has them).
    #[arg(long)]
    pub username: String,
}

#[derive(Subcommand, Debug)]
pub enum AdminDevicesCommand {
    /// List the user's devices (every page).
    List(UserArg),
    /// Forget one of the user's devices: its next sign-in asks for MFA again.
    Forget {
        #[command(flatten)]
        user: UserArg,
        /// The device key (`admin devices list` shows them).
        device_key: String,
    },
    /// Keep the user's N most recently used remembered devices; with --apply, forget the
    /// others (without it, only say which would be forgotten).
    Limit {
        #[command(flatten)]
        user: UserArg,
        /// How many remembered devices the user may keep.
        #[arg(long)]
        keep: u32,
        /// Forget the devices beyond the limit (default: a dry run that changes nothing).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminMfaCommand {
    /// Let a user who lost their authenticator back in: switch them to SMS MFA, or turn their
    /// MFA off (a pool that requires MFA then asks them to set it up at the next sign-in). The
    /// lost TOTP factor is deleted either way.
    #[command(group(ArgGroup::new("to").required(true).args(["to_sms", "disable"])))]
    Recover {
        #[command(flatten)]
        user: UserArg,
        /// Switch the user to SMS MFA (enabled and preferred).
        #[arg(long)]
        to_sms: bool,
        /// Set the user's phone number first (E.164, e.g. +15555550100; marked verified).
        #[arg(long, conflicts_with = "disable")]
        phone: Option<String>,
        /// Turn the user's MFA methods off.
        #[arg(long)]
        disable: bool,
        /// Also sign the user out everywhere.
        #[arg(long)]
        sign_out: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminUserCommand {
    /// Show the user: status, attributes, MFA settings, device count.
    Show(UserArg),
}

impl AdminCommand {
    /// The command's name in messages (`admin devices list`).
    pub fn name(&self) -> &'static str {
        match self {
            AdminCommand::Devices(AdminDevicesCommand::List(_)) => "admin devices list",
            AdminCommand::Devices(AdminDevicesCommand::Forget { .. }) => "admin devices forget",
            AdminCommand::Devices(AdminDevicesCommand::Limit { .. }) => "admin devices limit",
            AdminCommand::Mfa(AdminMfaCommand::Recover { .. }) => "admin mfa recover",
            AdminCommand::User(AdminUserCommand::Show(_)) => "admin user show",
        }
    }
}

/// Runs an admin command.
pub async fn run(global: &Global, command: AdminCommand) -> Result<Report, CliError> {
    let admin = client(global).await?;
    match command {
        AdminCommand::Devices(AdminDevicesCommand::List(user)) => {
            list(&admin, &user.username).await
        }
        AdminCommand::Devices(AdminDevicesCommand::Forget { user, device_key }) => {
            forget(&admin, &user.username, &device_key).await
        }
        AdminCommand::Devices(AdminDevicesCommand::Limit { user, keep, apply }) => admin
            .enforce_device_limit(&user.username, keep, apply)
            .await
            .map(|limit| limit_report(&limit)),
        AdminCommand::Mfa(AdminMfaCommand::Recover {
            user,
            to_sms,
            phone,
            disable: _,
            sign_out,
        }) => {
            let to = if to_sms {
                RecoverTo::Sms {
                    phone_number: phone,
                }
            } else {
                RecoverTo::Disable
            };
            admin
                .recover_mfa(&user.username, to, sign_out)
                .await
                .map(|recovery| recovery_report(&recovery))
        }
        AdminCommand::User(AdminUserCommand::Show(user)) => show(&admin, &user.username).await,
    }
    .map_err(CliError::from_admin)
}

/// The admin client the global flags describe; credentials come from the AWS standard chain.
async fn client(global: &Global) -> Result<AdminClient, CliError> {
    let user_pool_id = global.user_pool_id.clone().ok_or_else(|| {
        CliError::usage("no user pool: pass --user-pool-id or set COGNITO_AUTH_USER_POOL_ID")
    })?;
    let mut config = AdminConfig::new(user_pool_id);
    config.region = global.region.clone();
    config.endpoint = global.endpoint.clone();
    config.timeout = Duration::from_secs(global.timeout.max(1));
    AdminClient::from_env(config)
        .await
        .map_err(CliError::from_admin)
}

/// A time for a person; a time before 1970 or after 9999 (a broken answer) is shown as a number.
fn when(seconds: Option<f64>) -> String {
    const YEAR_10000: f64 = 253_402_300_800.0;
    match seconds {
        Some(s) if (0.0..YEAR_10000).contains(&s) => format_timestamp(s as u64),
        Some(s) => format!("{s} s after the epoch"),
        None => "never".into(),
    }
}

fn device_line(d: &AdminDevice) -> String {
    format!(
        "  {}  {}  {}  last used {}",
        d.id,
        device_status_text(d.status),
        d.name.as_deref().unwrap_or("(no name)"),
        when(d.last_authenticated_at)
    )
}

async fn list(admin: &AdminClient, username: &str) -> Result<Report, AdminError> {
    let devices = admin.list_devices(username).await?;
    let mut report = Report::new();
    report.line(format!("{} device(s) of {username}:", devices.len()));
    for d in &devices {
        report.line(device_line(d));
    }
    report
        .field("username", json!(username))
        .encoded("devices", &devices);
    Ok(report)
}

async fn forget(admin: &AdminClient, username: &str, key: &str) -> Result<Report, AdminError> {
    admin.forget_device(username, key).await?;
    let mut report = Report::new();
    report
        .line(format!(
            "Forgot device {key} of {username}: its next sign-in asks for MFA again."
        ))
        .field("username", json!(username))
        .field("forgotten", json!(key));
    Ok(report)
}

fn limit_report(limit: &DeviceLimitReport) -> Report {
    let mut report = Report::new();
    report.line(format!(
        "{} of {}'s remembered devices kept (limit {}):",
        limit.kept.len(),
        limit.username,
        limit.keep
    ));
    for d in &limit.kept {
        report.line(device_line(d));
    }
    let verb = if limit.applied {
        "Forgotten"
    } else {
        "Would forget (dry run; --apply forgets them)"
    };
    if limit.forget.is_empty() {
        report.line("Nothing to forget.");
    } else {
        report.line(format!("{verb}:"));
        for d in &limit.forget {
            report.line(device_line(d));
        }
    }
    report.result(limit);
    report
}

fn methods(mfa: &MfaPreferences) -> String {
    if mfa.enabled.is_empty() {
        return "none".into();
    }
    let names: Vec<&str> = mfa.enabled.iter().map(|m| mfa_name(*m)).collect();
    match mfa.preferred {
        Some(p) => format!("{} (preferred {})", names.join(", "), mfa_name(p)),
        None => names.join(", "),
    }
}

fn recovery_report(recovery: &MfaRecovery) -> Report {
    let mut report = Report::new();
    report.line(format!(
        "MFA of {}: {} → {}.",
        recovery.username,
        methods(&recovery.before),
        methods(&recovery.after)
    ));
    if recovery.phone_number_updated {
        report.line("The phone number was set (and marked verified).");
    }
    if recovery.software_token_deleted {
        report.line("The lost authenticator (TOTP) was deleted.");
    }
    report.line(match recovery.action {
        MfaRecoveryAction::ToSms => "The next sign-in asks for a code sent by SMS.",
        MfaRecoveryAction::Disable => {
            "If the pool requires MFA, the next sign-in asks the user to set it up (SMS codes if they have a phone number)."
        }
    });
    if recovery.signed_out {
        report.line("The user was signed out everywhere.");
    }
    report.result(recovery);
    report
}

async fn show(admin: &AdminClient, username: &str) -> Result<Report, AdminError> {
    let user = admin.show_user(username).await?;
    let mut report = Report::new();
    report
        .line(format!(
            "{}  {}{}",
            user.username,
            user.status.as_deref().unwrap_or("(no status)"),
            if user.enabled { "" } else { "  DISABLED" }
        ))
        .line(format!("MFA: {}", methods(&user.mfa)))
        .line(format!(
            "Devices: {} ({} remembered)",
            user.device_count, user.remembered_device_count
        ));
    for a in &user.attributes {
        report.line(format!("  {} = {}", a.name, a.value));
    }
    report.result(&user);
    Ok(report)
}
