//! The JSON the SSO answers with (GARMIN.md §2.3 step 2–3, as captured).
//! Wrong-code and expired-session answers were never captured ([?]): they
//! follow the same envelope with a non-`SUCCESSFUL` type.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::garmin::account::GarminAccount;

fn status(kind: &str, message: &str, http_status: &str) -> Value {
    json!({"type": kind, "message": message, "httpStatus": http_status})
}

/// A login that produced a ticket.
pub(crate) fn signed_in(service: &str, ticket: &str) -> Response {
    Json(json!({
        "serviceURL": service,
        "serviceTicketId": ticket,
        "responseStatus": status("SUCCESSFUL", "", "OK"),
        "responseReason": null,
        "customerMfaInfo": null,
        "consentTypeList": null,
        "captchaAlreadyPassed": false,
        "samlResponse": null,
        "authType": "CAS",
    }))
    .into_response()
}

/// A verified MFA code that produced a ticket.
pub(crate) fn mfa_verified(service: &str, ticket: &str) -> Response {
    Json(json!({
        "serviceURL": service,
        "serviceTicketId": ticket,
        "responseStatus": status("SUCCESSFUL", "", "OK"),
        "responseReason": null,
        "samlResponse": null,
        "authType": "CAS",
    }))
    .into_response()
}

/// The password was right; an emailed code is needed.
pub(crate) fn mfa_required(account: &GarminAccount) -> Response {
    Json(json!({
        "serviceURL": null,
        "serviceTicketId": null,
        "responseStatus": status("MFA_REQUIRED", "", "OK"),
        "responseReason": null,
        "customerMfaInfo": {
            "email": account.masked_email(),
            "phoneNumber": null,
            "mfaLastMethodUsed": "email",
            "defaultMfaMethod": null,
            "mfaUISetting": {
                "allowPhoneOption": true,
                "allowAddEmailAddress": false,
                "chooseDifferentWayShown": false,
            },
        },
        "consentTypeList": [],
        "captchaAlreadyPassed": false,
        "samlResponse": null,
        "authType": null,
    }))
    .into_response()
}

/// A non-`SUCCESSFUL` answer with no ticket.
pub(crate) fn refused(code: StatusCode, kind: &str, message: &str) -> Response {
    let http_status = code.canonical_reason().unwrap_or("").to_uppercase().replace(' ', "_");
    let body = json!({
        "serviceURL": null,
        "serviceTicketId": null,
        "responseStatus": status(kind, message, &http_status),
        "responseReason": null,
        "customerMfaInfo": null,
        "consentTypeList": null,
        "captchaAlreadyPassed": false,
        "samlResponse": null,
        "authType": null,
    });
    (code, Json(body)).into_response()
}

pub(crate) fn invalid_credentials() -> Response {
    refused(
        StatusCode::UNAUTHORIZED,
        "INVALID_USERNAME_PASSWORD",
        "generalLoginInvalidUsernameOrPassword",
    )
}

pub(crate) fn captcha_required() -> Response {
    refused(StatusCode::OK, "CAPTCHA_REQUIRED", "")
}

/// Garmin's other envelope: `{"error": {"status-code": "427", …}}`; the
/// portal login's answer for an MFA account (GARMIN.md §0.1).
pub(crate) fn error_envelope(code: StatusCode, status_code: &str, message: &str) -> Response {
    let body = json!({"error": {"status-code": status_code, "message": message}});
    (code, Json(body)).into_response()
}
