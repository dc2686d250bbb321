//! `GET /userinfo`: the signed-in account's claims for a bearer access token
//! from `/token` (OIDC Core §5.3).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::provider::Provider;

pub(super) async fn userinfo(
    State(provider): State<Arc<Provider>>,
    headers: HeaderMap,
) -> Response {
    let now = provider.now();
    let mut state = provider.lock();
    state.counts.userinfo += 1;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(issued) = token.and_then(|token| state.access_tokens.get(token)) else {
        return unauthorized();
    };
    if issued.expires_at <= now {
        return unauthorized();
    }
    let mut claims = Map::new();
    claims.insert("sub".to_owned(), json!(issued.identity.sub));
    let scopes: Vec<&str> = issued.scope.split(' ').collect();
    if scopes.contains(&"email") {
        claims.insert("email".to_owned(), json!(issued.identity.email));
        claims.insert("email_verified".to_owned(), json!(issued.identity.email_verified));
    }
    if scopes.contains(&"profile") {
        if let Some(name) = &issued.identity.name {
            claims.insert("name".to_owned(), json!(name));
        }
        if let Some(picture) = &issued.identity.picture {
            claims.insert("picture".to_owned(), json!(picture));
        }
    }
    Json(Value::Object(claims)).into_response()
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        Json(json!({"error": "invalid_token"})),
    )
        .into_response()
}
