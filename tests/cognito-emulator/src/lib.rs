//! # cognito-emulator
//!
//! A local, in-process or stand-alone emulator of the Amazon Cognito user-pool API, faithful
//! enough to test sign-in clients end to end: SRP (`USER_SRP_AUTH`), passwords, choice-based
//! sign-in (`USER_AUTH`, with e-mail / SMS one-time passwords), `CUSTOM_AUTH` with a built-in
//! challenge, SMS / TOTP / e-mail MFA, MFA set-up, remembered devices (`DEVICE_SRP_AUTH`),
//! refresh tokens, RS256 JWTs with a JWKS, and test hooks (outbox, clock, fault injection,
//! custom challenge). See `README.md`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emu = cognito_emulator::start(cognito_emulator::EmulatorConfig::default()).await?;
//! println!("{}", emu.endpoint());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod auth_session;
pub mod client;
mod faults;
mod guard;
mod hooks;
mod lockout;
mod ops;
mod persist;
pub mod protocol;
pub mod secrets;
mod server;
mod state;
pub mod tokens;
pub mod totp;
mod util;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use totp::totp_code;

use tokens::{SigningKey, TokenKeys};

/// How to run the emulator.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Address to bind (default `127.0.0.1`). Anything but a loopback address needs
    /// `allow_remote`.
    pub host: String,
    /// Allow binding a non-loopback address (the emulator has no real authentication).
    pub allow_remote: bool,
    /// `Host` names accepted besides `localhost` and IP addresses (DNS rebinding protection);
    /// `"*"` accepts any.
    pub allowed_hosts: Vec<String>,
    /// When set, the test hooks and the administrator operations require this token.
    pub admin_token: Option<String>,
    /// Port to bind; 0 picks an ephemeral port (default).
    pub port: u16,
    /// Persist the state to this JSON file (loaded at start, rewritten after each change).
    pub state_file: Option<PathBuf>,
    /// Accept `DEVICE_SRP_AUTH` / `DEVICE_PASSWORD_VERIFIER` without `Session` (pycognito).
    pub lenient_device_session: bool,
    /// Tokens carry `iss = https://cognito-idp.us-east-1.amazonaws.com/<pool id>`, as Cognito's
    /// (default: `http://HOST:PORT/<pool id>`, where the JWKS is served).
    pub cognito_issuer: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            host: "127.0.0.1".to_owned(),
            allow_remote: false,
            allowed_hosts: Vec::new(),
            admin_token: None,
            port: 0,
            state_file: None,
            lenient_device_session: false,
            cognito_issuer: false,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("host", &self.host)
            .field("allow_remote", &self.allow_remote)
            .field("allowed_hosts", &self.allowed_hosts)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("port", &self.port)
            .field("state_file", &self.state_file)
            .field("lenient_device_session", &self.lenient_device_session)
            .field("cognito_issuer", &self.cognito_issuer)
            .finish()
    }
}

/// A running emulator. Dropping it stops the server too.
pub struct RunningEmulator {
    app: Arc<ops::App>,
    addr: SocketAddr,
    endpoint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://HOST:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secrets that crossed its Cognito API so far (see [`secrets`]), as
    /// `GET /_emulator/secrets` lists them.
    pub fn secrets(&self) -> Vec<String> {
        self.app
            .secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The emulator without a socket: the router every request goes through, over a fresh state
/// and the process's signing keys, for driving requests in the same process (the fuzz target in
/// `tests/fuzz`). Not an API: use [`start`].
#[doc(hidden)]
pub struct InProcessEmulator {
    app: Arc<ops::App>,
}

#[doc(hidden)]
impl InProcessEmulator {
    /// The address requests seem to come from.
    pub const PEER: SocketAddr =
        SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40000);

    /// An emulator with an empty state (`config.state_file` is ignored) whose endpoint is
    /// `endpoint` (what `iss` and the JWKS address name).
    pub fn new(config: &EmulatorConfig, endpoint: &str) -> std::io::Result<InProcessEmulator> {
        let keys = process_keys().map_err(std::io::Error::other)?;
        let app = ops::App::new(state::State::default(), keys, None, config);
        let _ = app.endpoint.set(endpoint.to_owned());
        Ok(InProcessEmulator { app: Arc::new(app) })
    }

    /// The emulator's router, with every request coming from [`InProcessEmulator::PEER`].
    pub fn router(&self) -> axum::Router {
        server::router(Arc::clone(&self.app)).layer(axum::extract::connect_info::MockConnectInfo(
            InProcessEmulator::PEER,
        ))
    }

    /// The state as a state file holds it.
    pub fn save_state(&self) -> Vec<u8> {
        serde_json::to_vec(&*self.app.lock()).unwrap_or_default()
    }

    /// Replaces the state with one saved by [`InProcessEmulator::save_state`]; armed faults and
    /// the call log are cleared.
    pub fn restore_state(&self, saved: &[u8]) -> std::io::Result<()> {
        let restored: state::State = serde_json::from_slice(saved)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        *self.app.lock() = restored;
        self.app
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        Ok(())
    }
}

/// One pair of RSA keys per process for emulators without a state file (key generation is
/// slow).
fn process_keys() -> Result<TokenKeys, String> {
    static KEYS: OnceLock<Result<TokenKeys, String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Ok(TokenKeys {
            id: SigningKey::generate()?,
            access: SigningKey::generate()?,
        })
    })
    .clone()
}

/// The keys of a state file, made (and stored in it) when missing; `true` when the state
/// changed. A state file from before access tokens had their own key keeps its key for ID
/// tokens.
fn state_keys(st: &mut state::State) -> Result<(TokenKeys, bool), String> {
    let mut changed = false;
    let mut load = |slot: &mut Option<String>| -> Result<SigningKey, String> {
        match slot {
            Some(k) => SigningKey::from_pkcs8_b64(k),
            None => {
                let key = SigningKey::generate()?;
                *slot = key.to_pkcs8_b64();
                changed = true;
                Ok(key)
            }
        }
    };
    let id = load(&mut st.signing_key_pkcs8)?;
    let access = load(&mut st.access_signing_key_pkcs8)?;
    Ok((TokenKeys { id, access }, changed))
}

/// Starts the emulator, prints `listening on http://HOST:PORT` as the first line on stdout, and
/// serves until SIGINT or SIGTERM: what `cognito-emulator` and `cognito-auth emulator` run.
pub async fn serve_until_signal(config: EmulatorConfig) -> std::io::Result<()> {
    use std::io::Write;
    let warnings = warnings(&config);
    let emulator = start_quietly(config).await?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", emulator.endpoint())?;
    out.flush()?;
    // After the listening line, so that a reader of stdout and stderr together still sees it
    // first.
    for w in warnings {
        eprintln!("{w}");
    }
    shutdown_signal().await;
    emulator.shutdown().await;
    Ok(())
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// What a configuration should warn about (printed on stderr when the emulator starts).
fn warnings(config: &EmulatorConfig) -> Vec<String> {
    let mut out = Vec::new();
    if config.allow_remote {
        out.push(format!(
            "cognito-emulator: WARNING: --allow-remote: {} may be reachable from other machines, and the emulator has no real authentication (anyone who reaches it can create users and read every code); set --admin-token and firewall it",
            config.host
        ));
    }
    if config.lenient_device_session {
        out.push("cognito-emulator: WARNING: --lenient-device-session: DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER are accepted without Session (Cognito requires it)".to_owned());
    }
    out
}

/// Starts an emulator on `config.host:config.port`; prints the configuration's warnings (a
/// non-loopback address, lenient device sessions) on stderr.
pub async fn start(config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
    let warnings = warnings(&config);
    let emulator = start_quietly(config).await?;
    for w in warnings {
        eprintln!("{w}");
    }
    Ok(emulator)
}

async fn start_quietly(config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
    let io_err = |e: String| std::io::Error::other(e);
    let state_file = config.state_file.clone();
    let app_config = config.clone();
    let (app, mut dirty) = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
        let (st, keys, dirty) = match &state_file {
            Some(path) => {
                let mut st = persist::load(path)?;
                let (keys, dirty) = state_keys(&mut st).map_err(io_err)?;
                (st, keys, dirty)
            }
            None => (
                state::State::default(),
                process_keys().map_err(io_err)?,
                false,
            ),
        };
        Ok((ops::App::new(st, keys, state_file, &app_config), dirty))
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))??;
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((config.host.as_str(), config.port))
        .await?
        .collect();
    if addrs.iter().any(|a| !a.ip().is_loopback()) && !config.allow_remote {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a loopback address: the emulator has no real authentication, so binding it needs --allow-remote",
                config.host
            ),
        ));
    }
    let listener = tokio::net::TcpListener::bind(addrs.as_slice()).await?;
    let addr = listener.local_addr()?;
    let endpoint = format!("http://{addr}");
    let _ = app.endpoint.set(endpoint.clone());
    if std::mem::take(&mut dirty) {
        let st = app.lock();
        app.persist(&st);
    }
    let app = Arc::new(app);
    let router = server::router(app.clone());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let serve = axum::serve(listener, service).with_graceful_shutdown(async move {
            let _ = stop_rx.await;
        });
        if let Err(e) = serve.await {
            eprintln!("cognito-emulator: server error: {e}");
        }
    });
    Ok(RunningEmulator {
        app,
        addr,
        endpoint,
        stop: Some(stop_tx),
        task: Some(task),
    })
}
