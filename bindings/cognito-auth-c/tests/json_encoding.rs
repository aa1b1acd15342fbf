//! What `cognito_call` returns is the one JSON encoding (bindings/JSON.md): real results of a
//! sign-in with SMS MFA against the in-process emulator, decoded into the core's types and
//! encoded again, come out unchanged; an error is the core's report with the C code added.

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::mpsc::{channel, Sender};

use cognito_auth_c::{
    cognito_call, cognito_client_free, cognito_client_new_in_memory_for_tests, cognito_string_free,
    CognitoErrorCode, CognitoOperation,
};
use cognito_auth_core::{
    AuthDevice, AuthError, AuthSession, AuthUser, DeviceStatus, MfaPreferences, SignInResult,
};
use cognito_auth_e2e::{DeviceMode, Emu, PoolSpec, PASSWORD};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

unsafe extern "C" fn done(user_data: *mut c_void, code: i32, json: *mut c_char) {
    // SAFETY: user_data is the Sender boxed by `call`, used once; json is ours to free.
    let sender = unsafe { Box::from_raw(user_data as *mut Sender<(i32, Value)>) };
    let text = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
    unsafe { cognito_string_free(json) };
    let _ = sender.send((code, serde_json::from_str(&text).unwrap()));
}

/// One operation through the C ABI, waited for.
fn call(client: u64, operation: CognitoOperation, request: Value) -> (i32, Value) {
    let (tx, rx) = channel();
    let request = CString::new(request.to_string()).unwrap();
    let user_data = Box::into_raw(Box::new(tx)) as *mut c_void;
    // SAFETY: a valid request string, a callback and its user data as the contract says.
    let started = unsafe {
        cognito_call(
            client,
            operation as i32,
            request.as_ptr(),
            Some(done),
            user_data,
        )
    };
    assert_eq!(started, CognitoErrorCode::Ok);
    rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap()
}

/// `value` is the encoding of a `T`: decoding and encoding it again changes nothing.
fn assert_encoding<T: Serialize + DeserializeOwned>(value: &Value) {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} is not a {}: {e}", std::any::type_name::<T>()));
    assert_eq!(&serde_json::to_value(typed).unwrap(), value);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_c_abi_returns_the_one_encoding() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::UserOptIn,
            ..PoolSpec::default()
        })
        .await;
    emu.user(&pool, "carol", &[("phone_number", "+15555550142")])
        .await;
    let config = CString::new(
        json!({"endpoint": {"url": emu.endpoint}, "userPoolId": pool.pool_id,
               "clientId": pool.client_id})
        .to_string(),
    )
    .unwrap();
    let mut client = 0u64;
    // SAFETY: a valid configuration string and out-pointer.
    let created = unsafe {
        cognito_client_new_in_memory_for_tests(config.as_ptr(), &mut client, std::ptr::null_mut())
    };
    assert_eq!(created, CognitoErrorCode::Ok);

    let ask = |op, request| tokio::task::spawn_blocking(move || call(client, op, request));
    let (code, started) = ask(
        CognitoOperation::SignIn,
        json!({"username": "carol", "password": PASSWORD}),
    )
    .await
    .unwrap();
    assert_eq!(code, 0, "{started}");
    assert_encoding::<SignInResult>(&started);
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );

    let (code, wrong) = ask(
        CognitoOperation::ConfirmSignIn,
        json!({"challengeResponse": "000000"}),
    )
    .await
    .unwrap();
    let mut expected = serde_json::to_value(
        AuthError::service(
            "CodeMismatchException",
            wrong["serviceMessage"].as_str().unwrap(),
        )
        .report(),
    )
    .unwrap();
    expected["code"] = json!(105);
    assert_eq!((code, wrong), (105, expected));

    let sms = emu.last_code(&pool, "carol").await;
    let (code, signed_in) = ask(
        CognitoOperation::ConfirmSignIn,
        json!({ "challengeResponse": sms }),
    )
    .await
    .unwrap();
    assert_eq!(code, 0, "{signed_in}");
    assert_encoding::<SignInResult>(&signed_in);
    assert_eq!(signed_in["device"]["type"], "TRACKED");

    let (_, session) = ask(CognitoOperation::FetchAuthSession, json!({}))
        .await
        .unwrap();
    assert_encoding::<AuthSession>(&session);
    let (_, user) = ask(CognitoOperation::GetCurrentUser, json!({}))
        .await
        .unwrap();
    assert_encoding::<AuthUser>(&user);
    let (_, devices) = ask(CognitoOperation::FetchDevices, json!({}))
        .await
        .unwrap();
    assert_encoding::<Vec<AuthDevice>>(&devices);
    let (_, status) = ask(CognitoOperation::CurrentDeviceStatus, json!({}))
        .await
        .unwrap();
    assert_encoding::<DeviceStatus>(&status["status"]);
    let (_, mfa) = ask(CognitoOperation::FetchMfaPreference, json!({}))
        .await
        .unwrap();
    assert_encoding::<MfaPreferences>(&mfa);

    assert_eq!(cognito_client_free(client), CognitoErrorCode::Ok);
}
