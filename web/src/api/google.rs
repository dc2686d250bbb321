//! The browser's half of Google sign-in. Before leaving for Google the SPA
//! keeps a random secret in sessionStorage and sends its hash to
//! StartGoogleSignIn; the callback page sends the secret itself to the RPC
//! that finishes the flow, so a code carried to another browser is useless.
//! What the flow is for (sign in, accept an invite, link, confirm who the
//! user is) waits in sessionStorage too, and everything is removed once the
//! flow is finished.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use baton_proto::auth::v1::{
    AcceptInviteRequest, FinishGoogleSignInRequest, GoogleAuthorization, GoogleSignInPurpose,
    LinkGoogleRequest, ReauthenticateRequest, StartGoogleSignInRequest, accept_invite_request,
    finish_google_sign_in_response, reauthenticate_request,
};
use sha2::{Digest, Sha256};
use web_sys::Storage;

use super::{Api, ApiError, Me, random::random_token, rpc::auth};

const SECRET_KEY: &str = "baton.google.secret";
const PURPOSE_KEY: &str = "baton.google.purpose";
const INVITE_KEY: &str = "baton.google.invite";
const NAME_KEY: &str = "baton.google.display_name";
const TIMEZONE_KEY: &str = "baton.google.timezone";
const THEN_KEY: &str = "baton.google.then";
const ALL_KEYS: [&str; 6] = [SECRET_KEY, PURPOSE_KEY, INVITE_KEY, NAME_KEY, TIMEZONE_KEY, THEN_KEY];

/// A change to how the account signs in. The backend accepts these only
/// within minutes of a sign-in, so the SPA may have to ask the person to
/// confirm who they are first and then try the change again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInChange {
    LinkGoogle,
    UnlinkGoogle,
    SetPassword,
}

impl SignInChange {
    const ALL: [SignInChange; 3] = [Self::LinkGoogle, Self::UnlinkGoogle, Self::SetPassword];

    fn key(self) -> &'static str {
        match self {
            Self::LinkGoogle => "link_google",
            Self::UnlinkGoogle => "unlink_google",
            Self::SetPassword => "set_password",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|change| change.key() == key)
    }
}

/// What a Google flow is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoogleFlow {
    SignIn,
    /// Create the invited account with Google.
    AcceptInvite {
        invite_token: String,
        display_name: String,
        timezone: String,
    },
    /// Attach Google to the signed-in account.
    Link,
    /// Confirm who the signed-in user is, on the way to `then`.
    Reauthenticate {
        then: SignInChange,
    },
}

impl GoogleFlow {
    fn purpose_key(&self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::AcceptInvite { .. } => "accept_invite",
            Self::Link => "link",
            Self::Reauthenticate { .. } => "reauthenticate",
        }
    }

    fn purpose(&self) -> GoogleSignInPurpose {
        match self {
            Self::SignIn => GoogleSignInPurpose::SignIn,
            Self::AcceptInvite { .. } => GoogleSignInPurpose::AcceptInvite,
            Self::Link => GoogleSignInPurpose::Link,
            Self::Reauthenticate { .. } => GoogleSignInPurpose::Reauthenticate,
        }
    }
}

/// How a finished Google flow ended.
#[derive(Clone, Debug, PartialEq)]
pub enum GoogleOutcome {
    /// Signed in (SIGN_IN, or a new account from an invite).
    SignedIn(Me),
    /// Google is now attached to the signed-in account.
    Linked(Me),
    /// The signed-in user confirmed who they are; `then` may go ahead.
    Reauthenticated { then: SignInChange },
}

impl Api {
    /// Starts a Google flow; returns Google's URL to send the browser to.
    pub async fn start_google(&self, flow: GoogleFlow) -> Result<String, ApiError> {
        let storage = session_storage()?;
        let secret = random_token::<32>().ok_or_else(|| {
            ApiError::Unexpected("this browser has no secure random numbers".into())
        })?;
        let hash = binding_hash(&secret);
        for key in ALL_KEYS {
            let _ = storage.remove_item(key);
        }
        let store = |key: &str, value: &str| {
            storage.set_item(key, value).map_err(|_| {
                ApiError::Unexpected("this browser does not let Baton keep session data".into())
            })
        };
        store(SECRET_KEY, &secret)?;
        store(PURPOSE_KEY, flow.purpose_key())?;
        let invite_token = match &flow {
            GoogleFlow::AcceptInvite { invite_token, display_name, timezone } => {
                store(INVITE_KEY, invite_token)?;
                store(NAME_KEY, display_name)?;
                store(TIMEZONE_KEY, timezone)?;
                invite_token.clone()
            }
            GoogleFlow::Reauthenticate { then } => {
                store(THEN_KEY, then.key())?;
                String::new()
            }
            GoogleFlow::SignIn | GoogleFlow::Link => String::new(),
        };
        let request = StartGoogleSignInRequest {
            purpose: flow.purpose() as i32,
            browser_binding_hash: hash,
            invite_token,
        };
        let response = match flow {
            GoogleFlow::Link | GoogleFlow::Reauthenticate { .. } => {
                self.authed(auth::START_GOOGLE_SIGN_IN, request).await?
            }
            GoogleFlow::SignIn | GoogleFlow::AcceptInvite { .. } => self
                .public(auth::START_GOOGLE_SIGN_IN, request)
                .await
                .map_err(|status| ApiError::from_status(&status))?,
        };
        Ok(response.authorization_url)
    }

    /// Finishes the flow this browser started, with Google's `code` and
    /// `state`. The secret is removed whatever the outcome: it is single use.
    pub async fn finish_google(
        &self,
        code: String,
        state: String,
    ) -> Result<GoogleOutcome, ApiError> {
        let storage = session_storage()?;
        let take = |key: &str| {
            let value = storage.get_item(key).ok().flatten().unwrap_or_default();
            let _ = storage.remove_item(key);
            value
        };
        let secret = take(SECRET_KEY);
        let purpose = take(PURPOSE_KEY);
        let (invite_token, display_name, timezone) =
            (take(INVITE_KEY), take(NAME_KEY), take(TIMEZONE_KEY));
        let then = take(THEN_KEY);
        if secret.is_empty() {
            return Err(ApiError::GoogleRefused);
        }
        let authorization = GoogleAuthorization { code, state, browser_binding_secret: secret };
        match purpose.as_str() {
            "sign_in" => {
                let response = self
                    .public(
                        auth::FINISH_GOOGLE_SIGN_IN,
                        FinishGoogleSignInRequest { authorization: Some(authorization) },
                    )
                    .await
                    .map_err(|status| ApiError::from_google_status(&status))?;
                match response.result {
                    Some(finish_google_sign_in_response::Result::Tokens(pair)) => {
                        self.adopt_locked(pair).await;
                        self.me().await.map(GoogleOutcome::SignedIn)
                    }
                    Some(finish_google_sign_in_response::Result::SecondFactor(_)) => {
                        Err(ApiError::SecondFactorRequired)
                    }
                    None => Err(ApiError::Unexpected("the server sent an empty answer".into())),
                }
            }
            "accept_invite" => {
                let request = AcceptInviteRequest {
                    invite_token,
                    method: Some(accept_invite_request::Method::Google(authorization)),
                    display_name,
                    timezone,
                };
                let response = self
                    .public(auth::ACCEPT_INVITE, request)
                    .await
                    .map_err(|status| ApiError::from_google_status(&status))?;
                let pair = response
                    .tokens
                    .ok_or_else(|| ApiError::Unexpected("the server sent no tokens".into()))?;
                self.adopt_locked(pair).await;
                self.me().await.map(GoogleOutcome::SignedIn)
            }
            // Not `authed`: the pending flow is spent by the first call, so
            // UNAUTHENTICATED there is Google's answer, not a stale access
            // token worth a retry.
            "link" => {
                let request = LinkGoogleRequest { authorization: Some(authorization) };
                let response = self
                    .authed_once(auth::LINK_GOOGLE, request)
                    .await?
                    .map_err(|status| ApiError::from_google_status(&status))?;
                response
                    .user
                    .map(|user| GoogleOutcome::Linked(user.into()))
                    .ok_or_else(|| ApiError::Unexpected("the server sent no user".into()))
            }
            "reauthenticate" => {
                let then = SignInChange::from_key(&then).ok_or(ApiError::GoogleRefused)?;
                let method = Some(reauthenticate_request::Method::Google(authorization));
                self.authed_once(auth::REAUTHENTICATE, ReauthenticateRequest { method })
                    .await?
                    .map_err(|status| ApiError::from_google_status(&status))?;
                Ok(GoogleOutcome::Reauthenticated { then })
            }
            _ => Err(ApiError::GoogleRefused),
        }
    }

    /// Forgets a flow that will not be finished (Google said no).
    pub fn abandon_google(&self) {
        if let Ok(storage) = session_storage() {
            for key in ALL_KEYS {
                let _ = storage.remove_item(key);
            }
        }
    }
}

/// base64url (no padding) of the SHA-256 of the secret as sent.
pub(crate) fn binding_hash(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

fn session_storage() -> Result<Storage, ApiError> {
    web_sys::window().and_then(|window| window.session_storage().ok().flatten()).ok_or_else(|| {
        ApiError::Unexpected("this browser does not let Baton keep session data".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_change_keys_round_trip() {
        for change in SignInChange::ALL {
            assert_eq!(SignInChange::from_key(change.key()), Some(change));
        }
        assert_eq!(SignInChange::from_key(""), None);
    }

    #[test]
    fn binding_hash_is_base64url_sha256_without_padding() {
        // SHA-256("abc") = ba7816bf 8f01cfea ... f20015ad
        assert_eq!(binding_hash("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert!(!binding_hash("a secret").contains('='));
    }
}
