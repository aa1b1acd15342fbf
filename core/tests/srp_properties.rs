//! Property tests of the SRP module through its public API: the app and server roles agree on
//! random identities and secrets, any other password or device secret is refused, and no
//! input makes the module panic.

use cognito_auth_core::srp::{
    check_client_public, format_timestamp, parse_timestamp, ClientEphemeral, DeviceSecret,
    ServerChallenge, SrpError, SrpIdentity, Verifier,
};
use proptest::prelude::*;

const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Runs one full exchange and returns the server's verdict.
fn exchange(
    identity: &SrpIdentity,
    verifier: &Verifier,
    password: &str,
    secret_block: &[u8],
    unix_time: u64,
) -> Result<(), SrpError> {
    let client = ClientEphemeral::generate();
    check_client_public(&client.public_hex())?;
    let challenge = ServerChallenge::new(verifier);
    let timestamp = format_timestamp(unix_time);
    let signature = client.password_claim(
        identity,
        password,
        &verifier.salt_hex(),
        &challenge.public_hex(),
        &b64(secret_block),
        &timestamp,
    )?;
    challenge.verify(
        verifier,
        identity,
        &client.public_hex(),
        secret_block,
        &timestamp,
        &signature,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn user_roles_agree_and_other_passwords_are_refused(
        pool in "[a-zA-Z0-9]{9}",
        user in "\\PC{1,40}",
        password in "\\PC{1,64}",
        other in "\\PC{1,64}",
        block in proptest::collection::vec(any::<u8>(), 1..200),
        time in 0u64..4_102_444_800,
    ) {
        let identity = SrpIdentity::user(&format!("eu-west-2_{pool}"), &user);
        let verifier = Verifier::create(&identity, &password);
        prop_assert_eq!(exchange(&identity, &verifier, &password, &block, time), Ok(()));
        prop_assert!(verifier.matches_password(&identity, &password));
        if other != password {
            prop_assert_eq!(
                exchange(&identity, &verifier, &other, &block, time),
                Err(SrpError::SignatureMismatch)
            );
            prop_assert!(!verifier.matches_password(&identity, &other));
        }
    }

    #[test]
    fn device_verifier_from_confirm_device_accepts_only_its_secret(
        group_key in "-[a-zA-Z0-9]{8}",
        device_key in "us-east-1_[0-9a-f-]{36}",
        block in proptest::collection::vec(any::<u8>(), 1..100),
        flip in 0usize..40,
    ) {
        let device = DeviceSecret::generate(&group_key, &device_key);
        let salt_len = base64_len(&device.salt_b64());
        prop_assert!(salt_len == 16 || salt_len == 17, "salt of {} bytes", salt_len);
        prop_assert!(base64_len(&device.verifier_b64()) <= 385);
        let verifier = Verifier::from_base64(&device.salt_b64(), &device.verifier_b64()).unwrap();
        let identity = SrpIdentity::device(&group_key, &device_key);
        prop_assert_eq!(exchange(&identity, &verifier, device.secret(), &block, 1_700_000_000), Ok(()));

        let mut wrong: Vec<char> = device.secret().chars().collect();
        let i = flip % wrong.len();
        wrong[i] = if wrong[i] == 'A' { 'B' } else { 'A' };
        let wrong: String = wrong.into_iter().collect();
        prop_assert_eq!(
            exchange(&identity, &verifier, &wrong, &block, 1_700_000_000),
            Err(SrpError::SignatureMismatch)
        );
        // The same secret under another device's identity is refused too.
        let other_device = SrpIdentity::device(&group_key, &format!("{device_key}x"));
        prop_assert_eq!(
            exchange(&other_device, &verifier, device.secret(), &block, 1_700_000_000),
            Err(SrpError::SignatureMismatch)
        );
    }

    #[test]
    fn arbitrary_input_gives_typed_errors_not_panics(
        salt in "\\PC{0,80}",
        b in "\\PC{0,80}",
        block in "\\PC{0,80}",
        signature in "\\PC{0,80}",
        a_pub in "\\PC{0,80}",
    ) {
        let client = ClientEphemeral::generate();
        let identity = SrpIdentity::user("us-east-1_x", "u");
        let _ = client.password_claim(&identity, "pw", &salt, &b, &block, "ts");
        let verifier = Verifier::create(&identity, "pw");
        let challenge = ServerChallenge::new(&verifier);
        let _ = challenge.verify(&verifier, &identity, &a_pub, block.as_bytes(), "ts", &signature);
        let _ = Verifier::from_hex(&salt, &b);
        let _ = Verifier::from_base64(&block, &signature);
        let _ = ServerChallenge::from_secret_hex(&verifier, &a_pub);
        let _ = check_client_public(&a_pub);
        let _ = parse_timestamp(&salt);
    }

    #[test]
    fn timestamps_round_trip(time in 0u64..253_402_300_799) {
        let text = format_timestamp(time);
        prop_assert_eq!(parse_timestamp(&text), Ok(time));
        let day = text.split(' ').nth(2).unwrap();
        prop_assert!(!day.starts_with('0'), "day {} is zero-padded in {}", day, text);
    }
}

fn base64_len(text: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
        .len()
}

#[test]
fn client_public_value_zero_modulo_n_is_refused() {
    for bad in ["0", "000", N_HEX] {
        assert_eq!(
            check_client_public(bad),
            Err(SrpError::IllegalPublicValue { field: "SRP_A" }),
            "{bad}"
        );
    }
    assert_eq!(check_client_public("1ffffffffffffffff92"), Ok(()));
    // 2N is zero modulo N too.
    let two_n = {
        let mut digits: Vec<u8> = N_HEX
            .bytes()
            .map(|c| (c as char).to_digit(16).unwrap() as u8)
            .collect();
        let mut carry = 0;
        for d in digits.iter_mut().rev() {
            let v = *d * 2 + carry;
            *d = v % 16;
            carry = v / 16;
        }
        let mut s = if carry > 0 {
            carry.to_string()
        } else {
            String::new()
        };
        s.extend(
            digits
                .iter()
                .map(|d| std::char::from_digit(u32::from(*d), 16).unwrap()),
        );
        s
    };
    assert_eq!(
        check_client_public(&two_n),
        Err(SrpError::IllegalPublicValue { field: "SRP_A" })
    );
    assert_eq!(
        check_client_public("xyz"),
        Err(SrpError::InvalidHex { field: "SRP_A" })
    );
}

#[test]
fn server_secret_round_trips_through_hex() {
    let identity = SrpIdentity::user("us-east-1_pool", "alice");
    let verifier = Verifier::create(&identity, "correct horse");
    let challenge = ServerChallenge::new(&verifier);
    let restored = ServerChallenge::from_secret_hex(&verifier, &challenge.to_secret_hex()).unwrap();
    assert_eq!(restored.public_hex(), challenge.public_hex());
    let stored = Verifier::from_hex(&verifier.salt_hex(), &verifier.verifier_hex()).unwrap();
    assert_eq!(stored, verifier);
}

#[test]
fn a_verifier_of_zero_is_refused() {
    assert_eq!(
        Verifier::from_base64("AQID", "AA=="),
        Err(SrpError::IllegalPublicValue {
            field: "PasswordVerifier"
        })
    );
    assert_eq!(
        Verifier::from_base64("not base64!", "AA=="),
        Err(SrpError::InvalidBase64 { field: "Salt" })
    );
}
