//! Every emulated operation through the official AWS SDK for Rust, which parses each response
//! against Cognito's Smithy model: admin set-up, sign-up, SRP and password sign-in, every
//! challenge, MFA management, attributes, devices, tokens and sign-out, sign-in right after
//! sign-up, and a passkey offered (`WEB_AUTHN`).

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFactorType, AuthFlowType, ChallengeNameType, DeviceConfigurationType,
    DeviceRememberedStatusType, DeviceSecretVerifierConfigType, ExplicitAuthFlowsType,
    MessageActionType, SignInPolicyType, SmsConfigurationType, SmsMfaConfigType,
    SmsMfaSettingsType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
    UserPoolPolicyType, UserStatusType, UserVerificationType, VerifySoftwareTokenResponseType,
    WebAuthnConfigurationType,
};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use cognito_auth_core::srp::{format_timestamp, ClientEphemeral, DeviceSecret, SrpIdentity};
use cognito_emulator::{client as raw, start, totp_code, EmulatorConfig, RunningEmulator};

const PASSWORD: &str = "Passw0rd!";

fn sdk(endpoint: &str) -> Client {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .http_client(http)
        .build();
    Client::from_conf(config)
}

async fn emulator() -> (RunningEmulator, Client) {
    let emu = start(EmulatorConfig::default()).await.expect("emulator");
    let client = sdk(emu.endpoint());
    (emu, client)
}

async fn last_code(endpoint: &str, pool: &str, user: &str) -> String {
    let path = format!("/_emulator/messages?userPoolId={pool}&username={user}");
    let response = raw::request(endpoint, "GET", &path, &[], b"")
        .await
        .expect("outbox");
    response
        .json()
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["code"].as_str())
        .expect("a code")
        .to_owned()
}

async fn emulator_now(endpoint: &str) -> u64 {
    let response = raw::request(endpoint, "GET", "/_emulator/clock", &[], b"")
        .await
        .expect("clock");
    response.json()["now"].as_u64().expect("now")
}

async fn advance(endpoint: &str, seconds: u64) {
    let body = format!("{{\"advanceSeconds\": {seconds}}}");
    raw::request(
        endpoint,
        "POST",
        "/_emulator/clock",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .await
    .expect("clock");
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("attribute")
}

struct Pool {
    id: String,
    client_id: String,
}

async fn pool(c: &Client, mfa: UserPoolMfaType, devices: bool) -> Pool {
    let mut create = c
        .create_user_pool()
        .pool_name("sdk")
        .mfa_configuration(mfa.clone());
    if devices {
        create = create.device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(true)
                .build(),
        );
    }
    let created = create.send().await.expect("CreateUserPool");
    let id = created
        .user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned();
    if mfa != UserPoolMfaType::Off {
        c.set_user_pool_mfa_config()
            .user_pool_id(&id)
            .mfa_configuration(mfa)
            .software_token_mfa_configuration(
                SoftwareTokenMfaConfigType::builder().enabled(true).build(),
            )
            .sms_mfa_configuration(
                SmsMfaConfigType::builder()
                    .sms_configuration(
                        SmsConfigurationType::builder()
                            .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("SetUserPoolMfaConfig");
    }
    let app = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("sdk-app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient");
    let client_id = app
        .user_pool_client()
        .and_then(|a| a.client_id())
        .expect("client id")
        .to_owned();
    Pool { id, client_id }
}

async fn user(c: &Client, pool: &Pool, name: &str, phone: bool) {
    let mut create = c
        .admin_create_user()
        .user_pool_id(&pool.id)
        .username(name)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", &format!("{name}@example.com")))
        .user_attributes(attribute("email_verified", "true"));
    if phone {
        create = create
            .user_attributes(attribute("phone_number", "+15555550100"))
            .user_attributes(attribute("phone_number_verified", "true"));
    }
    let created = create.send().await.expect("AdminCreateUser");
    assert_eq!(created.user().and_then(|u| u.username()), Some(name));
    c.admin_set_user_password()
        .user_pool_id(&pool.id)
        .username(name)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");
}

/// USER_SRP_AUTH through PASSWORD_VERIFIER; returns the last response (tokens or a challenge).
async fn srp_sign_in(
    c: &Client,
    pool: &Pool,
    name: &str,
    password: &str,
    device: Option<(&str, &str, &str)>,
) -> aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput{
    let ephemeral = ClientEphemeral::generate();
    let mut initiate = c
        .initiate_auth()
        .auth_flow(AuthFlowType::UserSrpAuth)
        .client_id(&pool.client_id)
        .auth_parameters("USERNAME", name)
        .auth_parameters("SRP_A", ephemeral.public_hex());
    if let Some((key, _, _)) = device {
        initiate = initiate.auth_parameters("DEVICE_KEY", key);
    }
    let challenge = initiate.send().await.expect("InitiateAuth");
    assert_eq!(
        challenge.challenge_name(),
        Some(&ChallengeNameType::PasswordVerifier)
    );
    let p = challenge.challenge_parameters().expect("parameters");
    let user_id = &p["USER_ID_FOR_SRP"];
    let timestamp = format_timestamp(emulator_now_sync());
    let signature = ephemeral
        .password_claim(
            &SrpIdentity::user(&pool.id, user_id),
            password,
            &p["SALT"],
            &p["SRP_B"],
            &p["SECRET_BLOCK"],
            &timestamp,
        )
        .expect("claim");
    let mut respond = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", user_id)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .set_session(challenge.session().map(str::to_owned));
    if let Some((key, _, _)) = device {
        respond = respond.challenge_responses("DEVICE_KEY", key);
    }
    let response = respond.send().await.expect("PASSWORD_VERIFIER");
    let Some((key, group, secret)) = device else {
        return response;
    };
    assert_eq!(
        response.challenge_name(),
        Some(&ChallengeNameType::DeviceSrpAuth)
    );
    let device_ephemeral = ClientEphemeral::generate();
    let srp = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .challenge_responses("USERNAME", user_id)
        .challenge_responses("DEVICE_KEY", key)
        .challenge_responses("SRP_A", device_ephemeral.public_hex())
        .set_session(response.session().map(str::to_owned))
        .send()
        .await
        .expect("DEVICE_SRP_AUTH");
    assert_eq!(
        srp.challenge_name(),
        Some(&ChallengeNameType::DevicePasswordVerifier)
    );
    let dp = srp.challenge_parameters().expect("parameters");
    let timestamp = format_timestamp(emulator_now_sync());
    let signature = device_ephemeral
        .password_claim(
            &SrpIdentity::device(group, key),
            secret,
            &dp["SALT"],
            &dp["SRP_B"],
            &dp["SECRET_BLOCK"],
            &timestamp,
        )
        .expect("device claim");
    c.respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .challenge_responses("USERNAME", user_id)
        .challenge_responses("DEVICE_KEY", key)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &dp["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .set_session(srp.session().map(str::to_owned))
        .send()
        .await
        .expect("DEVICE_PASSWORD_VERIFIER")
}

/// The emulator clock runs with the system clock in these tests (never advanced before SRP).
fn emulator_now_sync() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[tokio::test]
async fn pool_and_admin_operations() {
    let (emu, c) = emulator().await;
    let pool = pool(&c, UserPoolMfaType::Optional, true).await;
    let described = c
        .describe_user_pool()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect("DescribeUserPool");
    assert_eq!(
        described.user_pool().and_then(|p| p.mfa_configuration()),
        Some(&UserPoolMfaType::Optional)
    );
    c.update_user_pool()
        .user_pool_id(&pool.id)
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .expect("UpdateUserPool");
    let mfa = c
        .get_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect("GetUserPoolMfaConfig");
    assert_eq!(
        mfa.software_token_mfa_configuration().map(|t| t.enabled()),
        Some(true)
    );
    let with_secret = c
        .create_user_pool_client()
        .user_pool_id(&pool.id)
        .client_name("confidential")
        .generate_secret(true)
        .send()
        .await
        .expect("client with secret");
    assert!(with_secret
        .user_pool_client()
        .and_then(|a| a.client_secret())
        .is_some());
    let described = c
        .describe_user_pool_client()
        .user_pool_id(&pool.id)
        .client_id(
            with_secret
                .user_pool_client()
                .and_then(|a| a.client_id())
                .unwrap(),
        )
        .send()
        .await
        .expect("DescribeUserPoolClient");
    assert_eq!(
        described.user_pool_client().and_then(|a| a.client_name()),
        Some("confidential")
    );

    user(&c, &pool, "ann", true).await;
    let got = c
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(got.user_status(), Some(&UserStatusType::Confirmed));
    c.admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("ann")
        .user_attributes(attribute("name", "Ann"))
        .send()
        .await
        .expect("AdminUpdateUserAttributes");
    let got = c
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .unwrap();
    assert!(got
        .user_attributes()
        .iter()
        .any(|a| a.name() == "name" && a.value() == Some("Ann")));
    c.admin_set_user_mfa_preference()
        .user_pool_id(&pool.id)
        .username("ann")
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .expect("AdminSetUserMFAPreference");
    let got = c
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .unwrap();
    assert_eq!(got.preferred_mfa_setting(), Some("SMS_MFA"));

    // A device, seen and forgotten by the admin operations.
    let first = srp_sign_in(&c, &pool, "ann", PASSWORD, None).await;
    assert_eq!(first.challenge_name(), Some(&ChallengeNameType::SmsMfa));
    let code = last_code(emu.endpoint(), &pool.id, "ann").await;
    let done = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SmsMfa)
        .challenge_responses("USERNAME", "ann")
        .challenge_responses("SMS_MFA_CODE", code)
        .set_session(first.session().map(str::to_owned))
        .send()
        .await
        .expect("SMS_MFA");
    let tokens = done.authentication_result().expect("tokens");
    let metadata = tokens.new_device_metadata().expect("new device");
    let key = metadata.device_key().unwrap().to_owned();
    let secret = DeviceSecret::generate(metadata.device_group_key().unwrap(), &key);
    let confirmed = c
        .confirm_device()
        .access_token(tokens.access_token().unwrap())
        .device_key(&key)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(secret.verifier_b64())
                .salt(secret.salt_b64())
                .build(),
        )
        .device_name("sdk device")
        .send()
        .await
        .expect("ConfirmDevice");
    assert!(confirmed.user_confirmation_necessary());
    let listed = c
        .admin_list_devices()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .expect("AdminListDevices");
    assert_eq!(listed.devices().len(), 1);
    assert!(listed.devices()[0].device_create_date().is_some());
    let device = c
        .admin_get_device()
        .user_pool_id(&pool.id)
        .username("ann")
        .device_key(&key)
        .send()
        .await
        .expect("AdminGetDevice");
    assert_eq!(
        device.device().and_then(|d| d.device_key()),
        Some(key.as_str())
    );
    c.admin_forget_device()
        .user_pool_id(&pool.id)
        .username("ann")
        .device_key(&key)
        .send()
        .await
        .expect("AdminForgetDevice");
    let listed = c
        .admin_list_devices()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .unwrap();
    assert!(listed.devices().is_empty());

    c.admin_user_global_sign_out()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .expect("AdminUserGlobalSignOut");
    let revoked = c
        .get_user()
        .access_token(tokens.access_token().unwrap())
        .send()
        .await;
    assert_eq!(revoked.unwrap_err().code(), Some("NotAuthorizedException"));
    c.admin_delete_user()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await
        .expect("AdminDeleteUser");
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("ann")
        .send()
        .await;
    assert_eq!(gone.unwrap_err().code(), Some("UserNotFoundException"));
}

#[tokio::test]
async fn sign_up_passwords_and_attributes() {
    let (emu, c) = emulator().await;
    let pool = pool(&c, UserPoolMfaType::Off, false).await;
    let signed_up = c
        .sign_up()
        .client_id(&pool.client_id)
        .username("bo")
        .password(PASSWORD)
        .user_attributes(attribute("email", "bo@example.com"))
        .send()
        .await
        .expect("SignUp");
    assert!(!signed_up.user_confirmed());
    assert!(!signed_up.user_sub().is_empty());
    c.resend_confirmation_code()
        .client_id(&pool.client_id)
        .username("bo")
        .send()
        .await
        .expect("ResendConfirmationCode");
    let code = last_code(emu.endpoint(), &pool.id, "bo").await;
    c.confirm_sign_up()
        .client_id(&pool.client_id)
        .username("bo")
        .confirmation_code(code)
        .send()
        .await
        .expect("ConfirmSignUp");

    let password_auth = c
        .initiate_auth()
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .client_id(&pool.client_id)
        .auth_parameters("USERNAME", "bo")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("USER_PASSWORD_AUTH");
    let tokens = password_auth.authentication_result().expect("tokens");
    let access = tokens.access_token().unwrap().to_owned();
    let wrong = srp_sign_in_result(&c, &pool, "bo", "Wrong-Passw0rd").await;
    assert_eq!(wrong.as_deref(), Some("NotAuthorizedException"));

    c.change_password()
        .access_token(&access)
        .previous_password(PASSWORD)
        .proposed_password("Next-Passw0rd!")
        .send()
        .await
        .expect("ChangePassword");
    c.forgot_password()
        .client_id(&pool.client_id)
        .username("bo")
        .send()
        .await
        .expect("ForgotPassword");
    let code = last_code(emu.endpoint(), &pool.id, "bo").await;
    c.confirm_forgot_password()
        .client_id(&pool.client_id)
        .username("bo")
        .confirmation_code(code)
        .password("Reset-Passw0rd!")
        .send()
        .await
        .expect("ConfirmForgotPassword");
    let signed_in = srp_sign_in(&c, &pool, "bo", "Reset-Passw0rd!", None).await;
    let access = signed_in
        .authentication_result()
        .and_then(|t| t.access_token())
        .expect("tokens")
        .to_owned();

    let me = c
        .get_user()
        .access_token(&access)
        .send()
        .await
        .expect("GetUser");
    assert_eq!(me.username(), "bo");
    c.update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("name", "Bo"))
        .user_attributes(attribute("custom:team", "blue"))
        .send()
        .await
        .expect("UpdateUserAttributes");
    c.delete_user_attributes()
        .access_token(&access)
        .user_attribute_names("name")
        .user_attribute_names("custom:team")
        .send()
        .await
        .expect("DeleteUserAttributes");
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert!(!me
        .user_attributes()
        .iter()
        .any(|a| a.name() == "name" || a.name() == "custom:team"));
    let refused = c
        .delete_user_attributes()
        .access_token(&access)
        .user_attribute_names("sub")
        .send()
        .await;
    assert_eq!(
        refused.unwrap_err().code(),
        Some("InvalidParameterException")
    );
    c.get_user_attribute_verification_code()
        .access_token(&access)
        .attribute_name("email")
        .send()
        .await
        .expect("GetUserAttributeVerificationCode");
    let code = last_code(emu.endpoint(), &pool.id, "bo").await;
    c.verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(code)
        .send()
        .await
        .expect("VerifyUserAttribute");

    let refresh = signed_in
        .authentication_result()
        .and_then(|t| t.refresh_token())
        .unwrap()
        .to_owned();
    let refreshed = c
        .initiate_auth()
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .client_id(&pool.client_id)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await
        .expect("REFRESH_TOKEN_AUTH");
    assert!(refreshed
        .authentication_result()
        .and_then(|t| t.access_token())
        .is_some());
    let again = c
        .get_tokens_from_refresh_token()
        .refresh_token(&refresh)
        .client_id(&pool.client_id)
        .send()
        .await
        .expect("GetTokensFromRefreshToken");
    assert!(again
        .authentication_result()
        .and_then(|t| t.id_token())
        .is_some());
    c.revoke_token()
        .token(&refresh)
        .client_id(&pool.client_id)
        .send()
        .await
        .expect("RevokeToken");
    let revoked = c
        .get_tokens_from_refresh_token()
        .refresh_token(&refresh)
        .client_id(&pool.client_id)
        .send()
        .await;
    assert_eq!(revoked.unwrap_err().code(), Some("NotAuthorizedException"));

    // Revoking the refresh token revokes the access tokens issued with it.
    let revoked = c.get_user().access_token(&access).send().await;
    assert_eq!(revoked.unwrap_err().code(), Some("NotAuthorizedException"));

    let signed_in = srp_sign_in(&c, &pool, "bo", "Reset-Passw0rd!", None).await;
    let access = signed_in
        .authentication_result()
        .and_then(|t| t.access_token())
        .unwrap()
        .to_owned();
    c.global_sign_out()
        .access_token(&access)
        .send()
        .await
        .expect("GlobalSignOut");
    let signed_out = c.get_user().access_token(&access).send().await;
    assert_eq!(
        signed_out.unwrap_err().code(),
        Some("NotAuthorizedException")
    );
    let signed_in = srp_sign_in(&c, &pool, "bo", "Reset-Passw0rd!", None).await;
    let access = signed_in
        .authentication_result()
        .and_then(|t| t.access_token())
        .unwrap()
        .to_owned();
    c.delete_user()
        .access_token(&access)
        .send()
        .await
        .expect("DeleteUser");
}

async fn srp_sign_in_result(c: &Client, pool: &Pool, name: &str, password: &str) -> Option<String> {
    let ephemeral = ClientEphemeral::generate();
    let challenge = c
        .initiate_auth()
        .auth_flow(AuthFlowType::UserSrpAuth)
        .client_id(&pool.client_id)
        .auth_parameters("USERNAME", name)
        .auth_parameters("SRP_A", ephemeral.public_hex())
        .send()
        .await
        .ok()?;
    let p = challenge.challenge_parameters()?;
    let timestamp = format_timestamp(emulator_now_sync());
    let signature = ephemeral
        .password_claim(
            &SrpIdentity::user(&pool.id, &p["USER_ID_FOR_SRP"]),
            password,
            &p["SALT"],
            &p["SRP_B"],
            &p["SECRET_BLOCK"],
            &timestamp,
        )
        .ok()?;
    c.respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &p["USER_ID_FOR_SRP"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .set_session(challenge.session().map(str::to_owned))
        .send()
        .await
        .err()
        .and_then(|e| e.code().map(str::to_owned))
}

#[tokio::test]
async fn mfa_challenges_and_device_operations() {
    let (emu, c) = emulator().await;
    let pool = pool(&c, UserPoolMfaType::On, true).await;
    user(&c, &pool, "cy", true).await;

    // SMS MFA, then TOTP set up and preferred, then MFA selection.
    let first = srp_sign_in(&c, &pool, "cy", PASSWORD, None).await;
    assert_eq!(first.challenge_name(), Some(&ChallengeNameType::SmsMfa));
    let code = last_code(emu.endpoint(), &pool.id, "cy").await;
    let done = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SmsMfa)
        .challenge_responses("USERNAME", "cy")
        .challenge_responses("SMS_MFA_CODE", code)
        .set_session(first.session().map(str::to_owned))
        .send()
        .await
        .expect("SMS_MFA");
    let tokens = done.authentication_result().expect("tokens").clone();
    let access = tokens.access_token().unwrap();
    let secret = c
        .associate_software_token()
        .access_token(access)
        .send()
        .await
        .expect("AssociateSoftwareToken");
    let shared = secret.secret_code().expect("secret").to_owned();
    let verified = c
        .verify_software_token()
        .access_token(access)
        .user_code(totp_code(&shared, emulator_now(emu.endpoint()).await))
        .friendly_device_name("sdk authenticator")
        .send()
        .await
        .expect("VerifySoftwareToken");
    assert_eq!(
        verified.status(),
        Some(&VerifySoftwareTokenResponseType::Success)
    );
    c.set_user_mfa_preference()
        .access_token(access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .send()
        .await
        .expect("SetUserMFAPreference");
    let me = c.get_user().access_token(access).send().await.unwrap();
    assert_eq!(me.user_mfa_setting_list().len(), 2);

    let select = srp_sign_in(&c, &pool, "cy", PASSWORD, None).await;
    assert_eq!(
        select.challenge_name(),
        Some(&ChallengeNameType::SelectMfaType)
    );
    let totp = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SelectMfaType)
        .challenge_responses("USERNAME", "cy")
        .challenge_responses("ANSWER", "SOFTWARE_TOKEN_MFA")
        .set_session(select.session().map(str::to_owned))
        .send()
        .await
        .expect("SELECT_MFA_TYPE");
    assert_eq!(
        totp.challenge_name(),
        Some(&ChallengeNameType::SoftwareTokenMfa)
    );
    advance(emu.endpoint(), 30).await;
    let done = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .challenge_responses("USERNAME", "cy")
        .challenge_responses(
            "SOFTWARE_TOKEN_MFA_CODE",
            totp_code(&shared, emulator_now(emu.endpoint()).await),
        )
        .set_session(totp.session().map(str::to_owned))
        .send()
        .await
        .expect("SOFTWARE_TOKEN_MFA");
    let tokens = done.authentication_result().expect("tokens");
    let access = tokens.access_token().unwrap().to_owned();
    let metadata = tokens.new_device_metadata().expect("new device");
    let (key, group) = (
        metadata.device_key().unwrap().to_owned(),
        metadata.device_group_key().unwrap().to_owned(),
    );
    let device = DeviceSecret::generate(&group, &key);
    c.confirm_device()
        .access_token(&access)
        .device_key(&key)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(device.verifier_b64())
                .salt(device.salt_b64())
                .build(),
        )
        .device_name("sdk device")
        .send()
        .await
        .expect("ConfirmDevice");
    c.update_device_status()
        .access_token(&access)
        .device_key(&key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .expect("UpdateDeviceStatus");
    let got = c
        .get_device()
        .access_token(&access)
        .device_key(&key)
        .send()
        .await
        .expect("GetDevice");
    let attributes = got
        .device()
        .map(|d| d.device_attributes())
        .unwrap_or_default();
    assert!(attributes
        .iter()
        .any(|a| a.name() == "dev:device_remembered_status" && a.value() == Some("remembered")));
    let listed = c
        .list_devices()
        .access_token(&access)
        .limit(10)
        .send()
        .await
        .expect("ListDevices");
    assert_eq!(listed.devices().len(), 1);

    // The remembered device answers DEVICE_SRP_AUTH instead of MFA.
    let with_device = srp_sign_in(
        &c,
        &pool,
        "cy",
        PASSWORD,
        Some((&key, &group, device.secret())),
    )
    .await;
    let tokens = with_device
        .authentication_result()
        .expect("tokens after device SRP");
    let refresh = tokens.refresh_token().unwrap().to_owned();
    let refreshed = c
        .get_tokens_from_refresh_token()
        .refresh_token(&refresh)
        .client_id(&pool.client_id)
        .device_key(&key)
        .send()
        .await
        .expect("refresh with the device key");
    assert!(refreshed.authentication_result().is_some());

    c.forget_device()
        .access_token(&access)
        .device_key(&key)
        .send()
        .await
        .expect("ForgetDevice");
    let listed = c
        .list_devices()
        .access_token(&access)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert!(listed.devices().is_empty());
}

#[tokio::test]
async fn new_password_and_mfa_setup_challenges() {
    let (_emu, c) = emulator().await;
    let pool = pool(&c, UserPoolMfaType::On, false).await;
    c.admin_create_user()
        .user_pool_id(&pool.id)
        .username("di")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    let first = srp_sign_in(&c, &pool, "di", "Temp-Passw0rd!", None).await;
    assert_eq!(
        first.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let setup = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .challenge_responses("USERNAME", "di")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .set_session(first.session().map(str::to_owned))
        .send()
        .await
        .expect("NEW_PASSWORD_REQUIRED");
    assert_eq!(setup.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    let associated = c
        .associate_software_token()
        .set_session(setup.session().map(str::to_owned))
        .send()
        .await
        .expect("associate with session");
    let shared = associated.secret_code().unwrap().to_owned();
    let verified = c
        .verify_software_token()
        .set_session(associated.session().map(str::to_owned))
        .user_code(totp_code(&shared, emulator_now_sync()))
        .send()
        .await
        .expect("verify with session");
    let done = c
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::MfaSetup)
        .challenge_responses("USERNAME", "di")
        .set_session(verified.session().map(str::to_owned))
        .send()
        .await
        .expect("MFA_SETUP");
    assert!(done
        .authentication_result()
        .and_then(|t| t.access_token())
        .is_some());
}

/// SignUp's and ConfirmSignUp's `Session`, InitiateAuth USER_AUTH with it, and a passkey offered
/// (`WEB_AUTHN`, through the emulator's hook) and refused.
#[tokio::test]
async fn sign_in_after_sign_up_and_passkeys() {
    let (emu, c) = emulator().await;
    let created = c
        .create_user_pool()
        .pool_name("sdk-choice")
        .policies(
            UserPoolPolicyType::builder()
                .sign_in_policy(
                    SignInPolicyType::builder()
                        .allowed_first_auth_factors(AuthFactorType::Password)
                        .allowed_first_auth_factors(AuthFactorType::WebAuthn)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("CreateUserPool");
    let pool_id = created.user_pool().and_then(|p| p.id()).unwrap().to_owned();
    let configured = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .web_authn_configuration(
            WebAuthnConfigurationType::builder()
                .relying_party_id("auth.example.com")
                .user_verification(UserVerificationType::Required)
                .build(),
        )
        .send()
        .await
        .expect("SetUserPoolMfaConfig WebAuthnConfiguration");
    assert_eq!(
        configured
            .web_authn_configuration()
            .and_then(|w| w.relying_party_id()),
        Some("auth.example.com")
    );
    let client_id = c
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("sdk-choice-app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client()
        .and_then(|a| a.client_id())
        .unwrap()
        .to_owned();

    let signed_up = c
        .sign_up()
        .client_id(&client_id)
        .username("eve")
        .password(PASSWORD)
        .user_attributes(attribute("email", "eve@example.com"))
        .send()
        .await
        .expect("SignUp");
    let code = last_code(emu.endpoint(), &pool_id, "eve").await;
    let confirmed = c
        .confirm_sign_up()
        .client_id(&client_id)
        .username("eve")
        .confirmation_code(code)
        .set_session(signed_up.session().map(str::to_owned))
        .send()
        .await
        .expect("ConfirmSignUp with SignUp's session");
    let signed_in = c
        .initiate_auth()
        .auth_flow(AuthFlowType::UserAuth)
        .client_id(&client_id)
        .auth_parameters("USERNAME", "eve")
        .set_session(confirmed.session().map(str::to_owned))
        .send()
        .await
        .expect("USER_AUTH with ConfirmSignUp's session");
    assert!(signed_in
        .authentication_result()
        .and_then(|t| t.id_token())
        .is_some());

    let body = format!("{{\"userPoolId\": \"{pool_id}\", \"username\": \"eve\"}}");
    let added = raw::request(
        emu.endpoint(),
        "POST",
        "/_emulator/passkeys",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .await
    .expect("passkeys hook");
    assert_eq!(added.status, 200);
    let choice = c
        .initiate_auth()
        .auth_flow(AuthFlowType::UserAuth)
        .client_id(&client_id)
        .auth_parameters("USERNAME", "eve")
        .send()
        .await
        .expect("USER_AUTH");
    assert_eq!(
        choice.challenge_name(),
        Some(&ChallengeNameType::SelectChallenge)
    );
    assert!(choice
        .available_challenges()
        .contains(&ChallengeNameType::WebAuthn));
    let passkey = c
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::SelectChallenge)
        .challenge_responses("USERNAME", "eve")
        .challenge_responses("ANSWER", "WEB_AUTHN")
        .set_session(choice.session().map(str::to_owned))
        .send()
        .await
        .expect("SELECT_CHALLENGE WEB_AUTHN");
    assert_eq!(passkey.challenge_name(), Some(&ChallengeNameType::WebAuthn));
    let options: serde_json::Value = serde_json::from_str(
        &passkey.challenge_parameters().expect("parameters")["CREDENTIAL_REQUEST_OPTIONS"],
    )
    .expect("JSON options");
    assert_eq!(options["rpId"], "auth.example.com");
    assert_eq!(options["userVerification"], "required");
    let refused = c
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::WebAuthn)
        .challenge_responses("USERNAME", "eve")
        .challenge_responses("CREDENTIAL", "{}")
        .set_session(passkey.session().map(str::to_owned))
        .send()
        .await;
    assert_eq!(refused.unwrap_err().code(), Some("NotAuthorizedException"));
}
