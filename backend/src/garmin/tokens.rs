//! Garmin's DI OAuth2 tokens (GARMIN.md §2.4.2, §2.6, §2.7): what the token
//! endpoint answers, what a python-garminconnect token file holds, and the
//! one shape Baton keeps (sealed) for both. Expiry always comes from the
//! token itself (the JWT's `exp`, else `expires_in`), never a constant.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::error::{GarminError, GarminResult};

/// Refresh this long before the access token expires (GARMIN.md §2.4.3).
pub const REFRESH_AHEAD: Duration = Duration::minutes(15);
/// Longest token file accepted for import.
pub const MAX_TOKEN_FILE_BYTES: usize = 16 * 1024;

/// The tokens of one Garmin account. Secrets: `Debug` shows none of them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    /// Unknown for imported files.
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// The client id the tokens were issued to: refresh tokens work only
    /// with it (GARMIN.md §0.1).
    pub client_id: String,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl TokenSet {
    /// Whether the access token should be refreshed before use at `now`.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.access_expires_at - REFRESH_AHEAD <= now
    }

    /// Reads the token endpoint's JSON answer. A refresh answer may omit
    /// the refresh token (then the old one stays) and the client id (then
    /// `client_id` stays).
    pub fn from_token_response(
        body: &[u8],
        client_id: &str,
        previous_refresh: Option<&str>,
        now: DateTime<Utc>,
    ) -> GarminResult<Self> {
        #[derive(Deserialize)]
        struct Answer {
            access_token: String,
            refresh_token: Option<String>,
            expires_in: Option<i64>,
            refresh_token_expires_in: Option<i64>,
        }
        let answer: Answer = serde_json::from_slice(body).map_err(|_| {
            GarminError::Unavailable("the token answer is not Garmin's JSON".into())
        })?;
        let claims = JwtClaims::read(&answer.access_token);
        let access_expires_at = claims
            .as_ref()
            .and_then(|claims| claims.exp)
            .and_then(|exp| DateTime::from_timestamp(exp, 0))
            .or_else(|| answer.expires_in.map(|secs| now + Duration::seconds(secs)))
            .ok_or_else(|| GarminError::Unavailable("the token answer has no expiry".into()))?;
        let refresh_token =
            answer.refresh_token.or_else(|| previous_refresh.map(str::to_owned)).ok_or_else(
                || GarminError::Unavailable("the token answer has no refresh token".into()),
            )?;
        let client_id =
            claims.and_then(|claims| claims.client_id).unwrap_or_else(|| client_id.to_owned());
        Ok(Self {
            access_token: answer.access_token,
            access_expires_at,
            refresh_token,
            refresh_expires_at: answer
                .refresh_token_expires_in
                .map(|secs| now + Duration::seconds(secs)),
            client_id,
        })
    }

    /// Reads python-garminconnect's `garmin_tokens.json`
    /// (`{"di_token", "di_refresh_token", "di_client_id"}`). Errors are
    /// sentences for the person who pasted the file.
    pub fn from_token_file(text: &str) -> Result<Self, &'static str> {
        #[derive(Deserialize)]
        struct File {
            di_token: String,
            di_refresh_token: String,
            di_client_id: Option<String>,
        }
        if text.len() > MAX_TOKEN_FILE_BYTES {
            return Err("is too large to be a garmin_tokens.json");
        }
        let file: File = serde_json::from_str(text.trim()).map_err(
            |_| "is not a garmin_tokens.json (di_token, di_refresh_token, di_client_id)",
        )?;
        let claims = JwtClaims::read(&file.di_token).ok_or("holds a di_token that is not a JWT")?;
        let access_expires_at = claims
            .exp
            .and_then(|exp| DateTime::from_timestamp(exp, 0))
            .ok_or("holds a di_token without an expiry")?;
        let client_id = file
            .di_client_id
            .filter(|id| !id.trim().is_empty())
            .or(claims.client_id)
            .ok_or("names no di_client_id")?;
        if file.di_refresh_token.trim().is_empty() {
            return Err("holds an empty di_refresh_token");
        }
        Ok(Self {
            access_token: file.di_token,
            access_expires_at,
            refresh_token: file.di_refresh_token,
            refresh_expires_at: None,
            client_id,
        })
    }
}

/// The claims Baton reads from a DI access token. The signature is not
/// checked (the token is Garmin's to verify; GARMIN.md §2.4.2), but an
/// unsigned `alg: none` token is not a Garmin token.
#[derive(Debug, Deserialize)]
struct JwtClaims {
    exp: Option<i64>,
    client_id: Option<String>,
}

impl JwtClaims {
    fn read(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || signature.is_empty() {
            return None;
        }
        #[derive(Deserialize)]
        struct Header {
            alg: String,
        }
        let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.alg.eq_ignore_ascii_case("none") {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{header}.{payload}.c2lnbmF0dXJl")
    }

    #[test]
    fn expiry_and_client_id_come_from_the_token_itself() {
        let now = Utc::now();
        let exp = now.timestamp() + 3600;
        let body = serde_json::json!({
            "access_token": jwt(serde_json::json!({"exp": exp, "client_id": "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2"})),
            "refresh_token": "r1", "expires_in": 86399, "refresh_token_expires_in": 2591999,
        });
        let tokens =
            TokenSet::from_token_response(body.to_string().as_bytes(), "asked", None, now).unwrap();
        assert_eq!(tokens.access_expires_at.timestamp(), exp, "the JWT's exp wins over expires_in");
        assert_eq!(tokens.client_id, "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2");
        assert!(!tokens.needs_refresh(now));
        assert!(tokens.needs_refresh(now + Duration::minutes(46)));
        assert!(!format!("{tokens:?}").contains("r1"), "Debug shows no secret");
    }

    #[test]
    fn a_refresh_answer_without_a_refresh_token_keeps_the_old_one() {
        let now = Utc::now();
        let body = serde_json::json!({"access_token": "opaque", "expires_in": 600});
        let tokens =
            TokenSet::from_token_response(body.to_string().as_bytes(), "id", Some("old"), now)
                .unwrap();
        assert_eq!(tokens.refresh_token, "old");
        assert_eq!(tokens.client_id, "id");
        assert_eq!(tokens.access_expires_at, now + Duration::seconds(600));
    }

    #[test]
    fn token_files_are_read_and_bad_ones_explained() {
        let exp = Utc::now().timestamp() + 3600;
        let file = serde_json::json!({
            "di_token": jwt(serde_json::json!({"exp": exp})),
            "di_refresh_token": "refresh",
            "di_client_id": "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2",
        });
        let tokens = TokenSet::from_token_file(&file.to_string()).unwrap();
        assert_eq!(tokens.client_id, "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2");
        assert!(TokenSet::from_token_file("{}").is_err());
        assert!(TokenSet::from_token_file("not json").is_err());
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(format!(r#"{{"exp":{exp}}}"#))
        );
        let file =
            serde_json::json!({"di_token": unsigned, "di_refresh_token": "r", "di_client_id": "c"});
        assert!(TokenSet::from_token_file(&file.to_string()).is_err());
    }
}
