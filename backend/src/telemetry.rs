//! Log set-up: `tracing` with levels from `RUST_LOG` (default `info`), written
//! pretty for people or as JSON lines for collectors.

use std::time::Duration;

use http::{HeaderMap, Request};
use tower_http::{
    classify::{GrpcErrorsAsFailures, GrpcFailureClass, SharedClassifier},
    trace::TraceLayer,
};
use tracing::Span;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::LogFormat;

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), so tests may call it freely.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,sea_orm=warn,h2=warn,hyper=warn,tower=warn")
    });
    let builder = fmt().with_env_filter(filter).with_target(true);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The tower layer that gives every request a span named by its path,
/// records its latency when the response starts (for a unary call, when
/// the handler is done), and logs its gRPC code when it ends.
pub type RpcTraceLayer = TraceLayer<
    SharedClassifier<GrpcErrorsAsFailures>,
    fn(&Request<tonic::body::Body>) -> Span,
    (),
    fn(&http::Response<tonic::body::Body>, Duration, &Span),
    (),
    fn(Option<&HeaderMap>, Duration, &Span),
    fn(GrpcFailureClass, Duration, &Span),
>;

pub fn rpc_trace_layer() -> RpcTraceLayer {
    TraceLayer::new_for_grpc()
        .make_span_with(rpc_span as fn(&Request<tonic::body::Body>) -> Span)
        .on_request(())
        .on_response(rpc_responded as fn(&http::Response<tonic::body::Body>, Duration, &Span))
        .on_body_chunk(())
        .on_eos(rpc_finished as fn(Option<&HeaderMap>, Duration, &Span))
        .on_failure(rpc_failed as fn(GrpcFailureClass, Duration, &Span))
}

fn rpc_span(request: &Request<tonic::body::Body>) -> Span {
    tracing::info_span!("rpc", method = %request.uri().path(), latency_ms = tracing::field::Empty)
}

fn rpc_responded(_response: &http::Response<tonic::body::Body>, latency: Duration, span: &Span) {
    span.record("latency_ms", latency_ms(latency));
}

/// A response whose status arrives in trailers (every successful call).
fn rpc_finished(trailers: Option<&HeaderMap>, _stream: Duration, _span: &Span) {
    let code = trailers
        .and_then(|trailers| trailers.get("grpc-status"))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i32>().ok())
        .map_or(tonic::Code::Ok, tonic::Code::from);
    tracing::info!(code = ?code, "finished");
}

/// A response classified as an error (a non-OK status, or a broken stream).
fn rpc_failed(failure: GrpcFailureClass, _latency: Duration, _span: &Span) {
    let code = match &failure {
        GrpcFailureClass::Status(status) => format!("{:?}", tonic::Code::from(status.code_raw())),
        other => other.to_string(),
    };
    tracing::info!(code = %code, "finished");
}

fn latency_ms(latency: Duration) -> u64 {
    u64::try_from(latency.as_millis()).unwrap_or(u64::MAX)
}
