//! Sign-up, password reset and change, user attributes, account deletion, the current user.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::AuthClient;
use super::SignInResult;
use crate::api::types::{
    AccessTokenRequest, AttributeType, ChangePasswordRequest, CodeDeliveryDetailsType,
    CodeDeliveryResponse, ConfirmSignUpResponse, DeleteUserAttributesRequest, Empty,
    GetUserResponse, SignUpRequest, SignUpResponse, UpdateUserAttributesRequest,
    UpdateUserAttributesResponse, UserAttributeCodeRequest, UsernameCodeRequest,
};
use crate::error::AuthError;
use crate::signin::CodeDeliveryDetails;

/// A user attribute (`email`, `phone_number`, `custom:team`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UserAttribute {
    /// The attribute name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Options of [`AuthClient::sign_up`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignUpOptions {
    /// Attributes of the new user (`email`, `phone_number`, ...).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_attributes: HashMap<String, String>,
    /// Passed to the pool's Lambda triggers.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub client_metadata: HashMap<String, String>,
    /// Sign the user in as soon as [`AuthClient::confirm_sign_up`] confirms them (Amplify's
    /// `autoSignIn`), with the session Cognito returns: no password is asked again. Needs an
    /// app client that allows `USER_AUTH` (choice-based sign-in); kept in memory only, so the
    /// confirmation must come from the same client in the same process.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub auto_sign_in: bool,
}

/// What to do after a sign-up step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "signUpStep",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SignUpStep {
    /// Ask for the code that was sent, then call [`AuthClient::confirm_sign_up`].
    ConfirmSignUp {
        /// Where the code went.
        code_delivery_details: Option<CodeDeliveryDetails>,
    },
    /// Confirmed: the user can sign in.
    Done,
}

/// The outcome of [`AuthClient::sign_up`] and [`AuthClient::confirm_sign_up`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignUpResult {
    /// Whether the user is confirmed.
    pub is_sign_up_complete: bool,
    /// The new user's `sub`, when Cognito returns it.
    pub user_id: Option<String>,
    /// What to do next.
    pub next_step: SignUpStep,
    /// With [`SignUpOptions::auto_sign_in`], once confirmed: the sign-in that followed. Usually
    /// signed in; its `next_step` may still ask for something (MFA set-up): answer it with
    /// [`AuthClient::confirm_sign_in`].
    #[serde(default)]
    pub sign_in: Option<SignInResult>,
    /// With [`SignUpOptions::auto_sign_in`]: why the sign-in after the confirmation failed
    /// (the user is confirmed and can sign in with the password).
    #[serde(default)]
    pub auto_sign_in_error: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthUser {
    /// Cognito's canonical username.
    pub username: String,
    /// The user's `sub`.
    pub user_id: Option<String>,
}

fn delivery(details: Option<CodeDeliveryDetailsType>) -> Option<CodeDeliveryDetails> {
    details.map(|d| {
        CodeDeliveryDetails::new(
            d.destination,
            d.delivery_medium.as_deref(),
            d.attribute_name,
        )
    })
}

fn attributes(map: &HashMap<String, String>) -> Vec<AttributeType> {
    map.iter()
        .map(|(name, value)| AttributeType {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

fn non_empty(what: &str, value: &str) -> Result<(), AuthError> {
    if value.trim().is_empty() {
        Err(AuthError::invalid_input(format!("The {what} is empty.")))
    } else {
        Ok(())
    }
}

impl AuthClient {
    fn username_request(&self, username: &str) -> UsernameCodeRequest {
        UsernameCodeRequest {
            client_id: self.config.client_id.clone(),
            secret_hash: self.secret_hash(username),
            username: username.to_owned(),
            ..Default::default()
        }
    }

    /// Registers a new user. Usually the next step is to confirm with a code sent by e-mail or
    /// SMS.
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        options: SignUpOptions,
    ) -> Result<SignUpResult, AuthError> {
        non_empty("username", username)?;
        non_empty("password", password)?;
        let request = SignUpRequest {
            client_id: self.config.client_id.clone(),
            secret_hash: self.secret_hash(username),
            username: username.to_owned(),
            password: password.to_owned(),
            user_attributes: attributes(&options.user_attributes),
            client_metadata: options.client_metadata.into_iter().collect(),
        };
        let response: SignUpResponse = self.call("SignUp", &request).await?;
        *self.lock_auto_sign_in() = match (options.auto_sign_in, response.session) {
            (true, Some(session)) => Some((username.to_owned(), session)),
            (true, None) => {
                tracing::warn!("SignUp returned no session: no sign-in after the confirmation");
                None
            }
            (false, _) => None,
        };
        Ok(SignUpResult {
            is_sign_up_complete: response.user_confirmed,
            user_id: response.user_sub,
            next_step: if response.user_confirmed {
                SignUpStep::Done
            } else {
                SignUpStep::ConfirmSignUp {
                    code_delivery_details: delivery(response.code_delivery_details),
                }
            },
            sign_in: None,
            auto_sign_in_error: None,
        })
    }

    fn lock_auto_sign_in(&self) -> std::sync::MutexGuard<'_, Option<(String, String)>> {
        self.auto_sign_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Confirms a sign-up with the code the user received.
    pub async fn confirm_sign_up(
        &self,
        username: &str,
        code: &str,
    ) -> Result<SignUpResult, AuthError> {
        non_empty("confirmation code", code)?;
        let auto = self
            .lock_auto_sign_in()
            .clone()
            .filter(|(name, _)| name == username);
        let mut request = self.username_request(username);
        request.confirmation_code = Some(code.trim().to_owned());
        request.session = auto.as_ref().map(|(_, session)| session.clone());
        let response: ConfirmSignUpResponse = self.call("ConfirmSignUp", &request).await?;
        let mut result = SignUpResult {
            is_sign_up_complete: true,
            user_id: None,
            next_step: SignUpStep::Done,
            sign_in: None,
            auto_sign_in_error: None,
        };
        if auto.is_none() {
            return Ok(result);
        }
        self.lock_auto_sign_in().take();
        match response.session {
            None => {
                result.auto_sign_in_error =
                    Some("ConfirmSignUp returned no session to sign in with".into());
            }
            Some(session) => match self.sign_in_after_sign_up(username, session).await {
                Ok(sign_in) => result.sign_in = Some(sign_in),
                Err(error) => {
                    tracing::warn!(kind = ?error.kind(), "the sign-in after the confirmation failed");
                    result.auto_sign_in_error = Some(error.to_string());
                }
            },
        }
        Ok(result)
    }

    /// Sends the sign-up confirmation code again.
    pub async fn resend_sign_up_code(
        &self,
        username: &str,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        let response: CodeDeliveryResponse = self
            .call("ResendConfirmationCode", &self.username_request(username))
            .await?;
        Ok(delivery(response.code_delivery_details))
    }

    /// Starts a password reset: a code is sent to the user; finish with
    /// [`AuthClient::confirm_reset_password`].
    pub async fn reset_password(
        &self,
        username: &str,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        non_empty("username", username)?;
        let response: CodeDeliveryResponse = self
            .call("ForgotPassword", &self.username_request(username))
            .await?;
        Ok(delivery(response.code_delivery_details))
    }

    /// Sets a new password with the reset code.
    pub async fn confirm_reset_password(
        &self,
        username: &str,
        new_password: &str,
        code: &str,
    ) -> Result<(), AuthError> {
        non_empty("new password", new_password)?;
        non_empty("confirmation code", code)?;
        let mut request = self.username_request(username);
        request.confirmation_code = Some(code.trim().to_owned());
        request.password = Some(new_password.to_owned());
        self.call::<_, Empty>("ConfirmForgotPassword", &request)
            .await?;
        Ok(())
    }

    /// Changes the signed-in user's password.
    pub async fn update_password(
        &self,
        old_password: &str,
        new_password: &str,
    ) -> Result<(), AuthError> {
        non_empty("new password", new_password)?;
        let request = ChangePasswordRequest {
            access_token: self.access_token().await?,
            previous_password: old_password.to_owned(),
            proposed_password: new_password.to_owned(),
        };
        self.call::<_, Empty>("ChangePassword", &request).await?;
        Ok(())
    }

    /// The signed-in user's attributes.
    pub async fn fetch_user_attributes(&self) -> Result<Vec<UserAttribute>, AuthError> {
        let request = AccessTokenRequest {
            access_token: self.access_token().await?,
        };
        let user: GetUserResponse = self.call("GetUser", &request).await?;
        Ok(user
            .user_attributes
            .into_iter()
            .map(|a| UserAttribute {
                name: a.name,
                value: a.value,
            })
            .collect())
    }

    /// Updates attributes; changing a verified e-mail or phone number sends a code (returned
    /// here) to confirm with [`AuthClient::confirm_user_attribute`].
    pub async fn update_user_attributes(
        &self,
        attributes_to_set: &HashMap<String, String>,
    ) -> Result<Vec<CodeDeliveryDetails>, AuthError> {
        if attributes_to_set.is_empty() {
            return Err(AuthError::invalid_input(
                "No attribute to update was given.",
            ));
        }
        let request = UpdateUserAttributesRequest {
            access_token: self.access_token().await?,
            user_attributes: attributes(attributes_to_set),
        };
        let response: UpdateUserAttributesResponse =
            self.call("UpdateUserAttributes", &request).await?;
        Ok(response
            .code_delivery_details_list
            .into_iter()
            .filter_map(|d| delivery(Some(d)))
            .collect())
    }

    /// Sends a verification code for an attribute (`email`, `phone_number`).
    pub async fn send_user_attribute_verification_code(
        &self,
        attribute_name: &str,
    ) -> Result<Option<CodeDeliveryDetails>, AuthError> {
        let request = UserAttributeCodeRequest {
            access_token: self.access_token().await?,
            attribute_name: attribute_name.to_owned(),
            code: None,
        };
        let response: CodeDeliveryResponse = self
            .call("GetUserAttributeVerificationCode", &request)
            .await?;
        Ok(delivery(response.code_delivery_details))
    }

    /// Verifies an attribute with the code that was sent.
    pub async fn confirm_user_attribute(
        &self,
        attribute_name: &str,
        code: &str,
    ) -> Result<(), AuthError> {
        non_empty("verification code", code)?;
        let request = UserAttributeCodeRequest {
            access_token: self.access_token().await?,
            attribute_name: attribute_name.to_owned(),
            code: Some(code.trim().to_owned()),
        };
        self.call::<_, Empty>("VerifyUserAttribute", &request)
            .await?;
        Ok(())
    }

    /// Deletes attributes of the signed-in user (`custom:team`, `nickname`, ...). Required
    /// attributes cannot be deleted.
    pub async fn delete_user_attributes(&self, names: &[String]) -> Result<(), AuthError> {
        if names.is_empty() {
            return Err(AuthError::invalid_input(
                "No attribute to delete was given.",
            ));
        }
        for name in names {
            non_empty("attribute name", name)?;
        }
        let request = DeleteUserAttributesRequest {
            access_token: self.access_token().await?,
            user_attribute_names: names.to_vec(),
        };
        self.call::<_, Empty>("DeleteUserAttributes", &request)
            .await?;
        Ok(())
    }

    /// Deletes the signed-in user's account, then clears everything stored for them here
    /// (event [`AuthEvent::UserDeleted`](super::AuthEvent::UserDeleted)).
    pub async fn delete_user(&self) -> Result<(), AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let request = AccessTokenRequest {
            access_token: self.access_token().await?,
        };
        self.call::<_, Empty>("DeleteUser", &request).await?;
        let _no_refresh = self.refresh_lock.lock().await;
        self.store.delete(&self.keys.device(&username))?;
        self.clear_session(&username)?;
        tracing::info!("the user was deleted");
        self.listeners.emit(super::AuthEvent::UserDeleted);
        Ok(())
    }

    /// The signed-in user, read from the stored tokens: no network call, so it works offline
    /// and with tokens that are due for refresh.
    pub async fn get_current_user(&self) -> Result<AuthUser, AuthError> {
        let username = self.current_username()?.ok_or(AuthError::SignedOut)?;
        let tokens = self.stored_tokens(&username)?.ok_or(AuthError::SignedOut)?;
        Ok(AuthUser {
            username,
            user_id: super::session::user_sub(&tokens),
        })
    }
}
