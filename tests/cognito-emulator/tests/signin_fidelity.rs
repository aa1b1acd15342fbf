//! Password sign-in as Cognito does it where an app can tell: the lockout after failed
//! attempts, `PreventUserExistenceErrors`, the `TIMESTAMP` window and `AuthSessionValidity`.

mod common;

use common::*;
use serde_json::{json, Value};

async fn password_auth(pool: &Pool, username: &str, password: &str) -> (u16, Value) {
    call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": username, "PASSWORD": password}}),
    )
    .await
}

fn kind(v: &Value) -> (String, String) {
    (
        v["__type"].as_str().unwrap_or_default().to_owned(),
        v["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn incorrect() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        "Incorrect username or password.".into(),
    )
}

fn exceeded() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        "Password attempts exceeded".into(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn five_failed_sign_ins_lock_out_with_doubling_lockouts() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "lea", json!([])).await;
    user(&pool, "max", json!([])).await;
    // Lockouts are counted in seconds: stop the clock so that only `advance` moves it.
    freeze(&pool.ep).await;

    for _ in 0..5 {
        let (_, v) = password_auth(&pool, "lea", "Wrong-passw0rd").await;
        assert_eq!(kind(&v), incorrect());
    }
    // Locked for 1 s: the right password is refused, and through SRP as well.
    let (_, v) = password_auth(&pool, "lea", PASSWORD).await;
    assert_eq!(kind(&v), exceeded());
    let (_, v) = srp_sign_in(&pool, "lea", PASSWORD, None).await;
    assert_eq!(kind(&v), exceeded());
    // Another user is not affected.
    let (status, _) = password_auth(&pool, "max", PASSWORD).await;
    assert_eq!(status, 200);

    // Each failure after a lockout doubles it: 2 s after the sixth, 4 s after the seventh.
    advance(&pool.ep, 1).await;
    for lockout in [2, 4] {
        let (_, v) = password_auth(&pool, "lea", "Wrong-passw0rd").await;
        assert_eq!(kind(&v), incorrect());
        advance(&pool.ep, lockout - 1).await;
        let (_, v) = password_auth(&pool, "lea", PASSWORD).await;
        assert_eq!(kind(&v), exceeded(), "still locked after {}s", lockout - 1);
        advance(&pool.ep, 1).await;
    }
    // A success resets the count: four failures are free again.
    let (status, v) = password_auth(&pool, "lea", PASSWORD).await;
    assert_eq!(status, 200, "{v}");
    for _ in 0..4 {
        let (_, v) = password_auth(&pool, "lea", "Wrong-passw0rd").await;
        assert_eq!(kind(&v), incorrect());
    }
    let (status, v) = password_auth(&pool, "lea", PASSWORD).await;
    assert_eq!(status, 200, "{v}");

    // Locked out again, then 15 minutes without an attempt start the count afresh.
    for _ in 0..5 {
        password_auth(&pool, "lea", "Wrong-passw0rd").await;
    }
    let (_, v) = password_auth(&pool, "lea", PASSWORD).await;
    assert_eq!(kind(&v), exceeded());
    advance(&pool.ep, 15 * 60).await;
    for _ in 0..4 {
        let (_, v) = password_auth(&pool, "lea", "Wrong-passw0rd").await;
        assert_eq!(kind(&v), incorrect());
    }
    let (status, v) = password_auth(&pool, "lea", PASSWORD).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn prevent_user_existence_errors_makes_an_unknown_user_a_wrong_password() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({}),
        json!({"PreventUserExistenceErrors": "ENABLED",
               "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                                     "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    user(&pool, "real", json!([])).await;
    freeze(&pool.ep).await; // the 1-second lockout below, exactly

    let (_, wrong_password) = password_auth(&pool, "real", "Wrong-passw0rd").await;
    let (_, unknown) = password_auth(&pool, "ghost", PASSWORD).await;
    assert_eq!(kind(&unknown), kind(&wrong_password));
    assert_eq!(kind(&unknown), incorrect());

    // SRP: a PASSWORD_VERIFIER challenge like a real user's, the same salt every time, and a
    // claim that fails like a wrong password.
    let (_, status, ch) = srp_start(&pool, "ghost").await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    let p = &ch["ChallengeParameters"];
    assert_eq!(p["USER_ID_FOR_SRP"], "ghost");
    // 16 bytes in hex without leading zeros, as a real user's (a first byte below 0x10 gives
    // 31 digits, one salt in sixteen).
    let salt = p["SALT"].as_str().unwrap();
    assert!(
        (31..=32).contains(&salt.len()) && salt.bytes().all(|b| b.is_ascii_hexdigit()),
        "{salt}"
    );
    let (_, _, again) = srp_start(&pool, "ghost").await;
    assert_eq!(again["ChallengeParameters"]["SALT"], p["SALT"]);
    assert_ne!(again["ChallengeParameters"]["SRP_B"], p["SRP_B"]);
    let (_, v) = srp_sign_in(&pool, "ghost", PASSWORD, None).await;
    assert_eq!(kind(&v), incorrect());
    let hook = json!({"userPoolId": pool.pool_id, "answer": "42"}).to_string();
    let r = cognito_emulator::client::request(
        &pool.ep,
        "POST",
        "/_emulator/custom-auth",
        &[("content-type", "application/json")],
        hook.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    let (_, v) = call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "ghost"}}),
    )
    .await;
    assert_eq!(kind(&v), incorrect());

    // An unknown name locks out like a user.
    for _ in 0..3 {
        let (_, v) = password_auth(&pool, "ghost", PASSWORD).await;
        assert_eq!(kind(&v), incorrect());
    }
    let (_, v) = password_auth(&pool, "ghost", PASSWORD).await;
    assert_eq!(kind(&v), exceeded());

    // Password recovery and confirmation do not tell either.
    let v = ok(
        &pool.ep,
        "ForgotPassword",
        json!({"ClientId": pool.client_id, "Username": "ghost@example.com"}),
    )
    .await;
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(v["CodeDeliveryDetails"]["Destination"], "g***@e***");
    let v = ok(
        &pool.ep,
        "ResendConfirmationCode",
        json!({"ClientId": pool.client_id, "Username": "+15555550199"}),
    )
    .await;
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "SMS");
    for (op, extra) in [
        ("ConfirmSignUp", json!({})),
        ("ConfirmForgotPassword", json!({"Password": PASSWORD})),
    ] {
        let mut body = json!({"ClientId": pool.client_id, "Username": "ghost",
                              "ConfirmationCode": "123456"});
        merge(&mut body, extra);
        let (t, _) = err(&pool.ep, op, body).await;
        assert_eq!(t, "CodeMismatchException", "{op}");
    }
    assert!(messages(&pool.ep, &pool.pool_id, "ghost").await.is_empty());

    // LEGACY (what the API creates by default) names the missing user.
    let legacy = setup(emu.endpoint(), json!({}), json!({})).await;
    let d = ok(
        &legacy.ep,
        "DescribeUserPoolClient",
        json!({"UserPoolId": legacy.pool_id, "ClientId": legacy.client_id}),
    )
    .await;
    assert_eq!(d["UserPoolClient"]["PreventUserExistenceErrors"], "LEGACY");
    let (_, v) = password_auth(&legacy, "ghost", PASSWORD).await;
    assert_eq!(v["__type"], "UserNotFoundException");
    let (t, _) = err(
        &legacy.ep,
        "ForgotPassword",
        json!({"ClientId": legacy.client_id, "Username": "ghost"}),
    )
    .await;
    assert_eq!(t, "UserNotFoundException");
    // UpdateUserPoolClient switches it (and validates it).
    let (t, _) = err(
        &legacy.ep,
        "UpdateUserPoolClient",
        json!({"UserPoolId": legacy.pool_id, "ClientId": legacy.client_id,
               "PreventUserExistenceErrors": "YES"}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    ok(
        &legacy.ep,
        "UpdateUserPoolClient",
        json!({"UserPoolId": legacy.pool_id, "ClientId": legacy.client_id,
               "PreventUserExistenceErrors": "ENABLED",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    )
    .await;
    let (_, v) = password_auth(&legacy, "ghost", PASSWORD).await;
    assert_eq!(kind(&v), incorrect());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_users_of_email_pools_get_a_stable_uuid_for_srp() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"UsernameAttributes": ["email"]}),
        json!({"PreventUserExistenceErrors": "ENABLED"}),
    )
    .await;
    let (_, _, ch) = srp_start(&pool, "nobody@example.com").await;
    let id = ch["ChallengeParameters"]["USER_ID_FOR_SRP"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID like a real user's sub: {id}");
    assert_eq!(&id[14..15], "4");
    let (_, _, again) = srp_start(&pool, "nobody@example.com").await;
    assert_eq!(again["ChallengeParameters"]["USER_ID_FOR_SRP"], id.as_str());
    let (_, _, other) = srp_start(&pool, "else@example.com").await;
    assert_ne!(other["ChallengeParameters"]["USER_ID_FOR_SRP"], id.as_str());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_claims_must_be_answered_promptly() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "tia", json!([])).await;
    let claim_at = |skew: i64| {
        let pool = pool.clone();
        async move {
            let (a, _, ch) = srp_start(&pool, "tia").await;
            let mut body = verifier_answer(&pool, &a, &ch, PASSWORD, None);
            // Re-sign the claim for a TIMESTAMP `skew` seconds off the emulator's clock.
            let t = (emulator_now(&pool.ep) as i64 + skew) as u64;
            let ts = cognito_auth_core::srp::format_timestamp(t);
            let p = &ch["ChallengeParameters"];
            let sig = a
                .password_claim(
                    &cognito_auth_core::srp::SrpIdentity::user(&pool.pool_id, "tia"),
                    PASSWORD,
                    p["SALT"].as_str().unwrap(),
                    p["SRP_B"].as_str().unwrap(),
                    p["SECRET_BLOCK"].as_str().unwrap(),
                    &ts,
                )
                .unwrap();
            body["ChallengeResponses"]["TIMESTAMP"] = json!(ts);
            body["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"] = json!(sig);
            call(&pool.ep, "RespondToAuthChallenge", body).await
        }
    };
    for skew in [-240, 240] {
        let (status, v) = claim_at(skew).await;
        assert_eq!(status, 200, "{skew}: {v}");
    }
    for skew in [-360, 360] {
        let (status, v) = claim_at(skew).await;
        assert_eq!(status, 400);
        assert_eq!(v["__type"], "NotAuthorizedException", "{skew}: {v}");
        assert!(v["message"].as_str().unwrap().contains("TIMESTAMP"), "{v}");
    }
    // A malformed TIMESTAMP gets Cognito's wording.
    let (a, _, ch) = srp_start(&pool, "tia").await;
    let mut body = verifier_answer(&pool, &a, &ch, PASSWORD, None);
    body["ChallengeResponses"]["TIMESTAMP"] = json!("Mon Feb 12 15:26:37 +05:30 2018");
    let (t, m) = err(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_session_validity_sets_the_session_lifetime() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({}),
        json!({"AuthSessionValidity": 10}),
    )
    .await;
    user(&pool, "ida", json!([])).await;
    let d = ok(
        &pool.ep,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientId": pool.client_id}),
    )
    .await;
    assert_eq!(d["UserPoolClient"]["AuthSessionValidity"], 10);

    // Nine minutes are fine with 10 minutes' validity (the default 3 would have expired).
    let (a, _, ch) = srp_start(&pool, "ida").await;
    advance(&pool.ep, 9 * 60).await;
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    // Eleven are not.
    let (a, _, ch) = srp_start(&pool, "ida").await;
    advance(&pool.ep, 11 * 60).await;
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        v["message"],
        "Invalid session for the user, session is expired."
    );

    for bad in [2, 16] {
        let (t, m) = err(
            &pool.ep,
            "CreateUserPoolClient",
            json!({"UserPoolId": pool.pool_id, "ClientName": "x", "AuthSessionValidity": bad}),
        )
        .await;
        assert_eq!(t, "InvalidParameterException");
        assert!(m.contains("authSessionValidity"), "{m}");
    }
    emu.shutdown().await;
}
