//! Soak (issue 16): the emulator as a separate process and `--clients` concurrent
//! [`AuthClient`]s in this one, doing real flows again and again for `--minutes`, with the
//! memory and open file descriptors of both processes sampled from `/proc` as it runs.
//!
//! One iteration of a client (each client is one user, one long-lived `AuthClient`):
//! SRP sign-in → SMS MFA (the code read from the emulator's outbox) → remember the device →
//! sign out → SRP sign-in answered by the remembered device (DEVICE_SRP, no MFA) → fetch the
//! session with a forced refresh → fetch the devices → forget the device → sign out.
//! Every step's result is checked; anything else counts as an error.
//!
//! Run through `scripts/soak`, which builds this and the emulator in release:
//!
//! ```text
//! cognito-soak --emulator-bin PATH [--minutes 10] [--clients 8] [--sample-secs 10]
//!              [--warmup-secs 300] [--rss-margin-pct 5] [--rate ITERATIONS_PER_SECOND]
//! ```
//!
//! Exits 1 on any error or when either process ends with more open file descriptors than it
//! had before the clients started; 2 on bad arguments. Loopback only, bounded in time.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cognito_auth_core::api::http::HttpCognitoApi;
use cognito_auth_core::{
    AuthClient, AuthConfig, ConfirmSignInOptions, DeviceOutcome, DeviceStatus, Endpoint,
    InMemoryStore, SignInNextStep, SignInOptions, SystemClock,
};
use cognito_auth_e2e::{CountingApi, PASSWORD};
use cognito_emulator::client;
use serde_json::{json, Value};

/// Messages the emulator's outbox keeps at most (it then drops the oldest 1 000).
const OUTBOX_CAP: usize = 10_000;
/// Default warm-up: the emulator keeps every auth session (used ones too, to answer "can only
/// be used once") for its 180 s lifetime plus 60 s, so its state fills for 4 minutes before it
/// is steady; the RSS it is compared with is taken after 5 (or half the run, if shorter).
const WARMUP_SECS: f64 = 300.0;

struct Args {
    emulator_bin: PathBuf,
    minutes: f64,
    clients: usize,
    sample_secs: f64,
    warmup_secs: Option<f64>,
    rss_margin_pct: f64,
    /// Iterations per second for all clients together; 0 = as fast as they go.
    rate: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        emulator_bin: PathBuf::new(),
        minutes: 10.0,
        clients: 8,
        sample_secs: 10.0,
        warmup_secs: None,
        rss_margin_pct: 5.0,
        rate: 0.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--emulator-bin" => args.emulator_bin = value()?.into(),
            "--minutes" => args.minutes = number(value()?)?,
            "--clients" => args.clients = number(value()?)? as usize,
            "--sample-secs" => args.sample_secs = number(value()?)?,
            "--warmup-secs" => args.warmup_secs = Some(number(value()?)?),
            "--rss-margin-pct" => args.rss_margin_pct = number(value()?)?,
            "--rate" => args.rate = number(value()?)?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.emulator_bin.as_os_str().is_empty() {
        return Err("--emulator-bin is required".into());
    }
    if !(args.minutes > 0.0 && args.minutes <= 120.0) || args.clients == 0 || args.clients > 256 {
        return Err("--minutes must be in (0, 120] and --clients in 1..=256".into());
    }
    Ok(args)
}

/// What `/proc` says about a process.
#[derive(Clone, Copy, Default)]
struct Probe {
    rss_kib: u64,
    hwm_kib: u64,
    fds: usize,
    threads: u64,
}

fn probe(pid: u32) -> Probe {
    let mut p = Probe::default();
    if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
        for line in status.lines() {
            let field = |prefix: &str| {
                line.strip_prefix(prefix)
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|n| n.parse().ok())
            };
            if let Some(v) = field("VmRSS:") {
                p.rss_kib = v;
            } else if let Some(v) = field("VmHWM:") {
                p.hwm_kib = v;
            } else if let Some(v) = field("Threads:") {
                p.threads = v;
            }
        }
    }
    p.fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
    p
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The emulator process; killed when dropped.
struct Emulator {
    child: Child,
    endpoint: String,
}

impl Emulator {
    fn start(bin: &PathBuf) -> Result<Emulator, String> {
        let mut child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .ok_or("the emulator printed no first line")?;
        let endpoint = first
            .strip_prefix("listening on ")
            .ok_or(format!("unexpected first line {first:?}"))?
            .to_owned();
        // Keep reading whatever else it prints, so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Emulator { child, endpoint })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, if it has.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn admin(endpoint: &str, operation: &str, body: Value) -> Result<Value, String> {
    let (status, value) = client::call(endpoint, operation, &body)
        .await
        .map_err(|e| format!("{operation}: {e}"))?;
    if status != 200 {
        return Err(format!("{operation}: HTTP {status}: {value}"));
    }
    Ok(value)
}

struct Setup {
    endpoint: String,
    pool_id: String,
    client_id: String,
}

/// A pool with SMS MFA on and devices remembered on the user's say-so, replacing MFA; one
/// user per client with a verified phone; the outbox filled to its cap with codes for those
/// users (ForgotPassword), so that both the outbox and each user's list of messages (which
/// every MFA step reads) are as long from the start as they will stay, not growing through
/// the run.
async fn set_up(endpoint: &str, clients: usize) -> Result<Setup, String> {
    let pool = admin(
        endpoint,
        "CreateUserPool",
        json!({
            "PoolName": "soak",
            "MfaConfiguration": "ON",
            "DeviceConfiguration": {
                "ChallengeRequiredOnNewDevice": true,
                "DeviceOnlyRememberedOnUserPrompt": true,
            },
        }),
    )
    .await?;
    let pool_id = pool["UserPool"]["Id"]
        .as_str()
        .ok_or("no pool id")?
        .to_owned();
    admin(
        endpoint,
        "SetUserPoolMfaConfig",
        json!({
            "UserPoolId": pool_id,
            "MfaConfiguration": "ON",
            "SmsMfaConfiguration": { "SmsConfiguration": { "SnsCallerArn": "arn:aws:iam::123456789012:role/sns" } },
        }),
    )
    .await?;
    let app = admin(
        endpoint,
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool_id,
            "ClientName": "soak",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
    )
    .await?;
    let client_id = app["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or("no client id")?
        .to_owned();
    for i in 0..clients {
        let username = user_name(i);
        admin(
            endpoint,
            "AdminCreateUser",
            json!({
                "UserPoolId": pool_id,
                "Username": username,
                "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    { "Name": "phone_number", "Value": format!("+1555{:07}", i) },
                    { "Name": "phone_number_verified", "Value": "true" },
                ],
            }),
        )
        .await?;
        admin(
            endpoint,
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": true }),
        )
        .await?;
    }
    for n in 0..OUTBOX_CAP {
        admin(
            endpoint,
            "ForgotPassword",
            json!({ "ClientId": client_id, "Username": user_name(n % clients) }),
        )
        .await?;
    }
    Ok(Setup {
        endpoint: endpoint.to_owned(),
        pool_id,
        client_id,
    })
}

fn user_name(i: usize) -> String {
    format!("soak-{i}")
}

#[derive(Default)]
struct Counters {
    iterations: AtomicU64,
    /// AuthClient operations (sign-in, confirm, remember, sign-out, session, devices, forget).
    operations: AtomicU64,
    /// Requests to the Cognito API (as the clients' CountingApi saw them).
    cognito_calls: AtomicU64,
    outbox_reads: AtomicU64,
    errors: AtomicU64,
    first_errors: Mutex<Vec<String>>,
}

impl Counters {
    fn error(&self, text: String) {
        self.errors.fetch_add(1, Ordering::SeqCst);
        let mut first = self.first_errors.lock().expect("errors");
        if first.len() < 20 {
            eprintln!("soak: error: {text}");
            first.push(text);
        }
    }
}

/// The newest code the emulator sent to `username`.
async fn last_code(setup: &Setup, username: &str) -> Result<String, String> {
    let path = format!(
        "/_emulator/messages?userPoolId={}&username={username}",
        setup.pool_id
    );
    let response = client::request(&setup.endpoint, "GET", &path, &[], b"")
        .await
        .map_err(|e| format!("outbox: {e}"))?;
    let messages: Value =
        serde_json::from_slice(&response.body).map_err(|e| format!("outbox: {e}"))?;
    messages
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["code"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("no code for {username}"))
}

/// One round of the flow; returns the number of AuthClient operations it made.
async fn iteration(
    setup: &Setup,
    client: &AuthClient,
    username: &str,
    counters: &Counters,
) -> Result<u64, String> {
    let fail = |stage: &str, what: String| format!("{username}: {stage}: {what}");
    let first = client
        .sign_in(username, Some(PASSWORD), SignInOptions::default())
        .await
        .map_err(|e| fail("sign-in", e.to_string()))?;
    if !matches!(
        first.next_step,
        SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
    ) {
        return Err(fail("sign-in", format!("expected SMS MFA, got {first:?}")));
    }
    let code = last_code(setup, username).await?;
    counters.outbox_reads.fetch_add(1, Ordering::Relaxed);
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .map_err(|e| fail("SMS code", e.to_string()))?;
    match &done.device {
        Some(DeviceOutcome::Tracked {
            status: DeviceStatus::NotRemembered,
            ask_user_to_remember: true,
            ..
        }) if done.is_signed_in => {}
        _ => {
            return Err(fail(
                "SMS code",
                format!("expected a new device, got {done:?}"),
            ))
        }
    }
    client
        .remember_device()
        .await
        .map_err(|e| fail("remember device", e.to_string()))?;
    let signed_out = client
        .sign_out(false)
        .await
        .map_err(|e| fail("sign-out", e.to_string()))?;
    if !signed_out.is_complete() {
        return Err(fail("sign-out", format!("not revoked: {signed_out:?}")));
    }

    let again = client
        .sign_in(username, Some(PASSWORD), SignInOptions::default())
        .await
        .map_err(|e| fail("device sign-in", e.to_string()))?;
    if !again.is_signed_in || again.device.is_some() {
        return Err(fail(
            "device sign-in",
            format!("expected DEVICE_SRP to replace MFA, got {again:?}"),
        ));
    }
    let session = client
        .fetch_auth_session(true)
        .await
        .map_err(|e| fail("refresh", e.to_string()))?;
    if !session.is_signed_in || session.tokens.is_none() {
        return Err(fail("refresh", "no tokens".into()));
    }
    let devices = client
        .fetch_devices()
        .await
        .map_err(|e| fail("devices", e.to_string()))?;
    let current: Vec<_> = devices.iter().filter(|d| d.is_current_device).collect();
    if devices.len() != 1 || current.len() != 1 || current[0].status != DeviceStatus::Remembered {
        return Err(fail("devices", format!("{devices:?}")));
    }
    client
        .forget_device(None)
        .await
        .map_err(|e| fail("forget device", e.to_string()))?;
    let signed_out = client
        .sign_out(false)
        .await
        .map_err(|e| fail("sign-out", e.to_string()))?;
    if !signed_out.is_complete() {
        return Err(fail("sign-out", format!("not revoked: {signed_out:?}")));
    }
    Ok(9)
}

async fn run_client(
    setup: Arc<Setup>,
    i: usize,
    pace: Option<Duration>,
    offset: Duration,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
) {
    let username = user_name(i);
    let http = match HttpCognitoApi::with_endpoint(&setup.endpoint) {
        Ok(http) => http,
        Err(e) => return counters.error(format!("{username}: transport: {e:?}")),
    };
    let api = Arc::new(CountingApi::new(http));
    let mut config = AuthConfig::new(
        Endpoint::Url(setup.endpoint.clone()),
        &setup.pool_id,
        &setup.client_id,
    );
    config.device_name = Some(format!("soak device {i}"));
    let client = AuthClient::with_api(
        config,
        api.clone(),
        Arc::new(InMemoryStore::new()),
        Arc::new(SystemClock),
    );
    // With a rate, each client starts an iteration every `pace` (clients start spread out);
    // one that falls behind starts the next at once, without catching up in a burst.
    let mut next = tokio::time::Instant::now() + offset;
    while !stop.load(Ordering::SeqCst) {
        if let Some(pace) = pace {
            tokio::time::sleep_until(next).await;
            next = (next + pace).max(tokio::time::Instant::now());
            if stop.load(Ordering::SeqCst) {
                break;
            }
        }
        match iteration(&setup, &client, &username, &counters).await {
            Ok(operations) => {
                counters.iterations.fetch_add(1, Ordering::Relaxed);
                counters.operations.fetch_add(operations, Ordering::Relaxed);
            }
            Err(text) => {
                counters.error(text);
                // Start the next round clean: drop what this device holds, and whatever
                // device the emulator still lists for the user.
                let _ = client.reset_local_state().await;
                if let Err(e) = forget_all_devices(&setup, &username).await {
                    counters.error(format!("{username}: cleanup: {e}"));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    counters
        .cognito_calls
        .fetch_add(api.total() as u64, Ordering::Relaxed);
}

async fn forget_all_devices(setup: &Setup, username: &str) -> Result<(), String> {
    let list = admin(
        &setup.endpoint,
        "AdminListDevices",
        json!({ "UserPoolId": setup.pool_id, "Username": username }),
    )
    .await?;
    for device in list["Devices"].as_array().into_iter().flatten() {
        if let Some(key) = device["DeviceKey"].as_str() {
            admin(
                &setup.endpoint,
                "AdminForgetDevice",
                json!({ "UserPoolId": setup.pool_id, "Username": username, "DeviceKey": key }),
            )
            .await?;
        }
    }
    Ok(())
}

struct Sample {
    at: f64,
    emulator: Probe,
    client: Probe,
    iterations: u64,
}

/// Waits (at most `limit`) until `pid` has no more open descriptors than `baseline`.
async fn settle_fds(pid: u32, baseline: usize, limit: Duration) -> usize {
    let start = Instant::now();
    loop {
        let fds = probe(pid).fds;
        if fds <= baseline || start.elapsed() >= limit {
            return fds;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn summary_row(name: &str, start: Probe, warm: Probe, end: Probe, max_rss: u64) -> String {
    let growth = end.rss_kib as f64 / warm.rss_kib.max(1) as f64 * 100.0 - 100.0;
    format!(
        "| {name} | {} | {} | {} | {} ({growth:+.1} % since warm-up) | {} | {} | {} |",
        mib(start.rss_kib),
        mib(warm.rss_kib),
        mib(max_rss),
        mib(end.rss_kib),
        mib(end.hwm_kib),
        start.fds,
        end.fds,
    )
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("cognito-soak: {e}");
            std::process::exit(2);
        }
    };
    let duration = Duration::from_secs_f64(args.minutes * 60.0);
    let warmup = Duration::from_secs_f64(
        args.warmup_secs
            .unwrap_or_else(|| (duration.as_secs_f64() / 2.0).min(WARMUP_SECS)),
    );
    let sample_every =
        Duration::from_secs_f64(args.sample_secs.min(duration.as_secs_f64() / 4.0).max(0.5));

    let mut emulator = match Emulator::start(&args.emulator_bin) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cognito-soak: {e}");
            std::process::exit(1);
        }
    };
    let emu_pid = emulator.pid();
    let own_pid = std::process::id();
    println!(
        "soak: emulator pid {emu_pid} at {}, client pid {own_pid}, {} clients ({}), {:.1} min, warm-up {:.0} s, samples every {:.0} s",
        emulator.endpoint,
        args.clients,
        if args.rate > 0.0 { format!("{} iterations/s in all", args.rate) } else { "unpaced".into() },
        args.minutes,
        warmup.as_secs_f64(),
        sample_every.as_secs_f64()
    );
    let setup = match set_up(&emulator.endpoint, args.clients).await {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("cognito-soak: setup: {e}");
            std::process::exit(1);
        }
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let emu_start = probe(emu_pid);
    let own_start = probe(own_pid);
    println!(
        "soak: set up (pool, {} users, outbox filled to {OUTBOX_CAP}); before the clients: emulator {} {} fds, client {} {} fds; load {}",
        args.clients,
        mib(emu_start.rss_kib),
        emu_start.fds,
        mib(own_start.rss_kib),
        own_start.fds,
        load_average()
    );

    let pace = (args.rate > 0.0).then(|| Duration::from_secs_f64(args.clients as f64 / args.rate));
    let stop = Arc::new(AtomicBool::new(false));
    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.clients)
        .map(|i| {
            tokio::spawn(run_client(
                setup.clone(),
                i,
                pace,
                pace.map_or(Duration::ZERO, |p| {
                    p.mul_f64(i as f64 / args.clients as f64)
                }),
                stop.clone(),
                counters.clone(),
            ))
        })
        .collect();

    let mut samples: Vec<Sample> = Vec::new();
    let mut warm: Option<(Probe, Probe)> = None;
    let mut next = sample_every;
    loop {
        let now = started.elapsed();
        let wake = next.min(duration);
        if wake > now {
            tokio::time::sleep(wake - now).await;
        }
        let at = started.elapsed();
        let sample = Sample {
            at: at.as_secs_f64(),
            emulator: probe(emu_pid),
            client: probe(own_pid),
            iterations: counters.iterations.load(Ordering::Relaxed),
        };
        println!(
            "t={:>5.0}s iterations {:>6} errors {} | emulator rss {} fds {} threads {} | client rss {} fds {} threads {} | load {}",
            sample.at,
            sample.iterations,
            counters.errors.load(Ordering::Relaxed),
            mib(sample.emulator.rss_kib),
            sample.emulator.fds,
            sample.emulator.threads,
            mib(sample.client.rss_kib),
            sample.client.fds,
            sample.client.threads,
            load_average()
        );
        if let Some(status) = emulator.exited() {
            // Someone else stopped it (it exits 0 on SIGINT / SIGTERM): nothing more to learn.
            println!(
                "soak: FAIL: the emulator exited ({status}) at t={:.0}s",
                sample.at
            );
            counters.error(format!("the emulator exited ({status})"));
            samples.push(sample);
            break;
        }
        if warm.is_none() && at >= warmup {
            warm = Some((sample.emulator, sample.client));
        }
        samples.push(sample);
        if at >= duration {
            break;
        }
        next += sample_every;
    }
    stop.store(true, Ordering::SeqCst);
    let running_end = samples.last().map(|s| (s.emulator, s.client));
    for task in tasks {
        if tokio::time::timeout(Duration::from_secs(60), task)
            .await
            .is_err()
        {
            counters.error("a client did not stop within 60 s".into());
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // The clients (and their connections) are gone: both processes should be back to the
    // descriptors they had before the clients started.
    let emu_fds_after = settle_fds(emu_pid, emu_start.fds, Duration::from_secs(10)).await;
    let own_fds_after = settle_fds(own_pid, own_start.fds, Duration::from_secs(10)).await;
    let emu_end = Probe {
        fds: emu_fds_after,
        ..probe(emu_pid)
    };
    let own_end = Probe {
        fds: own_fds_after,
        ..probe(own_pid)
    };
    drop(emulator);

    let (emu_warm, own_warm) = warm.unwrap_or((emu_start, own_start));
    let (emu_running_end, own_running_end) = running_end.unwrap_or((emu_end, own_end));
    let max_emu = samples
        .iter()
        .map(|s| s.emulator.rss_kib)
        .max()
        .unwrap_or(0);
    let max_own = samples.iter().map(|s| s.client.rss_kib).max().unwrap_or(0);
    let iterations = counters.iterations.load(Ordering::SeqCst);
    let operations = counters.operations.load(Ordering::SeqCst);
    let errors = counters.errors.load(Ordering::SeqCst);
    println!();
    println!(
        "soak: {:.1} s, {} clients: {iterations} iterations, {operations} AuthClient operations ({:.1}/s), {} Cognito API calls, {} outbox reads, {errors} errors",
        elapsed,
        args.clients,
        operations as f64 / elapsed,
        counters.cognito_calls.load(Ordering::SeqCst),
        counters.outbox_reads.load(Ordering::SeqCst),
    );
    println!();
    println!("| process | RSS before clients | RSS after warm-up | RSS max (samples) | RSS at end | peak RSS (VmHWM) | fds before clients | fds after clients |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "{}",
        summary_row("emulator", emu_start, emu_warm, emu_end, max_emu)
    );
    println!(
        "{}",
        summary_row("client", own_start, own_warm, own_end, max_own)
    );
    println!();
    let mut failed = errors > 0;
    for (name, warm, end, running_warm, running_end) in [
        (
            "emulator",
            emu_warm,
            emu_end,
            emu_warm.fds,
            emu_running_end.fds,
        ),
        (
            "client",
            own_warm,
            own_end,
            own_warm.fds,
            own_running_end.fds,
        ),
    ] {
        let limit = warm.rss_kib as f64 * (1.0 + args.rss_margin_pct / 100.0);
        let flat = (end.rss_kib as f64) <= limit;
        println!(
            "soak: {name}: RSS {} → {} after warm-up ({}, margin {} %); fds while running {running_warm} → {running_end}",
            mib(warm.rss_kib),
            mib(end.rss_kib),
            if flat { "flat" } else { "NOT flat" },
            args.rss_margin_pct
        );
    }
    if emu_end.fds > emu_start.fds || own_end.fds > own_start.fds {
        println!(
            "soak: FAIL: open descriptors grew (emulator {} → {}, client {} → {})",
            emu_start.fds, emu_end.fds, own_start.fds, own_end.fds
        );
        failed = true;
    }
    if errors > 0 {
        println!("soak: FAIL: {errors} errors; the first:");
        for e in counters.first_errors.lock().expect("errors").iter() {
            println!("  {e}");
        }
    }
    println!("soak: {}", if failed { "FAILED" } else { "passed" });
    std::process::exit(i32::from(failed));
}
