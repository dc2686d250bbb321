//! Reading Garmin's HTTP answers: what a status and body mean (GARMIN.md
//! §6.1), Cloudflare's pages recognised for what they are, `Retry-After`
//! honoured, bodies bounded.

use std::time::Duration;

use reqwest::{
    Response, StatusCode,
    header::{self, HeaderMap},
};

use super::error::GarminError;

/// Largest answer read from Garmin (a workout with many steps is ~100 KB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// An answer that arrived: status, the headers that matter, and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
    /// Cloudflare, not Garmin, answered (a block page or challenge).
    pub from_cloudflare: bool,
    pub set_cookies: Vec<String>,
}

impl Answer {
    /// Reads a reqwest response whole (bounded).
    pub async fn read(mut response: Response) -> Result<Self, GarminError> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(GarminError::Unavailable("Garmin's answer is too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Self::new(response.status(), response.headers(), body))
    }

    /// An answer from its status, headers and body (read by whichever HTTP
    /// client sent the request).
    pub fn new(status: StatusCode, headers: &HeaderMap, body: Vec<u8>) -> Self {
        let retry_after = headers
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let from_cloudflare = headers
            .get(header::SERVER)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|server| server.eq_ignore_ascii_case("cloudflare"))
            || headers.contains_key("cf-mitigated")
            || looks_like_cloudflare(&body);
        let set_cookies = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect();
        Self { status, body, retry_after, from_cloudflare, set_cookies }
    }

    /// The body as JSON of type `T`, or "Garmin answered nonsense".
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T, GarminError> {
        serde_json::from_slice(&self.body).map_err(|_| {
            GarminError::Unavailable(format!("Garmin's {what} answer could not be read"))
        })
    }

    /// The failure a non-2xx data API answer means (GARMIN.md §6.1).
    pub fn api_failure(&self) -> GarminError {
        match self.status {
            StatusCode::TOO_MANY_REQUESTS => {
                GarminError::RateLimited { retry_after: self.retry_after }
            }
            StatusCode::UNAUTHORIZED => GarminError::TokenNotActive,
            StatusCode::NOT_FOUND => GarminError::NotFound,
            StatusCode::BAD_REQUEST => GarminError::Refused(garmin_message(&self.body)),
            StatusCode::FORBIDDEN if self.from_cloudflare => {
                GarminError::RateLimited { retry_after: self.retry_after }
            }
            StatusCode::FORBIDDEN => GarminError::NotFound,
            status => GarminError::Unavailable(format!("Garmin answered HTTP {}", status.as_u16())),
        }
    }
}

/// A request that got no answer (refused, reset, timed out).
pub fn transport(error: reqwest::Error) -> GarminError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not be reached"
    } else {
        "broke off the answer"
    };
    GarminError::Unavailable(format!("Garmin Connect {what}"))
}

/// Garmin's words in a 400 (`message`, else `content`, else an import
/// failure's first message), for the person who sees the refusal.
fn garmin_message(body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return "the request was refused".to_owned();
    };
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    text(&json["message"])
        .or_else(|| text(&json["content"]))
        .or_else(|| text(&json["detailedImportResult"]["failures"][0]["messages"][0]))
        .map(|message| message.chars().take(300).collect())
        .unwrap_or_else(|| "the request was refused".to_owned())
}

/// Cloudflare's block and challenge pages (GARMIN.md §6.1): "Access denied
/// … used Cloudflare to restrict access", error 1015, `/cdn-cgi/challenge`.
fn looks_like_cloudflare(body: &[u8]) -> bool {
    let head = &body[..body.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.contains("used cloudflare to restrict access")
        || text.contains("/cdn-cgi/challenge-platform")
        || text.contains("cloudflare ray id")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            body: body.as_bytes().to_vec(),
            retry_after: None,
            from_cloudflare: looks_like_cloudflare(body.as_bytes()),
            set_cookies: vec![],
        }
    }

    #[test]
    fn api_failures_mean_what_garmin_means() {
        assert!(matches!(answer(429, "").api_failure(), GarminError::RateLimited { .. }));
        assert!(matches!(
            answer(404, r#"{"message":"HTTP 404 Not Found","error":"NotFoundException"}"#)
                .api_failure(),
            GarminError::NotFound
        ));
        let refused =
            answer(400, r#"{"message":"Invalid category","error":"BadRequestException"}"#);
        assert!(
            matches!(refused.api_failure(), GarminError::Refused(m) if m == "Invalid category")
        );
        assert!(matches!(answer(502, "").api_failure(), GarminError::Unavailable(_)));
        let page = "<html><title>Access denied | sso.garmin.com used Cloudflare to restrict access</title>";
        assert!(answer(403, page).from_cloudflare);
        assert!(matches!(answer(403, page).api_failure(), GarminError::RateLimited { .. }));
    }
}
