//! The provider's discovery document (OpenID Connect Discovery 1.0 §3), and
//! the checks that make it trustworthy enough to send secrets to.

use reqwest::Url;
use serde::Deserialize;

use super::GoogleError;

/// The endpoints Baton uses, from a discovery document that passed the checks.
#[derive(Debug, Clone)]
pub(super) struct ProviderEndpoints {
    pub authorization: Url,
    pub token: Url,
    pub jwks: Url,
}

#[derive(Deserialize)]
struct Document {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    id_token_signing_alg_values_supported: Vec<String>,
    code_challenge_methods_supported: Option<Vec<String>>,
}

/// Where the discovery document of `issuer` lives.
pub(super) fn document_url(issuer: &str) -> String {
    format!("{issuer}/.well-known/openid-configuration")
}

/// Checks a fetched document against the configured `issuer` (§4.3: it must
/// name exactly that issuer) and Baton's needs (RS256, PKCE S256), and that
/// an `https` issuer sends us only to `https` endpoints.
pub(super) fn validate(body: &[u8], issuer: &str) -> Result<ProviderEndpoints, GoogleError> {
    let bad = |why: &str| GoogleError::Unavailable(format!("discovery document {why}"));
    let document: Document = super::http::parse(body).ok_or_else(|| bad("is malformed"))?;
    if document.issuer != issuer {
        return Err(bad("names another issuer"));
    }
    if !document.id_token_signing_alg_values_supported.iter().any(|alg| alg == "RS256") {
        return Err(bad("does not offer RS256 ID tokens"));
    }
    if let Some(methods) = &document.code_challenge_methods_supported
        && !methods.iter().any(|method| method == "S256")
    {
        return Err(bad("does not offer PKCE S256"));
    }
    let secure = issuer.starts_with("https://");
    let endpoint = |raw: &str| {
        Url::parse(raw)
            .ok()
            .filter(|url| url.scheme() == "https" || (!secure && url.scheme() == "http"))
            .ok_or_else(|| bad("has an unusable endpoint URL"))
    };
    Ok(ProviderEndpoints {
        authorization: endpoint(&document.authorization_endpoint)?,
        token: endpoint(&document.token_endpoint)?,
        jwks: endpoint(&document.jwks_uri)?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(issuer: &str, endpoint_base: &str) -> Vec<u8> {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{endpoint_base}/o/oauth2/v2/auth"),
            "token_endpoint": format!("{endpoint_base}/token"),
            "jwks_uri": format!("{endpoint_base}/oauth2/v3/certs"),
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["plain", "S256"],
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_document_for_the_configured_issuer_is_accepted() {
        let endpoints = validate(
            &document("https://accounts.google.com", "https://oauth2.googleapis.com"),
            "https://accounts.google.com",
        )
        .unwrap();
        assert_eq!(endpoints.token.as_str(), "https://oauth2.googleapis.com/token");
    }

    #[test]
    fn a_document_naming_another_issuer_is_refused() {
        let body = document("https://evil.example", "https://evil.example");
        assert!(matches!(
            validate(&body, "https://accounts.google.com"),
            Err(GoogleError::Unavailable(_))
        ));
    }

    #[test]
    fn an_https_issuer_may_not_send_us_to_plain_http() {
        let body = document("https://accounts.google.com", "http://oauth2.googleapis.com");
        assert!(validate(&body, "https://accounts.google.com").is_err());
    }

    #[test]
    fn a_provider_without_rs256_is_refused() {
        let mut body: serde_json::Value =
            serde_json::from_slice(&document("https://a.example", "https://a.example")).unwrap();
        body["id_token_signing_alg_values_supported"] = json!(["HS256"]);
        assert!(validate(body.to_string().as_bytes(), "https://a.example").is_err());
    }
}
