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

/// What [`AuthClient::sign_out`] could not do on the server; the local sign-out always
/// happened. Messages never hold a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignOutResult {
    /// Why `GlobalSignOut` failed (only with `global`): the user's sessions on other devices
    /// stay valid until their tokens expire.
    pub global_sign_out_error: Option<String>,
    /// Why the refresh token could not be revoked: it stays valid until it expires (30 days by
    /// default), though it is no longer stored here.
    pub revoke_token_error: Option<String>,
}

impl SignOutResult {
    fn complete() -> SignOutResult {
        SignOutResult {
            global_sign_out_error: None,
            revoke_token_error: None,
        }
    }

    /// Whether everything was also done on the server.
    pub fn is_complete(&self) -> bool {
        self.global_sign_out_error.is_none() && self.revoke_token_error.is_none()
    }
}

impl AuthClient {
    /// The current session, with tokens valid for at least the configured margin: expired or
    /// nearly expired tokens are refreshed first (with the device key when the device is
    /// tracked). Concurrent callers share one refresh. With `force_refresh` the tokens are
    /// refreshed even if still valid.
    ///
    /// Valid tokens are returned without touching the network. Returns a signed-out session
    /// when nobody is signed in, and [`AuthError::SignedOut`] when the refresh token was
    /// rejected (the user must sign in again; local tokens are cleared). When the tokens are
    /// due and Cognito cannot be reached, the error is [`AuthError::Network`] saying "offline,
    /// tokens kept" (retryable): the user is still signed in, and the next call tries again.
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
    /// clears the stored tokens and any sign-in under way. The remembered device stays
    /// remembered. With `global`, signs the user out of every device first (`GlobalSignOut`).
    ///
    /// The local sign-out always happens — offline, on a timeout, when Cognito refuses or
    /// throttles the call, or when the stored tokens cannot be read: the result then says what
    /// could not be done on the server ([`SignOutResult`]). Only a secret store that cannot
    /// delete is an error. A token refresh in flight finishes before the tokens are cleared,
    /// so it cannot write them back.
    pub async fn sign_out(&self, global: bool) -> Result<SignOutResult, AuthError> {
        self.cancel_sign_in().await;
        let _no_refresh = self.refresh_lock.lock().await;
        let username = match self.current_username() {
            Ok(Some(username)) => username,
            Ok(None) => return Ok(SignOutResult::complete()),
            Err(AuthError::LocalStateUnreadable { detail }) => {
                // Whose tokens they are cannot be known: nothing can be revoked.
                self.store.delete(&self.keys.current_user())?;
                self.listeners.emit(super::AuthEvent::SignedOut);
                let unreadable = format!("the stored session could not be read ({detail})");
                return Ok(SignOutResult {
                    global_sign_out_error: global.then(|| unreadable.clone()),
                    revoke_token_error: Some(unreadable),
                });
            }
            Err(error) => return Err(error),
        };
        let mut result = SignOutResult::complete();
        let tokens = match self.stored_tokens(&username) {
            Ok(tokens) => tokens,
            Err(error @ AuthError::LocalStateUnreadable { .. }) => {
                result.revoke_token_error = Some(error.to_string());
                None
            }
            Err(error) => return Err(error),
        };
        let mut globally_signed_out = false;
        if global {
            match self.global_sign_out(&username, tokens.as_ref()).await {
                Ok(()) => globally_signed_out = true,
                Err(error) => {
                    tracing::warn!(kind = ?error.kind(), "GlobalSignOut failed; signing out here anyway");
                    result.global_sign_out_error = Some(error.to_string());
                }
            }
        }
        // After GlobalSignOut every refresh token of the user is revoked already.
        let refresh_token = tokens.and_then(|t| t.refresh_token.clone());
        if let (Some(refresh_token), false) = (refresh_token, globally_signed_out) {
            if let Err(error) = self.revoke(refresh_token).await {
                tracing::warn!(kind = ?error.kind(), "RevokeToken failed; signing out here anyway");
                result.revoke_token_error = Some(error.to_string());
            }
        }
        self.clear_session(&username)?;
        tracing::info!(global, complete = result.is_complete(), "signed out");
        self.listeners.emit(super::AuthEvent::SignedOut);
        Ok(result)
    }

    /// `GlobalSignOut` with the stored access token, refreshed first if it is due (the refresh
    /// lock is held by the caller).
    async fn global_sign_out(
        &self,
        username: &str,
        tokens: Option<&StoredTokens>,
    ) -> Result<(), AuthError> {
        let tokens = tokens.ok_or(AuthError::SignedOut)?;
        let access_token = if self.fresh(tokens) {
            tokens.access_token.clone()
        } else {
            self.refresh(username, tokens).await?.access_token.clone()
        };
        self.call::<_, Empty>("GlobalSignOut", &AccessTokenRequest { access_token })
            .await?;
        Ok(())
    }

    /// `RevokeToken`. A token Cognito no longer accepts (already revoked or expired) counts as
    /// revoked.
    async fn revoke(&self, refresh_token: String) -> Result<(), AuthError> {
        let request = RevokeTokenRequest {
            token: refresh_token,
            client_id: self.config.client_id.clone(),
            client_secret: self.config.client_secret.clone(),
        };
        match self.call::<_, Empty>("RevokeToken", &request).await {
            Err(AuthError::Service {
                exception: CognitoException::NotAuthorized,
                ..
            }) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Clears everything this app client keeps on this device: the signed-in user's tokens and
    /// device secret, a sign-in saved for later, and the sign-in under way. Nothing is sent to
    /// Cognito: the refresh token is not revoked (use [`AuthClient::sign_out`] for that) and
    /// Cognito keeps listing the device until it is forgotten. This is the way out of
    /// [`AuthError::LocalStateUnreadable`] (a backup restored onto another device, a wiped
    /// Keystore key): afterwards the user signs in again, and this device is tracked anew.
    pub async fn reset_local_state(&self) -> Result<(), AuthError> {
        self.cancel_sign_in().await;
        let _no_refresh = self.refresh_lock.lock().await;
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

    pub(super) fn stored_tokens(&self, username: &str) -> Result<Option<StoredTokens>, AuthError> {
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

    /// Refreshes the tokens (the caller holds the refresh lock). A stored device key that
    /// Cognito refuses (the device was forgotten elsewhere) is dropped and the refresh tried
    /// once more without it.
    pub(super) async fn refresh(
        &self,
        username: &str,
        tokens: &StoredTokens,
    ) -> Result<StoredTokens, AuthError> {
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            self.clear_session(username)?;
            return Err(AuthError::SignedOut);
        };
        let device_key = self.device_key_for_refresh(username)?;
        let mut result = self
            .refresh_call(username, refresh_token.clone(), device_key.clone())
            .await;
        if let (Err(error), Some(_)) = (&result, &device_key) {
            if matches!(
                error.exception(),
                Some(CognitoException::NotAuthorized | CognitoException::ResourceNotFound)
            ) {
                tracing::info!("the refresh was refused with the stored device; trying without it");
                let retried = self.refresh_call(username, refresh_token, None).await;
                if retried.is_ok() {
                    tracing::info!(
                        "Cognito no longer knows the stored device; it was forgotten locally"
                    );
                    if let Err(error) = self.store.delete(&self.keys.device(username)) {
                        tracing::warn!(%error, "could not delete the stale device");
                    }
                }
                result = retried;
            }
        }
        match result {
            Ok(result) => {
                let saved = self.save_tokens(username, &result, tokens.refresh_token.clone())?;
                self.listeners.emit(super::AuthEvent::TokensRefreshed);
                if self
                    .reconcile_pending_device(username, &saved.access_token)
                    .await
                    .is_some()
                {
                    tracing::debug!("a device left pending was checked after the refresh");
                }
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
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), "the tokens could not be refreshed; they are kept");
                self.listeners.emit(super::AuthEvent::TokenRefreshFailed);
                Err(match error {
                    AuthError::Network { detail } => AuthError::Network {
                        detail: format!("offline, tokens kept ({detail})"),
                    },
                    AuthError::Timeout => AuthError::Network {
                        detail: "offline, tokens kept (no answer in time)".into(),
                    },
                    other => other,
                })
            }
        }
    }

    /// The device key a refresh sends: that of the stored device, also one left pending (its
    /// `ConfirmDevice` may have been applied, and a refresh token bound to a device needs it).
    fn device_key_for_refresh(&self, username: &str) -> Result<Option<String>, AuthError> {
        let device = match self.stored_device(username) {
            Err(AuthError::LocalStateUnreadable { .. }) => None,
            other => other?,
        };
        Ok(device
            .filter(|d| d.state != crate::store::StoredDeviceState::Forgotten)
            .map(|d| d.device_key.clone()))
    }

    async fn refresh_call(
        &self,
        username: &str,
        refresh_token: String,
        device_key: Option<String>,
    ) -> Result<AuthenticationResult, AuthError> {
        tracing::debug!(with_device = device_key.is_some(), "refreshing tokens");
        let request = GetTokensFromRefreshTokenRequest {
            refresh_token: refresh_token.clone(),
            client_id: self.config.client_id.clone(),
            client_secret: self.config.client_secret.clone(),
            device_key: device_key.clone(),
        };
        match self
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
            session: None,
        };
        let response: crate::api::types::AuthChallengeResponse =
            self.call("InitiateAuth", &request).await?;
        response
            .authentication_result
            .ok_or_else(|| AuthError::invalid_response("the refresh returned no tokens"))
    }
}

/// The user's `sub`, from the ID token or else the access token.
pub(super) fn user_sub(tokens: &StoredTokens) -> Option<String> {
    let id_claims = tokens.id_token.as_deref().and_then(claims);
    id_claims
        .and_then(|c| c.sub)
        .or_else(|| claims(&tokens.access_token).and_then(|c| c.sub))
}

fn session_of(username: &str, tokens: &StoredTokens) -> AuthSession {
    AuthSession {
        is_signed_in: true,
        username: Some(username.to_owned()),
        user_sub: user_sub(tokens),
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
