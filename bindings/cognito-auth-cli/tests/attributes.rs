//! `attributes list | update | verify | delete | send-code`, one process per command against an
//! in-process emulator, `--json` outputs decoded into the library's types.

mod support;

use std::collections::HashMap;

use cognito_auth_core::{CodeDeliveryDetails, UserAttribute};
use serde::{Deserialize, Serialize};
use support::Env;

#[derive(Serialize, Deserialize)]
struct Attributes {
    attributes: Vec<UserAttribute>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sent {
    code_delivery_details_list: Vec<CodeDeliveryDetails>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    code_delivery_details: Option<CodeDeliveryDetails>,
}

/// `attributes list` as a map (and its output checked to be `[UserAttribute]`).
fn attributes(env: &Env) -> HashMap<String, String> {
    let listed = env.run(&["attributes", "list"], None).ok();
    support::assert_encoding::<Attributes>(&listed, &["attributes"]);
    let typed: Attributes = serde_json::from_value(serde_json::json!({
        "attributes": listed["attributes"].clone()
    }))
    .expect("attributes");
    typed
        .attributes
        .into_iter()
        .map(|a| (a.name, a.value))
        .collect()
}

#[test]
fn attributes_list_shows_the_users_attributes() {
    let env = Env::new();
    env.signed_in("olga", "+15555550140");
    let listed = attributes(&env);
    assert_eq!(listed["email"], "olga@example.com");
    assert_eq!(listed["phone_number"], "+15555550140");
    assert_eq!(listed["email_verified"], "true");
    assert!(listed.contains_key("sub"));
    let text = env.run_text(&["attributes", "list"], None);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text
        .stdout
        .lines()
        .any(|l| l.starts_with("email ") && l.ends_with("olga@example.com")));

    env.run(&["sign-out"], None).ok();
    env.run(&["attributes", "list"], None).fails(5);
}

#[test]
fn attributes_update_sets_values_and_a_changed_email_gets_a_code() {
    let env = Env::new();
    env.signed_in("pia", "+15555550141");
    let updated = env
        .run(
            &[
                "attributes",
                "update",
                "nickname=Pi=3.14",
                "email=pia.new@example.com",
            ],
            None,
        )
        .ok();
    assert_eq!(updated["updated"], serde_json::json!(["email", "nickname"]));
    support::assert_encoding::<Sent>(&updated, &["codeDeliveryDetailsList"]);
    let sent = updated["codeDeliveryDetailsList"].as_array().expect("list");
    assert_eq!(sent.len(), 1, "{updated}");
    assert_eq!(sent[0]["attributeName"], "email");
    assert_eq!(sent[0]["deliveryMedium"], "EMAIL");
    let listed = attributes(&env);
    assert_eq!(listed["nickname"], "Pi=3.14");
    assert_eq!(listed["email"], "pia.new@example.com");
    assert_eq!(listed["email_verified"], "false");

    let run = env.run(&["attributes", "update", "nickname"], None);
    assert!(run.fails(2).contains("NAME=VALUE"));
    let run = env.run(&["attributes", "update"], None);
    assert_eq!(run.code, 2);
}

#[test]
fn attributes_verify_takes_the_code_as_an_argument_or_from_stdin() {
    let env = Env::new();
    env.signed_in("quin", "+15555550142");
    env.run(
        &["attributes", "update", "email=quin.new@example.com"],
        None,
    )
    .ok();
    let code = env.code("quin", "VERIFY_ATTRIBUTE");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let run = env.run(&["attributes", "verify", "email", wrong], None);
    let message = run.fails(1);
    assert!(message.contains("The code is wrong"), "{message}");
    assert!(message.contains("attributes verify"), "{message}");

    let verified = env
        .run(
            &["attributes", "verify", "email", "-"],
            Some(&format!("{code}\n")),
        )
        .ok();
    assert_eq!(verified["attributeName"], "email");
    assert_eq!(verified["verified"], true);
    assert_eq!(attributes(&env)["email_verified"], "true");
}

#[test]
fn attributes_send_code_sends_a_verification_code() {
    let env = Env::new();
    env.signed_in("rex", "+15555550143");
    let sent = env
        .run(&["attributes", "send-code", "phone_number"], None)
        .ok();
    assert_eq!(sent["attributeName"], "phone_number");
    support::assert_encoding::<Delivery>(&sent, &["codeDeliveryDetails"]);
    assert_eq!(sent["codeDeliveryDetails"]["deliveryMedium"], "SMS");
    assert_eq!(sent["codeDeliveryDetails"]["attributeName"], "phone_number");
    let code = env.code("rex", "VERIFY_ATTRIBUTE");
    env.run(&["attributes", "verify", "phone_number", &code], None)
        .ok();
    assert_eq!(attributes(&env)["phone_number_verified"], "true");
}

#[test]
fn attributes_delete_removes_attributes() {
    let env = Env::new();
    env.signed_in("sam", "+15555550144");
    env.run(
        &["attributes", "update", "nickname=Sammy", "given_name=Sam"],
        None,
    )
    .ok();
    let deleted = env
        .run(&["attributes", "delete", "nickname", "given_name"], None)
        .ok();
    assert_eq!(
        deleted["deleted"],
        serde_json::json!(["nickname", "given_name"])
    );
    let listed = attributes(&env);
    assert!(!listed.contains_key("nickname"), "{listed:?}");
    assert!(!listed.contains_key("given_name"), "{listed:?}");
    assert_eq!(listed["email"], "sam@example.com");

    // `sub` cannot be deleted: Cognito's refusal, nothing deleted.
    let run = env.run(&["attributes", "delete", "sub"], None);
    run.fails(1);
    assert_eq!(
        run.json()["error"]["exceptionName"],
        "InvalidParameterException"
    );
    let run = env.run(&["attributes", "delete"], None);
    assert_eq!(run.code, 2);
    assert_eq!(attributes(&env)["email"], "sam@example.com");
}
