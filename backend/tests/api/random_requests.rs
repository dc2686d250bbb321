//! No input reaches a panic anywhere in request handling: well-formed but
//! hostile messages, built from the descriptor set for every RPC of every
//! service (edge-case strings, ids that exist, extreme numbers, unknown enum
//! values, absurd timestamps, nested messages), sent anonymously and as
//! signed-in users. Every answer must be a gRPC status other than INTERNAL
//! or UNKNOWN (the catch-panic safety net answers INTERNAL), and the server
//! must keep serving.

use std::collections::HashMap;

use prost::bytes::BufMut;
use prost::{
    Message,
    encoding::{WireType, encode_key, encode_varint},
};
use prost_types::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorSet,
    field_descriptor_proto::{Label, Type},
};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};

use crate::helpers::{TestApp, TestUser};
use baton_proto::user::v1::Role;

/// Messages per RPC and caller.
const ROUNDS: usize = 12;
const MAX_DEPTH: usize = 3;

/// Every message type in the descriptor set (imports included), by full name.
fn message_types(set: &FileDescriptorSet) -> HashMap<String, DescriptorProto> {
    let mut types = HashMap::new();
    for file in &set.file {
        for message in &file.message_type {
            collect(&format!(".{}", file.package()), message, &mut types);
        }
    }
    types
}

fn collect(scope: &str, message: &DescriptorProto, types: &mut HashMap<String, DescriptorProto>) {
    let name = format!("{scope}.{}", message.name());
    for nested in &message.nested_type {
        collect(&name, nested, types);
    }
    types.insert(name, message.clone());
}

/// Makes hostile field values, with some that mean something to the server.
struct Hostile {
    rng: StdRng,
    strings: Vec<String>,
}

impl Hostile {
    fn new(seed: u64, known_ids: Vec<String>) -> Self {
        let mut strings = vec![
            String::new(),
            " ".to_owned(),
            "a".repeat(5_000),
            "é😀\u{202e}\u{0}".to_owned(),
            "\n\r\t".to_owned(),
            "not-an-id".to_owned(),
            uuid::Uuid::new_v4().to_string(),
            "00000000-0000-0000-0000-000000000000".to_owned(),
            "18446744073709551616".to_owned(),
            "-1".to_owned(),
            "https://example.com/".to_owned() + &"x".repeat(3_000),
            "javascript:alert(1)".to_owned(),
            "someone@example.com".to_owned(),
            "%_\\".to_owned(),
            "Europe/Berlin".to_owned(),
            "2026-02-30".to_owned(),
            "correct horse battery staple".to_owned(),
            "ST-123-abc".to_owned(),
        ];
        strings.extend(known_ids);
        Self { rng: StdRng::seed_from_u64(seed), strings }
    }

    fn string(&mut self) -> String {
        if self.rng.random_bool(0.2) {
            let len = self.rng.random_range(0..64);
            (0..len).map(|_| char::from(self.rng.random_range(0x20u8..0x7f))).collect()
        } else {
            self.strings.choose(&mut self.rng).cloned().unwrap_or_default()
        }
    }

    fn integer(&mut self) -> i64 {
        *[0, 1, -1, 2, 99, 1_000_000, i64::from(i32::MAX), i64::from(i32::MIN), i64::MAX, i64::MIN]
            .choose(&mut self.rng)
            .unwrap_or(&0)
    }

    /// A random message of `type_name`, encoded.
    fn message(
        &mut self,
        types: &HashMap<String, DescriptorProto>,
        type_name: &str,
        depth: usize,
    ) -> Vec<u8> {
        let mut buf = Vec::new();
        let Some(descriptor) = types.get(type_name) else { return buf };
        for field in &descriptor.field {
            if !self.rng.random_bool(0.7) {
                continue;
            }
            let repeats =
                if field.label() == Label::Repeated { self.rng.random_range(0..4) } else { 1 };
            for _ in 0..repeats {
                self.field(types, field, depth, &mut buf);
            }
        }
        buf
    }

    fn field(
        &mut self,
        types: &HashMap<String, DescriptorProto>,
        field: &FieldDescriptorProto,
        depth: usize,
        buf: &mut Vec<u8>,
    ) {
        let tag = u32::try_from(field.number()).unwrap_or(1);
        match field.r#type() {
            Type::String => {
                let value = self.string();
                encode_key(tag, WireType::LengthDelimited, buf);
                encode_varint(value.len() as u64, buf);
                buf.put_slice(value.as_bytes());
            }
            Type::Bytes => {
                let len = self.rng.random_range(0..100);
                let value: Vec<u8> = (0..len).map(|_| self.rng.random()).collect();
                encode_key(tag, WireType::LengthDelimited, buf);
                encode_varint(value.len() as u64, buf);
                buf.put_slice(&value);
            }
            Type::Message if depth < MAX_DEPTH => {
                let nested = self.message(types, field.type_name(), depth + 1);
                encode_key(tag, WireType::LengthDelimited, buf);
                encode_varint(nested.len() as u64, buf);
                buf.put_slice(&nested);
            }
            Type::Message | Type::Group => {}
            Type::Double => {
                encode_key(tag, WireType::SixtyFourBit, buf);
                let value = *[0.0, -1.0, f64::NAN, f64::INFINITY, 1e300]
                    .choose(&mut self.rng)
                    .unwrap_or(&0.0);
                buf.put_f64_le(value);
            }
            Type::Float => {
                encode_key(tag, WireType::ThirtyTwoBit, buf);
                buf.put_f32_le(*[0.0, f32::NAN, f32::MAX].choose(&mut self.rng).unwrap_or(&0.0));
            }
            Type::Fixed64 | Type::Sfixed64 => {
                encode_key(tag, WireType::SixtyFourBit, buf);
                buf.put_i64_le(self.integer());
            }
            Type::Fixed32 | Type::Sfixed32 => {
                encode_key(tag, WireType::ThirtyTwoBit, buf);
                buf.put_i32_le(self.integer() as i32);
            }
            // Varints: ints, bools and enums (unknown values included).
            _ => {
                encode_key(tag, WireType::Varint, buf);
                encode_varint(self.integer() as u64, buf);
            }
        }
    }
}

/// Sends one grpc-web call and returns its gRPC status code: the one in the
/// headers or trailers, or OK once a message arrives. A call that answers a
/// message has succeeded so far (tonic sends an error as trailers alone), and
/// a server stream such as WatchNotifications stays open after its first
/// message, so waiting for its end would wait for ever.
pub async fn call(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    message: &[u8],
    token: Option<&str>,
) -> Result<i32, String> {
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    body.extend_from_slice(message);
    let mut request = client
        .post(format!("{}{path}", app.url()))
        .header("content-type", "application/grpc-web+proto")
        .body(body);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let mut response = request.send().await.map_err(|error| format!("transport: {error}"))?;
    let in_headers = response
        .headers()
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    if let Some(code) = in_headers {
        return Ok(code);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| format!("body: {error}"))? {
        bytes.extend_from_slice(&chunk);
        // Only the first complete frame matters: a message or the trailers.
        let Some(length) =
            bytes.get(1..5).map(|length| u32::from_be_bytes(length.try_into().unwrap()) as usize)
        else {
            continue;
        };
        if bytes.len() >= 5 + length {
            if bytes[0] & 0x80 == 0 {
                return Ok(tonic::Code::Ok as i32);
            }
            let trailers = String::from_utf8_lossy(&bytes[5..5 + length]);
            return trailers
                .split("grpc-status:")
                .nth(1)
                .and_then(|rest| rest.trim_start().split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|code| code.parse().ok())
                .ok_or_else(|| format!("trailers without grpc-status: {trailers}"));
        }
    }
    Err("the answer ended without a grpc-status".to_owned())
}

#[tokio::test]
async fn no_rpc_panics_or_fails_internally_on_hostile_well_formed_requests() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;
    app.link(&coach, &athlete).await;
    let known = vec![root.id.clone(), coach.id.clone(), athlete.id.clone()];
    let callers: [Option<&TestUser>; 4] = [None, Some(&athlete), Some(&coach), Some(&root)];

    let set = FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET).unwrap();
    let types = message_types(&set);
    let seed: u64 = rand::rng().random();
    let mut hostile = Hostile::new(seed, known);
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let mut failures = Vec::new();
    let mut calls = 0;
    for file in &set.file {
        for service in &file.service {
            for method in &service.method {
                let path = format!("/{}.{}/{}", file.package(), service.name(), method.name());
                for round in 0..ROUNDS {
                    let message = hostile.message(&types, method.input_type(), 0);
                    let who = callers[round % callers.len()];
                    let token = who.map(|user| user.access_token.as_str());
                    calls += 1;
                    match call(&client, &app, &path, &message, token).await {
                        Ok(code)
                            if code == tonic::Code::Internal as i32
                                || code == tonic::Code::Unknown as i32 =>
                        {
                            failures.push(format!("{path}: code {code} for {message:02x?}"));
                        }
                        Ok(_) => {}
                        Err(error) => failures.push(format!("{path}: {error}")),
                    }
                }
            }
        }
    }
    assert!(calls > 400, "every RPC was called ({calls} calls)");
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {calls} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let health = tonic_health::pb::health_client::HealthClient::new(app.channel().await)
        .check(tonic_health::pb::HealthCheckRequest { service: String::new() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);
}
