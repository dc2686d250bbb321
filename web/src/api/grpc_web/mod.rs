//! grpc-web over the browser's `fetch`: the request is one frame
//! ([`frame`]) POSTed as `application/grpc-web+proto`. A unary answer is
//! a message frame and a trailer frame, read whole; a server stream is
//! several message frames then the trailer frame, read from the body's
//! `ReadableStream` as they arrive, so each message is handed on at once.
//! A call that fails at once gets a trailers-only answer whose status is
//! in the HTTP headers. The status, its message and its details become a
//! [`Status`]. Knows nothing of Baton's RPCs or tokens; `rpc` and the
//! `Api` use it.

mod details;
mod frame;
mod status;

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use gloo_timers::callback::Timeout;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult,
    RequestInit, Response,
};

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
    let outcome = async {
        let Some(response) = send(url, message, bearer, &deadline.abort.signal()).await? else {
            return Ok(Vec::new());
        };
        let body = JsFuture::from(response.array_buffer().map_err(lost)?).await.map_err(lost)?;
        let body = Uint8Array::new(&body.unchecked_into::<ArrayBuffer>()).to_vec();
        let answer = frame::parse(&body).map_err(|why| Status::new(Code::Internal, why))?;
        ended_well(&answer.trailers)?;
        answer.message.ok_or_else(|| Status::new(Code::Internal, "the answer held no message"))
    };
    deadline.judge(outcome.await)
}

/// Calls the server-streaming `url` with `message` (encoded), handing each
/// encoded message to `on_message` as soon as it has arrived whole; an
/// error from `on_message` ends the call with it. Gives up when nothing
/// arrives for `idle` (DEADLINE_EXCEEDED); dropping the future cancels the
/// request, which tells the server to stop.
pub(super) async fn server_stream(
    url: &str,
    message: &[u8],
    bearer: Option<&str>,
    idle: Duration,
    on_message: &mut dyn FnMut(&[u8]) -> Result<(), Status>,
) -> Result<(), Status> {
    let mut deadline = Deadline::start(idle)?;
    let outcome = async {
        let Some(response) = send(url, message, bearer, &deadline.abort.signal()).await? else {
            return Ok(());
        };
        let body = response.body().ok_or_else(|| Status::no_answer("the answer had no body"))?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut decoder = frame::Decoder::default();
        let mut trailers = None;
        loop {
            let chunk: ReadableStreamReadResult =
                JsFuture::from(reader.read()).await.map_err(lost)?.unchecked_into();
            deadline.restart();
            if chunk.get_done().unwrap_or(true) {
                break;
            }
            decoder.push(&Uint8Array::new(&chunk.get_value()).to_vec());
            while let Some(frame) =
                decoder.next_frame().map_err(|why| Status::new(Code::Internal, why))?
            {
                match frame {
                    frame::Frame::Message(message) => on_message(&message)?,
                    frame::Frame::Trailers(block) => trailers = Some(block),
                }
            }
        }
        if decoder.is_mid_frame() {
            return Err(Status::new(Code::Internal, "a frame of the answer was cut short"));
        }
        ended_well(&trailers.unwrap_or_default())
    };
    let outcome = outcome.await;
    deadline.judge(outcome)
}

/// POSTs the request; `None` for a trailers-only OK (no body to read).
async fn send(
    url: &str,
    message: &[u8],
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Option<Response>, Status> {
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
        return if status.code() == Code::Ok { Ok(None) } else { Err(status) };
    }
    if !header("content-type").is_some_and(|kind| kind.starts_with("application/grpc-web")) {
        return Err(Status::no_answer("the answer is not grpc-web"));
    }
    Ok(Some(response))
}

/// The status the trailers carry: OK, or the error.
fn ended_well(trailers: &[(String, String)]) -> Result<(), Status> {
    let status = Status::from_metadata(|name| frame::trailer(trailers, name))
        .ok_or_else(|| Status::new(Code::Internal, "the answer ended without a status"))?;
    if status.code() == Code::Ok { Ok(()) } else { Err(status) }
}

thread_local! {
    /// The requests in flight, by call, so the page can end them all.
    static IN_FLIGHT: RefCell<Vec<(u64, AbortController)>> = const { RefCell::new(Vec::new()) };
    static NEXT_CALL: Cell<u64> = const { Cell::new(0) };
}

/// Ends every request in flight now. For a page being put away (the
/// browser may keep it frozen in its back-forward cache): its open streams
/// would otherwise keep holding connections, of which a browser allows
/// only about six per server, and the next page's calls would wait for
/// them. A call ended this way fails like a lost connection, and whoever
/// made it tries again as after one.
pub fn abort_all() {
    let open = IN_FLIGHT.with_borrow_mut(std::mem::take);
    for (_, abort) in open {
        abort.abort();
    }
}

/// A failed browser call: the request never got an answer.
fn lost(_: JsValue) -> Status {
    Status::no_answer("the request failed")
}

/// Aborts the request when the time is up (noting that it was), or when
/// the call is dropped. A stream restarts the clock whenever bytes arrive.
struct Deadline {
    call: u64,
    abort: AbortController,
    passed: Rc<Cell<bool>>,
    millis: u32,
    _timer: Timeout,
}

impl Deadline {
    fn start(timeout: Duration) -> Result<Self, Status> {
        let abort = AbortController::new().map_err(lost)?;
        let passed = Rc::new(Cell::new(false));
        let millis = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        let timer = Self::timer(&abort, &passed, millis);
        let call = NEXT_CALL.replace(NEXT_CALL.get() + 1);
        IN_FLIGHT.with_borrow_mut(|open| open.push((call, abort.clone())));
        Ok(Self { call, abort, passed, millis, _timer: timer })
    }

    fn timer(abort: &AbortController, passed: &Rc<Cell<bool>>, millis: u32) -> Timeout {
        let (abort, passed) = (abort.clone(), passed.clone());
        Timeout::new(millis, move || {
            passed.set(true);
            abort.abort();
        })
    }

    /// The full time again from now (the old timer is cancelled).
    fn restart(&mut self) {
        self._timer = Self::timer(&self.abort, &self.passed, self.millis);
    }

    /// A failure caused by the time running out reads as DEADLINE_EXCEEDED.
    fn judge<T>(&self, outcome: Result<T, Status>) -> Result<T, Status> {
        match outcome {
            Err(_) if self.passed.get() => {
                Err(Status::new(Code::DeadlineExceeded, "no answer in time"))
            }
            outcome => outcome,
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // After the body has been read this changes nothing.
        self.abort.abort();
        IN_FLIGHT.with_borrow_mut(|open| open.retain(|(call, _)| *call != self.call));
    }
}
