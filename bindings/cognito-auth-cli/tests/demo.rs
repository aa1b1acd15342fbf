//! `cognito-auth demo` end to end, and `cognito-auth emulator` as a child process.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::{run_bin, BIN};

#[test]
fn the_demo_passes_every_step() {
    let run = run_bin(&["demo"], None, &[]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let last = run.stdout.lines().last().expect("output");
    assert!(
        last.starts_with("demo: 13/13 steps passed in "),
        "last line: {last}"
    );
    assert!(run.stdout.contains("MFA skipped by device SRP"));
    assert!(run
        .stdout
        .contains("DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER"));
    assert!(run
        .stdout
        .contains("otpauth://totp/cognito-auth:alice?secret="));
    assert!(run.stdout.contains("from the emulator's outbox"));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn the_demo_in_json_is_one_object() {
    let run = run_bin(&["--json", "demo"], None, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value = run.ok();
    assert_eq!(value["passed"], 13);
    assert_eq!(value["steps"].as_array().expect("steps").len(), 13);
}

#[test]
fn the_emulator_command_prints_its_address_first() {
    let mut child = Command::new(BIN)
        .args(["emulator", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let health = runtime
        .block_on(cognito_emulator::client::request(
            &endpoint,
            "GET",
            "/_emulator/health",
            &[],
            b"",
        ))
        .expect("health");
    assert_eq!(health.status, 200);
    child.kill().expect("kill");
    child.wait().expect("wait");
}

#[test]
fn the_interactive_demo_reads_codes_from_stdin() {
    // Enter on every prompt takes the emulator's code; a typed wrong code fails the step.
    let run = run_bin(&["demo", "--interactive"], Some(&"\n".repeat(8)), &[]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run
        .stdout
        .contains("Type the SMS code (Enter: use the emulator's outbox)"));
    let last = run.stdout.lines().last().expect("summary");
    assert!(last.starts_with("demo: 13/13 steps passed in "), "{last}");

    let run = run_bin(&["demo", "--interactive"], Some("\n000000\n"), &[]);
    let line = run.fails(1);
    assert!(line.starts_with("cognito-auth demo: step 4"), "{line}");
    assert!(line.contains("The code is wrong"), "{line}");
    let last = run.stdout.lines().last().expect("summary");
    assert!(last.starts_with("demo: 3/13 steps passed in "), "{last}");
}
