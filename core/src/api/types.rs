//! Requests and responses of the Cognito user-pool operations the core uses, in Cognito's JSON
//! shape (PascalCase fields). Only the fields the core reads or sends are declared; unknown
//! response fields are ignored. The fields are Cognito's, documented in its API reference.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Name/value pairs: `AuthParameters`, `ChallengeResponses`, `ChallengeParameters`.
pub type Params = BTreeMap<String, String>;

/// `InitiateAuth`.
#[derive(Serialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    pub auth_flow: String,
    pub client_id: String,
    pub auth_parameters: Params,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub client_metadata: Params,
    /// `USER_AUTH` right after sign-up: the session `ConfirmSignUp` returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// `RespondToAuthChallenge`.
#[derive(Serialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    pub client_id: String,
    pub challenge_name: String,
    pub challenge_responses: Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub client_metadata: Params,
}

/// The answer of `InitiateAuth` and `RespondToAuthChallenge`: another challenge, or tokens.
#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AuthChallengeResponse {
    pub challenge_name: Option<String>,
    #[serde(default)]
    pub challenge_parameters: Params,
    pub session: Option<String>,
    pub authentication_result: Option<AuthenticationResult>,
    #[serde(default)]
    pub available_challenges: Vec<String>,
}

/// Tokens issued by a successful sign-in or refresh.
#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: i64,
    pub token_type: Option<String>,
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

/// The key and group of a device Cognito has just started to track.
#[derive(Deserialize, Serialize, Clone, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadata {
    pub device_key: String,
    pub device_group_key: String,
}

/// `AssociateSoftwareToken` (with an access token, or with a sign-in session).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    pub secret_code: String,
    pub session: Option<String>,
}

/// `VerifySoftwareToken`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub user_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friendly_device_name: Option<String>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    pub status: Option<String>,
    pub session: Option<String>,
}

/// A user attribute.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    pub name: String,
    #[serde(default)]
    pub value: String,
}

/// Where Cognito sent a code.
#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetailsType {
    pub destination: Option<String>,
    pub delivery_medium: Option<String>,
    pub attribute_name: Option<String>,
}

/// `SignUp`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
    pub username: String,
    pub password: String,
    pub user_attributes: Vec<AttributeType>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub client_metadata: Params,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpResponse {
    #[serde(default)]
    pub user_confirmed: bool,
    pub user_sub: Option<String>,
    pub code_delivery_details: Option<CodeDeliveryDetailsType>,
    /// For `ConfirmSignUp`, to sign in right after it.
    pub session: Option<String>,
}

/// `ConfirmSignUp`'s answer.
#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpResponse {
    /// For `InitiateAuth` with `USER_AUTH`, to sign in without the password.
    pub session: Option<String>,
}

/// `DeleteUserAttributes`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserAttributesRequest {
    pub access_token: String,
    pub user_attribute_names: Vec<String>,
}

/// `ConfirmSignUp`, `ForgotPassword`, `ConfirmForgotPassword` and `ResendConfirmationCode`
/// share these fields.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameCodeRequest {
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub client_metadata: Params,
    /// `ConfirmSignUp`: the session `SignUp` returned, to sign in right after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// Responses that carry only `CodeDeliveryDetails`.
#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryResponse {
    pub code_delivery_details: Option<CodeDeliveryDetailsType>,
}

/// Any response whose body the core ignores.
#[derive(Deserialize, Clone, Default, PartialEq)]
pub struct Empty {}

/// Requests that carry only an access token (`GetUser`, `GlobalSignOut`, `DeleteUser`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    pub access_token: String,
}

/// `GetUser`.
#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserResponse {
    pub username: String,
    #[serde(default)]
    pub user_attributes: Vec<AttributeType>,
    pub preferred_mfa_setting: Option<String>,
    #[serde(default, rename = "UserMFASettingList")]
    pub user_mfa_setting_list: Vec<String>,
}

/// `ChangePassword`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordRequest {
    pub access_token: String,
    pub previous_password: String,
    pub proposed_password: String,
}

/// `UpdateUserAttributes`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserAttributesRequest {
    pub access_token: String,
    pub user_attributes: Vec<AttributeType>,
}

#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserAttributesResponse {
    #[serde(default)]
    pub code_delivery_details_list: Vec<CodeDeliveryDetailsType>,
}

/// `GetUserAttributeVerificationCode` and `VerifyUserAttribute`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserAttributeCodeRequest {
    pub access_token: String,
    pub attribute_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// One factor's setting in `SetUserMFAPreference`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettings {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_mfa: Option<bool>,
}

/// `SetUserMFAPreference`.
#[derive(Serialize)]
pub struct SetUserMfaPreferenceRequest {
    #[serde(rename = "AccessToken")]
    pub access_token: String,
    #[serde(rename = "SMSMfaSettings", skip_serializing_if = "Option::is_none")]
    pub sms: Option<MfaSettings>,
    #[serde(
        rename = "SoftwareTokenMfaSettings",
        skip_serializing_if = "Option::is_none"
    )]
    pub totp: Option<MfaSettings>,
    #[serde(rename = "EmailMfaSettings", skip_serializing_if = "Option::is_none")]
    pub email: Option<MfaSettings>,
}

/// `GetTokensFromRefreshToken`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    pub refresh_token: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TokensResponse {
    pub authentication_result: AuthenticationResult,
}

/// `RevokeToken`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    pub token: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// `DeviceSecretVerifierConfig` of `ConfirmDevice`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceSecretVerifierConfig {
    pub password_verifier: String,
    pub salt: String,
}

/// `ConfirmDevice`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceRequest {
    pub access_token: String,
    pub device_key: String,
    pub device_secret_verifier_config: DeviceSecretVerifierConfig,
    pub device_name: String,
}

#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceResponse {
    #[serde(default)]
    pub user_confirmation_necessary: bool,
}

/// `UpdateDeviceStatus`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDeviceStatusRequest {
    pub access_token: String,
    pub device_key: String,
    pub device_remembered_status: String,
}

/// `ForgetDevice` and `GetDevice`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceKeyRequest {
    pub access_token: String,
    pub device_key: String,
}

/// `ListDevices`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesRequest {
    pub access_token: String,
    pub limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
}

#[derive(Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesResponse {
    #[serde(default)]
    pub devices: Vec<DeviceType>,
    pub pagination_token: Option<String>,
}

/// A device as `ListDevices` / `GetDevice` describe it.
#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceType {
    pub device_key: String,
    #[serde(default)]
    pub device_attributes: Vec<AttributeType>,
    pub device_create_date: Option<f64>,
    pub device_last_modified_date: Option<f64>,
    pub device_last_authenticated_date: Option<f64>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GetDeviceResponse {
    pub device: DeviceType,
}
