//! The parts of the gRPC richer error model the SPA reads: a
//! `google.rpc.Status` (sent base64 in `grpc-status-details-bin`) whose
//! details may hold an `ErrorInfo`, a `BadRequest` and a `RetryInfo`. Only
//! the fields read are declared; prost skips the others.

use std::time::Duration;

use prost::Message;
use prost_types::Any;

const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST: &str = "type.googleapis.com/google.rpc.BadRequest";
const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";

/// `google.rpc.Status`; code and message also travel as headers.
#[derive(Clone, PartialEq, Message)]
struct RpcStatus {
    #[prost(message, repeated, tag = "3")]
    details: Vec<Any>,
}

/// `google.rpc.ErrorInfo`, without its metadata.
#[derive(Clone, PartialEq, Message)]
pub(in crate::api) struct ErrorInfo {
    #[prost(string, tag = "1")]
    pub reason: String,
    #[prost(string, tag = "2")]
    pub domain: String,
}

/// `google.rpc.BadRequest`.
#[derive(Clone, PartialEq, Message)]
pub(in crate::api) struct BadRequest {
    #[prost(message, repeated, tag = "1")]
    pub field_violations: Vec<FieldViolation>,
}

/// `google.rpc.BadRequest.FieldViolation`.
#[derive(Clone, PartialEq, Message)]
pub(in crate::api) struct FieldViolation {
    #[prost(string, tag = "1")]
    pub field: String,
    #[prost(string, tag = "2")]
    pub description: String,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<prost_types::Duration>,
}

/// What a failed call's details say, as far as the SPA reads them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(in crate::api) struct Details {
    pub error_info: Option<ErrorInfo>,
    pub bad_request: Option<BadRequest>,
    /// How long to wait before trying again.
    pub retry_delay: Option<Duration>,
}

impl Details {
    /// Reads an encoded `google.rpc.Status`; what cannot be read is left
    /// out (the code and message still say what happened).
    pub fn decode(encoded: &[u8]) -> Self {
        let mut details = Self::default();
        let Ok(status) = RpcStatus::decode(encoded) else {
            return details;
        };
        for any in status.details {
            let value = any.value.as_slice();
            match any.type_url.as_str() {
                ERROR_INFO => details.error_info = ErrorInfo::decode(value).ok(),
                BAD_REQUEST => details.bad_request = BadRequest::decode(value).ok(),
                RETRY_INFO => {
                    details.retry_delay = RetryInfo::decode(value)
                        .ok()
                        .and_then(|info| info.retry_delay)
                        .and_then(|delay| Duration::try_from(delay).ok());
                }
                _ => {}
            }
        }
        details
    }
}

/// Encodes details the way a server sends them, for tests.
#[cfg(test)]
pub(in crate::api) fn encode(details: &Details) -> Vec<u8> {
    fn any(type_url: &str, message: &impl Message) -> Any {
        Any { type_url: type_url.to_owned(), value: message.encode_to_vec() }
    }
    let mut status = RpcStatus::default();
    if let Some(info) = &details.error_info {
        status.details.push(any(ERROR_INFO, info));
    }
    if let Some(request) = &details.bad_request {
        status.details.push(any(BAD_REQUEST, request));
    }
    if let Some(delay) = details.retry_delay {
        let retry_delay = prost_types::Duration::try_from(delay).ok();
        status.details.push(any(RETRY_INFO, &RetryInfo { retry_delay }));
    }
    status.encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_read_comes_back_from_its_encoding() {
        let details = Details {
            error_info: Some(ErrorInfo { reason: "LINK_UNUSABLE".into(), domain: "baton".into() }),
            bad_request: Some(BadRequest {
                field_violations: vec![FieldViolation {
                    field: "email".into(),
                    description: "no @".into(),
                }],
            }),
            retry_delay: Some(Duration::from_millis(1500)),
        };
        assert_eq!(Details::decode(&encode(&details)), details);
    }

    #[test]
    fn unknown_and_unreadable_details_are_left_out() {
        let status = RpcStatus {
            details: vec![
                Any { type_url: "type.googleapis.com/google.rpc.Help".into(), value: vec![1] },
                Any { type_url: ERROR_INFO.into(), value: vec![0xff] },
            ],
        };
        assert_eq!(Details::decode(&status.encode_to_vec()), Details::default());
        assert_eq!(Details::decode(b"\xff\xff"), Details::default());
    }
}
