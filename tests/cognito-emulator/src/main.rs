//! `cognito-emulator --host 127.0.0.1 --port 9229 [--state FILE] [--lenient-device-session]
//! [--allow-remote] [--allow-host NAME]... [--admin-token TOKEN] [--cognito-issuer]`

use std::path::PathBuf;

use cognito_emulator::{serve_until_signal, EmulatorConfig};

const USAGE: &str = "usage: cognito-emulator [--host HOST] [--port PORT] [--state FILE] \
[--lenient-device-session] [--allow-remote] [--allow-host NAME]... [--admin-token TOKEN] \
[--cognito-issuer]
  --allow-remote     allow a --host that is not a loopback address (prints a warning)
  --allow-host NAME  also accept this Host header (DNS rebinding protection; * accepts any)
  --admin-token T    require T for test hooks and administrator operations
                     (or COGNITO_EMULATOR_ADMIN_TOKEN, which other users cannot see in ps)
  --cognito-issuer   tokens carry iss https://cognito-idp.us-east-1.amazonaws.com/POOL";

fn parse_args() -> Result<EmulatorConfig, String> {
    let mut config = EmulatorConfig {
        port: 9229,
        admin_token: std::env::var("COGNITO_EMULATOR_ADMIN_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
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
            "--allow-remote" => config.allow_remote = true,
            "--allow-host" => config.allowed_hosts.push(value("--allow-host")?),
            "--admin-token" => config.admin_token = Some(value("--admin-token")?),
            "--cognito-issuer" => config.cognito_issuer = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(config)
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
    if let Err(e) = serve_until_signal(config).await {
        eprintln!("cognito-emulator: cannot start: {e}");
        std::process::exit(1);
    }
}
