//! How a call ended: a gRPC status code, the server's message and details
//! ([`Details`]), or word that no gRPC answer came at all.

use base64::{
    Engine,
    alphabet::STANDARD,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use percent_encoding::percent_decode_str;

use super::details::Details;

/// Base64 as gRPC sends binary headers: padding optional.
const BINARY_HEADER: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The gRPC status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::api) enum Code {
    Ok,
    Cancelled,
    Unknown,
    InvalidArgument,
    DeadlineExceeded,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    ResourceExhausted,
    FailedPrecondition,
    Aborted,
    OutOfRange,
    Unimplemented,
    Internal,
    Unavailable,
    DataLoss,
    Unauthenticated,
}

impl Code {
    /// The code a `grpc-status` value names; UNKNOWN for anything else.
    fn parse(value: &str) -> Self {
        const ALL: [Code; 17] = [
            Code::Ok,
            Code::Cancelled,
            Code::Unknown,
            Code::InvalidArgument,
            Code::DeadlineExceeded,
            Code::NotFound,
            Code::AlreadyExists,
            Code::PermissionDenied,
            Code::ResourceExhausted,
            Code::FailedPrecondition,
            Code::Aborted,
            Code::OutOfRange,
            Code::Unimplemented,
            Code::Internal,
            Code::Unavailable,
            Code::DataLoss,
            Code::Unauthenticated,
        ];
        value
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| ALL.get(n).copied())
            .unwrap_or(Code::Unknown)
    }
}

/// A call's outcome other than a reply.
#[derive(Clone, Debug, PartialEq)]
pub(in crate::api) struct Status {
    code: Code,
    message: String,
    details: Details,
    /// False when no gRPC answer arrived (the request failed, or something
    /// that is not a grpc-web server answered).
    answered: bool,
}

impl Status {
    /// The status in `grpc-status`, `grpc-message` (percent-encoded) and
    /// `grpc-status-details-bin` (base64), looked up with `get` among
    /// trailers or, for a trailers-only answer, headers. `None` without
    /// `grpc-status`.
    pub fn from_metadata(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let code = Code::parse(&get("grpc-status")?);
        let message = get("grpc-message")
            .map(|raw| percent_decode_str(&raw).decode_utf8_lossy().into_owned())
            .unwrap_or_default();
        let details = get("grpc-status-details-bin")
            .and_then(|raw| BINARY_HEADER.decode(raw.trim()).ok())
            .map(|encoded| Details::decode(&encoded))
            .unwrap_or_default();
        Some(Self { code, message, details, answered: true })
    }

    /// A status made on this side, with no details.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: Details::default(), answered: true }
    }

    /// The call got no gRPC answer: `fetch` failed (network down, server
    /// stopped) or something else answered.
    pub fn no_answer(why: impl Into<String>) -> Self {
        Self { answered: false, ..Self::new(Code::Unavailable, why) }
    }

    pub fn code(&self) -> Code {
        self.code
    }

    /// The server's words, for people; never to decide on.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn details(&self) -> &Details {
        &self.details
    }

    /// False when the call got no gRPC answer (see [`Status::no_answer`]).
    pub fn answered(&self) -> bool {
        self.answered
    }
}

#[cfg(test)]
pub(in crate::api) mod testing {
    //! Statuses as a server sends them, through the same parsing.

    use base64::Engine;
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

    use super::{BINARY_HEADER, Code, Status};
    use crate::api::grpc_web::details::{self, Details};

    /// What gRPC percent-encodes in `grpc-message` (besides non-ASCII).
    const MESSAGE: &AsciiSet = &CONTROLS.add(b'%');

    /// The status a server answers with `code`, `message` and `details`.
    pub fn answer(code: Code, message: &str, details: Details) -> Status {
        let code = (code as u8).to_string();
        let message = utf8_percent_encode(message, MESSAGE).to_string();
        let details = BINARY_HEADER.encode(details::encode(&details));
        Status::from_metadata(|name| match name {
            "grpc-status" => Some(code.clone()),
            "grpc-message" => Some(message.clone()),
            "grpc-status-details-bin" => Some(details.clone()),
            _ => None,
        })
        .unwrap_or_else(|| unreachable!("grpc-status is set"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::api::grpc_web::details::ErrorInfo;

    fn metadata<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(known, _)| *known == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn codes_are_read_by_number() {
        assert_eq!(Code::parse("0"), Code::Ok);
        assert_eq!(Code::parse("9"), Code::FailedPrecondition);
        assert_eq!(Code::parse("16"), Code::Unauthenticated);
        assert_eq!(Code::parse("17"), Code::Unknown);
        assert_eq!(Code::parse("nine"), Code::Unknown);
    }

    #[test]
    fn the_message_is_percent_decoded() {
        let status = Status::from_metadata(metadata(&[
            ("grpc-status", "3"),
            ("grpc-message", "caf%C3%A9%20closed: 100%25"),
        ]))
        .unwrap();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "café closed: 100%");
        assert!(status.answered());
    }

    #[test]
    fn details_are_read_with_or_without_base64_padding() {
        let details = Details {
            error_info: Some(ErrorInfo { reason: "LINK_UNUSABLE".into(), domain: "baton".into() }),
            retry_delay: Some(Duration::from_secs(30)),
            ..Details::default()
        };
        let padded = BINARY_HEADER.encode(super::super::details::encode(&details));
        assert!(padded.ends_with('='), "the example should need padding: {padded}");
        for value in [padded.as_str(), padded.trim_end_matches('=')] {
            let status = Status::from_metadata(metadata(&[
                ("grpc-status", "9"),
                ("grpc-status-details-bin", value),
            ]))
            .unwrap();
            assert_eq!(status.details(), &details);
        }
    }

    #[test]
    fn without_grpc_status_there_is_no_status() {
        assert_eq!(Status::from_metadata(metadata(&[("grpc-message", "hello")])), None);
    }

    #[test]
    fn broken_details_leave_code_and_message() {
        let status = Status::from_metadata(metadata(&[
            ("grpc-status", "5"),
            ("grpc-message", "gone"),
            ("grpc-status-details-bin", "not base64!"),
        ]))
        .unwrap();
        assert_eq!((status.code(), status.message()), (Code::NotFound, "gone"));
        assert_eq!(status.details(), &Details::default());
    }

    #[test]
    fn a_lost_call_is_not_an_answer() {
        let status = Status::no_answer("fetch failed");
        assert_eq!(status.code(), Code::Unavailable);
        assert!(!status.answered());
        assert!(Status::new(Code::Unavailable, "busy").answered());
    }
}
