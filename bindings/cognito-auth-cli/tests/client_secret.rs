//! The app client secret never on the command line: from `COGNITO_AUTH_CLIENT_SECRET` or
//! `--client-secret-file` (`COGNITO_AUTH_CLIENT_SECRET_FILE`); `--client-secret VALUE` is
//! refused without being echoed.

mod support;

use serde_json::json;
use support::{Env, SRP_FLOWS};

/// A second app client of the env's pool, with a secret: (client id, secret).
fn client_with_secret(env: &Env) -> (String, String) {
    let created = env.call(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": env.pool_id,
            "ClientName": "with-secret",
            "GenerateSecret": true,
            "ExplicitAuthFlows": SRP_FLOWS,
        }),
    );
    let client = &created["UserPoolClient"];
    let id = client["ClientId"].as_str().expect("id").to_owned();
    let secret = client["ClientSecret"].as_str().expect("secret").to_owned();
    env.secret(&secret);
    (id, secret)
}

fn run(
    env: &Env,
    client_id: &str,
    args: &[&str],
    stdin: Option<&str>,
    envs: &[(&str, &str)],
) -> support::Run {
    let mut with_json = vec!["--json"];
    with_json.extend(args);
    let all = env.args(client_id, env.store.path(), &with_json);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let run = support::run_bin(&all, stdin, envs);
    env.scan(&run, &all);
    run
}

#[test]
fn the_client_secret_comes_from_the_environment_or_a_file() {
    let env = Env::new();
    let (client_id, secret) = client_with_secret(&env);
    let sign_up = [
        "sign-up",
        "--username",
        "dee",
        "--email",
        "dee@example.com",
        "--phone",
        "+15555550170",
        "--password-stdin",
    ];

    // Without the secret Cognito refuses (no SECRET_HASH).
    let refused = run(&env, &client_id, &sign_up, Some("Passw0rd!cli\n"), &[]);
    refused.fails(1);

    // From the environment.
    let env_var = [("COGNITO_AUTH_CLIENT_SECRET", secret.as_str())];
    run(&env, &client_id, &sign_up, Some("Passw0rd!cli\n"), &env_var).ok();
    let code = env.code("dee", "SIGN_UP");
    run(
        &env,
        &client_id,
        &["confirm-sign-up", "--username", "dee", &code],
        None,
        &env_var,
    )
    .ok();

    // From a file (with a trailing newline), by flag and by environment variable.
    let file = env.store.path().join("client-secret");
    std::fs::write(&file, format!("{secret}\n")).expect("write");
    let path = file.to_str().expect("path");
    let started = run(
        &env,
        &client_id,
        &[
            "--client-secret-file",
            path,
            "sign-in",
            "--username",
            "dee",
            "--password-stdin",
        ],
        Some("Passw0rd!cli\n"),
        &[],
    )
    .ok();
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    let sms = env.code("dee", "MFA");
    let done = run(
        &env,
        &client_id,
        &["confirm-sign-in", &sms],
        None,
        &[("COGNITO_AUTH_CLIENT_SECRET_FILE", path)],
    )
    .ok();
    assert_eq!(done["isSignedIn"], true);
    // Refresh and revocation use it too.
    let session = run(
        &env,
        &client_id,
        &["session", "--force-refresh"],
        None,
        &env_var,
    )
    .ok();
    assert_eq!(session["isSignedIn"], true);
    let out = run(&env, &client_id, &["sign-out"], None, &env_var).ok();
    assert_eq!(out["revokeTokenError"], serde_json::Value::Null, "{out}");

    // Both sources at once: refused, nothing sent.
    let both = run(
        &env,
        &client_id,
        &["--client-secret-file", path, "session"],
        None,
        &env_var,
    );
    assert!(both.fails(2).contains("use one"));
    // An unreadable or empty file.
    let missing = env.store.path().join("missing");
    let run_missing = run(
        &env,
        &client_id,
        &[
            "--client-secret-file",
            missing.to_str().expect("path"),
            "session",
        ],
        None,
        &[],
    );
    assert!(run_missing
        .fails(2)
        .contains("cannot read the client secret"));
    std::fs::write(&file, "\n").expect("write");
    let empty = run(
        &env,
        &client_id,
        &["--client-secret-file", path, "session"],
        None,
        &[],
    );
    assert!(empty.fails(2).contains("empty"));
}

#[test]
fn a_client_secret_on_the_command_line_is_refused_and_not_echoed() {
    let env = Env::new();
    let (client_id, secret) = client_with_secret(&env);
    let inline = format!("--client-secret={secret}");
    for args in [
        vec!["--client-secret", secret.as_str(), "session"],
        vec!["session", inline.as_str()],
        // Refused before anything runs.
        vec![
            "--client-secret",
            secret.as_str(),
            "emulator",
            "--port",
            "0",
        ],
    ] {
        let refused = run(&env, &client_id, &args, None, &[]);
        let message = refused.fails(2);
        assert!(message.contains("COGNITO_AUTH_CLIENT_SECRET"), "{message}");
        assert!(message.contains("--client-secret-file"), "{message}");
        assert_eq!(refused.json()["error"]["kind"], "USAGE");
    }
    // Not among the documented flags.
    let help = support::run_bin(&["--help"], None, &[]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("--client-secret-file"),
        "{}",
        help.stdout
    );
    assert!(!help.stdout.contains("--client-secret "), "{}", help.stdout);
}
