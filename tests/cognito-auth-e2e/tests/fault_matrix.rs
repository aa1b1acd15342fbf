//! The fault matrix (issue 16): every Cognito call of every flow — each call of sign-in with SMS
//! MFA, tracking a new device (`ConfirmDevice`), each call of a device sign-in (device SRP), TOTP
//! set-up inside sign-in, remember, forget, refresh, sign-out and global sign-out — failed at
//! that call with each kind of failure: connection refused, no answer in time, throttling, a
//! server error, a malformed body and a truncated body (the last two as a broken proxy delivers
//! them; a truncated answer and a late one come after Cognito applied the call).
//!
//! After each failure: no device secret is lost, the stored state reads back consistently, and
//! the operation done again succeeds (the flow's own proof afterwards: a remembered device signs
//! in without MFA, a set-up TOTP is asked for, ...). Each scenario runs on its own emulator.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_auth_core::api::http::HttpCognitoApi;
use cognito_auth_core::api::{ApiFuture, CognitoApi};
use cognito_auth_core::{
    AuthClient, AuthConfig, AuthError, ConfirmSignInOptions, DeviceOutcome, DeviceStatus, Endpoint,
    InMemoryStore, SecretStore, SignInNextStep, SignInOptions, SignInResult,
};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const USER: &str = "fay";
/// The client gives up after this long; a late answer comes after `LATE`.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
const LATE: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    ConnectionRefused,
    Timeout,
    Throttled,
    ServerError,
    MalformedBody,
    TruncatedBody,
}

const FAILURES: [Failure; 6] = [
    Failure::ConnectionRefused,
    Failure::Timeout,
    Failure::Throttled,
    Failure::ServerError,
    Failure::MalformedBody,
    Failure::TruncatedBody,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    SmsSignIn,
    TrackNewDevice,
    DeviceSignIn,
    TotpSetupInSignIn,
    Remember,
    Forget,
    Refresh,
    SignOut,
    GlobalSignOut,
}

/// A call of a flow: the `skip`-th (from 0) call of `operation` during the flow.
#[derive(Debug, Clone, Copy)]
struct Call {
    flow: Flow,
    operation: &'static str,
    skip: u32,
}

const CALLS: [Call; 15] = [
    Call {
        flow: Flow::SmsSignIn,
        operation: "InitiateAuth",
        skip: 0,
    },
    Call {
        flow: Flow::SmsSignIn,
        operation: "RespondToAuthChallenge",
        skip: 0,
    }, // PASSWORD_VERIFIER
    Call {
        flow: Flow::SmsSignIn,
        operation: "RespondToAuthChallenge",
        skip: 1,
    }, // SMS_MFA
    Call {
        flow: Flow::TrackNewDevice,
        operation: "ConfirmDevice",
        skip: 0,
    },
    Call {
        flow: Flow::DeviceSignIn,
        operation: "InitiateAuth",
        skip: 0,
    },
    Call {
        flow: Flow::DeviceSignIn,
        operation: "RespondToAuthChallenge",
        skip: 0,
    }, // PASSWORD_VERIFIER
    Call {
        flow: Flow::DeviceSignIn,
        operation: "RespondToAuthChallenge",
        skip: 1,
    }, // DEVICE_SRP_AUTH
    Call {
        flow: Flow::DeviceSignIn,
        operation: "RespondToAuthChallenge",
        skip: 2,
    }, // DEVICE_PASSWORD_VERIFIER
    Call {
        flow: Flow::TotpSetupInSignIn,
        operation: "AssociateSoftwareToken",
        skip: 0,
    },
    Call {
        flow: Flow::TotpSetupInSignIn,
        operation: "VerifySoftwareToken",
        skip: 0,
    },
    Call {
        flow: Flow::Remember,
        operation: "UpdateDeviceStatus",
        skip: 0,
    },
    Call {
        flow: Flow::Forget,
        operation: "ForgetDevice",
        skip: 0,
    },
    Call {
        flow: Flow::Refresh,
        operation: "GetTokensFromRefreshToken",
        skip: 0,
    },
    Call {
        flow: Flow::SignOut,
        operation: "RevokeToken",
        skip: 0,
    },
    Call {
        flow: Flow::GlobalSignOut,
        operation: "GlobalSignOut",
        skip: 0,
    },
];

/// Sends calls to the emulator, except the planned one, which goes to a closed port.
struct RefusingApi {
    real: HttpCognitoApi,
    dead: HttpCognitoApi,
    plan: Mutex<Option<(&'static str, u32)>>,
}

impl CognitoApi for RefusingApi {
    fn call(&self, operation: &'static str, body: Value) -> ApiFuture<'_> {
        let refuse = {
            let mut plan = self.plan.lock().unwrap();
            match plan.as_mut() {
                Some((op, skip)) if *op == operation && *skip == 0 => {
                    *plan = None;
                    true
                }
                Some((op, skip)) if *op == operation => {
                    *skip -= 1;
                    false
                }
                _ => false,
            }
        };
        if refuse {
            self.dead.call(operation, body)
        } else {
            self.real.call(operation, body)
        }
    }
}

fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// One scenario: its emulator, pool, store and client.
struct Scenario {
    emu: Emu,
    pool: Pool,
    store: Arc<InMemoryStore>,
    api: Arc<RefusingApi>,
    client: AuthClient,
    /// The TOTP secret once set up.
    totp_secret: Option<String>,
}

impl Scenario {
    async fn new(flow: Flow) -> Scenario {
        let emu = Emu::start().await;
        let spec = match flow {
            Flow::TrackNewDevice | Flow::DeviceSignIn | Flow::Forget => PoolSpec {
                mfa: "ON",
                devices: DeviceMode::Always,
                ..Default::default()
            },
            Flow::Remember => PoolSpec {
                mfa: "ON",
                devices: DeviceMode::UserOptIn,
                ..Default::default()
            },
            Flow::TotpSetupInSignIn => PoolSpec {
                mfa: "ON",
                sms: false,
                totp: true,
                ..Default::default()
            },
            _ => PoolSpec {
                mfa: "ON",
                ..Default::default()
            },
        };
        let pool = emu.pool(spec).await;
        let phone: &[(&str, &str)] = if flow == Flow::TotpSetupInSignIn {
            &[]
        } else {
            &[("phone_number", "+15555550188")]
        };
        emu.user(&pool, USER, phone).await;
        let store = Arc::new(InMemoryStore::new());
        let http = |url: &str| {
            HttpCognitoApi::with_endpoint(url)
                .expect("endpoint")
                .with_timeout(CLIENT_TIMEOUT)
        };
        let api = Arc::new(RefusingApi {
            real: http(&emu.endpoint),
            dead: http(&closed_port()),
            plan: Mutex::new(None),
        });
        let mut config = AuthConfig::new(
            Endpoint::Url(emu.endpoint.clone()),
            &pool.pool_id,
            &pool.client_id,
        );
        config.device_name = Some("fault matrix".into());
        let client = AuthClient::with_api(config, api.clone(), store.clone(), emu.clock.clone());
        Scenario {
            emu,
            pool,
            store,
            api,
            client,
            totp_secret: None,
        }
    }

    async fn arm(&self, call: Call, failure: Failure) {
        let base = json!({ "operation": call.operation, "skip": call.skip, "count": 1 });
        let with = |extra: Value| {
            let mut body = base.clone();
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        match failure {
            Failure::ConnectionRefused => {
                *self.api.plan.lock().unwrap() = Some((call.operation, call.skip));
            }
            Failure::Timeout => {
                let late = LATE.as_millis() as u64;
                self.emu.fault_with(with(json!({ "delayMs": late }))).await
            }
            Failure::Throttled => {
                self.emu
                    .fault_with(with(json!({ "error": "TooManyRequestsException" })))
                    .await
            }
            Failure::ServerError => {
                self.emu
                    .fault_with(with(json!({ "error": "InternalErrorException" })))
                    .await
            }
            Failure::MalformedBody => {
                self.emu
                    .fault_with(with(json!({ "response": "malformed" })))
                    .await
            }
            Failure::TruncatedBody => {
                self.emu
                    .fault_with(with(json!({ "response": "truncated" })))
                    .await
            }
        }
    }

    async fn disarm(&self, failure: Failure) {
        *self.api.plan.lock().unwrap() = None;
        if failure == Failure::Timeout {
            // The late call is still running at the emulator: let it finish (it is applied).
            tokio::time::sleep(LATE - CLIENT_TIMEOUT + Duration::from_secs(1)).await;
        }
        self.emu.clear_faults().await;
    }

    fn device_record(&self) -> Option<Value> {
        let key = self
            .store
            .keys()
            .into_iter()
            .find(|k| k.ends_with("/device"))?;
        let text = self.store.get(&key).unwrap()?;
        Some(serde_json::from_str(&text).expect("the device record reads back"))
    }

    /// Every record reads back: the session is signed in or out, never unreadable.
    async fn assert_consistent(&self, label: &str) {
        for key in self.store.keys() {
            let value = self.store.get(&key).unwrap().unwrap();
            if key.ends_with("/tokens")
                || key.ends_with("/device")
                || key.ends_with("pending-sign-in")
            {
                serde_json::from_str::<Value>(&value)
                    .unwrap_or_else(|e| panic!("{label}: {key} does not read back: {e}"));
            }
        }
        let current = self
            .store
            .keys()
            .into_iter()
            .any(|k| k.ends_with("current-user"));
        let tokens = self
            .store
            .keys()
            .into_iter()
            .any(|k| k.ends_with("/tokens"));
        assert_eq!(
            current, tokens,
            "{label}: current user and tokens go together"
        );
        match self.client.current_device_status() {
            Ok(_) => {}
            Err(e) => panic!("{label}: the device status cannot be read: {e:?}"),
        }
    }

    /// Signs in answering SMS or TOTP codes from the outbox / the known secret, setting up TOTP
    /// when asked; retries once from the start if the session was used up.
    async fn sign_in(&mut self) -> Result<SignInResult, AuthError> {
        let mut result = self
            .client
            .sign_in(USER, Some(PASSWORD), SignInOptions::default())
            .await?;
        for _ in 0..4 {
            if result.is_signed_in {
                return Ok(result);
            }
            result = match &result.next_step {
                SignInNextStep::ConfirmSignInWithSmsMfaCode { .. } => {
                    let code = self.emu.last_code(&self.pool, USER).await;
                    self.confirm(&code).await?
                }
                SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } => {
                    self.totp_secret = Some(totp_setup_details.shared_secret.clone());
                    let code = self.emu.totp(&totp_setup_details.shared_secret).await;
                    self.confirm(&code).await?
                }
                SignInNextStep::ConfirmSignInWithTotpCode => {
                    let secret = self.totp_secret.clone().expect("a TOTP secret was set up");
                    // The set-up may have used this step's code: the next one.
                    self.emu.advance(30).await;
                    let code = self.emu.totp(&secret).await;
                    self.confirm(&code).await?
                }
                other => panic!("unexpected step {other:?}"),
            };
        }
        panic!("the sign-in did not end: {result:?}");
    }

    async fn confirm(&self, code: &str) -> Result<SignInResult, AuthError> {
        self.client
            .confirm_sign_in(code, ConfirmSignInOptions::default())
            .await
    }

    /// The operation again after a failure, as an app would: the same answer if the step is
    /// still waiting, else from the start.
    async fn sign_in_again(&mut self) -> SignInResult {
        if let Some(step) = self.client.pending_sign_in_step().await.unwrap() {
            let retried = match step {
                SignInNextStep::ConfirmSignInWithSmsMfaCode { .. } => {
                    let code = self.emu.last_code(&self.pool, USER).await;
                    Some(self.confirm(&code).await)
                }
                SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } => {
                    self.totp_secret = Some(totp_setup_details.shared_secret.clone());
                    let code = self.emu.totp(&totp_setup_details.shared_secret).await;
                    Some(self.confirm(&code).await)
                }
                _ => None,
            };
            match retried {
                Some(Ok(result)) if result.is_signed_in => return result,
                _ => self.client.cancel_sign_in().await,
            }
        }
        self.sign_in()
            .await
            .expect("the sign-in succeeds when done again")
    }

    /// Signs in and out once so that the store holds a device of `status`.
    async fn with_device(&mut self, remember: bool) -> String {
        let result = self.sign_in().await.expect("setup sign-in");
        let Some(DeviceOutcome::Tracked { device_key, .. }) = result.device else {
            panic!("setup: no device tracked: {result:?}");
        };
        if remember {
            assert_eq!(
                self.client.current_device_status().unwrap(),
                DeviceStatus::Remembered
            );
        }
        device_key
    }

    async fn sms_sent(&self) -> usize {
        self.emu.message_count(&self.pool, USER).await
    }

    async fn listed_devices(&self) -> Vec<String> {
        let listed = self
            .emu
            .ok(
                "AdminListDevices",
                json!({ "UserPoolId": self.pool.pool_id, "Username": USER }),
            )
            .await;
        listed["Devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["DeviceKey"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Runs one scenario; returns a description of what broke, if anything.
async fn scenario(call: Call, failure: Failure) {
    let label = format!(
        "{:?} / {} #{} / {failure:?}",
        call.flow, call.operation, call.skip
    );
    let mut s = Scenario::new(call.flow).await;
    match call.flow {
        Flow::SmsSignIn => {
            s.arm(call, failure).await;
            let failed = s.sign_in().await;
            s.disarm(failure).await;
            assert!(
                failed.is_err(),
                "{label}: the failure was not reported: {failed:?}"
            );
            s.assert_consistent(&label).await;
            let done = s.sign_in_again().await;
            assert!(done.is_signed_in, "{label}");
            assert!(
                s.client
                    .fetch_auth_session(false)
                    .await
                    .unwrap()
                    .is_signed_in
            );
        }
        Flow::TrackNewDevice => {
            s.arm(call, failure).await;
            let result = s.sign_in().await.expect("signed in despite ConfirmDevice");
            s.disarm(failure).await;
            assert!(
                matches!(result.device, Some(DeviceOutcome::NotTracked { .. })),
                "{label}: {result:?}"
            );
            s.assert_consistent(&label).await;
            // Done again: the next sign-in tracks the device (settling one left pending).
            s.client.sign_out(false).await.unwrap();
            let again = s.sign_in_again().await;
            let Some(DeviceOutcome::Tracked { device_key, .. }) = &again.device else {
                panic!("{label}: not tracked when done again: {again:?}");
            };
            assert_eq!(
                s.listed_devices().await,
                std::slice::from_ref(device_key),
                "{label}: one device, this one"
            );
            // Its secret works: no SMS at the next sign-in.
            s.client.sign_out(false).await.unwrap();
            let sent = s.sms_sent().await;
            s.sign_in().await.unwrap();
            assert_eq!(s.sms_sent().await, sent, "{label}: the device replaced MFA");
        }
        Flow::DeviceSignIn => {
            let device_key = s.with_device(true).await;
            let before = s.device_record();
            s.client.sign_out(false).await.unwrap();
            s.arm(call, failure).await;
            let failed = s.sign_in().await;
            s.disarm(failure).await;
            assert!(
                failed.is_err(),
                "{label}: the failure was not reported: {failed:?}"
            );
            assert_eq!(
                s.device_record(),
                before,
                "{label}: the device record changed"
            );
            s.assert_consistent(&label).await;
            let sent = s.sms_sent().await;
            let done = s.sign_in_again().await;
            assert!(done.is_signed_in, "{label}");
            assert_eq!(
                s.sms_sent().await,
                sent,
                "{label}: the device still replaces MFA"
            );
            assert_eq!(s.listed_devices().await, [device_key], "{label}");
        }
        Flow::TotpSetupInSignIn => {
            s.arm(call, failure).await;
            let failed = s.sign_in().await;
            s.disarm(failure).await;
            assert!(
                failed.is_err(),
                "{label}: the failure was not reported: {failed:?}"
            );
            s.assert_consistent(&label).await;
            let done = s.sign_in_again().await;
            assert!(done.is_signed_in, "{label}");
            // TOTP is set up: the next sign-in asks for a TOTP code.
            s.client.sign_out(false).await.unwrap();
            let next = s
                .client
                .sign_in(USER, Some(PASSWORD), SignInOptions::default())
                .await
                .unwrap();
            assert_eq!(
                next.next_step,
                SignInNextStep::ConfirmSignInWithTotpCode,
                "{label}"
            );
        }
        Flow::Remember => {
            s.with_device(false).await;
            let before = s.device_record();
            s.arm(call, failure).await;
            let failed = s.client.remember_device().await;
            s.disarm(failure).await;
            assert!(failed.is_err(), "{label}: the failure was not reported");
            assert_eq!(
                s.device_record().map(|d| d["device_secret"].clone()),
                before.map(|d| d["device_secret"].clone()),
                "{label}: the device secret changed"
            );
            s.assert_consistent(&label).await;
            s.client
                .remember_device()
                .await
                .expect("remembered when done again");
            assert_eq!(
                s.client.current_device_status().unwrap(),
                DeviceStatus::Remembered
            );
            s.client.sign_out(false).await.unwrap();
            let sent = s.sms_sent().await;
            s.sign_in().await.unwrap();
            assert_eq!(
                s.sms_sent().await,
                sent,
                "{label}: the remembered device replaced MFA"
            );
        }
        Flow::Forget => {
            s.with_device(true).await;
            let before = s.device_record();
            s.arm(call, failure).await;
            let failed = s.client.forget_device(None).await;
            s.disarm(failure).await;
            assert!(failed.is_err(), "{label}: the failure was not reported");
            assert_eq!(
                s.device_record(),
                before,
                "{label}: the device record changed"
            );
            s.assert_consistent(&label).await;
            s.client
                .forget_device(None)
                .await
                .expect("forgotten when done again");
            assert_eq!(
                s.client.current_device_status().unwrap(),
                DeviceStatus::Forgotten
            );
            assert!(s.listed_devices().await.is_empty(), "{label}");
        }
        Flow::Refresh => {
            s.sign_in().await.unwrap();
            let before = s.client.fetch_auth_session(false).await.unwrap();
            s.arm(call, failure).await;
            let failed = s.client.fetch_auth_session(true).await;
            s.disarm(failure).await;
            assert!(failed.is_err(), "{label}: the failure was not reported");
            assert!(
                failed.as_ref().unwrap_err().is_retryable()
                    || matches!(failed, Err(AuthError::InvalidResponse { .. })),
                "{label}: {failed:?}"
            );
            s.assert_consistent(&label).await;
            let after = s.client.fetch_auth_session(false).await.unwrap();
            assert!(after.is_signed_in, "{label}: still signed in");
            assert_eq!(after.username, before.username);
            let refreshed = s.client.fetch_auth_session(true).await.expect("refreshed");
            assert!(refreshed.is_signed_in);
        }
        Flow::SignOut | Flow::GlobalSignOut => {
            s.sign_in().await.unwrap();
            s.arm(call, failure).await;
            let global = call.flow == Flow::GlobalSignOut;
            let result = s.client.sign_out(global).await.expect("signed out here");
            s.disarm(failure).await;
            let reported = if global {
                &result.global_sign_out_error
            } else {
                &result.revoke_token_error
            };
            assert!(reported.is_some(), "{label}: {result:?}");
            s.assert_consistent(&label).await;
            assert!(
                !s.client
                    .fetch_auth_session(false)
                    .await
                    .unwrap()
                    .is_signed_in
            );
            // Signing in and out again works.
            s.sign_in().await.unwrap();
            assert!(
                s.client.sign_out(global).await.unwrap().is_complete(),
                "{label}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_call_of_every_flow_survives_every_kind_of_failure() {
    let limit = Arc::new(Semaphore::new(6));
    let mut runs = Vec::new();
    for call in CALLS {
        for failure in FAILURES {
            let limit = limit.clone();
            runs.push(tokio::spawn(async move {
                let _slot = limit.acquire().await.unwrap();
                scenario(call, failure).await;
            }));
        }
    }
    let total = runs.len();
    let mut failed = Vec::new();
    for run in runs {
        if let Err(error) = run.await {
            failed.push(error.to_string());
        }
    }
    println!(
        "fault matrix: {total} scenarios ({} calls x {} failures), {} held",
        CALLS.len(),
        FAILURES.len(),
        total - failed.len()
    );
    assert!(total >= 60);
    assert!(
        failed.is_empty(),
        "{} scenarios failed: {failed:#?}",
        failed.len()
    );
}
