//! connectapi (GARMIN.md §3, §4): every route needs a live DI bearer token
//! (401 with `WWW-Authenticate: Bearer error="invalid_token",
//! error_description="Token is not active"` and an empty body otherwise) and
//! sees only the caller's own workouts and schedules (another user's answer
//! 404, or 403 by [`crate::garmin::ForeignAccess`]). Errors are Jersey's
//! JSON: `{"message": "HTTP 404 Not Found", "error": "NotFoundException"}`.

pub(crate) mod calendar;
pub(crate) mod profile;
pub(crate) mod schedule;
pub(crate) mod types;
pub(crate) mod workouts;

use std::sync::Arc;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::config::ForeignAccess;
use super::state::Sandbox;
use super::tokens::bearer_owner;

/// The profile id of the account whose token the request carries.
pub(crate) struct Caller(pub i64);

impl FromRequestParts<Arc<Sandbox>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        sandbox: &Arc<Sandbox>,
    ) -> Result<Self, Self::Rejection> {
        bearer_owner(&sandbox.lock(), &parts.headers).map(Caller).ok_or(ApiError::Unauthorized)
    }
}

/// Why connectapi refuses a request; rendered as Garmin renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// No live bearer token.
    Unauthorized,
    BadRequest(String),
    /// Another user's resource (by choice), or a malformed path id (§6.1).
    Forbidden,
    NotFound,
    MethodNotAllowed,
    UnsupportedMediaType,
}

impl ApiError {
    pub fn bad_request(message: &str) -> Self {
        Self::BadRequest(message.to_owned())
    }

    /// What another user's resource answers.
    pub fn foreign(access: ForeignAccess) -> Self {
        match access {
            ForeignAccess::NotFound => Self::NotFound,
            ForeignAccess::Forbidden => Self::Forbidden,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message, kind) = match self {
            ApiError::Unauthorized => {
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer error=\"invalid_token\", error_description=\"Token is not active\"",
                    ),
                );
                return response;
            }
            ApiError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, message, "BadRequestException")
            }
            ApiError::Forbidden => {
                (StatusCode::FORBIDDEN, "HTTP 403 Forbidden".into(), "ForbiddenException")
            }
            ApiError::NotFound => {
                (StatusCode::NOT_FOUND, "HTTP 404 Not Found".into(), "NotFoundException")
            }
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "HTTP 405 Method Not Allowed".into(),
                "NotAllowedException",
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "HTTP 415 Unsupported Media Type".into(),
                "NotSupportedException",
            ),
        };
        (status, Json(json!({"message": message, "error": kind}))).into_response()
    }
}

/// A numeric path id; anything else is a bad path parameter (403, §6.1).
pub(crate) fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::Forbidden)
}

/// The JSON body: 415 unless sent as JSON, 400 unless it parses.
pub(crate) fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    serde_json::from_slice(body).map_err(|_| ApiError::bad_request("Unable to process JSON"))
}

/// 204 No Content, as PUT and DELETE answer.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
