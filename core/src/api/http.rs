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
    /// A transport for a configured [`Endpoint`]; plain `http://` to a host other than this
    /// machine only with `allow_insecure_http`.
    pub fn for_endpoint(
        endpoint: &Endpoint,
        allow_insecure_http: bool,
    ) -> Result<HttpCognitoApi, ApiError> {
        match endpoint {
            Endpoint::Region(region) => HttpCognitoApi::for_region(region),
            Endpoint::Url(url) => HttpCognitoApi::open(url, allow_insecure_http),
        }
    }

    /// The public Cognito endpoint of an AWS region, e.g. `eu-west-1`.
    pub fn for_region(region: &str) -> Result<HttpCognitoApi, ApiError> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(ApiError::InvalidEndpoint(format!(
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

    /// A custom endpoint: `https://`, or plain `http://` to this machine only (the local
    /// emulator, `http://127.0.0.1:9229`) — passwords, codes and refresh tokens must not
    /// cross a network in clear.
    pub fn with_endpoint(endpoint: &str) -> Result<HttpCognitoApi, ApiError> {
        HttpCognitoApi::open(endpoint, false)
    }

    /// A custom endpoint, also plain `http://` to another host (a test server on a private
    /// network): everything sent, passwords and tokens included, can be read on the way.
    pub fn with_insecure_endpoint(endpoint: &str) -> Result<HttpCognitoApi, ApiError> {
        HttpCognitoApi::open(endpoint, true)
    }

    fn open(endpoint: &str, allow_insecure_http: bool) -> Result<HttpCognitoApi, ApiError> {
        let endpoint: Uri = endpoint
            .parse()
            .map_err(|_| ApiError::InvalidEndpoint(format!("`{endpoint}` is not a valid URL")))?;
        let host = endpoint.host().unwrap_or_default();
        if host.is_empty() {
            return Err(ApiError::InvalidEndpoint(format!(
                "`{endpoint}` names no host"
            )));
        }
        match endpoint.scheme_str() {
            Some("https") => {}
            Some("http") if allow_insecure_http || is_loopback(host) => {}
            Some("http") => {
                return Err(ApiError::InvalidEndpoint(format!(
                    "`{endpoint}` is plain http:// to another machine: passwords and tokens \
                     would cross the network in clear. Use https://, or allow insecure HTTP \
                     explicitly (allow_insecure_http) for a test server."
                )))
            }
            _ => {
                return Err(ApiError::InvalidEndpoint(format!(
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

/// Whether `host` (from a URL) is this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
        for local in [
            "http://127.0.0.1:9229",
            "http://127.8.0.1/",
            "http://localhost:1",
            "http://[::1]:9229/",
            "https://cognito.example.com/",
        ] {
            assert!(HttpCognitoApi::with_endpoint(local).is_ok(), "{local}");
        }
        for remote in [
            "http://192.168.1.20:9229",
            "http://cognito.example.com/",
            "http://127.0.0.1.example.com/",
        ] {
            let refused = HttpCognitoApi::with_endpoint(remote).err();
            assert!(
                matches!(&refused, Some(ApiError::InvalidEndpoint(m)) if m.contains("in clear")),
                "{remote}: {refused:?}"
            );
            assert!(HttpCognitoApi::with_insecure_endpoint(remote).is_ok());
        }
        assert!(matches!(
            HttpCognitoApi::with_endpoint("not a url"),
            Err(ApiError::InvalidEndpoint(_))
        ));
        let cn = HttpCognitoApi::for_region("cn-north-1").unwrap();
        assert_eq!(
            cn.endpoint(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
    }
}
