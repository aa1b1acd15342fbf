//! The signed-in session: tokens saved in the store, refreshed before they expire (one refresh
//! shared by concurrent callers), and sign-out.

use serde::{Deserialize, Serialize};

use super::jwt::claims;
use super::AuthClient;
use crate::api::types::{
    AccessTokenRequest, AuthenticationResult, Empty, GetTokensFromRefreshTokenRequest,
    InitiateAuthRequest, Params, RevokeTokenRequest, TokensResponse,
};
use crate::error::{AuthError, CognitoException};
use crate::store::{read_json, write_json, StoredTokens};

/// The tokens of a signed-in user. Their printed forms (`Debug`, `Display`, Kotlin's
/// `toString`, Swift's `description`) never show a token: read the fields to use them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug, Display))]
pub struct AuthTokens {
    /// The access token (for Cognito's user operations and your APIs).
    pub access_token: String,
    /// The ID token (the user's identity claims).
    pub id_token: Option<String>,
    /// Seconds since the epoch when the access token expires.
    pub expires_at: u64,
}

impl std::fmt::Debug for AuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthTokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &self.id_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl std::fmt::Display for AuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// What [`AuthClient::fetch_auth_session`] returns. Its printed forms never show a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthSession {
    /// Whether a user is signed in.
    pub is_signed_in: bool,
    /// Cognito's canonical username of the signed-in user.
    pub username: Option<String>,
    /// The user's `sub`.
    pub user_sub: Option<String>,
    /// Valid tokens, when signed in.
    pub tokens: Option<AuthTokens>,
}

impl AuthSession {
    fn signed_out() -> AuthSession {
        AuthSession {
            is_signed_in: false,
            username: None,
            user_sub: None,
            tokens: None,
        }
    }
}

impl AuthClient {
    /// The current session, with tokens valid for at least the configured margin: expired or
    /// nearly expired tokens are refreshed first (with the device key when the device is
    /// tracked). Concurrent callers share one refresh. With `force_refresh` the tokens are
    /// refreshed even if still valid.
    ///
    /// Returns a signed-out session when nobody is signed in, and [`AuthError::SignedOut`] when
    /// the refresh token was rejected (the user must sign in again; local tokens are cleared).
    pub async fn fetch_auth_session(&self, force_refresh: bool) -> Result<AuthSession, AuthError> {
        let Some(username) = self.current_username()? else {
            return Ok(AuthSession::signed_out());
        };
        let Some(tokens) = self.stored_tokens(&username)? else {
            return Ok(AuthSession::signed_out());
        };
        if !force_refresh && self.fresh(&tokens) {
            return Ok(session_of(&username, &tokens));
        }
        let _single_flight = self.refresh_lock.lock().await;
        // Another caller may have refreshed while this one waited.
        let tokens = match self.stored_tokens(&username)? {
            Some(t) if self.fresh(&t) && (!force_refresh || t != tokens) => {
                return Ok(session_of(&username, &t));
            }
            Some(t) => t,
            None => return Ok(AuthSession::signed_out()),
        };
        let refreshed = self.refresh(&username, &tokens).await?;
        Ok(session_of(&username, &refreshed))
    }

    /// Signs out on this device: revokes the refresh token (and the tokens issued from it) and
    /// clears the stored tokens. The remembered device stays remembered. With `global`, signs
    /// the user out of every device first (`GlobalSignOut`).
    pub async fn sign_out(&self, global: bool) -> Result<(), AuthError> {
        let Some(username) = self.current_username()? else {
            return Ok(());
        };
        let tokens = self.stored_tokens(&username)?;
        if global {
            let session = self.fetch_auth_session(false).await?;
            let access_token = session
                .tokens
                .map(|t| t.access_token)
                .ok_or(AuthError::SignedOut)?;
            self.call::<_, Empty>("GlobalSignOut", &AccessTokenRequest { access_token })
                .await?;
        } else if let Some(refresh_token) = tokens.and_then(|t| t.refresh_token) {
            let request = RevokeTokenRequest {
                token: refresh_token,
                client_id: self.config.client_id.clone(),
                client_secret: self.config.client_secret.clone(),
            };
            match self.call::<_, Empty>("RevokeToken", &request).await {
                Ok(_) => {}
                // A token that cannot be revoked (revocation disabled, already revoked) is
                // still forgotten locally.
                Err(AuthError::Service {
                    exception:
                        CognitoException::UnsupportedOperation
                        | CognitoException::UnsupportedTokenType
                        | CognitoException::NotAuthorized
                        | CognitoException::Other,
                    ..
                }) => {}
                Err(other) => return Err(other),
            }
        }
        self.clear_session(&username)?;
        tracing::info!(global, "signed out");
        self.listeners.emit(super::AuthEvent::SignedOut);
        Ok(())
    }

    /// Clears everything this app client keeps on this device: the signed-in user's tokens and
    /// device secret, a sign-in saved for later, and the sign-in under way. Nothing is sent to
    /// Cognito: the refresh token is not revoked (use [`AuthClient::sign_out`] for that) and
    /// Cognito keeps listing the device until it is forgotten. This is the way out of
    /// [`AuthError::LocalStateUnreadable`] (a backup restored onto another device, a wiped
    /// Keystore key): afterwards the user signs in again, and this device is tracked anew.
    pub async fn reset_local_state(&self) -> Result<(), AuthError> {
        self.cancel_sign_in().await;
        let current = match self.store.get(&self.keys.current_user()) {
            Ok(current) => current,
            Err(error) => {
                // Unreadable: there is no telling whose records they are; the other users'
                // records are dropped when they sign in again (or never read).
                tracing::warn!(%error, "the signed-in user's name could not be read");
                None
            }
        };
        if let Some(username) = &current {
            self.store.delete(&self.keys.tokens(username))?;
            self.store.delete(&self.keys.device(username))?;
        }
        self.store.delete(&self.keys.current_user())?;
        tracing::info!("local sign-in state reset");
        if current.is_some() {
            self.listeners.emit(super::AuthEvent::SignedOut);
        }
        Ok(())
    }

    /// A valid access token of the signed-in user, refreshed if needed.
    pub(super) async fn access_token(&self) -> Result<String, AuthError> {
        self.fetch_auth_session(false)
            .await?
            .tokens
            .map(|t| t.access_token)
            .ok_or(AuthError::SignedOut)
    }

    pub(super) fn current_username(&self) -> Result<Option<String>, AuthError> {
        Ok(self.store.get(&self.keys.current_user())?)
    }

    fn stored_tokens(&self, username: &str) -> Result<Option<StoredTokens>, AuthError> {
        read_json(self.store.as_ref(), &self.keys.tokens(username))
    }

    fn fresh(&self, tokens: &StoredTokens) -> bool {
        // Saturating: a margin as large as the configuration allows (up to u64::MAX) means
        // "always refresh", never an overflow.
        self.clock
            .now_unix()
            .saturating_add(self.config.refresh_margin_seconds)
            < tokens.expires_at
    }

    /// Saves tokens after a sign-in or refresh; a refresh that returns no refresh token keeps
    /// the previous one.
    pub(super) fn save_tokens(
        &self,
        username: &str,
        result: &AuthenticationResult,
        previous_refresh_token: Option<String>,
    ) -> Result<StoredTokens, AuthError> {
        let now = self.clock.now_unix();
        let lifetime = u64::try_from(result.expires_in).unwrap_or(0);
        let expires_at = claims(&result.access_token)
            .and_then(|c| c.exp)
            .filter(|_| lifetime == 0)
            .unwrap_or(now + lifetime);
        let tokens = StoredTokens {
            access_token: result.access_token.clone(),
            id_token: result.id_token.clone(),
            refresh_token: result.refresh_token.clone().or(previous_refresh_token),
            expires_at,
        };
        write_json(self.store.as_ref(), &self.keys.tokens(username), &tokens)?;
        self.store
            .set(&self.keys.current_user(), username)
            .map_err(AuthError::from)?;
        Ok(tokens)
    }

    pub(super) fn clear_session(&self, username: &str) -> Result<(), AuthError> {
        self.store.delete(&self.keys.tokens(username))?;
        self.store.delete(&self.keys.current_user())?;
        Ok(())
    }

    async fn refresh(
        &self,
        username: &str,
        tokens: &StoredTokens,
    ) -> Result<StoredTokens, AuthError> {
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            self.clear_session(username)?;
            return Err(AuthError::SignedOut);
        };
        let device_key = self.usable_device(username)?.map(|d| d.device_key.clone());
        tracing::debug!(with_device = device_key.is_some(), "refreshing tokens");
        let request = GetTokensFromRefreshTokenRequest {
            refresh_token: refresh_token.clone(),
            client_id: self.config.client_id.clone(),
            client_secret: self.config.client_secret.clone(),
            device_key: device_key.clone(),
        };
        let result = match self
            .call::<_, TokensResponse>("GetTokensFromRefreshToken", &request)
            .await
        {
            Ok(response) => Ok(response.authentication_result),
            Err(AuthError::Service {
                exception,
                exception_name,
                ..
            }) if refresh_operation_missing(exception, &exception_name) => {
                self.refresh_with_initiate_auth(username, refresh_token, device_key)
                    .await
            }
            Err(other) => Err(other),
        };
        match result {
            Ok(result) => {
                let saved = self.save_tokens(username, &result, tokens.refresh_token.clone())?;
                self.listeners.emit(super::AuthEvent::TokensRefreshed);
                Ok(saved)
            }
            Err(AuthError::Service {
                exception: CognitoException::NotAuthorized,
                ..
            }) => {
                tracing::info!("the refresh token was rejected; the session has ended");
                self.clear_session(username)?;
                self.listeners.emit(super::AuthEvent::SessionExpired);
                Err(AuthError::SignedOut)
            }
            Err(other) => Err(other),
        }
    }

    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`, for endpoints without
    /// `GetTokensFromRefreshToken`.
    async fn refresh_with_initiate_auth(
        &self,
        username: &str,
        refresh_token: String,
        device_key: Option<String>,
    ) -> Result<AuthenticationResult, AuthError> {
        let mut params = Params::new();
        params.insert("REFRESH_TOKEN".into(), refresh_token);
        if let Some(key) = device_key {
            params.insert("DEVICE_KEY".into(), key);
        }
        if let Some(hash) = self.secret_hash(username) {
            params.insert("SECRET_HASH".into(), hash);
        }
        let request = InitiateAuthRequest {
            auth_flow: "REFRESH_TOKEN_AUTH".into(),
            client_id: self.config.client_id.clone(),
            auth_parameters: params,
            client_metadata: Params::new(),
        };
        let response: crate::api::types::AuthChallengeResponse =
            self.call("InitiateAuth", &request).await?;
        response
            .authentication_result
            .ok_or_else(|| AuthError::invalid_response("the refresh returned no tokens"))
    }
}

fn session_of(username: &str, tokens: &StoredTokens) -> AuthSession {
    let id_claims = tokens.id_token.as_deref().and_then(claims);
    let access_claims = claims(&tokens.access_token);
    AuthSession {
        is_signed_in: true,
        username: Some(username.to_owned()),
        user_sub: id_claims
            .and_then(|c| c.sub)
            .or_else(|| access_claims.and_then(|c| c.sub)),
        tokens: Some(AuthTokens {
            access_token: tokens.access_token.clone(),
            id_token: tokens.id_token.clone(),
            expires_at: tokens.expires_at,
        }),
    }
}

/// Whether the endpoint lacks `GetTokensFromRefreshToken` (older deployments, some emulators),
/// so `REFRESH_TOKEN_AUTH` must be used instead.
fn refresh_operation_missing(exception: CognitoException, exception_name: &str) -> bool {
    exception == CognitoException::UnsupportedOperation
        || matches!(
            exception_name,
            "UnknownOperationException" | "OperationNotEnabledException"
        )
}
