//! Sign-in benchmark: full USER_SRP_AUTH sign-ins (and password + device SRP sign-ins) from
//! concurrent clients against the emulator binary, reporting sign-ins/s, p50/p99 latency and the
//! server's CPU time per sign-in (read from /proc for the emulator process).
//!
//! Two load models per scenario:
//! * closed loop: `BENCH_CLIENTS` (64) clients each run `BENCH_ROUNDS` (10) sign-ins back to back.
//!   This measures capacity (sign-ins/s) and CPU per sign-in; its latency is ≈ clients /
//!   throughput by Little's law, so it says nothing about latency at a given load.
//! * open loop: the same 64 clients together offer a fixed rate (`BENCH_OPEN_RATES`, default
//!   `100,200` sign-ins/s for USER_SRP, `BENCH_OPEN_RATES_DEVICE`, default `50,100`, for the device
//!   scenario) for `BENCH_OPEN_SECS` (5) seconds: each client has its own Poisson arrival stream
//!   (rate / clients, fixed seed), and a sign-in's latency runs from its scheduled arrival, so a
//!   client still busy with its previous sign-in counts the wait (no coordinated omission).
//!
//! `cargo bench -p cognito-emulator --bench signin` (`BENCH_EMULATOR_BIN` runs another emulator
//! binary instead of this build's). Clients run in this process, the server in
//! its own, so CPU figures are the server's alone; on a 2-core machine the clients (and their SRP
//! maths) compete with the server for CPU. Loopback only, bounded in time and count.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cognito_auth_core::srp::{format_timestamp, ClientEphemeral, DeviceSecret, SrpIdentity};
use cognito_emulator::client::call;
use serde_json::{json, Value};

const PASSWORD: &str = "Bench-Passw0rd!";

type R<T> = Result<T, String>;

async fn ok(ep: &str, op: &str, body: Value) -> R<Value> {
    let (status, v) = call(ep, op, &body).await.map_err(|e| e.to_string())?;
    if status == 200 {
        Ok(v)
    } else {
        Err(format!("{op}: {v}"))
    }
}

fn field<'a>(v: &'a Value, k: &str) -> R<&'a str> {
    v[k].as_str().ok_or_else(|| format!("missing {k} in {v}"))
}

fn now_ts() -> String {
    format_timestamp(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    )
}

struct Device {
    key: String,
    group: String,
    secret: DeviceSecret,
}

/// One full sign-in; with a device, password + DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER.
async fn sign_in(
    ep: &str,
    pool_id: &str,
    client_id: &str,
    user: &str,
    device: Option<&Device>,
) -> R<Value> {
    let a = ClientEphemeral::generate();
    let ch = ok(
        ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": user, "SRP_A": a.public_hex()}}),
    )
    .await?;
    let p = &ch["ChallengeParameters"];
    let ts = now_ts();
    let sig = a
        .password_claim(
            &SrpIdentity::user(pool_id, field(p, "USER_ID_FOR_SRP")?),
            PASSWORD,
            field(p, "SALT")?,
            field(p, "SRP_B")?,
            field(p, "SECRET_BLOCK")?,
            &ts,
        )
        .map_err(|e| e.to_string())?;
    let mut resp = json!({"USERNAME": p["USERNAME"], "PASSWORD_CLAIM_SIGNATURE": sig,
                          "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts});
    if let Some(d) = device {
        resp["DEVICE_KEY"] = json!(d.key);
    }
    let v = ok(
        ep,
        "RespondToAuthChallenge",
        json!({"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER",
               "Session": ch["Session"], "ChallengeResponses": resp}),
    )
    .await?;
    let Some(d) = device else { return Ok(v) };
    if v["ChallengeName"] != "DEVICE_SRP_AUTH" {
        return Err(format!("expected DEVICE_SRP_AUTH, got {v}"));
    }
    let a = ClientEphemeral::generate();
    let ch = ok(
        ep,
        "RespondToAuthChallenge",
        json!({"ClientId": client_id, "ChallengeName": "DEVICE_SRP_AUTH", "Session": v["Session"],
               "ChallengeResponses": {"USERNAME": user, "DEVICE_KEY": d.key, "SRP_A": a.public_hex()}}),
    )
    .await?;
    let p = &ch["ChallengeParameters"];
    let ts = now_ts();
    let sig = a
        .password_claim(
            &SrpIdentity::device(&d.group, &d.key),
            d.secret.secret(),
            field(p, "SALT")?,
            field(p, "SRP_B")?,
            field(p, "SECRET_BLOCK")?,
            &ts,
        )
        .map_err(|e| e.to_string())?;
    ok(
        ep,
        "RespondToAuthChallenge",
        json!({"ClientId": client_id, "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": ch["Session"],
               "ChallengeResponses": {"USERNAME": user, "DEVICE_KEY": d.key, "TIMESTAMP": ts,
                                      "PASSWORD_CLAIM_SIGNATURE": sig,
                                      "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"]}}),
    )
    .await
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // utime is field 14 and stime 15 (1-based) of the whole line; here offset by 3.
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// A pool with one user (and, with devices, one remembered device) per client.
struct Setup {
    ep: String,
    pool_id: String,
    client_id: String,
    devices: Vec<Option<Device>>,
}

async fn setup(ep: &str, with_device: bool, clients: usize) -> R<Setup> {
    let mut pool = json!({"PoolName": "bench"});
    if with_device {
        pool["DeviceConfiguration"] = json!({"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false});
    }
    let pool_id = ok(ep, "CreateUserPool", pool).await?["UserPool"]["Id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let client_id = ok(
        ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "bench"}),
    )
    .await?["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut devices = Vec::new();
    for i in 0..clients {
        let user = format!("user{i}");
        ok(
            ep,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": user, "MessageAction": "SUPPRESS"}),
        )
        .await?;
        ok(ep, "AdminSetUserPassword", json!({"UserPoolId": pool_id, "Username": user, "Password": PASSWORD, "Permanent": true})).await?;
        if with_device {
            let v = sign_in(ep, &pool_id, &client_id, &user, None).await?;
            let auth = &v["AuthenticationResult"];
            let meta = &auth["NewDeviceMetadata"];
            let (key, group) = (
                field(meta, "DeviceKey")?.to_owned(),
                field(meta, "DeviceGroupKey")?.to_owned(),
            );
            let secret = DeviceSecret::generate(&group, &key);
            ok(ep, "ConfirmDevice", json!({"AccessToken": auth["AccessToken"], "DeviceKey": key,
                "DeviceSecretVerifierConfig": {"Salt": secret.salt_b64(), "PasswordVerifier": secret.verifier_b64()}})).await?;
            devices.push(Some(Device { key, group, secret }));
        } else {
            devices.push(None);
        }
    }
    Ok(Setup {
        ep: ep.to_owned(),
        pool_id,
        client_id,
        devices,
    })
}

fn label(with_device: bool) -> &'static str {
    if with_device {
        "USER_SRP + DEVICE_SRP"
    } else {
        "USER_SRP"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Closed loop: every client signs in `rounds` times back to back.
async fn closed_loop(s: Arc<Setup>, pid: u32, with_device: bool, rounds: usize) -> R<()> {
    let clients = s.devices.len();
    let cpu0 = cpu_seconds(pid);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(rounds);
            let user = format!("user{i}");
            for _ in 0..rounds {
                let t = Instant::now();
                sign_in(
                    &s.ep,
                    &s.pool_id,
                    &s.client_id,
                    &user,
                    s.devices[i].as_ref(),
                )
                .await?;
                lat.push(t.elapsed());
            }
            Ok::<_, String>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu0;
    all.sort();
    let n = all.len() as f64;
    println!(
        "closed {:<22} clients={clients:<3} sign-ins={:<5} {:>7.1} sign-ins/s  p50={:>7.1} ms  p99={:>7.1} ms  server CPU={:>5.2} ms/sign-in",
        label(with_device),
        all.len(),
        n / elapsed,
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.99)),
        cpu * 1000.0 / n,
    );
    Ok(())
}

/// xorshift64*: a tiny seeded generator for the arrival times (reproducible, no dependency).
struct Rng(u64);

impl Rng {
    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }
}

/// Open loop: `clients` Poisson streams totalling `rate` sign-ins/s for `secs` seconds.
async fn open_loop(s: Arc<Setup>, pid: u32, with_device: bool, rate: f64, secs: f64) -> R<()> {
    let clients = s.devices.len();
    let per_client = rate / clients as f64;
    let cpu0 = cpu_seconds(pid);
    let start = tokio::time::Instant::now();
    let end = start + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((i as u64 + 1) * 0x0100_0000_01b3));
            let user = format!("user{i}");
            let mut lat = Vec::new();
            let mut due = start + Duration::from_secs_f64(-rng.unit().ln() / per_client);
            while due < end {
                // A client still busy when its next arrival is due starts late; the latency
                // counts from `due` all the same.
                tokio::time::sleep_until(due).await;
                sign_in(
                    &s.ep,
                    &s.pool_id,
                    &s.client_id,
                    &user,
                    s.devices[i].as_ref(),
                )
                .await?;
                lat.push(due.elapsed());
                due += Duration::from_secs_f64(-rng.unit().ln() / per_client);
            }
            Ok::<_, String>(lat)
        }));
    }
    // Bounded: give up if the server falls far behind.
    let limit = Duration::from_secs_f64(secs * 4.0 + 30.0);
    let mut all = Vec::new();
    for t in tasks {
        let left = limit.saturating_sub(start.elapsed());
        let r = tokio::time::timeout(left, t)
            .await
            .map_err(|_| format!("open loop at {rate}/s did not finish within {limit:?}"))?;
        all.extend(r.map_err(|e| e.to_string())??);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu0;
    all.sort();
    let n = all.len() as f64;
    println!(
        "open   {:<22} offered={rate:>5.0}/s  sign-ins={:<5} done at {:>6.1}/s  p50={:>7.1} ms  p99={:>7.1} ms  max={:>7.1} ms  server CPU={:>5.2} ms/sign-in",
        label(with_device),
        all.len(),
        n / elapsed,
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default()),
        cpu * 1000.0 / n.max(1.0),
    );
    Ok(())
}

fn env_rates(name: &str, default: &str) -> Vec<f64> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .filter(|r: &f64| *r > 0.0)
        .collect()
}

async fn run(ep: &str, pid: u32, with_device: bool) -> R<()> {
    let clients = env_usize("BENCH_CLIENTS", 64).max(1);
    let rounds = env_usize("BENCH_ROUNDS", 10);
    let secs = env_usize("BENCH_OPEN_SECS", 5) as f64;
    let rates = if with_device {
        env_rates("BENCH_OPEN_RATES_DEVICE", "50,100")
    } else {
        env_rates("BENCH_OPEN_RATES", "100,200")
    };
    let s = Arc::new(setup(ep, with_device, clients).await?);
    closed_loop(s.clone(), pid, with_device, rounds).await?;
    for rate in rates {
        open_loop(s.clone(), pid, with_device, rate, secs).await?;
    }
    Ok(())
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run only when
    // asked to benchmark, so test runs stay fast.
    if !std::env::args().any(|a| a == "--bench") {
        println!("signin bench: pass --bench (cargo bench) to run");
        return;
    }
    // BENCH_EMULATOR_BIN runs another build of the emulator (e.g. to compare two versions).
    let bin = std::env::var("BENCH_EMULATOR_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-emulator").to_owned());
    let mut child = match Command::new(bin)
        .args(["--host", "127.0.0.1", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start the emulator: {e}");
            std::process::exit(1);
        }
    };
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let server = Server(child);
    let Some(ep) = line.trim().strip_prefix("listening on ").map(str::to_owned) else {
        eprintln!("unexpected first line {line:?}");
        std::process::exit(1);
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: {e}");
            std::process::exit(1);
        }
    };
    let pid = server.0.id();
    for with_device in [false, true] {
        if let Err(e) = rt.block_on(run(&ep, pid, with_device)) {
            eprintln!("bench failed: {e}");
            std::process::exit(1);
        }
    }
}
