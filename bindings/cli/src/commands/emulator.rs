//! `emulator [--host H] [--port N] [--state FILE]`: the local Cognito emulator, in this process.

use std::io::Write;
use std::path::PathBuf;

use cognito_emulator::{start, EmulatorConfig};

use crate::errors::CliError;
use crate::output::Report;

/// Runs until SIGINT / SIGTERM. The first stdout line is `listening on http://HOST:PORT`.
pub async fn run(
    host: String,
    port: u16,
    state_file: Option<PathBuf>,
    lenient_device_session: bool,
) -> Result<Report, CliError> {
    let config = EmulatorConfig {
        host,
        port,
        state_file,
        lenient_device_session,
    };
    let emulator = start(config)
        .await
        .map_err(|e| CliError::usage(format!("cannot start the emulator: {e}")))?;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", emulator.endpoint());
    let _ = out.flush();
    wait_for_signal().await;
    emulator.shutdown().await;
    Ok(Report::new())
}

async fn wait_for_signal() {
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
