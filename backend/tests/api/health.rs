//! Health, reflection, and what unknown or unbuilt RPCs answer.

use baton_proto::user::v1::{ExportDataRequest, user_service_client::UserServiceClient};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

use crate::helpers::{TestApp, TestStorage};

#[tokio::test]
async fn health_is_serving_for_the_server_and_each_service() {
    let app = TestApp::spawn().await;
    let mut health = HealthClient::new(app.channel().await);
    for service in [
        "",
        "baton.auth.v1.AuthService",
        "baton.user.v1.UserService",
        "baton.garmin.v1.GarminService",
        "baton.sharing.v1.SharingService",
    ] {
        let response = health
            .check(HealthCheckRequest { service: service.to_owned() })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.status(), ServingStatus::Serving, "{service:?}");
    }
}

#[tokio::test]
async fn health_is_not_serving_until_the_database_is_migrated() {
    let storage = std::sync::Arc::new(TestStorage::new().await);
    let clock = baton::clock::ManualClock::new(chrono::Utc::now());
    let app = TestApp::start_with(storage, clock, |config| config.auto_migrate = false).await;
    let status = HealthClient::new(app.channel().await)
        .check(HealthCheckRequest { service: String::new() })
        .await
        .unwrap()
        .into_inner()
        .status();
    assert_eq!(status, ServingStatus::NotServing);
}

#[tokio::test]
async fn health_turns_not_serving_when_shutdown_begins() {
    let mut app = TestApp::spawn().await;
    let mut health = HealthClient::new(app.channel().await);
    let mut watch =
        health.watch(HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    assert_eq!(watch.next().await.unwrap().unwrap().status(), ServingStatus::Serving);

    let stop = tokio::spawn(async move { app.stop().await });
    let next = watch.next().await.unwrap().unwrap();
    assert_eq!(next.status(), ServingStatus::NotServing);
    drop(watch);
    stop.await.unwrap();
}

#[tokio::test]
async fn reflection_lists_the_four_services_and_health() {
    let app = TestApp::spawn().await;
    let mut reflection = ServerReflectionClient::new(app.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = stream.next().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected reflection answer {response:?}");
    };
    let names: Vec<_> = list.service.into_iter().map(|service| service.name).collect();
    for expected in [
        "baton.auth.v1.AuthService",
        "baton.user.v1.UserService",
        "baton.garmin.v1.GarminService",
        "baton.sharing.v1.SharingService",
        "grpc.health.v1.Health",
    ] {
        assert!(names.iter().any(|name| name == expected), "{expected} missing from {names:?}");
    }
}

#[tokio::test]
async fn an_rpc_not_built_yet_answers_unimplemented() {
    let app = TestApp::spawn().await;
    let status = UserServiceClient::new(app.channel().await)
        .export_data(ExportDataRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
}

#[tokio::test]
async fn an_unknown_method_answers_unimplemented_not_a_web_page() {
    let app = TestApp::spawn().await;
    let mut client = tonic::client::Grpc::new(app.channel().await);
    client.ready().await.unwrap();
    let status = client
        .unary::<_, (), _>(
            tonic::Request::new(()),
            "/baton.auth.v1.AuthService/NoSuchMethod".parse().unwrap(),
            tonic_prost::ProstCodec::<(), ()>::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
}
