//! Serving the built SPA: files from `BATON_WEB_DIR`, `index.html` for client
//! routes, and the security headers browsers need (a strict CSP with no
//! inline script, no framing, no sniffing, no referrer).
//!
//! A gRPC request for a method nobody serves also lands here (it is the
//! router's fallback); it gets a gRPC UNIMPLEMENTED, not a web page.

use std::{convert::Infallible, path::Path};

use axum::{body::Body, response::IntoResponse};
use http::{HeaderName, HeaderValue, Request, Response, header};
use tower::{ServiceBuilder, ServiceExt, service_fn, util::BoxCloneSyncService};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// What the SPA may load: its own scripts (and wasm compilation), styles and
/// API; images from anywhere secure (avatars); nothing may frame it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' https: data:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The service behind every path that is not a gRPC method.
pub type SpaService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// Files under `dir`, with `index.html` for any other path.
pub fn spa_service(dir: &Path) -> SpaService {
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .fallback(ServeFile::new(dir.join("index.html")));
    let files = ServiceBuilder::new()
        .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .service(files);

    let service = service_fn(move |request: Request<Body>| {
        let files = files.clone();
        async move {
            if is_grpc(&request) {
                return Ok(tonic::Status::unimplemented("no such method").into_http::<Body>());
            }
            files.oneshot(request).await.map(|response| response.map(Body::new)).or_else(|error| {
                tracing::error!(%error, "serving a static file failed");
                Ok(http::StatusCode::INTERNAL_SERVER_ERROR.into_response())
            })
        }
    });
    BoxCloneSyncService::new(service)
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
