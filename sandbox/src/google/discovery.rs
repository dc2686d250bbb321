//! `GET /.well-known/openid-configuration` and `GET /jwks`: the metadata and
//! public keys a relying party fetches before it trusts anything else.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::provider::Provider;

pub(super) async fn configuration(State(provider): State<Arc<Provider>>) -> Json<Value> {
    provider.lock().counts.discovery += 1;
    Json(json!({
        "issuer": provider.issuer,
        "authorization_endpoint": provider.url("/authorize"),
        "token_endpoint": provider.url("/token"),
        "userinfo_endpoint": provider.url("/userinfo"),
        "jwks_uri": provider.url("/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": [
            "aud", "email", "email_verified", "exp", "iat", "iss", "name", "picture", "sub"
        ],
        "code_challenge_methods_supported": ["S256", "plain"],
        "grant_types_supported": ["authorization_code"],
    }))
}

pub(super) async fn jwks(State(provider): State<Arc<Provider>>) -> impl IntoResponse {
    let rotated = {
        let mut state = provider.lock();
        state.counts.jwks += 1;
        state.rotated
    };
    // Google lets relying parties cache its keys for hours.
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(provider.keys.jwks(rotated)))
}
