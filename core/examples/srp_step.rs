//! The client `PASSWORD_VERIFIER` step as a worker for `scripts/bench-srp-side-by-side`.
//!
//! Reads one JSON command per line on stdin and answers one JSON line on stdout:
//!
//! * `{"cmd":"setup","a":HEX,"pool_id":..,"user_id":..,"password":..,"salt":HEX,"srp_b":HEX,
//!   "secret_block":B64,"timestamp":..}` → `{"signature":B64}`. Makes the ephemeral from `a`
//!   (so `A` is computed here, outside any timing) and answers the challenge once.
//! * `{"cmd":"run","n":N}` → `{"ns":[..],"signature":B64}`: N timed steps, each from the
//!   challenge's strings (`SRP_B`, `SALT`, `SECRET_BLOCK`, `USER_ID_FOR_SRP`) to
//!   `PASSWORD_CLAIM_SIGNATURE`, with `A` precomputed.
//! * `{"cmd":"quit"}` or end of input: exit.
//!
//! Build with `cargo build --release -p cognito-auth-core --example srp_step`.

use std::io::{BufRead, Write};
use std::time::Instant;

use cognito_auth_core::srp::{ClientEphemeral, SrpIdentity};
use serde_json::{json, Value};

struct Step {
    ephemeral: ClientEphemeral,
    identity: SrpIdentity,
    password: String,
    salt: String,
    srp_b: String,
    secret_block: String,
    timestamp: String,
}

impl Step {
    fn from_setup(command: &Value) -> Result<Step, String> {
        let text = |name: &str| {
            command[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("setup: missing {name}"))
        };
        let ephemeral =
            ClientEphemeral::from_secret_hex(&text("a")?).map_err(|e| format!("a: {e}"))?;
        Ok(Step {
            ephemeral,
            identity: SrpIdentity::user(&text("pool_id")?, &text("user_id")?),
            password: text("password")?,
            salt: text("salt")?,
            srp_b: text("srp_b")?,
            secret_block: text("secret_block")?,
            timestamp: text("timestamp")?,
        })
    }

    fn signature(&self) -> Result<String, String> {
        self.ephemeral
            .password_claim(
                &self.identity,
                &self.password,
                &self.salt,
                &self.srp_b,
                &self.secret_block,
                &self.timestamp,
            )
            .map_err(|e| format!("claim: {e}"))
    }
}

fn answer(command: &Value, step: &mut Option<Step>) -> Result<Value, String> {
    match command["cmd"].as_str() {
        Some("setup") => {
            let made = Step::from_setup(command)?;
            let signature = made.signature()?;
            *step = Some(made);
            Ok(json!({ "signature": signature }))
        }
        Some("run") => {
            let step = step.as_ref().ok_or("run before setup")?;
            let n = command["n"].as_u64().ok_or("run: missing n")?;
            let mut ns = Vec::with_capacity(n as usize);
            let mut signature = String::new();
            for _ in 0..n {
                let start = Instant::now();
                signature = std::hint::black_box(step.signature()?);
                ns.push(start.elapsed().as_nanos() as u64);
            }
            Ok(json!({ "ns": ns, "signature": signature }))
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    let mut step = None;
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let command: Value = match serde_json::from_str(&line) {
            Ok(value) => value,
            Err(e) => {
                eprintln!("srp_step: bad command: {e}");
                std::process::exit(2);
            }
        };
        if command["cmd"] == "quit" {
            break;
        }
        let reply = answer(&command, &mut step).unwrap_or_else(|e| json!({ "error": e }));
        writeln!(stdout, "{reply}").expect("stdout");
        stdout.flush().expect("stdout");
    }
}
