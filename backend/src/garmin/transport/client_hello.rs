//! Reading a TLS ClientHello off the wire (RFC 8446 §4.1.2), for the tests
//! that check what the sign-in transport looks like to Cloudflare. Every
//! read is bounds-checked: short or malformed input gives `None`.

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

const HANDSHAKE_RECORD: u8 = 22;
const CLIENT_HELLO: u8 = 1;
/// A record's payload is at most 2^14 bytes (RFC 8446 §5.1).
const MAX_RECORD: usize = 1 << 14;
/// More than any ClientHello needs, post-quantum key shares included.
const MAX_HELLO: usize = 1 << 16;

pub const SERVER_NAME: u16 = 0x0000;
pub const SUPPORTED_GROUPS: u16 = 0x000a;
pub const SIGNATURE_ALGORITHMS: u16 = 0x000d;
pub const ALPN: u16 = 0x0010;
pub const SUPPORTED_VERSIONS: u16 = 0x002b;

/// What a ClientHello offers, in the order it offers it.
#[derive(Debug, Default)]
pub struct ClientHello {
    pub cipher_suites: Vec<u16>,
    /// Extension types.
    pub extensions: Vec<u16>,
    pub supported_groups: Vec<u16>,
    pub signature_algorithms: Vec<u16>,
    pub alpn: Vec<String>,
    pub supported_versions: Vec<u16>,
}

/// Whether `value` is a GREASE value (RFC 8701: 0x0a0a, 0x1a1a, … 0xfafa).
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// The values that are not GREASE.
pub fn real(values: &[u16]) -> Vec<u16> {
    values.iter().copied().filter(|value| !is_grease(*value)).collect()
}

/// Reads TLS handshake records from `stream` until one whole handshake
/// message has arrived, and returns that message (type, length, body).
/// `None` if the stream ends first or sends something else.
pub async fn read_handshake(stream: &mut (impl AsyncRead + Unpin)) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    loop {
        let mut header = [0u8; 5];
        stream.read_exact(&mut header).await.ok()?;
        let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if header[0] != HANDSHAKE_RECORD || length == 0 || length > MAX_RECORD {
            return None;
        }
        let start = message.len();
        message.resize(start + length, 0);
        stream.read_exact(&mut message[start..]).await.ok()?;
        if let Some(whole) = message_length(&message) {
            if whole > MAX_HELLO {
                return None;
            }
            if message.len() >= whole {
                message.truncate(whole);
                return Some(message);
            }
        }
    }
}

/// The length of the handshake message starting `bytes`, header included,
/// once its header has arrived.
fn message_length(bytes: &[u8]) -> Option<usize> {
    let mut reader = Reader(bytes);
    reader.u8()?;
    Some(4 + reader.u24()?)
}

impl ClientHello {
    /// Parses a handshake message that should be a ClientHello.
    pub fn parse(message: &[u8]) -> Option<Self> {
        let mut reader = Reader(message);
        if reader.u8()? != CLIENT_HELLO {
            return None;
        }
        let length = reader.u24()?;
        let mut body = Reader(reader.take(length)?);
        body.take(2 + 32)?; // legacy_version, random
        body.vec8()?; // legacy_session_id
        let cipher_suites = body.vec16()?.u16s()?;
        body.vec8()?; // legacy_compression_methods
        let mut hello = Self { cipher_suites, ..Self::default() };
        let mut extensions = body.vec16()?;
        while !extensions.is_empty() {
            let kind = extensions.u16()?;
            let mut data = extensions.vec16()?;
            hello.extensions.push(kind);
            match kind {
                SUPPORTED_GROUPS => hello.supported_groups = data.vec16()?.u16s()?,
                SIGNATURE_ALGORITHMS => hello.signature_algorithms = data.vec16()?.u16s()?,
                SUPPORTED_VERSIONS => hello.supported_versions = data.vec8()?.u16s()?,
                ALPN => {
                    let mut names = data.vec16()?;
                    while !names.is_empty() {
                        hello.alpn.push(String::from_utf8_lossy(names.vec8()?.0).into_owned());
                    }
                }
                _ => {}
            }
        }
        Some(hello)
    }

    /// The JA4 fingerprint (FoxIO's JA4 TLS client fingerprint): e.g.
    /// `t13d1516h2_8daaf6152771_d8a2da3f94cd` for Chromium.
    pub fn ja4(&self) -> String {
        let version = match real(&self.supported_versions).iter().max() {
            Some(0x0304) => "13",
            Some(0x0303) | None => "12",
            Some(_) => "00",
        };
        let sni = if self.extensions.contains(&SERVER_NAME) { 'd' } else { 'i' };
        let alpn = self
            .alpn
            .first()
            .and_then(|first| Some(format!("{}{}", first.chars().next()?, first.chars().last()?)))
            .unwrap_or_else(|| "00".to_owned());
        let ciphers = real(&self.cipher_suites);
        let extensions = real(&self.extensions);
        let a = format!("t{version}{sni}{:02}{:02}{alpn}", ciphers.len(), extensions.len());
        let mut sorted = ciphers;
        sorted.sort_unstable();
        let b = truncated_hash(&hex_list(&sorted));
        let mut sorted: Vec<u16> =
            extensions.into_iter().filter(|kind| ![SERVER_NAME, ALPN].contains(kind)).collect();
        sorted.sort_unstable();
        let mut c = hex_list(&sorted);
        if !self.signature_algorithms.is_empty() {
            c = format!("{c}_{}", hex_list(&self.signature_algorithms));
        }
        format!("{a}_{b}_{}", truncated_hash(&c))
    }
}

fn hex_list(values: &[u16]) -> String {
    values.iter().map(|value| format!("{value:04x}")).collect::<Vec<_>>().join(",")
}

/// The first 12 hex digits of SHA-256 (JA4's truncated hash).
fn truncated_hash(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes())).chars().take(12).collect()
}

/// A cursor over bytes whose every read checks the bounds.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(count)?;
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u8(&mut self) -> Option<u8> {
        self.array().map(|[byte]| byte)
    }

    fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_be_bytes)
    }

    fn u24(&mut self) -> Option<usize> {
        self.array().map(|[high, middle, low]| {
            usize::from(high) << 16 | usize::from(middle) << 8 | usize::from(low)
        })
    }

    /// A vector with a one-byte length in front.
    fn vec8(&mut self) -> Option<Reader<'a>> {
        let length = usize::from(self.u8()?);
        self.take(length).map(Reader)
    }

    /// A vector with a two-byte length in front.
    fn vec16(&mut self) -> Option<Reader<'a>> {
        let length = usize::from(self.u16()?);
        self.take(length).map(Reader)
    }

    /// The rest as big-endian u16s (an odd byte left over is malformed).
    fn u16s(mut self) -> Option<Vec<u16>> {
        let mut values = Vec::with_capacity(self.0.len() / 2);
        while !self.is_empty() {
            values.push(self.u16()?);
        }
        Some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small ClientHello: two suites (one GREASE), groups, ALPN and
    /// supported versions.
    fn sample() -> Vec<u8> {
        let extension = |kind: u16, data: &[u8]| {
            let mut bytes = kind.to_be_bytes().to_vec();
            bytes.extend((data.len() as u16).to_be_bytes());
            bytes.extend(data);
            bytes
        };
        let mut extensions = Vec::new();
        extensions.extend(extension(SUPPORTED_GROUPS, &[0, 4, 0x00, 0x1d, 0x00, 0x17]));
        extensions.extend(extension(
            ALPN,
            &[0, 12, 2, b'h', b'2', 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1'],
        ));
        extensions.extend(extension(SUPPORTED_VERSIONS, &[2, 0x03, 0x04]));
        let mut body = vec![0x03, 0x03];
        body.extend([7u8; 32]);
        body.push(0); // no session id
        body.extend([0, 4, 0x4a, 0x4a, 0x13, 0x01]);
        body.extend([1, 0]); // null compression
        body.extend((extensions.len() as u16).to_be_bytes());
        body.extend(extensions);
        let mut message = vec![CLIENT_HELLO];
        message.extend(&(body.len() as u32).to_be_bytes()[1..]);
        message.extend(body);
        message
    }

    #[test]
    fn a_client_hello_is_read_field_by_field() {
        let hello = ClientHello::parse(&sample()).unwrap();
        assert_eq!(hello.cipher_suites, [0x4a4a, 0x1301]);
        assert_eq!(real(&hello.cipher_suites), [0x1301]);
        assert_eq!(hello.supported_groups, [0x001d, 0x0017]);
        assert_eq!(hello.alpn, ["h2", "http/1.1"]);
        assert_eq!(hello.supported_versions, [0x0304]);
        assert!(hello.ja4().starts_with("t13i0103h2_"));
    }

    #[test]
    fn every_truncated_client_hello_is_refused_without_a_panic() {
        let whole = sample();
        for length in 0..whole.len() {
            assert!(ClientHello::parse(&whole[..length]).is_none(), "prefix of {length} bytes");
        }
    }

    #[test]
    fn grease_values_are_the_rfc_8701_ones() {
        assert!([0x0a0a, 0x1a1a, 0x4a4a, 0xfafa].into_iter().all(is_grease));
        assert!(![0x1301, 0x0a1a, 0x001d, 0x11ec].into_iter().any(is_grease));
    }

    #[tokio::test]
    async fn a_handshake_split_over_records_is_put_back_together() {
        let message = sample();
        let (first, second) = message.split_at(10);
        let mut wire = Vec::new();
        for part in [first, second] {
            wire.extend([HANDSHAKE_RECORD, 3, 1]);
            wire.extend((part.len() as u16).to_be_bytes());
            wire.extend(part);
        }
        assert_eq!(read_handshake(&mut wire.as_slice()).await.unwrap(), message);
        assert!(read_handshake(&mut &wire[..wire.len() - 1]).await.is_none());
        assert!(read_handshake(&mut &b"GET / HTTP/1.1\r\n\r\n"[..]).await.is_none());
    }
}
