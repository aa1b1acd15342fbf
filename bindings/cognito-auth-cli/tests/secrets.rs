//! No secret in any output. Every run of every test in this crate goes through
//! `support::assert_no_secret` (in `run_bin` and `Env::run*`): its stdout and stderr may hold
//! none of the test passwords, none of the codes and client secrets the test handled (read from
//! the emulator's outbox or computed with `Env::totp`), and no token unless `--show-tokens`
//! asked for them.

mod support;

use support::{contains_secret, PASSWORD};

#[test]
fn the_scanner_finds_secrets_and_codes_as_whole_words_only() {
    assert!(contains_secret("wrong: Passw0rd!cli.", PASSWORD));
    assert!(contains_secret("code 123456 sent", "123456"));
    assert!(contains_secret("{\"code\":\"123456\"}", "123456"));
    assert!(!contains_secret("expiresAt 1712345678", "123456"));
    assert!(!contains_secret("us-east-1_a123456b", "123456"));
    let run = support::Run {
        code: 0,
        stdout: "eyJraWQiOi".into(),
        stderr: String::new(),
    };
    let caught = std::panic::catch_unwind(|| support::assert_no_secret(&run, &["session"], &[]));
    assert!(caught.is_err(), "a token printed without --show-tokens");
    support::assert_no_secret(&run, &["session", "--show-tokens"], &[]);
}
