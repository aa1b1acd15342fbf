//! The device limit at every sign-in: a function a Cognito **post authentication** Lambda
//! trigger calls with its event (no Lambda runtime needed here; see
//! `examples/post_authentication.rs`).

use serde::Deserialize;
use serde_json::Value;

use crate::{AdminClient, AdminError, DeviceLimitReport};

/// The trigger source of a post authentication event.
pub const POST_AUTHENTICATION: &str = "PostAuthentication_Authentication";

/// The fields of a post authentication event the hook reads (Cognito sends more).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostAuthenticationEvent {
    /// `PostAuthentication_Authentication`.
    pub trigger_source: String,
    /// The user pool the user signed in to.
    pub user_pool_id: String,
    /// The user who signed in.
    pub user_name: String,
}

impl PostAuthenticationEvent {
    /// Reads the event; anything but a post authentication event with a pool and a user is
    /// [`AdminError::InvalidInput`].
    pub fn parse(event: &Value) -> Result<PostAuthenticationEvent, AdminError> {
        let parsed: PostAuthenticationEvent =
            serde_json::from_value(event.clone()).map_err(|e| {
                AdminError::invalid_input(format!("Not a post authentication event: {e}."))
            })?;
        if parsed.trigger_source != POST_AUTHENTICATION {
            return Err(AdminError::invalid_input(format!(
                "Not a post authentication event: triggerSource is {:?}.",
                parsed.trigger_source
            )));
        }
        if parsed.user_pool_id.is_empty() || parsed.user_name.is_empty() {
            return Err(AdminError::invalid_input(
                "Not a post authentication event: userPoolId or userName is empty.",
            ));
        }
        Ok(parsed)
    }
}

/// Enforces the remembered-device limit for the user of a post authentication `event`: keeps
/// their `keep` most recently used remembered devices and forgets the others, in the event's
/// user pool (whatever pool `admin` was made for). Returns the report; the Lambda returns the
/// event itself to Cognito.
///
/// Cognito runs the trigger after the user is authenticated and before the tokens are issued,
/// so a device remembered at the end of *this* sign-in is counted at the next one: the limit
/// holds at every sign-in, with at most one device over it in between. An error returned by the
/// Lambda makes Cognito fail the sign-in; the example logs the error and lets the user in.
pub async fn enforce_device_limit_on_sign_in(
    admin: &AdminClient,
    event: &Value,
    keep: u32,
) -> Result<DeviceLimitReport, AdminError> {
    let event = PostAuthenticationEvent::parse(event)?;
    admin
        .for_pool(event.user_pool_id)
        .enforce_device_limit(&event.user_name, keep, true)
        .await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_post_authentication_event() {
        let event = json!({
            "version": "1", "region": "us-east-1", "userPoolId": "us-east-1_AbC123xyz",
            "userName": "alice", "triggerSource": "PostAuthentication_Authentication",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "abc"},
            "request": {"userAttributes": {"sub": "x"}, "newDeviceUsed": true}, "response": {},
        });
        let parsed = PostAuthenticationEvent::parse(&event).unwrap();
        assert_eq!(parsed.user_pool_id, "us-east-1_AbC123xyz");
        assert_eq!(parsed.user_name, "alice");
    }

    #[test]
    fn refuses_other_events() {
        let pre = json!({"userPoolId": "p_1", "userName": "a", "triggerSource": "PreAuthentication_Authentication"});
        let missing = json!({"triggerSource": POST_AUTHENTICATION, "userName": "a"});
        for event in [pre, missing, json!([]), json!(null)] {
            assert!(
                matches!(
                    PostAuthenticationEvent::parse(&event),
                    Err(AdminError::InvalidInput { .. })
                ),
                "{event}"
            );
        }
    }
}
