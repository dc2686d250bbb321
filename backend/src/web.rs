//! Serving the built SPA: files from `BATON_WEB_DIR`, `index.html` for client
//! routes, and the security headers browsers need (a strict CSP with no
//! inline script, no framing, no sniffing, no referrer).
//!
//! The bundle (`cargo xtask build-web`) names every file but `index.html`
//! after its content (`baton_web.0123456789abcdef.js`) and puts brotli and
//! gzip copies beside each file (`.br`, `.gz`). Those names never change
//! meaning, so they are cached for a year; `index.html`, which names them,
//! is revalidated on every load, so a new release is picked up at once. A
//! client that accepts brotli or gzip gets the precompressed copy.
//!
//! A gRPC request for a method nobody serves also lands here (it is the
//! router's fallback); it gets a gRPC UNIMPLEMENTED, not a web page.

use std::{convert::Infallible, path::Path};

use axum::{body::Body, response::IntoResponse};
use http::{
    HeaderName, HeaderValue, Request, Response, StatusCode, header, header::InvalidHeaderValue,
};
use tower::{ServiceBuilder, ServiceExt, service_fn, util::BoxCloneSyncService};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// What the SPA may load: its own scripts (and wasm compilation), styles and
/// API; images from anywhere secure (avatars); Garmin's sign-in widget from
/// the configured SSO origin, and nothing else, in a frame; nothing may
/// frame the SPA itself.
fn content_security_policy(garmin_sso_origin: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' https: data:; connect-src 'self' {garmin_sso_origin}; \
         frame-src {garmin_sso_origin}; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// For files named after their content: a new release has new names.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (`index.html` above all): ask the server each time
/// (a 304 when unchanged).
const REVALIDATE: &str = "no-cache";

/// Length of the content hash in bundle file names (hex digits).
const HASH_LEN: usize = 16;

/// The service behind every path that is not a gRPC method.
pub type SpaService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// Files under `dir`, with `index.html` for any other path.
///
/// # Errors
/// `garmin_sso_origin` cannot be part of a header.
pub fn spa_service(dir: &Path, garmin_sso_origin: &str) -> Result<SpaService, InvalidHeaderValue> {
    let policy = HeaderValue::try_from(content_security_policy(garmin_sso_origin))?;
    let assets = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
    let pages = assets.clone().append_index_html_on_directories(true).fallback(index);
    let with_headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, policy))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("cross-origin-opener-policy", "same-origin"));
    // A content-named file that is missing is a 404, not the index page: a
    // script or module that gets HTML fails in ways that are hard to read.
    let assets = with_headers.clone().service(assets);
    let pages = with_headers.service(pages);

    let service = service_fn(move |request: Request<Body>| {
        let (assets, pages) = (assets.clone(), pages.clone());
        async move {
            if is_grpc(&request) {
                return Ok(tonic::Status::unimplemented("no such method").into_http::<Body>());
            }
            let content_named = is_content_named(request.uri().path());
            let served = if content_named {
                assets.oneshot(request).await
            } else {
                pages.oneshot(request).await
            };
            let mut response = match served {
                Ok(response) => response.map(Body::new),
                Err(error) => {
                    tracing::error!(%error, "serving a static file failed");
                    return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
                }
            };
            let found =
                response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
            let cache = if content_named && found { IMMUTABLE } else { REVALIDATE };
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            Ok(response)
        }
    });
    Ok(BoxCloneSyncService::new(service))
}

/// Whether the path names a bundle file by its content:
/// `<name>.<16 lowercase hex digits>.<extension>`.
fn is_content_named(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplit('.');
    let (Some(_extension), Some(hash), Some(name)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !name.is_empty()
        && hash.len() == HASH_LEN
        && hash.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_grpc<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/grpc"))
}

fn header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

#[cfg(test)]
mod tests {
    use super::is_content_named;

    #[test]
    fn only_names_with_a_content_hash_count_as_content_named() {
        assert!(is_content_named("/baton_web.0123456789abcdef.js"));
        assert!(is_content_named("/baton_web_bg.fedcba9876543210.wasm"));
        assert!(!is_content_named("/"));
        assert!(!is_content_named("/index.html"));
        assert!(!is_content_named("/app.js"));
        assert!(!is_content_named("/.0123456789abcdef.js"));
        assert!(!is_content_named("/baton.0123456789ABCDEF.css"));
        assert!(!is_content_named("/baton.0123456789abcde.css"));
        assert!(!is_content_named("/athletes/0123456789abcdef"));
    }
}
