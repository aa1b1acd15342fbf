//! The published vectors in `../shared/vectors/cognito-srp-public.json`, every one reproduced,
//! plus unit tests of the encodings. Property tests live in `core/tests/srp_properties.rs`.

use serde_json::Value;

use super::encoding::{big_to_hex, decode_hex, encode_base64, minimal_twos_complement};
use super::group::{group, hash_to_big, Big};
use super::proof::{private_key, scrambler, session_key};
use super::*;

fn vectors_path() -> std::path::PathBuf {
    match std::env::var_os("COGNITO_SRP_VECTORS") {
        Some(path) => path.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/vectors/cognito-srp-public.json"),
    }
}

fn load_vectors() -> Vec<Value> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read SRP vectors at {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("vectors file is JSON");
    doc["vectors"].as_array().expect("vectors array").clone()
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector {} lacks {name}", v["name"]))
}

/// Compares two hex numbers by value (leading zeros and case ignored).
fn same_number(actual: &str, expected: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_lowercase();
    norm(actual) == norm(expected)
}

fn identity(v: &Value) -> SrpIdentity {
    SrpIdentity::user(
        &format!("us-east-1_{}", field(v, "pool_name")),
        field(v, "user_id_for_srp"),
    )
}

fn check_user_vector(v: &Value) -> usize {
    let mut checks = 0;
    let client = ClientEphemeral::from_secret_hex(field(v, "a")).expect("a parses");
    assert!(
        same_number(&client.public_hex(), field(v, "A")),
        "{}: A",
        v["name"]
    );
    checks += 1;
    let id = identity(v);
    let password = field(v, "password");
    let expected = &v["expected"];
    let (u, shared) = client
        .shared_secret(&id, password, field(v, "salt"), field(v, "B"))
        .expect("shared secret");
    if let Some(want) = expected["u"].as_str() {
        assert!(same_number(&big_to_hex(&u), want), "{}: u", v["name"]);
        checks += 1;
    }
    if let Some(want) = expected["x"].as_str() {
        let salt = minimal_twos_complement(&decode_hex("salt", field(v, "salt")).unwrap());
        let x = private_key(&id, password, &salt);
        assert!(same_number(&big_to_hex(&x), want), "{}: x", v["name"]);
        checks += 1;
    }
    if let Some(want) = expected["S"].as_str() {
        assert!(same_number(&big_to_hex(&shared), want), "{}: S", v["name"]);
        checks += 1;
    }
    if let Some(want) = expected["hkdf_key_base64"].as_str() {
        let key = session_key(&u, &shared);
        assert_eq!(encode_base64(key.as_slice()), want, "{}: key", v["name"]);
        checks += 1;
    }
    if let Some(want) = expected["password_claim_signature"].as_str() {
        let signature = client
            .password_claim(
                &id,
                password,
                field(v, "salt"),
                field(v, "B"),
                field(v, "secret_block"),
                field(v, "timestamp"),
            )
            .expect("claim");
        assert_eq!(signature, want, "{}: signature", v["name"]);
        checks += 1;
    }
    checks
}

#[test]
fn every_published_vector_is_reproduced() {
    let vectors = load_vectors();
    assert!(!vectors.is_empty());
    let mut checks = 0;
    for v in &vectors {
        let name = v["name"].as_str().unwrap_or("?");
        let before = checks;
        match field(v, "kind") {
            "user" | "user_S" => checks += check_user_vector(v),
            "secret_hash" => {
                let got = secret_hash(
                    field(v, "client_secret"),
                    field(v, "username"),
                    field(v, "client_id"),
                );
                assert_eq!(got, field(&v["expected"], "secret_hash"), "{name}");
                checks += 1;
            }
            "k" => {
                let k = big_to_hex(&group().k().retrieve());
                assert!(same_number(&k, field(&v["expected"], "k")), "{name}");
                checks += 1;
            }
            "u" => {
                let parse = |f: &str| {
                    group()
                        .reduce_public("test", &decode_hex("test", field(v, f)).unwrap())
                        .unwrap()
                };
                let u = scrambler(&parse("A"), &parse("B")).unwrap();
                assert!(
                    same_number(&big_to_hex(&u), field(&v["expected"], "u")),
                    "{name}"
                );
                checks += 1;
            }
            "illegal_B" => {
                let client = ClientEphemeral::generate();
                let id = SrpIdentity::user("us-east-1_pool", "user");
                for b in v["B_values"].as_array().expect("B_values") {
                    let b = b.as_str().expect("hex");
                    let result = client.password_claim(&id, "pw", "01", b, "AAAA", "ts");
                    assert_eq!(
                        result,
                        Err(SrpError::IllegalPublicValue { field: "SRP_B" }),
                        "{name}: B = {}…",
                        &b[..b.len().min(8)]
                    );
                    checks += 1;
                }
            }
            "timestamp" => {
                for case in v["cases"].as_array().expect("cases") {
                    let unix = case["unix"].as_u64().expect("unix");
                    let want = field(case, "expected");
                    assert_eq!(format_timestamp(unix), want, "{name}");
                    assert_eq!(parse_timestamp(want), Ok(unix), "{name}");
                    checks += 2;
                }
            }
            other => panic!("vector {name} has kind {other}, which this test does not check"),
        }
        assert!(checks > before, "vector {name} checked nothing");
    }
    eprintln!(
        "{} vectors, {checks} expected values reproduced",
        vectors.len()
    );
}

#[test]
fn hex_accepts_odd_length_and_rejects_garbage() {
    assert_eq!(decode_hex("f", "abc").unwrap(), vec![0x0a, 0xbc]);
    assert_eq!(decode_hex("f", "0ABC").unwrap(), vec![0x0a, 0xbc]);
    assert_eq!(
        decode_hex("f", ""),
        Err(SrpError::InvalidHex { field: "f" })
    );
    assert_eq!(
        decode_hex("f", "12g4"),
        Err(SrpError::InvalidHex { field: "f" })
    );
    assert_eq!(
        decode_hex("f", "é"),
        Err(SrpError::InvalidHex { field: "f" })
    );
}

#[test]
fn twos_complement_is_minimal() {
    assert_eq!(minimal_twos_complement(&[0, 0, 0x7f]), vec![0x7f]);
    assert_eq!(minimal_twos_complement(&[0, 0x80, 1]), vec![0, 0x80, 1]);
    assert_eq!(minimal_twos_complement(&[0, 0]), vec![0]);
    assert_eq!(minimal_twos_complement(&[]), vec![0]);
}

#[test]
fn fixed_base_table_matches_generic_exponentiation() {
    let group = group();
    for seed in [1u64, 2, 0xdead_beef, u64::MAX] {
        let e =
            hash_to_big(&seed.to_be_bytes()).wrapping_mul(&Big::from_u64(0x9e37_79b9_7f4a_7c15));
        let e = e.wrapping_shl_vartime(100); // spread over ~230 bits
        let table = group.pow_g_secret(&e, 256);
        let generic = group.pow_secret(&group.to_mont(&Big::from_u64(2)), &e, 256);
        assert_eq!(table.retrieve(), generic.retrieve());
    }
}

/// `from_secret_hex` bounds the exponent by the length of the `a` supplied; every length gives
/// the claim of the full 3072-bit bound.
#[test]
fn exponent_bound_follows_the_supplied_length() {
    let identity = SrpIdentity::user("us-east-1_Pj8nlkpKR", "alice");
    let verifier = Verifier::create(&identity, "Passw0rd!");
    let challenge = ServerChallenge::new(&verifier);
    let claim = |client: &ClientEphemeral| {
        client
            .password_claim(
                &identity,
                "Passw0rd!",
                &verifier.salt_hex(),
                &challenge.public_hex(),
                "AAECAw==",
                "Tue Mar 5 09:07:03 UTC 2024",
            )
            .expect("claim")
    };
    for bytes in [1usize, 31, 32, 33, 64, 128, 200, 382, 383, 384, 385, 1000] {
        // Top byte 0xff: the bound is tight (a ≥ 2^(8·bytes - 1)).
        let hex: String = (0..bytes)
            .map(|i| {
                if i == 0 {
                    "ff".to_owned()
                } else {
                    format!("{:02x}", (i * 37) % 256)
                }
            })
            .collect();
        let bounded = ClientEphemeral::from_secret_hex(&hex).expect("a parses");
        let reduced = group()
            .reduce_exponent("a", &decode_hex("a", &hex).unwrap())
            .unwrap();
        let full = super::client::ClientEphemeral::from_exponent(
            zeroize::Zeroizing::new(reduced),
            Big::BITS,
        );
        assert_eq!(bounded.public_hex(), full.public_hex(), "{bytes} bytes: A");
        assert_eq!(claim(&bounded), claim(&full), "{bytes} bytes: claim");
    }
}

#[test]
fn timestamps_do_not_pad_the_day_and_reject_garbage() {
    assert_eq!(format_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
    assert_eq!(
        format_timestamp(951_782_400),
        "Tue Feb 29 00:00:00 UTC 2000"
    );
    assert_eq!(
        parse_timestamp("Tue Mar 05 09:07:03 UTC 2024"),
        Ok(1_709_629_623)
    );
    for bad in [
        "",
        "Tue Mar 5 09:07:03 GMT 2024",
        "Wed Mar 5 09:07:03 UTC 2024",
        "Tue Mar 5 9:07:03 UTC 2024",
        "Tue Foo 5 09:07:03 UTC 2024",
        "Tue Feb 30 09:07:03 UTC 2024",
        "Tue Mar 5 24:07:03 UTC 2024",
        "Tue  Mar 5 09:07:03 UTC 2024",
    ] {
        assert_eq!(
            parse_timestamp(bad),
            Err(SrpError::InvalidTimestamp),
            "{bad:?}"
        );
    }
}

#[test]
fn debug_output_hides_secrets() {
    let client = ClientEphemeral::from_secret_hex("abcdef0123456789").unwrap();
    let text = format!("{client:?}");
    assert!(text.contains("<redacted>") && !text.contains("abcdef0123456789"));
    let device = DeviceSecret::generate("-group", "us-east-1_dev");
    let text = format!("{device:?}");
    assert!(!text.contains(device.secret()));
    let verifier = Verifier::create(&SrpIdentity::user("us-east-1_p", "u"), "hunter2");
    let challenge = ServerChallenge::new(&verifier);
    let text = format!("{challenge:?}{verifier:?}");
    assert!(!text.contains(&challenge.to_secret_hex()));
    assert!(!text.contains(&verifier.verifier_hex()));
}
