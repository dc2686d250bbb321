//! Transport adapters: one file per proto service. A handler takes the
//! caller, parses the request into domain types, calls a service and
//! converts the result back — no SQL, no business rules, no choosing of
//! status codes (that is `impl From<Error> for Status`).
//!
//! RPCs not built yet fall through to the generated default, which answers
//! UNIMPLEMENTED; the README's status table lists them.

mod auth;
pub mod authentication;
mod convert;
mod garmin;
mod parse;
mod sharing;
mod user;

pub use auth::AuthApi;
pub use garmin::GarminApi;
pub use sharing::SharingApi;
pub use user::UserApi;

/// The safety net around every request: a panic becomes INTERNAL with a
/// correlation id (logged with the panic's message), not a reset stream.
/// Reaching it is a bug; the tests send hostile input to every RPC to show
/// none does.
pub fn panic_guard() -> tower_http::catch_panic::CatchPanicLayer<PanicAnswer> {
    tower_http::catch_panic::CatchPanicLayer::custom(panicked)
}

/// What a panic in a request is answered with.
pub type PanicAnswer = fn(Panic) -> http::Response<tonic::body::Body>;
type Panic = Box<dyn std::any::Any + Send + 'static>;

fn panicked(panic: Panic) -> http::Response<tonic::body::Body> {
    let message = panic
        .downcast_ref::<&str>()
        .map(|message| (*message).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let correlation_id = uuid::Uuid::new_v4();
    tracing::error!(%correlation_id, panic = %message, "a request panicked");
    crate::error::internal_status(correlation_id).into_http()
}

#[cfg(test)]
mod tests {
    use tower::{Layer, ServiceExt, service_fn};

    #[tokio::test]
    async fn a_panicking_request_is_answered_internal_with_a_reference() {
        let panicking = service_fn(|_: http::Request<tonic::body::Body>| async {
            if true {
                panic!("a bug");
            }
            Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::empty()))
        });
        let guarded = super::panic_guard().layer(panicking);
        let response =
            guarded.oneshot(http::Request::new(tonic::body::Body::empty())).await.unwrap();
        let status = tonic::Status::from_header_map(response.headers()).expect("a gRPC status");
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(status.message().contains("reference"), "{}", status.message());
        assert!(!status.message().contains("a bug"));
    }
}
