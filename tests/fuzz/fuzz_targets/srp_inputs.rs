//! SRP inputs from outside: what a `PASSWORD_VERIFIER` challenge carries (`SALT`, `SRP_B`,
//! `SECRET_BLOCK`, `USER_ID_FOR_SRP`) on the app's side, and what the emulator reads from clients
//! (`SRP_A`, a claim signature, `TIMESTAMP`, `ConfirmDevice`'s base64 salt and verifier, a stored
//! hex verifier). Any text gives a value or a typed `SrpError`, never a panic; and what is
//! accepted round-trips (verifiers through their hex and base64 forms, timestamps through
//! `format_timestamp`).
//!
//! The exponentiations cost ~16 ms per claim or check under coverage instrumentation and have no
//! branch that depends on their values (they are constant time), so the whole claim and the
//! whole check run for one input in 8 (chosen by the input's bytes, so a crash reproduces); the
//! others go through the same parsing by the cheap public calls (`check_client_public`,
//! `Verifier::from_hex` / `from_base64` read the same hex and base64 the same way).
//!
//! Input: a mode letter, then fields separated by `\n---\n`.
//! * `c` — the app's claim: pool id, USER_ID_FOR_SRP, SALT, SRP_B, SECRET_BLOCK, TIMESTAMP.
//! * `v` — the server's check: SRP_A, SECRET_BLOCK bytes, TIMESTAMP, PASSWORD_CLAIM_SIGNATURE.
//! * `d` — verifiers: salt and verifier as base64 (`ConfirmDevice`), then as hex (state file).
//! * `t` — timestamps: a TIMESTAMP to parse, then a decimal number of seconds to format.
//! * `s` — a restored server challenge (`b` hex) and SECRET_HASH inputs.
#![no_main]

use std::sync::OnceLock;

use cognito_auth_core::srp::{
    check_client_public, format_timestamp, parse_timestamp, secret_hash, ClientEphemeral,
    ServerChallenge, SrpError, SrpIdentity, Verifier,
};
use cognito_auth_fuzz::{records, text};
use libfuzzer_sys::fuzz_target;

/// A fixed client key pair and a server challenge for a fixed verifier, made once: generating
/// them is as slow as what is fuzzed.
struct Fixed {
    client: ClientEphemeral,
    verifier: Verifier,
    challenge: ServerChallenge,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let client = ClientEphemeral::from_secret_hex(&"5a".repeat(32)).expect("a valid a");
        let identity = SrpIdentity::user("us-east-1_Fuzz12345", "alice");
        let verifier = Verifier::create(&identity, "Password1!");
        let challenge =
            ServerChallenge::from_secret_hex(&verifier, &"a5".repeat(32)).expect("a valid b");
        Fixed {
            client,
            verifier,
            challenge,
        }
    })
}

/// Whether this input runs the whole (slow) claim or check: one input in 8.
fn whole(data: &[u8]) -> bool {
    data.iter().fold(0u8, |sum, &b| sum.wrapping_add(b)) % 8 == 0
}

/// Errors must name a field and never be empty.
fn check_error(error: &SrpError) {
    assert!(!error.to_string().is_empty());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fields: Vec<String> = records(rest, 8).into_iter().map(text).collect();
    let field = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
    let raw = records(rest, 8);
    let raw_field = |i: usize| raw.get(i).copied().unwrap_or(&[]);
    match mode {
        b'c' => {
            // What the claim parses: SALT and SRP_B as hex (B below 2^6144, not 0 mod N),
            // SECRET_BLOCK as base64.
            if let Err(error) = check_client_public(field(3)) {
                check_error(&error);
            }
            for parsed in [
                Verifier::from_hex(field(2), field(3)),
                Verifier::from_base64(field(4), "Ag=="),
            ] {
                if let Err(error) = parsed {
                    check_error(&error);
                }
            }
            if !whole(data) {
                return;
            }
            let identity = SrpIdentity::user(field(0), field(1));
            match fixed().client.password_claim(
                &identity,
                "Password1!",
                field(2),
                field(3),
                field(4),
                field(5),
            ) {
                Ok(signature) => {
                    // 32 bytes of HMAC-SHA256, base64.
                    assert_eq!(signature.len(), 44, "{signature}");
                }
                Err(error) => check_error(&error),
            }
        }
        b'v' => {
            match check_client_public(field(0)) {
                Ok(()) => {}
                Err(error) => check_error(&error),
            }
            let _ = parse_timestamp(field(2));
            if let Err(error) = Verifier::from_base64("AA==", field(3)) {
                check_error(&error);
            }
            if !whole(data) {
                return;
            }
            let identity = SrpIdentity::user("us-east-1_Fuzz12345", "alice");
            let result = fixed().challenge.verify(
                &fixed().verifier,
                &identity,
                field(0),
                raw_field(1),
                field(2),
                field(3),
            );
            match result {
                // The fuzzer cannot know the password claim: a success is a broken check.
                Ok(()) => panic!("a fuzzed claim was accepted"),
                Err(error) => check_error(&error),
            }
        }
        b'd' => {
            for made in [
                Verifier::from_base64(field(0), field(1)),
                Verifier::from_hex(field(2), field(3)),
            ] {
                match made {
                    Ok(verifier) => {
                        let again =
                            Verifier::from_hex(&verifier.salt_hex(), &verifier.verifier_hex())
                                .expect("a verifier's own hex is accepted");
                        assert_eq!(again, verifier, "hex round trip");
                        let again =
                            Verifier::from_base64(&verifier.salt_b64(), &verifier.verifier_b64())
                                .expect("a verifier's own base64 is accepted");
                        assert_eq!(again, verifier, "base64 round trip");
                    }
                    Err(error) => check_error(&error),
                }
            }
        }
        b't' => {
            match parse_timestamp(field(0)) {
                Ok(seconds) => {
                    let formatted = format_timestamp(seconds);
                    assert_eq!(parse_timestamp(&formatted), Ok(seconds), "{formatted}");
                }
                Err(error) => check_error(&error),
            }
            if let Ok(seconds) = field(1).trim().parse::<u64>() {
                let formatted = format_timestamp(seconds);
                // Years of four digits parse back to the same instant.
                if seconds < 253_402_300_800 {
                    assert_eq!(parse_timestamp(&formatted), Ok(seconds), "{formatted}");
                }
            }
        }
        b's' => {
            match ServerChallenge::from_secret_hex(&fixed().verifier, field(0)) {
                Ok(challenge) => {
                    let again = ServerChallenge::from_secret_hex(
                        &fixed().verifier,
                        &challenge.to_secret_hex(),
                    )
                    .expect("a challenge's own secret is accepted");
                    assert_eq!(again.public_hex(), challenge.public_hex());
                }
                Err(error) => check_error(&error),
            }
            let hash = secret_hash(field(1), field(2), field(3));
            assert_eq!(hash.len(), 44, "{hash}");
        }
        _ => {}
    }
});
