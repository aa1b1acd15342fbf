//! `emulator [--host H] [--port N] [--state FILE]`: the local Cognito emulator, in this process
//! (the emulator library's own `serve_until_signal`, as the `cognito-emulator` binary runs it).

use std::path::PathBuf;

use cognito_emulator::{serve_until_signal, EmulatorConfig};

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
    serve_until_signal(config)
        .await
        .map_err(|e| CliError::usage(format!("cannot start the emulator: {e}")))?;
    Ok(Report::new())
}
