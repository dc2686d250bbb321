//! grpc-web's body framing: every frame is a flag byte, a 4-byte
//! big-endian length and that many bytes. Flag 0x00 carries a message,
//! 0x80 the trailers as `name: value` lines; 0x01 (compressed) is never
//! asked for, so never accepted. A unary answer is [`parse`]d whole; a
//! server stream goes through a [`Decoder`] as its bytes arrive.

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

/// One frame of an answer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Frame {
    Message(Vec<u8>),
    /// Trailer names (lower case) and values.
    Trailers(Vec<(String, String)>),
}

/// Cuts frames out of a body that arrives in pieces (a server stream):
/// bytes are pushed as they come, and whole frames taken out as soon as
/// they are complete.
#[derive(Debug, Default)]
pub(super) struct Decoder {
    pending: Vec<u8>,
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next whole frame, if it has arrived; the error says, for the
    /// status message, why the body is not a grpc-web answer.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, &'static str> {
        let Some((&[flag, a, b, c, d], rest)) = self.pending.split_first_chunk::<HEADER_LEN>()
        else {
            return Ok(None);
        };
        let len = u32::from_be_bytes([a, b, c, d]) as usize;
        if rest.len() < len {
            return Ok(None);
        }
        if flag & TRAILERS == 0 && flag & COMPRESSED != 0 {
            return Err("the answer was compressed");
        }
        let payload: Vec<u8> = self.pending.drain(..HEADER_LEN + len).skip(HEADER_LEN).collect();
        Ok(Some(if flag & TRAILERS != 0 {
            Frame::Trailers(trailers(&payload).collect())
        } else {
            Frame::Message(payload)
        }))
    }

    /// Whether part of a frame is still waiting for the rest of it.
    pub fn is_mid_frame(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// A unary answer's body, split into its parts.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Answer {
    /// The reply message, if the server sent one.
    pub message: Option<Vec<u8>>,
    /// Trailer names (lower case) and values.
    pub trailers: Vec<(String, String)>,
}

/// The value of the trailer `name` (lower case) among `trailers`.
pub(super) fn trailer(trailers: &[(String, String)], name: &str) -> Option<String> {
    trailers.iter().find(|(known, _)| known == name).map(|(_, value)| value.clone())
}

/// Splits a unary answer's body into its message and trailers; the error
/// says, for the status message, why the body is not a grpc-web answer.
pub(super) fn parse(body: &[u8]) -> Result<Answer, &'static str> {
    let mut decoder = Decoder::default();
    decoder.push(body);
    let mut answer = Answer::default();
    while let Some(frame) = decoder.next_frame()? {
        match frame {
            Frame::Trailers(trailers) => answer.trailers.extend(trailers),
            Frame::Message(message) => {
                if answer.message.replace(message).is_some() {
                    return Err("the answer held more than one message");
                }
            }
        }
    }
    if decoder.is_mid_frame() {
        return Err("a frame of the answer was cut short");
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
        assert_eq!(trailer(&answer.trailers, "grpc-status").as_deref(), Some("0"));
        assert_eq!(trailer(&answer.trailers, "grpc-message").as_deref(), Some("all good"));
        assert_eq!(trailer(&answer.trailers, "grpc-status-details-bin"), None);
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

    #[test]
    fn a_stream_yields_each_frame_once_it_is_whole() {
        let mut body = frame(0, b"one");
        body.extend(frame(0, b"two"));
        body.extend(frame(0x80, b"grpc-status: 0"));
        let mut decoder = Decoder::default();
        let mut frames = Vec::new();
        // Byte by byte: frames split anywhere, even inside the header.
        for byte in &body {
            decoder.push(&[*byte]);
            while let Some(frame) = decoder.next_frame().unwrap() {
                frames.push(frame);
            }
        }
        assert_eq!(
            frames,
            [
                Frame::Message(b"one".to_vec()),
                Frame::Message(b"two".to_vec()),
                Frame::Trailers(vec![("grpc-status".into(), "0".into())]),
            ]
        );
        assert!(!decoder.is_mid_frame());
    }

    #[test]
    fn a_stream_cut_inside_a_frame_is_noticed() {
        let mut decoder = Decoder::default();
        decoder.push(&frame(0, b"whole")[..6]);
        assert_eq!(decoder.next_frame(), Ok(None));
        assert!(decoder.is_mid_frame());
        let mut zipped = Decoder::default();
        zipped.push(&frame(0x01, b"z"));
        assert!(zipped.next_frame().is_err());
    }
}
