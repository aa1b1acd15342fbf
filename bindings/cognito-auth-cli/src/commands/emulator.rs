//! `emulator [--host H] [--port N] [--state FILE] [...]`: the local Cognito emulator, in this
//! process (the emulator library's own `serve_until_signal`, as the `cognito-emulator` binary runs
//! it).

use cognito_emulator::{serve_until_signal, EmulatorConfig};

use crate::errors::CliError;
use crate::output::Report;

/// Runs until SIGINT / SIGTERM. The first stdout line is `listening on http://HOST:PORT`.
pub async fn run(config: EmulatorConfig) -> Result<Report, CliError> {
    serve_until_signal(config)
        .await
        .map_err(|e| CliError::usage(format!("cannot start the emulator: {e}")))?;
    Ok(Report::new())
}
