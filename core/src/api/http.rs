//! The production transport: Cognito's JSON protocol over HTTPS (hyper + rustls with the
//! `ring` provider and the Mozilla root store), or plain HTTP for a local emulator.
//!
//! This replaces `aws-sdk-cognitoidentityprovider` for the user-side operations: they need no
//! AWS credentials or request signing, only `POST /` with `X-Amz-Target`, so a small client
//! keeps the mobile library small and builds in seconds (see BENCHMARKS.md for the size).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use super::{decode_response, ApiError, ApiFuture, CognitoApi};
use crate::Endpoint;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE_JSON: &str = "application/x-amz-json-1.1";
/// Largest response body read (Cognito's answers are a few KiB).
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// Default time allowed for one call, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Calls a Cognito user-pool endpoint over HTTP(S).
pub struct HttpCognitoApi {
    endpoint: Uri,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl HttpCognitoApi {
    /// A transport for a configured [`Endpoint`].
    pub fn for_endpoint(endpoint: &Endpoint) -> Result<HttpCognitoApi, ApiError> {
        match endpoint {
            Endpoint::Region(region) => HttpCognitoApi::for_region(region),
            Endpoint::Url(url) => HttpCognitoApi::with_endpoint(url),
        }
    }

    /// The public Cognito endpoint of an AWS region, e.g. `eu-west-1`.
    pub fn for_region(region: &str) -> Result<HttpCognitoApi, ApiError> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(ApiError::Network(format!(
                "`{region}` is not an AWS region name"
            )));
        }
        let domain = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        HttpCognitoApi::with_endpoint(&format!("https://cognito-idp.{region}.{domain}/"))
    }

    /// A custom endpoint, such as the local emulator (`http://127.0.0.1:9229`).
    pub fn with_endpoint(endpoint: &str) -> Result<HttpCognitoApi, ApiError> {
        let endpoint: Uri = endpoint
            .parse()
            .map_err(|_| ApiError::Network(format!("`{endpoint}` is not a valid URL")))?;
        match endpoint.scheme_str() {
            Some("http") | Some("https") => {}
            _ => {
                return Err(ApiError::Network(format!(
                    "`{endpoint}` must start with https:// or http://"
                )))
            }
        }
        Ok(HttpCognitoApi {
            endpoint,
            client: Client::builder(TokioExecutor::new()).build(connector()),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Changes the time allowed for one call.
    pub fn with_timeout(mut self, timeout: Duration) -> HttpCognitoApi {
        self.timeout = timeout;
        self
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> String {
        self.endpoint.to_string()
    }

    async fn send(&self, operation: &'static str, body: Value) -> Result<Value, ApiError> {
        let payload = serde_json::to_vec(&body)
            .map_err(|e| ApiError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let request = Request::post(self.endpoint.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON))
            .header("x-amz-target", format!("{TARGET_PREFIX}{operation}"))
            .header(
                "user-agent",
                concat!("cognito-auth/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::from(payload)))
            .map_err(|e| ApiError::Network(format!("cannot build request: {e}")))?;

        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| ApiError::Network(describe_network_error(&e)))?;
            let status = response.status();
            let header_code = response
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| ApiError::Network(format!("connection broke while reading: {e}")))?
                .to_bytes();
            Ok::<_, ApiError>((status, header_code, bytes))
        };
        let (status, header_code, bytes) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| ApiError::Timeout)??;

        decode_response(operation, status.as_u16(), header_code.as_deref(), &bytes)
    }
}

impl CognitoApi for HttpCognitoApi {
    fn call(&self, operation: &'static str, body: Value) -> ApiFuture<'_> {
        Box::pin(self.send(operation, body))
    }
}

fn connector() -> HttpsConnector<HttpConnector> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build()
}

fn describe_network_error(error: &hyper_util::client::legacy::Error) -> String {
    use std::error::Error;
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked() {
        assert!(HttpCognitoApi::for_region("eu-west-1").is_ok());
        assert!(HttpCognitoApi::for_region("eu west").is_err());
        assert!(HttpCognitoApi::with_endpoint("ftp://x").is_err());
        let cn = HttpCognitoApi::for_region("cn-north-1").unwrap();
        assert_eq!(
            cn.endpoint(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
    }
}
