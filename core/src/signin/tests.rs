//! The transition table: every state × every kind of event, and the flows through the machine.

use zeroize::Zeroizing;

use super::state::{DeviceCredentials, SignInState};
use super::transitions::{step, ApiCall, ApiReply, Effect, Env, Event, MachineConfig, Step};
use super::types::*;
use crate::api::types::{
    AssociateSoftwareTokenResponse, AuthChallengeResponse, AuthenticationResult, Params,
    VerifySoftwareTokenResponse,
};
use crate::error::{AuthError, CognitoException};
use crate::srp::{ClientEphemeral, SrpError};

struct FixedEnv;

impl Env for FixedEnv {
    fn now_unix(&self) -> u64 {
        1_709_629_623
    }
    fn new_ephemeral(&self) -> Result<ClientEphemeral, SrpError> {
        ClientEphemeral::from_secret_hex(
            "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988",
        )
    }
}

fn config(secret: bool) -> MachineConfig {
    MachineConfig {
        user_pool_id: "us-east-1_PoolName".into(),
        client_id: "client123".into(),
        client_secret: secret.then(|| Zeroizing::new("s3cret".to_owned())),
    }
}

/// One transition, exactly.
fn run_raw(state: SignInState, event: Event) -> Step {
    step(state, event, &config(false), &FixedEnv)
}

/// One transition; a request for the stored device is answered with "none" (the effects are
/// those of the answer).
fn run(state: SignInState, event: Event) -> Step {
    let stepped = run_raw(state, event);
    if matches!(stepped.effects.as_slice(), [Effect::LoadDevice { .. }]) {
        return run_raw(stepped.state, Event::DeviceLoaded(None));
    }
    stepped
}

fn start_event(flow: AuthFlow, device: bool) -> Event {
    Event::Start {
        username: "alice@example.com".into(),
        password: Some(Zeroizing::new("Passw0rd!".into())),
        options: SignInOptions {
            auth_flow: flow,
            ..Default::default()
        },
        device: device.then(|| DeviceCredentials {
            device_key: "us-east-1_dev".into(),
            device_group_key: "-grp".into(),
            device_secret: Zeroizing::new("devsecret".into()),
        }),
        sign_up_session: None,
    }
}

fn answer(value: &str) -> Event {
    Event::Answer {
        value: Zeroizing::new(value.into()),
        options: ConfirmSignInOptions::default(),
    }
}

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn challenge(name: &str, pairs: &[(&str, &str)]) -> Event {
    Event::Reply(ApiReply::Challenge(AuthChallengeResponse {
        challenge_name: Some(name.into()),
        challenge_parameters: params(pairs),
        session: Some(format!("session-{name}")),
        ..Default::default()
    }))
}

fn tokens() -> Event {
    Event::Reply(ApiReply::Challenge(AuthChallengeResponse {
        authentication_result: Some(AuthenticationResult {
            access_token: "a.b.c".into(),
            id_token: None,
            refresh_token: Some("r".into()),
            expires_in: 3600,
            token_type: Some("Bearer".into()),
            new_device_metadata: None,
        }),
        ..Default::default()
    }))
}

fn failed(code: &str) -> Event {
    Event::Failed(AuthError::service(code, "from Cognito"))
}

const SRP_CHALLENGE: &[(&str, &str)] = &[
    ("SALT", "b704a27deb8cf5efec43a40eac5b60d2"),
    (
        "SRP_B",
        "8d340308265ada665b1b2c730fb65ff0b6dc746b63c2d7e9f08b8aa9306d",
    ),
    ("SECRET_BLOCK", "c2VjcmV0IGJsb2Nr"),
    ("USER_ID_FOR_SRP", "7d4a6b1e-user"),
    ("USERNAME", "7d4a6b1e-user"),
];

/// Walks the machine from Idle through `events`, asserting no step was rejected. A request for
/// the stored device is answered with "none" unless the next event answers it.
fn walk(events: Vec<Event>) -> SignInState {
    walk_from(SignInState::Idle, events, true)
}

/// As [`walk`], but leaves a request for the stored device unanswered.
fn walk_raw(events: Vec<Event>) -> SignInState {
    walk_from(SignInState::Idle, events, false)
}

fn walk_from(mut state: SignInState, events: Vec<Event>, load_devices: bool) -> SignInState {
    let mut events = events.into_iter().peekable();
    while let Some(event) = events.next() {
        let Step {
            state: next,
            effects,
        } = run_raw(state, event);
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Rejected(_))),
            "a setup step was rejected"
        );
        state = next;
        let asks_device = effects
            .iter()
            .any(|e| matches!(e, Effect::LoadDevice { .. }));
        let answered_next = matches!(events.peek(), Some(Event::DeviceLoaded(_)));
        if load_devices && asks_device && !answered_next {
            state = run(state, Event::DeviceLoaded(None)).state;
        }
    }
    state
}

fn srp_start() -> Event {
    start_event(AuthFlow::UserSrp, false)
}

/// An SRP sign-in whose PASSWORD_VERIFIER was answered (no device stored).
fn verifier_answered() -> Vec<Event> {
    vec![srp_start(), challenge("PASSWORD_VERIFIER", SRP_CHALLENGE)]
}

fn with(mut events: Vec<Event>, more: Vec<Event>) -> Vec<Event> {
    events.extend(more);
    events
}

/// One state of every kind the machine has, built by driving the machine.
type Named<T> = (&'static str, fn() -> T);

fn all_states() -> Vec<Named<SignInState>> {
    vec![
        ("Idle", || SignInState::Idle),
        ("Waiting(InitiateAuth)", || walk(vec![srp_start()])),
        ("Waiting(stored device)", || {
            walk_raw(vec![
                srp_start(),
                challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
            ])
        }),
        ("Waiting(PASSWORD_VERIFIER)", || walk(verifier_answered())),
        ("Waiting(DEVICE_SRP_AUTH)", || {
            walk(vec![
                start_event(AuthFlow::UserSrp, true),
                challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
                challenge("DEVICE_SRP_AUTH", &[("USERNAME", "7d4a6b1e-user")]),
            ])
        }),
        ("Waiting(DEVICE_PASSWORD_VERIFIER)", || {
            walk(vec![
                start_event(AuthFlow::UserSrp, true),
                challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
                challenge("DEVICE_SRP_AUTH", &[("USERNAME", "7d4a6b1e-user")]),
                challenge("DEVICE_PASSWORD_VERIFIER", SRP_CHALLENGE),
            ])
        }),
        ("AwaitingUser(SMS)", || {
            walk(with(verifier_answered(), vec![challenge("SMS_MFA", &[])]))
        }),
        ("Waiting(challenge answer)", || {
            walk(with(
                verifier_answered(),
                vec![challenge("SMS_MFA", &[]), answer("123456")],
            ))
        }),
        ("Waiting(AssociateSoftwareToken)", || {
            walk(with(verifier_answered(), vec![totp_setup_challenge()]))
        }),
        ("AwaitingUser(TOTP setup)", || {
            walk(with(
                verifier_answered(),
                vec![totp_setup_challenge(), associated()],
            ))
        }),
        ("Waiting(VerifySoftwareToken)", || {
            walk(with(
                verifier_answered(),
                vec![totp_setup_challenge(), associated(), answer("654321")],
            ))
        }),
    ]
}

fn totp_setup_challenge() -> Event {
    challenge(
        "MFA_SETUP",
        &[("MFAS_CAN_SETUP", "[\"SOFTWARE_TOKEN_MFA\"]")],
    )
}

/// A sign-in saved while it waited for an SMS code.
fn saved_sign_in() -> super::state::PendingSignIn {
    walk(with(verifier_answered(), vec![challenge("SMS_MFA", &[])]))
        .pending(1_709_629_623)
        .expect("a sign-in waiting for the user is saved")
}

fn associated() -> Event {
    Event::Reply(ApiReply::TokenAssociated(AssociateSoftwareTokenResponse {
        secret_code: "JBSWY3DPEHPK3PXP".into(),
        session: Some("session-associated".into()),
    }))
}

fn verified(status: &str) -> Event {
    Event::Reply(ApiReply::TokenVerified(VerifySoftwareTokenResponse {
        status: Some(status.into()),
        session: Some("session-verified".into()),
    }))
}

/// Every kind of event.
fn all_events() -> Vec<Named<Event>> {
    vec![
        ("Start", srp_start),
        ("Answer", || answer("123456")),
        ("Reply(challenge)", || challenge("SMS_MFA", &[])),
        ("Reply(tokens)", tokens),
        ("Reply(associated)", associated),
        ("Reply(verified)", || verified("SUCCESS")),
        ("Failed", || failed("NotAuthorizedException")),
        ("DeviceLoaded", || Event::DeviceLoaded(None)),
        ("Resume", || Event::Resume {
            pending: saved_sign_in(),
            device: None,
        }),
        ("Cancel", || Event::Cancel),
        ("Reset", || Event::Reset),
    ]
}

fn is_rejected(effects: &[Effect]) -> bool {
    matches!(effects, [Effect::Rejected(AuthError::InvalidState { .. })])
}

#[test]
fn every_state_and_event_has_a_defined_outcome() {
    let mut cells = 0;
    for (state_name, make_state) in all_states() {
        assert_eq!(
            make_state().name().split('(').next(),
            state_name.split('(').next()
        );
        for (event_name, make_event) in all_events() {
            let before = make_state();
            let before_name = before.name();
            let Step { state, effects } = run_raw(before, make_event());
            let label = format!("{state_name} × {event_name}");
            let waiting = before_name.starts_with("Waiting");
            let user = before_name == "AwaitingUser";
            let idle = before_name == "Idle";
            let loading = before_name == "Waiting(stored device)";
            match event_name {
                "Reset" => {
                    assert_eq!(state.name(), "Idle", "{label}");
                    assert!(effects.is_empty(), "{label}");
                }
                "Resume" if idle => {
                    assert_eq!(state.name(), "AwaitingUser", "{label}");
                    assert!(effects.is_empty(), "{label}");
                }
                "DeviceLoaded" if loading => {
                    assert_eq!(state.name(), "Waiting(PASSWORD_VERIFIER)", "{label}");
                    assert!(matches!(effects.as_slice(), [Effect::Call(_)]), "{label}");
                }
                "Resume" | "DeviceLoaded" => {
                    assert!(is_rejected(&effects), "{label}");
                    assert_eq!(state.name(), before_name, "{label}: state must not change");
                }
                "Start" if waiting => {
                    assert!(is_rejected(&effects), "{label}");
                    assert_eq!(state.name(), before_name, "{label}: state must not change");
                }
                "Start" => {
                    assert_eq!(state.name(), "Waiting(InitiateAuth)", "{label}");
                    assert!(
                        matches!(effects.as_slice(), [Effect::Call(ApiCall::InitiateAuth(_))]),
                        "{label}"
                    );
                }
                "Cancel" if idle => assert!(is_rejected(&effects), "{label}"),
                "Cancel" => {
                    assert_eq!(state.name(), "Idle", "{label}");
                    assert!(effects.is_empty(), "{label}");
                }
                "Answer" if user => {
                    assert!(
                        state.name().starts_with("Waiting"),
                        "{label}: {}",
                        state.name()
                    );
                    assert!(matches!(effects.as_slice(), [Effect::Call(_)]), "{label}");
                }
                "Answer" => {
                    assert!(is_rejected(&effects), "{label}");
                    assert_eq!(state.name(), before_name, "{label}: state must not change");
                }
                _ if !waiting || loading => {
                    // A Cognito answer with no call in flight.
                    assert!(is_rejected(&effects), "{label}");
                    assert_eq!(state.name(), before_name, "{label}: state must not change");
                }
                "Failed" if before_name.starts_with("Waiting(DEVICE") => {
                    // A refused device secret: the driver drops the device and retries.
                    assert_eq!(state.name(), "Idle", "{label}");
                    assert!(
                        matches!(effects.as_slice(), [Effect::DeviceRejected]),
                        "{label}"
                    );
                }
                "Failed" => {
                    assert_eq!(state.name(), "Idle", "{label}");
                    assert!(
                        matches!(
                            effects.as_slice(),
                            [Effect::Failed(AuthError::Service {
                                exception: CognitoException::NotAuthorized,
                                ..
                            })]
                        ),
                        "{label}"
                    );
                }
                _ => {
                    // Replies while waiting: the right kind moves on, the wrong kind fails.
                    assert!(!effects.is_empty(), "{label}");
                    assert!(!is_rejected(&effects), "{label}");
                }
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 11 * 11);
}

fn call_of(effects: &[Effect]) -> &ApiCall {
    match effects {
        [Effect::Call(call)] => call,
        _ => panic!("expected exactly one call"),
    }
}

fn responses(effects: &[Effect]) -> (String, Params, Option<String>) {
    match call_of(effects) {
        ApiCall::RespondToAuthChallenge(r) => (
            r.challenge_name.clone(),
            r.challenge_responses.clone(),
            r.session.clone(),
        ),
        _ => panic!("expected RespondToAuthChallenge"),
    }
}

#[test]
fn srp_sign_in_answers_password_verifier_with_canonical_username_and_device_key() {
    let state = walk(vec![start_event(AuthFlow::UserSrp, true)]);
    let Step { state, effects } = step(
        state,
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        &config(true),
        &FixedEnv,
    );
    let (name, answers, session) = responses(&effects);
    assert_eq!(name, "PASSWORD_VERIFIER");
    assert_eq!(answers["USERNAME"], "7d4a6b1e-user");
    assert_eq!(answers["TIMESTAMP"], "Tue Mar 5 09:07:03 UTC 2024");
    assert_eq!(answers["DEVICE_KEY"], "us-east-1_dev");
    assert_eq!(answers["PASSWORD_CLAIM_SECRET_BLOCK"], "c2VjcmV0IGJsb2Nr");
    assert_eq!(
        answers["SECRET_HASH"],
        crate::srp::secret_hash("s3cret", "7d4a6b1e-user", "client123")
    );
    assert!(!answers["PASSWORD_CLAIM_SIGNATURE"].is_empty());
    assert_eq!(session.as_deref(), Some("session-PASSWORD_VERIFIER"));
    assert_eq!(state.name(), "Waiting(PASSWORD_VERIFIER)");
}

#[test]
fn initiate_auth_parameters_per_flow() {
    let cases: Vec<(AuthFlow, &str, Vec<&str>)> = vec![
        (
            AuthFlow::UserSrp,
            "USER_SRP_AUTH",
            vec!["SRP_A", "USERNAME"],
        ),
        (
            AuthFlow::UserPassword,
            "USER_PASSWORD_AUTH",
            vec!["PASSWORD", "USERNAME"],
        ),
        (
            AuthFlow::CustomWithSrp,
            "CUSTOM_AUTH",
            vec!["CHALLENGE_NAME", "SRP_A", "USERNAME"],
        ),
        (AuthFlow::CustomWithoutSrp, "CUSTOM_AUTH", vec!["USERNAME"]),
        (
            AuthFlow::UserAuth {
                preferred_first_factor: None,
            },
            "USER_AUTH",
            vec!["USERNAME"],
        ),
        (
            AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::PasswordSrp),
            },
            "USER_AUTH",
            vec!["PREFERRED_CHALLENGE", "SRP_A", "USERNAME"],
        ),
        (
            AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::EmailOtp),
            },
            "USER_AUTH",
            vec!["PREFERRED_CHALLENGE", "USERNAME"],
        ),
    ];
    for (flow, wire, keys) in cases {
        let Step { effects, .. } = run(SignInState::Idle, start_event(flow.clone(), false));
        let ApiCall::InitiateAuth(request) = call_of(&effects) else {
            panic!("{flow:?}: expected InitiateAuth");
        };
        assert_eq!(request.auth_flow, wire, "{flow:?}");
        let got: Vec<&str> = request.auth_parameters.keys().map(String::as_str).collect();
        assert_eq!(got, keys, "{flow:?}");
    }
}

#[test]
fn bad_start_input_fails_without_a_call() {
    let mut event = srp_start();
    if let Event::Start { username, .. } = &mut event {
        *username = "   ".into();
    }
    let Step { state, effects } = run(SignInState::Idle, event);
    assert_eq!(state.name(), "Idle");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidInput { .. })]
    ));

    let mut event = srp_start();
    if let Event::Start { password, .. } = &mut event {
        *password = None;
    }
    let Step { effects, .. } = run(SignInState::Idle, event);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidInput { .. })]
    ));
}

#[test]
fn a_wrong_code_returns_to_the_same_step() {
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        challenge(
            "SMS_MFA",
            &[
                ("CODE_DELIVERY_DESTINATION", "+*******1234"),
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS"),
            ],
        ),
    ]);
    let expected_step = SignInNextStep::ConfirmSignInWithSmsMfaCode {
        code_delivery_details: CodeDeliveryDetails {
            destination: Some("+*******1234".into()),
            delivery_medium: DeliveryMedium::Sms,
            attribute_name: None,
        },
    };
    assert_eq!(state.next_step(), Some(&expected_step));
    let Step { state, effects } = run(state, answer(" 111111 "));
    let (name, answers, session) = responses(&effects);
    assert_eq!(
        (name.as_str(), answers["SMS_MFA_CODE"].as_str()),
        ("SMS_MFA", "111111")
    );
    assert_eq!(session.as_deref(), Some("session-SMS_MFA"));
    let Step { state, effects } = run(state, failed("CodeMismatchException"));
    assert_eq!(state.next_step(), Some(&expected_step));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::Service {
            exception: CognitoException::CodeMismatch,
            ..
        })]
    ));
    // Retry with the same session.
    let Step { effects, .. } = run(state, answer("222222"));
    assert_eq!(responses(&effects).2.as_deref(), Some("session-SMS_MFA"));
}

#[test]
fn mfa_selection_accepts_allowed_names_only() {
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        challenge(
            "SELECT_MFA_TYPE",
            &[("MFAS_CAN_CHOOSE", "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]")],
        ),
    ]);
    assert_eq!(
        state.next_step(),
        Some(&SignInNextStep::ContinueSignInWithMfaSelection {
            allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
        })
    );
    let Step { state, effects } = run(state, answer("EMAIL"));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Rejected(AuthError::InvalidInput { .. })]
    ));
    assert_eq!(state.name(), "AwaitingUser");
    let Step { state, effects } = run(state, answer("totp"));
    let (name, answers, _) = responses(&effects);
    assert_eq!(
        (name.as_str(), answers["ANSWER"].as_str()),
        ("SELECT_MFA_TYPE", "SOFTWARE_TOKEN_MFA")
    );
    let Step { state, effects } = run(state, challenge("SOFTWARE_TOKEN_MFA", &[]));
    assert!(matches!(
        effects.as_slice(),
        [Effect::NextStep(SignInNextStep::ConfirmSignInWithTotpCode)]
    ));
    let Step { effects, .. } = run(state, answer("123456"));
    assert_eq!(responses(&effects).1["SOFTWARE_TOKEN_MFA_CODE"], "123456");
}

#[test]
fn totp_setup_inside_sign_in() {
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
    ]);
    let Step { state, effects } = run(
        state,
        challenge(
            "MFA_SETUP",
            &[("MFAS_CAN_SETUP", "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]")],
        ),
    );
    match call_of(&effects) {
        ApiCall::AssociateSoftwareToken(r) => {
            assert_eq!(r.session.as_deref(), Some("session-MFA_SETUP"));
            assert!(r.access_token.is_none());
        }
        _ => panic!("expected AssociateSoftwareToken"),
    }
    let Step { state, effects } = run(state, associated());
    let Some(Effect::NextStep(SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details })) =
        effects.first()
    else {
        panic!("expected the TOTP setup step");
    };
    assert_eq!(totp_setup_details.shared_secret, "JBSWY3DPEHPK3PXP");
    assert_eq!(
        totp_setup_details.setup_uri("My App"),
        "otpauth://totp/My%20App:7d4a6b1e-user?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
    );
    let Step { state, effects } = run(state, answer("000000"));
    match call_of(&effects) {
        ApiCall::VerifySoftwareToken(r) => {
            assert_eq!(r.session.as_deref(), Some("session-associated"));
            assert_eq!(r.user_code, "000000");
        }
        _ => panic!("expected VerifySoftwareToken"),
    }
    // A failed verification goes back to the setup step.
    let Step {
        state: retry,
        effects,
    } = run(state, failed("EnableSoftwareTokenMFAException"));
    assert!(matches!(
        retry.next_step(),
        Some(SignInNextStep::ContinueSignInWithTotpSetup { .. })
    ));
    assert!(matches!(effects.as_slice(), [Effect::Failed(_)]));
    let Step { state, .. } = run(retry, answer("111111"));
    let Step { state, effects } = run(state, verified("SUCCESS"));
    let (name, _, session) = responses(&effects);
    assert_eq!(name, "MFA_SETUP");
    assert_eq!(session.as_deref(), Some("session-verified"));
    let Step { state, effects } = run(state, tokens());
    assert_eq!(state.name(), "Idle");
    assert!(matches!(effects.as_slice(), [Effect::SignedIn { .. }]));
}

#[test]
fn mfa_setup_selection_and_email_setup() {
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        challenge(
            "MFA_SETUP",
            &[("MFAS_CAN_SETUP", "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]")],
        ),
    ]);
    assert_eq!(
        state.next_step(),
        Some(&SignInNextStep::ContinueSignInWithMfaSetupSelection {
            allowed_mfa_types: vec![MfaType::Totp, MfaType::Email]
        })
    );
    let Step { state, effects } = run(state, answer("EMAIL"));
    assert!(matches!(
        effects.as_slice(),
        [Effect::NextStep(
            SignInNextStep::ContinueSignInWithEmailMfaSetup
        )]
    ));
    let Step { effects, .. } = run(state, answer("alice@example.com"));
    let (name, answers, _) = responses(&effects);
    assert_eq!(
        (name.as_str(), answers["EMAIL"].as_str()),
        ("MFA_SETUP", "alice@example.com")
    );
}

#[test]
fn new_password_lists_missing_attributes_and_sends_them() {
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        challenge(
            "NEW_PASSWORD_REQUIRED",
            &[
                (
                    "requiredAttributes",
                    "[\"userAttributes.name\",\"userAttributes.email\"]",
                ),
                ("userAttributes", "{\"email\":\"a@example.com\"}"),
            ],
        ),
    ]);
    assert_eq!(
        state.next_step(),
        Some(&SignInNextStep::ConfirmSignInWithNewPassword {
            missing_attributes: vec!["name".into()]
        })
    );
    let mut options = ConfirmSignInOptions::default();
    options
        .user_attributes
        .insert("name".into(), "Alice".into());
    let Step { effects, .. } = run(
        state,
        Event::Answer {
            value: Zeroizing::new(" New Passw0rd! ".into()),
            options,
        },
    );
    let (name, answers, _) = responses(&effects);
    assert_eq!(name, "NEW_PASSWORD_REQUIRED");
    assert_eq!(
        answers["NEW_PASSWORD"], " New Passw0rd! ",
        "passwords are not trimmed"
    );
    assert_eq!(answers["userAttributes.name"], "Alice");
}

#[test]
fn custom_challenge_and_first_factor_selection() {
    let state = walk(vec![start_event(AuthFlow::CustomWithoutSrp, false)]);
    let Step { state, effects } = run(
        state,
        challenge("CUSTOM_CHALLENGE", &[("question", "2+2?")]),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::NextStep(
            SignInNextStep::ConfirmSignInWithCustomChallenge { .. }
        )]
    ));
    let Step { effects, .. } = run(state, answer("4"));
    assert_eq!(responses(&effects).1["ANSWER"], "4");

    let state = walk(vec![start_event(
        AuthFlow::UserAuth {
            preferred_first_factor: None,
        },
        false,
    )]);
    let reply = Event::Reply(ApiReply::Challenge(AuthChallengeResponse {
        challenge_name: Some("SELECT_CHALLENGE".into()),
        session: Some("s".into()),
        available_challenges: vec![
            "PASSWORD_SRP".into(),
            "EMAIL_OTP".into(),
            "WEB_AUTHN".into(),
        ],
        ..Default::default()
    }));
    let Step { state, .. } = run(state, reply);
    assert_eq!(
        state.next_step(),
        Some(&SignInNextStep::ContinueSignInWithFirstFactorSelection {
            available_factors: vec![AuthFactor::PasswordSrp, AuthFactor::EmailOtp],
            unsupported_factors: vec!["WEB_AUTHN".into()]
        })
    );
    // Only a passkey offered: a typed error, not an empty choice.
    let only_passkey = Event::Reply(ApiReply::Challenge(AuthChallengeResponse {
        challenge_name: Some("SELECT_CHALLENGE".into()),
        session: Some("s".into()),
        available_challenges: vec!["WEB_AUTHN".into()],
        ..Default::default()
    }));
    let user_auth = || {
        walk(vec![start_event(
            AuthFlow::UserAuth {
                preferred_first_factor: None,
            },
            false,
        )])
    };
    let Step {
        state: idle,
        effects,
    } = run(user_auth(), only_passkey);
    assert_eq!(idle.name(), "Idle");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::Unsupported { detail })] if detail.contains("WEB_AUTHN")
    ));
    let Step { state, effects } = run(state, answer("PASSWORD_SRP"));
    let (name, answers, _) = responses(&effects);
    assert_eq!(
        (name.as_str(), answers["ANSWER"].as_str()),
        ("SELECT_CHALLENGE", "PASSWORD_SRP")
    );
    assert!(answers.contains_key("SRP_A"));
    // The PASSWORD_VERIFIER that follows is answered with the ephemeral just sent.
    let Step { effects, .. } = run(state, challenge("PASSWORD_VERIFIER", SRP_CHALLENGE));
    assert_eq!(responses(&effects).0, "PASSWORD_VERIFIER");
}

#[test]
fn device_steps_are_automatic_and_a_rejected_device_is_reported() {
    let state = walk(vec![
        start_event(AuthFlow::UserSrp, true),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
    ]);
    let Step { state, effects } = run(
        state,
        challenge("DEVICE_SRP_AUTH", &[("USERNAME", "7d4a6b1e-user")]),
    );
    let (name, answers, _) = responses(&effects);
    assert_eq!(name, "DEVICE_SRP_AUTH");
    assert_eq!(answers["DEVICE_KEY"], "us-east-1_dev");
    assert!(answers.contains_key("SRP_A"));
    let Step { state, effects } = run(state, challenge("DEVICE_PASSWORD_VERIFIER", SRP_CHALLENGE));
    let (name, answers, _) = responses(&effects);
    assert_eq!(name, "DEVICE_PASSWORD_VERIFIER");
    assert!(answers.contains_key("PASSWORD_CLAIM_SIGNATURE"));
    let Step { state, effects } = run(state, failed("ResourceNotFoundException"));
    assert_eq!(state.name(), "Idle");
    assert!(matches!(effects.as_slice(), [Effect::DeviceRejected]));
    // A refused device secret is reported the same way; a refused password is not.
    let device_verifier = || {
        walk(vec![
            start_event(AuthFlow::UserSrp, true),
            challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
            challenge("DEVICE_SRP_AUTH", &[("USERNAME", "7d4a6b1e-user")]),
            challenge("DEVICE_PASSWORD_VERIFIER", SRP_CHALLENGE),
        ])
    };
    let Step { effects, .. } = run(device_verifier(), failed("NotAuthorizedException"));
    assert!(matches!(effects.as_slice(), [Effect::DeviceRejected]));
    let password_verifier = walk(vec![
        start_event(AuthFlow::UserSrp, true),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
    ]);
    let Step { effects, .. } = run(password_verifier, failed("NotAuthorizedException"));
    assert!(matches!(effects.as_slice(), [Effect::Failed(_)]));

    // Without a stored device, DEVICE_SRP_AUTH cannot be answered.
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
    ]);
    let Step { effects, .. } = run(state, challenge("DEVICE_SRP_AUTH", &[]));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidResponse { .. })]
    ));
}

#[test]
fn unconfirmed_and_reset_users_get_a_next_step() {
    for (code, next) in [
        ("UserNotConfirmedException", SignInNextStep::ConfirmSignUp),
        (
            "PasswordResetRequiredException",
            SignInNextStep::ResetPassword,
        ),
    ] {
        for state in [
            walk(vec![srp_start()]),
            walk(vec![
                srp_start(),
                challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
            ]),
        ] {
            let Step { state, effects } = run(state, failed(code));
            assert_eq!(state.name(), "Idle");
            assert!(
                matches!(effects.as_slice(), [Effect::NextStep(s)] if *s == next),
                "{code}"
            );
        }
    }
}

#[test]
fn malformed_challenges_fail_cleanly() {
    // Missing SRP_B.
    let Step { state, effects } = run(
        walk(vec![srp_start()]),
        challenge(
            "PASSWORD_VERIFIER",
            &[
                ("SALT", "01"),
                ("SECRET_BLOCK", "AA=="),
                ("USER_ID_FOR_SRP", "u"),
            ],
        ),
    );
    assert_eq!(state.name(), "Idle");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidResponse { .. })]
    ));
    // B = 0.
    let Step { effects, .. } = run(
        walk(vec![srp_start()]),
        challenge(
            "PASSWORD_VERIFIER",
            &[
                ("SALT", "01"),
                ("SRP_B", "0"),
                ("SECRET_BLOCK", "AA=="),
                ("USER_ID_FOR_SRP", "u"),
            ],
        ),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidResponse { .. })]
    ));
    // A passkey or an unknown challenge: Unsupported; neither challenge nor tokens:
    // InvalidResponse.
    for name in ["WEB_AUTHN", "SOMETHING_NEW"] {
        let Step { state, effects } = run(walk(vec![srp_start()]), challenge(name, &[]));
        assert_eq!(state.name(), "Idle");
        assert!(
            matches!(
                effects.as_slice(),
                [Effect::Failed(AuthError::Unsupported { detail })] if detail.contains(name)
            ),
            "{name}"
        );
    }
    let Step { effects, .. } = run(
        walk(vec![srp_start()]),
        Event::Reply(ApiReply::Challenge(AuthChallengeResponse::default())),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidResponse { .. })]
    ));
    // The wrong kind of reply.
    let Step { effects, .. } = run(walk(vec![srp_start()]), associated());
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidResponse { .. })]
    ));
}

#[test]
fn a_device_stored_under_the_canonical_name_is_used_whatever_alias_was_typed() {
    let state = walk_raw(vec![srp_start()]);
    // PASSWORD_VERIFIER names the canonical user: the machine asks for its stored device.
    let Step { state, effects } = run_raw(state, challenge("PASSWORD_VERIFIER", SRP_CHALLENGE));
    assert!(matches!(
        effects.as_slice(),
        [Effect::LoadDevice { canonical_username }] if canonical_username == "7d4a6b1e-user"
    ));
    assert_eq!(state.name(), "Waiting(stored device)");
    let stored = DeviceCredentials {
        device_key: "us-east-1_stored".into(),
        device_group_key: "-grp".into(),
        device_secret: Zeroizing::new("stored secret".into()),
    };
    let Step { state, effects } = run(state, Event::DeviceLoaded(Some(stored)));
    assert_eq!(responses(&effects).1["DEVICE_KEY"], "us-east-1_stored");
    let Step { effects, .. } = run(
        state,
        challenge("DEVICE_SRP_AUTH", &[("USERNAME", "7d4a6b1e-user")]),
    );
    assert_eq!(responses(&effects).0, "DEVICE_SRP_AUTH");
}

#[test]
fn a_device_given_at_the_start_needs_no_lookup() {
    let state = walk_raw(vec![start_event(AuthFlow::UserSrp, true)]);
    let Step { effects, .. } = run(state, challenge("PASSWORD_VERIFIER", SRP_CHALLENGE));
    assert_eq!(responses(&effects).1["DEVICE_KEY"], "us-east-1_dev");
}

#[test]
fn a_reused_totp_code_keeps_the_step_and_a_lockout_ends_the_sign_in() {
    let state = walk(with(
        verifier_answered(),
        vec![challenge("SOFTWARE_TOKEN_MFA", &[]), answer("123456")],
    ));
    let Step { state, effects } = run(state, failed("ExpiredCodeException"));
    assert_eq!(
        state.next_step(),
        Some(&SignInNextStep::ConfirmSignInWithTotpCode)
    );
    assert!(matches!(effects.as_slice(), [Effect::Failed(_)]));
    // An expired SMS code ends the sign-in: Cognito's session is gone with it.
    let state = walk(with(
        verifier_answered(),
        vec![challenge("SMS_MFA", &[]), answer("123456")],
    ));
    let Step { state, .. } = run(state, failed("ExpiredCodeException"));
    assert_eq!(state.name(), "Idle");
    let state = walk(vec![
        srp_start(),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
    ]);
    let Step { state, effects } = run(state, failed("NotAuthorizedException"));
    assert_eq!(state.name(), "Idle");
    assert!(matches!(effects.as_slice(), [Effect::Failed(e)] if !e.is_retryable()));
}

#[test]
fn a_saved_sign_in_resumes_only_when_none_is_under_way() {
    let Step { state, effects } = run(
        SignInState::Idle,
        Event::Resume {
            pending: saved_sign_in(),
            device: None,
        },
    );
    assert!(effects.is_empty());
    assert!(matches!(
        state.next_step(),
        Some(SignInNextStep::ConfirmSignInWithSmsMfaCode { .. })
    ));
    let Step { effects, .. } = run(
        state,
        Event::Resume {
            pending: saved_sign_in(),
            device: None,
        },
    );
    assert!(is_rejected(&effects));
}

#[test]
fn a_device_refused_with_an_mfa_answer_keeps_the_step_for_the_same_answer_without_it() {
    let state = walk(vec![
        start_event(AuthFlow::UserSrp, true),
        challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
        challenge("SMS_MFA", &[]),
    ]);
    let Step { state, effects } = run(state, answer("123456"));
    let (_, answers, _) = responses(&effects);
    assert_eq!(answers["DEVICE_KEY"], "us-east-1_dev");
    let Step { state, effects } = run(state, failed("ResourceNotFoundException"));
    assert!(matches!(effects.as_slice(), [Effect::DeviceRejected]));
    assert!(matches!(
        state.next_step(),
        Some(SignInNextStep::ConfirmSignInWithSmsMfaCode { .. })
    ));
    let Step { effects, .. } = run(state, answer("123456"));
    let (name, answers, session) = responses(&effects);
    assert_eq!(name, "SMS_MFA");
    assert_eq!(answers["SMS_MFA_CODE"], "123456");
    assert!(!answers.contains_key("DEVICE_KEY"));
    assert_eq!(session.as_deref(), Some("session-SMS_MFA"));
}

#[test]
fn a_sign_in_after_sign_up_sends_the_session_and_no_password() {
    let start = |flow| Event::Start {
        username: "alice".into(),
        password: None,
        options: SignInOptions {
            auth_flow: flow,
            ..Default::default()
        },
        device: None,
        sign_up_session: Some("confirm-sign-up-session".into()),
    };
    let Step { state, effects } = run(
        SignInState::Idle,
        start(AuthFlow::UserAuth {
            preferred_first_factor: None,
        }),
    );
    assert_eq!(state.name(), "Waiting(InitiateAuth)");
    let Some(Effect::Call(ApiCall::InitiateAuth(request))) = effects.first() else {
        panic!("expected InitiateAuth");
    };
    assert_eq!(request.auth_flow, "USER_AUTH");
    assert_eq!(request.session.as_deref(), Some("confirm-sign-up-session"));
    assert_eq!(request.auth_parameters["USERNAME"], "alice");
    assert!(!request.auth_parameters.contains_key("PASSWORD"));
    // Only USER_AUTH takes the session.
    let Step { state, effects } = run(SignInState::Idle, start(AuthFlow::UserSrp));
    assert_eq!(state.name(), "Idle");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Failed(AuthError::InvalidInput { .. })]
    ));
}

#[test]
fn an_answer_lost_on_the_way_keeps_the_step_for_the_same_answer() {
    let at_sms_step = || {
        walk(vec![
            start_event(AuthFlow::UserSrp, false),
            challenge("PASSWORD_VERIFIER", SRP_CHALLENGE),
            challenge("SMS_MFA", &[]),
        ])
    };
    for error in [
        AuthError::Network {
            detail: "connection refused".into(),
        },
        AuthError::Timeout,
        AuthError::service("TooManyRequestsException", "slow down"),
        AuthError::service("InternalErrorException", "oops"),
        AuthError::InvalidResponse {
            detail: "truncated".into(),
        },
    ] {
        let Step { state, .. } = run(at_sms_step(), answer("123456"));
        let Step { state, effects } = run(state, Event::Failed(error.clone()));
        assert!(
            matches!(effects.as_slice(), [Effect::Failed(_)]),
            "{error:?}"
        );
        assert!(
            matches!(
                state.next_step(),
                Some(SignInNextStep::ConfirmSignInWithSmsMfaCode { .. })
            ),
            "{error:?}: {}",
            state.name()
        );
        let Step { effects, .. } = run(state, answer("123456"));
        assert_eq!(responses(&effects).0, "SMS_MFA", "{error:?}");
    }
    // A refused session ends the sign-in.
    let Step { state, .. } = run(at_sms_step(), answer("123456"));
    let Step { state, .. } = run(state, failed("NotAuthorizedException"));
    assert_eq!(state.name(), "Idle");
}
