//! What the sign-in calls put on the wire, seen by local listeners: the
//! header set of each call (through whichever transport this build signs in
//! with) and, with `browser-tls`, the TLS ClientHello of both transports.

use std::{collections::BTreeSet, time::Duration};

use chrono::Utc;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use super::SignInRequest;
use crate::garmin::{GarminClient, GarminConfig, GarminError, SignIn, client::MOBILE_USER_AGENT};

const WAIT: Duration = Duration::from_secs(10);
/// Largest request head the stand-in reads.
const MAX_HEAD: usize = 64 * 1024;

/// A request as the stand-in received it.
#[derive(Debug)]
struct Received {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn names(&self) -> BTreeSet<&str> {
        self.headers.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(known, _)| known == name).map(|(_, value)| value.as_str())
    }
}

/// A plain-HTTP stand-in that answers the n-th connection's request with
/// `answers[n]` and closes it; hands back what it received.
async fn stand_in(answers: Vec<String>) -> (String, JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut received = Vec::new();
        for answer in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            received.push(read_request(&mut socket).await);
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
        received
    });
    (origin, server)
}

/// What the stand-in received, once it has answered every request (a
/// request that never came fails the test instead of hanging it).
async fn received(server: JoinHandle<Vec<Received>>) -> Vec<Received> {
    tokio::time::timeout(WAIT, server).await.expect("a request did not arrive").unwrap()
}

/// An HTTP/1.1 answer that closes its connection.
fn answer(status: &str, headers: &[&str], body: &str) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for header in headers {
        text.push_str(&format!("{header}\r\n"));
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    text
}

async fn read_request(socket: &mut TcpStream) -> Received {
    let mut bytes = Vec::new();
    let end = loop {
        if let Some(at) = bytes.windows(4).position(|window| window == b"\r\n\r\n") {
            break at;
        }
        assert!(bytes.len() < MAX_HEAD, "request head too long");
        let mut chunk = [0u8; 4096];
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed inside the request head");
        bytes.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| value.parse::<usize>().unwrap());
    let mut body = bytes[end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed inside the request body");
        body.extend_from_slice(&chunk[..read]);
    }
    Received { line, headers, body }
}

fn client_for(origin: &str) -> GarminClient {
    let mut config = GarminConfig::garmin("https://baton.example.com".to_owned()).unwrap();
    config.sso_url = origin.parse().unwrap();
    config.diauth_url = origin.parse().unwrap();
    GarminClient::new(config).unwrap()
}

fn names(list: &[&'static str]) -> BTreeSet<&'static str> {
    list.iter().copied().collect()
}

#[tokio::test]
async fn browser_headers_go_only_with_the_sign_in_page_and_the_apps_with_the_login() {
    let mfa = r#"{"responseStatus":{"type":"MFA_REQUIRED"},"customerMfaInfo":{"mfaLastMethodUsed":"email"}}"#;
    let (origin, server) = stand_in(vec![
        answer("200 OK", &["set-cookie: SESSION=s1; Path=/; HttpOnly"], "<html></html>"),
        answer("200 OK", &["content-type: application/json", "set-cookie: GARMIN-SSO=1"], mfa),
    ])
    .await;
    let client = client_for(&origin);

    let outcome = client.sign_in("a@example.com", "secret").await.unwrap();
    let [page, login] = <[Received; 2]>::try_from(received(server).await).unwrap();

    assert!(matches!(outcome, SignIn::MfaRequired(_)));
    assert!(page.line.starts_with("GET /mobile/sso/en/sign-in?clientId=GCM_IOS_DARK "));
    assert_eq!(
        page.names(),
        names(&[
            "host",
            "user-agent",
            "accept",
            "accept-language",
            "sec-fetch-mode",
            "sec-fetch-dest",
            "sec-fetch-site",
        ])
    );
    assert_eq!(page.get("user-agent"), Some(MOBILE_USER_AGENT));
    assert!(login.line.starts_with("POST /mobile/api/login?clientId=GCM_IOS_DARK&locale=en-US"));
    assert_eq!(
        login.names(),
        names(&[
            "host",
            "user-agent",
            "accept",
            "origin",
            "content-type",
            "content-length",
            "cookie"
        ])
    );
    assert_eq!(login.get("user-agent"), Some(MOBILE_USER_AGENT));
    assert_eq!(login.get("accept"), Some("application/json, text/plain, */*"));
    assert_eq!(login.get("origin"), Some(origin.as_str()));
    assert_eq!(login.get("content-type"), Some("application/json"));
    assert_eq!(login.get("cookie"), Some("SESSION=s1"));
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(body["username"], "a@example.com");
}

#[tokio::test]
async fn the_token_endpoint_gets_the_android_apps_headers_and_a_form() {
    let refused = r#"{"error":"invalid_grant"}"#;
    let (origin, server) =
        stand_in(vec![answer("400 Bad Request", &["content-type: application/json"], refused)])
            .await;
    let client = client_for(&origin);

    let outcome = client
        .exchange_ticket("ST-1-abc-sso", "https://sso.garmin.com/sso/embed", Utc::now())
        .await;
    let [token] = <[Received; 1]>::try_from(received(server).await).unwrap();

    assert!(matches!(outcome, Err(GarminError::TicketRejected)));
    assert!(token.line.starts_with("POST /di-oauth2-service/oauth/token "));
    assert_eq!(
        token.names(),
        names(&[
            "host",
            "user-agent",
            "x-garmin-user-agent",
            "x-garmin-paired-app-version",
            "x-garmin-client-platform",
            "x-app-ver",
            "x-lang",
            "x-gcexperience",
            "accept-language",
            "authorization",
            "accept",
            "cache-control",
            "content-type",
            "content-length",
        ])
    );
    assert_eq!(token.get("user-agent"), Some("GCM-Android-5.23"));
    // base64("GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2:")
    assert_eq!(
        token.get("authorization"),
        Some("Basic R0FSTUlOX0NPTk5FQ1RfTU9CSUxFX0FORFJPSURfRElfMjAyNVEyOg==")
    );
    assert_eq!(token.get("content-type"), Some("application/x-www-form-urlencoded"));
    let form: Vec<(String, String)> =
        url::form_urlencoded::parse(&token.body).into_owned().collect();
    assert!(form.contains(&("service_ticket".into(), "ST-1-abc-sso".into())));
    assert!(form.contains(&("service_url".into(), "https://sso.garmin.com/sso/embed".into())));
}

#[tokio::test]
async fn a_sign_in_answer_keeps_its_status_cookies_retry_after_and_body() {
    let (origin, server) = stand_in(vec![answer(
        "429 Too Many Requests",
        &["retry-after: 7", "set-cookie: __cf_bm=x; Path=/", "set-cookie: SESSION=y"],
        "{}",
    )])
    .await;
    let client = client_for(&origin);
    let url = format!("{origin}/mobile/api/login").parse().unwrap();

    let answer = client.sign_in.send(SignInRequest::get(url, WAIT)).await.unwrap();
    received(server).await;

    assert_eq!(answer.status, http::StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(answer.set_cookies, ["__cf_bm=x; Path=/", "SESSION=y"]);
    assert_eq!(answer.body, b"{}");
    assert!(!answer.from_cloudflare);
}

#[cfg(feature = "browser-tls")]
mod fingerprint {
    use super::*;
    use crate::garmin::transport::{
        SignInTransport,
        client_hello::{ClientHello, is_grease, read_handshake, real},
    };

    /// Chrome's cipher suites in Chrome's order (GREASE left out).
    const CHROME_CIPHERS: [u16; 15] = [
        0x1301, 0x1302, 0x1303, // TLS 1.3: AES-128-GCM, AES-256-GCM, ChaCha20
        0xc02b, 0xc02f, // ECDHE-ECDSA/RSA-AES128-GCM-SHA256
        0xc02c, 0xc030, // ECDHE-ECDSA/RSA-AES256-GCM-SHA384
        0xcca9, 0xcca8, // ECDHE-ECDSA/RSA-CHACHA20-POLY1305
        0xc013, 0xc014, // ECDHE-RSA-AES128/256-SHA
        0x009c, 0x009d, 0x002f, 0x0035, // RSA-AES128/256-GCM, RSA-AES128/256-SHA
    ];
    /// X25519MLKEM768, x25519, secp256r1, secp384r1.
    const CHROME_GROUPS: [u16; 4] = [0x11ec, 0x001d, 0x0017, 0x0018];
    /// JA4's cipher hash of Chromium 156 as measured (STACK.md): the same
    /// set of ciphers.
    const CHROMIUM_CIPHER_HASH: &str = "8daaf6152771";
    /// JA4's extension hash of the pinned profile as measured (STACK.md;
    /// Chromium 156 has two newer extensions). A change means the profile
    /// changed under a version bump.
    const PROFILE_EXTENSION_HASH: &str = "d8a2da3f94cd";

    /// The ClientHello `transport` sends to a local listener; the
    /// connection is dropped before any handshake answer.
    async fn capture(transport: SignInTransport) -> ClientHello {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/mobile/api/login", listener.local_addr().unwrap());
        let request = SignInRequest::post(url.parse().unwrap(), WAIT)
            .json(&serde_json::json!({ "username": "a@example.com" }));
        let sending = tokio::spawn(async move { transport.send(request).await });
        let (mut socket, _) = tokio::time::timeout(WAIT, listener.accept()).await.unwrap().unwrap();
        let message =
            tokio::time::timeout(WAIT, read_handshake(&mut socket)).await.unwrap().unwrap();
        drop(socket);
        let outcome = sending.await.unwrap();
        assert!(matches!(outcome, Err(GarminError::Unavailable(_))), "{outcome:?}");
        ClientHello::parse(&message).unwrap()
    }

    #[tokio::test]
    async fn the_sign_in_transport_says_hello_like_chrome_and_rustls_does_not() {
        let chrome = capture(SignInTransport::browser(WAIT)).await;
        let rustls =
            capture(SignInTransport::Plain(client_for("https://sso.garmin.com").http)).await;
        println!("Chrome profile: {}\n{chrome:04x?}", chrome.ja4());
        println!("reqwest/rustls: {}\n{rustls:04x?}", rustls.ja4());

        assert_eq!(real(&chrome.cipher_suites), CHROME_CIPHERS);
        assert!(chrome.cipher_suites.first().copied().is_some_and(is_grease));
        assert_eq!(real(&chrome.supported_groups), CHROME_GROUPS);
        assert!(chrome.supported_groups.first().copied().is_some_and(is_grease));
        assert!(chrome.extensions.iter().copied().any(is_grease));
        assert_eq!(chrome.alpn, ["h2", "http/1.1"]);
        assert_eq!(real(&chrome.supported_versions), [0x0304, 0x0303]);
        let ja4 = chrome.ja4();
        assert_eq!(ja4.split('_').nth(1), Some(CHROMIUM_CIPHER_HASH));
        assert_eq!(ja4.split('_').nth(2), Some(PROFILE_EXTENSION_HASH));

        assert!(!rustls.cipher_suites.iter().copied().any(is_grease));
        assert!(!rustls.extensions.iter().copied().any(is_grease));
        assert_ne!(real(&rustls.cipher_suites), CHROME_CIPHERS);
        assert_ne!(rustls.ja4(), chrome.ja4());
    }
}
