//! [`AdminClient`]: the official AWS SDK client for one user pool, with credentials from the AWS
//! standard chain and HTTPS on the workspace's one TLS stack (rustls with ring).

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider::config::{ProvideCredentials, Region, SharedHttpClient};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

use crate::error::{chain_text, AdminError};

/// Where the user pool is and how long a call may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminConfig {
    /// The user pool id, e.g. `eu-west-1_AbCdEf123`.
    pub user_pool_id: String,
    /// The AWS region (default: the prefix of the pool id).
    pub region: Option<String>,
    /// A custom endpoint, such as the emulator's `http://127.0.0.1:9229`.
    pub endpoint: Option<String>,
    /// The time allowed for each operation (retries included).
    pub timeout: Duration,
}

impl AdminConfig {
    /// A configuration for `user_pool_id` in the region its id names, 20 s per operation.
    pub fn new(user_pool_id: impl Into<String>) -> AdminConfig {
        AdminConfig {
            user_pool_id: user_pool_id.into(),
            region: None,
            endpoint: None,
            timeout: Duration::from_secs(20),
        }
    }

    /// The region to sign for: the one given, else the pool id's prefix.
    fn signing_region(&self) -> Result<String, AdminError> {
        if let Some(region) = self.region.as_deref().filter(|r| !r.is_empty()) {
            return Ok(region.to_owned());
        }
        match self.user_pool_id.split_once('_') {
            Some((region, rest)) if !region.is_empty() && !rest.is_empty() => Ok(region.to_owned()),
            _ => Err(AdminError::invalid_input(format!(
                "The user pool id {:?} does not name a region (REGION_ID); give the region.",
                self.user_pool_id
            ))),
        }
    }
}

/// Administration of one user pool through the official AWS SDK
/// (`aws-sdk-cognitoidentityprovider`): every call is signed with SigV4 and needs IAM
/// permissions for the `cognito-idp:Admin*` action it makes.
#[derive(Debug, Clone)]
pub struct AdminClient {
    pub(crate) sdk: Client,
    pub(crate) user_pool_id: String,
    pub(crate) page_size: i32,
}

/// Devices per `AdminListDevices` page (Cognito's maximum).
pub const MAX_DEVICES_PER_PAGE: i32 = 60;

impl AdminClient {
    /// A client with credentials from the AWS standard chain (environment variables, the shared
    /// config and credentials files with `AWS_PROFILE`, `credential_process` and IAM Identity
    /// Center (SSO), web identity, ECS and EC2 instance metadata), the region given or the pool
    /// id's prefix, and the custom endpoint if any.
    ///
    /// The chain is asked for credentials once here, so that a machine without any fails at
    /// once with [`AdminError::Credentials`] before anything is sent.
    pub async fn from_env(config: AdminConfig) -> Result<AdminClient, AdminError> {
        let region = config.signing_region()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region))
            .http_client(https_client())
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(config.timeout.max(Duration::from_millis(1)))
                    .build(),
            );
        if let Some(endpoint) = config.endpoint.as_deref().filter(|e| !e.is_empty()) {
            loader = loader.endpoint_url(endpoint);
        }
        let shared = loader.load().await;
        let provider = shared
            .credentials_provider()
            .ok_or_else(|| AdminError::Credentials {
                detail: "no credential provider is configured".into(),
            })?;
        if let Err(e) = provider.provide_credentials().await {
            return Err(AdminError::Credentials {
                detail: chain_text(&e).trim_end_matches('.').to_owned(),
            });
        }
        Ok(AdminClient::from_sdk(
            Client::new(&shared),
            config.user_pool_id,
        ))
    }

    /// A client over an SDK client the caller built (in a Lambda function, for one).
    pub fn from_sdk(sdk: Client, user_pool_id: impl Into<String>) -> AdminClient {
        AdminClient {
            sdk,
            user_pool_id: user_pool_id.into(),
            page_size: MAX_DEVICES_PER_PAGE,
        }
    }

    /// The same client for another user pool.
    pub fn for_pool(&self, user_pool_id: impl Into<String>) -> AdminClient {
        AdminClient {
            user_pool_id: user_pool_id.into(),
            ..self.clone()
        }
    }

    /// Lists devices `page_size` per `AdminListDevices` call (1 to 60; default 60).
    pub fn with_page_size(mut self, page_size: i32) -> AdminClient {
        self.page_size = page_size.clamp(1, MAX_DEVICES_PER_PAGE);
        self
    }

    /// The user pool this client administers.
    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }

    /// The SDK client, for operations this crate does not wrap.
    pub fn sdk(&self) -> &Client {
        &self.sdk
    }
}

/// The SDK's hyper client on rustls with ring (the SDK's default would bring aws-lc).
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_comes_from_the_pool_id_unless_given() {
        let mut config = AdminConfig::new("eu-west-1_AbCdEf123");
        assert_eq!(config.signing_region().unwrap(), "eu-west-1");
        config.region = Some("us-east-2".into());
        assert_eq!(config.signing_region().unwrap(), "us-east-2");
        let bad = AdminConfig::new("nounderscore");
        assert!(matches!(
            bad.signing_region(),
            Err(AdminError::InvalidInput { .. })
        ));
    }
}
