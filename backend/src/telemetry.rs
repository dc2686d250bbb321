//! Log set-up: `tracing` with levels from `RUST_LOG` (default `info`), written
//! pretty for people or as JSON lines for collectors. Lines are written by a
//! background thread, so a slow terminal or collector never holds up a
//! request; each RPC's outcome is logged at `info` when it failed and at
//! `debug` when it succeeded (a line per successful call is an access log,
//! which operators turn on with `RUST_LOG=baton=debug`, not a default).

use std::time::Duration;

use http::{HeaderMap, Request};
use tower_http::{
    classify::{GrpcErrorsAsFailures, GrpcFailureClass, SharedClassifier},
    trace::TraceLayer,
};
use tracing::Span;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::LogFormat;

/// Installs the global subscriber writing to stdout from a background
/// thread; keep the guard alive until exit, when it flushes what is left.
/// Safe to call more than once (later calls are ignored).
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,sea_orm=warn,h2=warn,hyper=warn,tower=warn")
    });
    // Not lossy: at the default level few lines are written, and none of
    // them (security events among them) may be dropped.
    // A small queue: its slots are allocated up front, and at the default
    // level a few hundred lines in flight are plenty.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(4096)
        .finish(std::io::stdout());
    let builder = fmt().with_env_filter(filter).with_target(true).with_writer(writer);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    guard
}

/// The tower layer that gives every request a span named by its path,
/// records its latency when the response starts (for a unary call, when
/// the handler is done), and logs its gRPC code when it ends.
pub type RpcTraceLayer = TraceLayer<
    SharedClassifier<GrpcErrorsAsFailures>,
    fn(&Request<tonic::body::Body>) -> Span,
    fn(&Request<tonic::body::Body>, &Span),
    fn(&http::Response<tonic::body::Body>, Duration, &Span),
    (),
    fn(Option<&HeaderMap>, Duration, &Span),
    fn(GrpcFailureClass, Duration, &Span),
>;

pub fn rpc_trace_layer() -> RpcTraceLayer {
    TraceLayer::new_for_grpc()
        .make_span_with(rpc_span as fn(&Request<tonic::body::Body>) -> Span)
        .on_request(rpc_started as fn(&Request<tonic::body::Body>, &Span))
        .on_response(rpc_responded as fn(&http::Response<tonic::body::Body>, Duration, &Span))
        .on_body_chunk(())
        .on_eos(rpc_finished as fn(Option<&HeaderMap>, Duration, &Span))
        .on_failure(rpc_failed as fn(GrpcFailureClass, Duration, &Span))
}

fn rpc_span(request: &Request<tonic::body::Body>) -> Span {
    tracing::info_span!("rpc", method = %request.uri().path(), latency_ms = tracing::field::Empty)
}

/// At debug level, when each call arrives (a stream's end is logged much
/// later).
fn rpc_started(_request: &Request<tonic::body::Body>, _span: &Span) {
    tracing::debug!("started");
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
    if code == tonic::Code::Ok {
        tracing::debug!(code = ?code, "finished");
    } else {
        tracing::info!(code = ?code, "finished");
    }
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
