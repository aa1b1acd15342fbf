//! The remembered-device limit: keep a user's `N` most recently used remembered devices and
//! forget the others.

use std::cmp::Ordering;

use cognito_auth_core::CognitoException;
use serde::{Deserialize, Serialize};

use crate::{AdminClient, AdminDevice, AdminError};

/// What [`AdminClient::enforce_device_limit`] did, or (dry run) would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceLimitReport {
    /// The user, as given.
    pub username: String,
    /// How many remembered devices the user may keep.
    pub keep: u32,
    /// Whether the devices in `forget` were forgotten (`false`: a dry run, nothing changed).
    pub applied: bool,
    /// The remembered devices kept, most recently used first.
    pub kept: Vec<AdminDevice>,
    /// The remembered devices beyond the limit, most recently used first: forgotten when
    /// `applied`, else what would be forgotten.
    pub forget: Vec<AdminDevice>,
}

/// Which remembered devices stay and which go.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceLimitPlan {
    /// The `keep` most recently used remembered devices, most recent first.
    pub kept: Vec<AdminDevice>,
    /// The other remembered devices, most recent first.
    pub forget: Vec<AdminDevice>,
}

/// Splits the **remembered** devices into the `keep` most recently used and the rest. Devices
/// that are not remembered are left out of both (they do not skip MFA, so they do not count).
///
/// Order: last authenticated time, newest first (a device never authenticated counts as
/// oldest); then creation time, newest first; then the device key, so that the split is the
/// same on every run whatever order Cognito lists the devices in.
pub fn plan_device_limit(devices: &[AdminDevice], keep: usize) -> DeviceLimitPlan {
    let mut remembered: Vec<AdminDevice> = devices
        .iter()
        .filter(|d| d.is_remembered())
        .cloned()
        .collect();
    remembered.sort_by(most_recent_first);
    let forget = remembered.split_off(keep.min(remembered.len()));
    DeviceLimitPlan {
        kept: remembered,
        forget,
    }
}

fn newest_first(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn most_recent_first(a: &AdminDevice, b: &AdminDevice) -> Ordering {
    newest_first(a.last_authenticated_at, b.last_authenticated_at)
        .then_with(|| newest_first(a.created_at, b.created_at))
        .then_with(|| a.id.cmp(&b.id))
}

impl AdminClient {
    /// Keeps `username`'s `keep` most recently used remembered devices (see
    /// [`plan_device_limit`]) and, with `apply`, forgets the others with `AdminForgetDevice`;
    /// without `apply` nothing is changed and the report says what would be forgotten.
    ///
    /// A device that is already gone when it is forgotten (a concurrent run forgot it first)
    /// counts as forgotten. If another call fails, the error is returned and the devices
    /// forgotten before it stay forgotten: running again finishes the job.
    pub async fn enforce_device_limit(
        &self,
        username: &str,
        keep: u32,
        apply: bool,
    ) -> Result<DeviceLimitReport, AdminError> {
        let devices = self.list_devices(username).await?;
        let plan = plan_device_limit(&devices, keep as usize);
        if apply {
            for device in &plan.forget {
                match self.forget_device(username, &device.id).await {
                    Ok(()) => {}
                    Err(e) if e.exception() == Some(CognitoException::ResourceNotFound) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(DeviceLimitReport {
            username: username.to_owned(),
            keep,
            applied: apply,
            kept: plan.kept,
            forget: plan.forget,
        })
    }
}

#[cfg(test)]
mod tests {
    use cognito_auth_core::DeviceStatus;

    use super::*;

    fn device(id: &str, remembered: bool, last: Option<f64>, created: f64) -> AdminDevice {
        AdminDevice {
            id: id.into(),
            name: None,
            status: if remembered {
                DeviceStatus::Remembered
            } else {
                DeviceStatus::NotRemembered
            },
            created_at: Some(created),
            last_authenticated_at: last,
            last_modified_at: None,
            last_ip_used: None,
        }
    }

    fn ids(devices: &[AdminDevice]) -> Vec<&str> {
        devices.iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn keeps_the_most_recently_authenticated_remembered_devices() {
        let devices = [
            device("a", true, Some(100.0), 1.0),
            device("b", true, Some(400.0), 2.0),
            device("c", false, Some(900.0), 3.0),
            device("d", true, Some(300.0), 4.0),
            device("e", true, None, 5.0),
        ];
        let plan = plan_device_limit(&devices, 2);
        assert_eq!(ids(&plan.kept), ["b", "d"]);
        assert_eq!(ids(&plan.forget), ["a", "e"]);
    }

    #[test]
    fn ties_are_broken_by_creation_then_key_whatever_the_input_order() {
        let mut devices = vec![
            device("k2", true, Some(50.0), 10.0),
            device("k1", true, Some(50.0), 10.0),
            device("k3", true, Some(50.0), 20.0),
        ];
        let first = plan_device_limit(&devices, 2);
        devices.reverse();
        let second = plan_device_limit(&devices, 2);
        assert_eq!(first, second);
        assert_eq!(ids(&first.kept), ["k3", "k1"]);
        assert_eq!(ids(&first.forget), ["k2"]);
    }

    #[test]
    fn a_limit_at_or_above_the_count_forgets_nothing_and_zero_forgets_all() {
        let devices = [
            device("a", true, Some(1.0), 1.0),
            device("b", true, Some(2.0), 2.0),
        ];
        assert!(plan_device_limit(&devices, 2).forget.is_empty());
        assert!(plan_device_limit(&devices, 9).forget.is_empty());
        let none = plan_device_limit(&devices, 0);
        assert!(none.kept.is_empty());
        assert_eq!(ids(&none.forget), ["b", "a"]);
    }
}
