//! `cognito-auth demo`: the whole story against an in-process emulator, step by step, each
//! outcome checked (a step that does not behave as described fails the demo, exit 1).
//!
//! The codes the demo uses come from the emulator's outbox (SMS and e-mail are not really sent)
//! or, for TOTP, are computed from the shared secret at the emulator's time; printing them is
//! the point of the narration. With `--interactive` the person types them instead.

mod emu;
mod steps;

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cognito_auth_core::{AuthClient, AuthConfig, Endpoint, InMemoryStore, SystemClock};
use cognito_emulator::RunningEmulator;
use serde_json::json;

use crate::errors::CliError;
use crate::output::Report;
use emu::{LoggingApi, Pool};

const USERNAME: &str = "alice";
/// A demo password (the emulator is local and thrown away at the end).
const PASSWORD: &str = "Demo-Passw0rd!";

const STEPS: [&str; 13] = [
    "Start the emulator and create a user pool",
    "Sign up alice",
    "Confirm the sign-up with the e-mailed code",
    "Sign in on laptop with an SMS code",
    "Remember laptop",
    "Sign out",
    "Sign in again on laptop: MFA skipped by device SRP",
    "List alice's devices",
    "Set up TOTP",
    "Make TOTP the preferred MFA method",
    "Sign in on phone (a second, unremembered device) with TOTP",
    "Forget laptop",
    "Sign in on laptop again: MFA is asked again",
];

type Step = Result<(), String>;

struct Device {
    client: AuthClient,
    api: Arc<LoggingApi>,
}

struct Demo {
    interactive: bool,
    quiet: bool,
    emulator: Option<RunningEmulator>,
    endpoint: String,
    pool: Option<Pool>,
    laptop: Option<Device>,
    phone: Option<Device>,
    totp_secret: Option<String>,
    /// The 30-second step of the last TOTP code used: Cognito takes each code once.
    last_totp_step: Option<u64>,
}

/// Runs the demo; the last line printed is the summary.
pub async fn run(interactive: bool, json_mode: bool) -> Result<Report, CliError> {
    let mut demo = Demo {
        interactive,
        quiet: json_mode,
        emulator: None,
        endpoint: String::new(),
        pool: None,
        laptop: None,
        phone: None,
        totp_secret: None,
        last_totp_step: None,
    };
    demo.say("cognito-auth demo: a local Cognito user pool, one user, two devices\n");
    let started = Instant::now();
    let mut passed = 0;
    let mut failure = None;
    let mut steps = Vec::new();
    for (index, title) in STEPS.iter().enumerate() {
        demo.say(&format!("[{:>2}/{}] {title}", index + 1, STEPS.len()));
        let step_started = Instant::now();
        let outcome = demo.step(index).await;
        let elapsed = step_started.elapsed();
        let ok = outcome.is_ok();
        match &outcome {
            Ok(()) => {
                passed += 1;
                demo.say(&format!("        ✔ ok in {}", millis(elapsed)));
            }
            Err(reason) => demo.say(&format!("        ✘ FAILED: {reason}")),
        }
        steps.push(
            json!({ "step": title, "ok": ok, "ms": elapsed.as_secs_f64() * 1000.0,
            "error": outcome.as_ref().err() }),
        );
        if let Err(reason) = outcome {
            failure = Some(format!("step {} ({title}) failed: {reason}", index + 1));
            break;
        }
        demo.say("");
    }
    if let Some(emulator) = demo.emulator.take() {
        emulator.shutdown().await;
    }
    let total = started.elapsed();
    let summary = format!(
        "demo: {passed}/{} steps passed in {:.1} s",
        STEPS.len(),
        total.as_secs_f64()
    );
    let mut report = Report::new();
    report
        .line(summary.clone())
        .field("passed", json!(passed))
        .field("total", json!(STEPS.len()))
        .field("seconds", json!(total.as_secs_f64()))
        .field("steps", json!(steps));
    match failure {
        None => Ok(report),
        Some(reason) => {
            if !json_mode {
                println!("{summary}");
            }
            Err(CliError::failed(reason))
        }
    }
}

fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn expect(condition: bool, what: impl Into<String>) -> Step {
    if condition {
        Ok(())
    } else {
        Err(what.into())
    }
}

impl Demo {
    fn say(&self, text: &str) {
        if !self.quiet {
            println!("{text}");
        }
    }

    fn detail(&self, text: &str) {
        self.say(&format!("        {text}"));
    }

    fn pool(&self) -> Result<&Pool, String> {
        self.pool.as_ref().ok_or_else(|| "no pool".into())
    }

    fn laptop(&self) -> Result<&Device, String> {
        self.laptop
            .as_ref()
            .ok_or_else(|| "no laptop client".into())
    }

    fn phone(&self) -> Result<&Device, String> {
        self.phone.as_ref().ok_or_else(|| "no phone client".into())
    }

    fn device(&self, name: &str) -> Result<Device, String> {
        let pool = self.pool()?;
        let api = LoggingApi::new(&self.endpoint)?;
        let mut config = AuthConfig::new(
            Endpoint::Url(self.endpoint.clone()),
            &pool.pool_id,
            &pool.client_id,
        );
        config.device_name = Some(format!("{name} (cognito-auth demo)"));
        // Each device has its own store: what one remembers, the other does not know.
        let client = AuthClient::with_api(
            config,
            api.clone(),
            Arc::new(InMemoryStore::new()),
            Arc::new(SystemClock),
        );
        Ok(Device { client, api })
    }

    /// A code: from the emulator (printed, with where it came from), or typed by the person.
    async fn code(
        &self,
        prompt: &str,
        from_emulator: String,
        source: &str,
    ) -> Result<String, String> {
        if self.interactive {
            print!("        {prompt} (Enter: use the {source}): ");
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("reading stdin: {e}"))?;
            let typed = line.trim();
            if !typed.is_empty() {
                return Ok(typed.to_owned());
            }
        }
        self.detail(&format!("code {from_emulator} (from the {source})"));
        Ok(from_emulator)
    }

    async fn outbox_code(&self, purpose: &str, prompt: &str) -> Result<String, String> {
        let code = emu::last_code(&self.endpoint, self.pool()?, USERNAME, purpose).await?;
        self.code(prompt, code, "emulator's outbox").await
    }

    async fn totp_code(&mut self) -> Result<String, String> {
        let secret = self.totp_secret.clone().ok_or("TOTP is not set up")?;
        let mut now = emu::now(&self.endpoint).await?;
        // Cognito accepts a TOTP code once: when this window's code was used, move the
        // emulator's clock to the next window (as a person waits for the next code).
        if let Some(last) = self.last_totp_step {
            if now / 30 <= last {
                now = emu::advance(&self.endpoint, (last + 1) * 30 - now).await?;
            }
        }
        self.last_totp_step = Some(now / 30);
        let code = cognito_emulator::totp_code(&secret, now);
        self.code(
            "Type the code from your authenticator app",
            code,
            "shared secret at the emulator's time",
        )
        .await
    }
}
