//! The same port serves grpc-web over HTTP/1.1 and the SPA's files.

use baton_proto::{
    auth::v1::{LoginRequest, LoginResponse, login_response},
    user::v1::{GetMeRequest, GetMeResponse},
};
use prost::Message;

use crate::helpers::{PASSWORD, TestApp};

fn http1() -> reqwest::Client {
    reqwest::Client::builder().http1_only().build().unwrap()
}

/// A grpc-web call; returns (grpc-status, grpc-message, reply bytes).
async fn grpc_web_call(
    app: &TestApp,
    path: &str,
    message: impl Message,
    bearer: Option<&str>,
) -> (String, String, Vec<u8>) {
    let payload = message.encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&payload);
    let mut request = http1()
        .post(format!("{}{path}", app.url()))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(body);
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(response.status(), 200);
    let header_status =
        response.headers().get("grpc-status").map(|value| value.to_str().unwrap().to_owned());
    let header_message =
        response.headers().get("grpc-message").map(|value| value.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();

    // Frames: 1 flag byte (0x80 = trailers), 4 length bytes, payload.
    let (mut data, mut trailers) = (Vec::new(), String::new());
    let mut rest = &bytes[..];
    while rest.len() >= 5 {
        let length = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let frame = &rest[5..5 + length];
        if rest[0] & 0x80 == 0 {
            data.extend_from_slice(frame);
        } else {
            trailers.push_str(std::str::from_utf8(frame).unwrap());
        }
        rest = &rest[5 + length..];
    }
    let trailer = |name: &str| {
        trailers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    };
    let status = trailer("grpc-status").or(header_status).expect("a grpc-status");
    let message = trailer("grpc-message").or(header_message).unwrap_or_default();
    (status, message, data)
}

#[tokio::test]
async fn grpc_web_over_http1_signs_in_and_reads_the_profile() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada Admin").await;

    let login = LoginRequest { email: "ada@example.com".into(), password: PASSWORD.into() };
    let (status, _, reply) =
        grpc_web_call(&app, "/baton.auth.v1.AuthService/Login", login, None).await;
    assert_eq!(status, "0");
    let Some(login_response::Result::Tokens(tokens)) =
        LoginResponse::decode(&reply[..]).unwrap().result
    else {
        panic!("expected tokens");
    };

    let (status, _, reply) = grpc_web_call(
        &app,
        "/baton.user.v1.UserService/GetMe",
        GetMeRequest {},
        Some(&tokens.access_token),
    )
    .await;
    assert_eq!(status, "0");
    let me = GetMeResponse::decode(&reply[..]).unwrap().user.unwrap();
    assert_eq!(me.display_name, "Ada Admin");

    let (status, _, _) =
        grpc_web_call(&app, "/baton.user.v1.UserService/GetMe", GetMeRequest {}, None).await;
    assert_eq!(status, (tonic::Code::Unauthenticated as i32).to_string());
}

#[tokio::test]
async fn the_spa_is_served_with_a_fallback_to_index_html() {
    let app = TestApp::spawn().await;
    let client = http1();
    for path in ["/", "/index.html", "/sign-in", "/athletes/123/shares"] {
        let response = client.get(format!("{}{path}", app.url())).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.text().await.unwrap().contains("Baton test SPA"), "{path}");
    }
    let script = client.get(format!("{}/app.js", app.url())).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().contains("console.log"));
}

#[tokio::test]
async fn spa_responses_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/app.js", "/some/client/route"] {
        let response = http1().get(format!("{}{path}", app.url())).send().await.unwrap();
        let header = |name: &str| {
            response.headers().get(name).map(|value| value.to_str().unwrap().to_owned())
        };
        let csp = header("content-security-policy").expect("a CSP");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        // Garmin's sign-in widget, from exactly the configured SSO origin.
        let directive = |name: &str| {
            csp.split(';')
                .map(str::trim)
                .find(|d| d.starts_with(name))
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(directive("frame-src"), "frame-src http://127.0.0.1:9", "{csp}");
        assert_eq!(directive("connect-src"), "connect-src 'self' http://127.0.0.1:9", "{csp}");
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
    }
}

#[tokio::test]
async fn cors_allows_exactly_the_configured_origins() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &'static str| {
        http1()
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/baton.auth.v1.AuthService/Login", app.url()),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-grpc-web,authorization")
            .send()
    };
    let allowed = preflight("https://app.baton.test").await.unwrap();
    assert_eq!(
        allowed.headers().get("access-control-allow-origin").unwrap(),
        "https://app.baton.test"
    );
    // Browsers read only the response headers CORS exposes; grpc-web needs
    // the status ones, on the actual (not the preflight) response.
    let call = http1()
        .post(format!("{}/baton.user.v1.UserService/GetMe", app.url()))
        .header("origin", "https://app.baton.test")
        .header("content-type", "application/grpc-web+proto")
        .body(vec![0u8, 0, 0, 0, 0])
        .send()
        .await
        .unwrap();
    let exposed = call
        .headers()
        .get("access-control-expose-headers")
        .map(|value| value.to_str().unwrap().to_lowercase())
        .unwrap_or_default();
    for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }

    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}

/// A bundle file named after its content, with its compressed copies (their
/// bytes are markers: the server passes them through as they are).
const CONTENT_NAMED: &str = "baton_web.0123456789abcdef.js";

fn write_bundle_file(app: &TestApp, name: &str, plain: &str) {
    let web = app.storage.web_dir();
    std::fs::write(web.join(name), plain).unwrap();
    std::fs::write(web.join(format!("{name}.br")), "brotli bytes").unwrap();
    std::fs::write(web.join(format!("{name}.gz")), "gzip bytes").unwrap();
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = http1().get(format!("{}{path}", app.url()));
    if let Some(encodings) = accept_encoding {
        request = request.header("accept-encoding", encodings);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn clients_get_the_precompressed_copy_they_accept() {
    let app = TestApp::spawn().await;
    write_bundle_file(&app, CONTENT_NAMED, "console.log('plain');");
    let path = format!("/{CONTENT_NAMED}");
    for (accepted, encoding, body) in [
        ("br", Some("br"), "brotli bytes"),
        ("gzip, deflate, br", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, "console.log('plain');"),
    ] {
        let response = get(&app, &path, Some(accepted)).await;
        assert_eq!(response.status(), 200, "{accepted}");
        assert_eq!(header(&response, "content-encoding").as_deref(), encoding, "{accepted}");
        assert!(header(&response, "content-type").unwrap_or_default().contains("javascript"));
        assert!(header(&response, "vary").unwrap_or_default().contains("accept-encoding"));
        assert_eq!(response.text().await.unwrap(), body, "{accepted}");
    }
    let response = get(&app, &path, None).await;
    assert_eq!(header(&response, "content-encoding"), None);
}

#[tokio::test]
async fn the_index_page_is_precompressed_too_also_for_client_routes() {
    let app = TestApp::spawn().await;
    std::fs::write(app.storage.web_dir().join("index.html.br"), "brotli index").unwrap();
    for path in ["/", "/index.html", "/settings"] {
        let response = get(&app, path, Some("gzip, br")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-encoding").as_deref(), Some("br"), "{path}");
        let content_type = header(&response, "content-type").unwrap_or_default();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        assert_eq!(response.text().await.unwrap(), "brotli index", "{path}");
    }
}

#[tokio::test]
async fn content_named_files_are_cached_for_a_year() {
    let app = TestApp::spawn().await;
    write_bundle_file(&app, CONTENT_NAMED, "console.log('plain');");
    for accepted in [None, Some("br"), Some("gzip")] {
        let response = get(&app, &format!("/{CONTENT_NAMED}"), accepted).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{accepted:?}"
        );
        assert!(header(&response, "content-security-policy").is_some());
    }
}

#[tokio::test]
async fn the_index_page_and_other_files_are_revalidated() {
    let app = TestApp::spawn().await;
    for path in ["/", "/index.html", "/sign-in", "/athletes/123/shares", "/app.js"] {
        let response = get(&app, path, Some("br")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control").as_deref(), Some("no-cache"), "{path}");
    }
}

#[tokio::test]
async fn a_missing_content_named_file_is_not_found_and_not_cached() {
    let app = TestApp::spawn().await;
    let response = get(&app, "/baton_web.fedcba9876543210.wasm", Some("br")).await;
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-cache"));
    assert!(header(&response, "content-security-policy").is_some());
}
