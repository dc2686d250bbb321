//! grpc-web over the browser's `fetch`, unary calls only: the request is
//! one frame ([`frame`]) POSTed as `application/grpc-web+proto`; the
//! answer is a message frame and a trailer frame, or, when the call fails
//! at once, a trailers-only answer whose status is in the HTTP headers.
//! The status, its message and its details become a [`Status`]. Knows
//! nothing of Baton's RPCs or tokens; `rpc` and the `Api` use it.

mod details;
mod frame;
mod status;

use std::{cell::Cell, rc::Rc, time::Duration};

use gloo_timers::callback::Timeout;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, Response};

pub(super) use status::{Code, Status};
#[cfg(test)]
pub(super) use {
    details::{BadRequest, Details, ErrorInfo, FieldViolation},
    status::testing,
};

const CONTENT_TYPE: &str = "application/grpc-web+proto";

/// Calls `url` with `message` (encoded), with the bearer token if given,
/// and returns the encoded reply. Gives up after `timeout`
/// (DEADLINE_EXCEEDED); dropping the future cancels the request.
pub(super) async fn unary(
    url: &str,
    message: &[u8],
    bearer: Option<&str>,
    timeout: Duration,
) -> Result<Vec<u8>, Status> {
    let deadline = Deadline::start(timeout)?;
    match exchange(url, message, bearer, &deadline.abort.signal()).await {
        Err(_) if deadline.passed.get() => {
            Err(Status::new(Code::DeadlineExceeded, "no answer in time"))
        }
        outcome => outcome,
    }
}

async fn exchange(
    url: &str,
    message: &[u8],
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Vec<u8>, Status> {
    let headers = Headers::new().map_err(lost)?;
    headers.set("content-type", CONTENT_TYPE).map_err(lost)?;
    headers.set("x-grpc-web", "1").map_err(lost)?;
    if let Some(token) = bearer {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(|_| Status::new(Code::Internal, "the access token is not a header value"))?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&Uint8Array::from(frame::encode(message).as_slice()));
    init.set_signal(Some(signal));

    let window = web_sys::window().ok_or_else(|| Status::no_answer("no window to fetch from"))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(lost)?
        .unchecked_into();
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();

    // Trailers-only: the call failed before any message.
    if let Some(status) = Status::from_metadata(header) {
        return if status.code() == Code::Ok { Ok(Vec::new()) } else { Err(status) };
    }
    if !header("content-type").is_some_and(|kind| kind.starts_with("application/grpc-web")) {
        return Err(Status::no_answer("the answer is not grpc-web"));
    }

    let body = JsFuture::from(response.array_buffer().map_err(lost)?).await.map_err(lost)?;
    let body = Uint8Array::new(&body.unchecked_into::<ArrayBuffer>()).to_vec();
    let answer = frame::parse(&body).map_err(|why| Status::new(Code::Internal, why))?;
    let status = Status::from_metadata(|name| answer.trailer(name))
        .ok_or_else(|| Status::new(Code::Internal, "the answer ended without a status"))?;
    if status.code() != Code::Ok {
        return Err(status);
    }
    answer.message.ok_or_else(|| Status::new(Code::Internal, "the answer held no message"))
}

/// A failed browser call: the request never got an answer.
fn lost(_: JsValue) -> Status {
    Status::no_answer("the request failed")
}

/// Aborts the request when the time is up (noting that it was), or when
/// the call is dropped.
struct Deadline {
    abort: AbortController,
    passed: Rc<Cell<bool>>,
    _timer: Timeout,
}

impl Deadline {
    fn start(timeout: Duration) -> Result<Self, Status> {
        let abort = AbortController::new().map_err(lost)?;
        let passed = Rc::new(Cell::new(false));
        let millis = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        let timer = Timeout::new(millis, {
            let (abort, passed) = (abort.clone(), passed.clone());
            move || {
                passed.set(true);
                abort.abort();
            }
        });
        Ok(Self { abort, passed, _timer: timer })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // After the body has been read this changes nothing.
        self.abort.abort();
    }
}
