//! `cognito-emulator --host 127.0.0.1 --port 9229 [--state FILE] [--lenient-device-session]`

use std::io::Write;
use std::path::PathBuf;

use cognito_emulator::{start, EmulatorConfig};

const USAGE: &str =
    "usage: cognito-emulator [--host HOST] [--port PORT] [--state FILE] [--lenient-device-session]";

fn parse_args() -> Result<EmulatorConfig, String> {
    let mut config = EmulatorConfig {
        port: 9229,
        ..EmulatorConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--host" => config.host = value("--host")?,
            "--port" => {
                config.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port must be a number 0-65535".to_owned())?
            }
            "--state" => config.state_file = Some(PathBuf::from(value("--state")?)),
            "--lenient-device-session" => config.lenient_device_session = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(config)
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

#[tokio::main]
async fn main() {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let emulator = match start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cognito-emulator: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", emulator.endpoint());
    let _ = out.flush();
    wait_for_signal().await;
    emulator.shutdown().await;
}
