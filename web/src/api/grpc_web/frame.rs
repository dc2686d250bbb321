//! grpc-web's body framing: every frame is a flag byte, a 4-byte
//! big-endian length and that many bytes. Flag 0x00 carries a message,
//! 0x80 the trailers as `name: value` lines; 0x01 (compressed) is never
//! asked for, so never accepted.

/// Flag bit of the frame holding the trailers.
const TRAILERS: u8 = 0x80;
/// Flag bit of a compressed frame.
const COMPRESSED: u8 = 0x01;
const HEADER_LEN: usize = 5;

/// `message` as the one data frame of a request body.
pub(super) fn encode(message: &[u8]) -> Vec<u8> {
    let len = u32::try_from(message.len()).unwrap_or(u32::MAX);
    let mut body = Vec::with_capacity(HEADER_LEN + message.len());
    body.push(0);
    body.extend_from_slice(&len.to_be_bytes());
    body.extend_from_slice(message);
    body
}

/// A unary answer's body, split into its parts.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Answer {
    /// The reply message, if the server sent one.
    pub message: Option<Vec<u8>>,
    /// Trailer names (lower case) and values.
    pub trailers: Vec<(String, String)>,
}

impl Answer {
    /// The value of the trailer `name` (lower case), if sent.
    pub fn trailer(&self, name: &str) -> Option<String> {
        self.trailers.iter().find(|(known, _)| known == name).map(|(_, value)| value.clone())
    }
}

/// Splits a unary answer's body into its message and trailers; the error
/// says, for the status message, why the body is not a grpc-web answer.
pub(super) fn parse(mut body: &[u8]) -> Result<Answer, &'static str> {
    let mut answer = Answer::default();
    while !body.is_empty() {
        let Some((&[flag, a, b, c, d], rest)) = body.split_first_chunk::<HEADER_LEN>() else {
            return Err("a frame of the answer was cut short");
        };
        let len = u32::from_be_bytes([a, b, c, d]) as usize;
        let (payload, rest) =
            rest.split_at_checked(len).ok_or("a frame of the answer was cut short")?;
        if flag & TRAILERS != 0 {
            answer.trailers.extend(trailers(payload));
        } else if flag & COMPRESSED != 0 {
            return Err("the answer was compressed");
        } else if answer.message.replace(payload.to_vec()).is_some() {
            return Err("the answer held more than one message");
        }
        body = rest;
    }
    Ok(answer)
}

/// `name: value` lines (CRLF or LF), names lower-cased; other lines are
/// skipped.
fn trailers(block: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    block.split(|&byte| byte == b'\n').filter_map(|line| {
        let line = String::from_utf8_lossy(line);
        let (name, value) = line.split_once(':')?;
        Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(flag: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![flag];
        bytes.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn a_request_is_one_uncompressed_frame_with_a_big_endian_length() {
        assert_eq!(encode(b"hi"), [0, 0, 0, 0, 2, b'h', b'i']);
        assert_eq!(encode(&[7; 300])[..5], [0, 0, 0, 1, 44]);
        assert_eq!(encode(b""), [0, 0, 0, 0, 0]);
    }

    #[test]
    fn an_answer_splits_into_message_and_trailers() {
        let mut body = frame(0, b"reply");
        body.extend(frame(0x80, b"grpc-status:0\r\nGrpc-Message: all good \r\n"));
        let answer = parse(&body).unwrap();
        assert_eq!(answer.message.as_deref(), Some(&b"reply"[..]));
        assert_eq!(answer.trailer("grpc-status").as_deref(), Some("0"));
        assert_eq!(answer.trailer("grpc-message").as_deref(), Some("all good"));
        assert_eq!(answer.trailer("grpc-status-details-bin"), None);
    }

    #[test]
    fn an_empty_message_is_still_a_message() {
        let mut body = frame(0, b"");
        body.extend(frame(0x80, b"grpc-status: 0\n"));
        assert_eq!(parse(&body).unwrap().message, Some(Vec::new()));
        assert_eq!(parse(&frame(0x80, b"grpc-status: 5")).unwrap().message, None);
    }

    #[test]
    fn broken_bodies_are_refused() {
        let mut cut = frame(0, b"reply");
        cut.pop();
        assert!(parse(&cut).is_err());
        assert!(parse(&[0, 0, 0]).is_err());
        assert!(parse(&frame(0x01, b"zipped")).is_err());
        let mut two = frame(0, b"one");
        two.extend(frame(0, b"two"));
        assert!(parse(&two).is_err());
    }
}
