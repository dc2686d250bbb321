//! The authorization matrix (SECURITY.md, "Authorization"): who calls
//! (anonymous, athlete, coach, admin) × every RPC × whose data → the status
//! code the rules and the proto comments give. One server holds the
//! fixture; every cell runs, and all mismatches are reported together.
//!
//! [`table`] holds the matrix, [`fixture`] the accounts it runs on, and
//! [`calls`] how each RPC is called for a cell.

mod calls;
mod fixture;
mod table;

use std::sync::Arc;

use baton::clock::ManualClock;
use baton_proto::user::v1::{self as user, Role};
use prost::Message;
use tonic::{Code, Status};

use crate::helpers::{PASSWORD, TestApp, TestStorage, bearer};
use calls::{call, sign_up_request};
use fixture::Fixture;
use table::{MATRIX, cells};

#[tokio::test]
async fn every_role_gets_the_answer_the_rules_give_for_every_rpc_and_owner() {
    let fixture = Fixture::new().await;
    let mut mismatches = Vec::new();
    let mut size = 0;
    for cell in cells() {
        size += 1;
        let answer = call(&fixture, cell).await;
        let code = answer.as_ref().err().map_or(Code::Ok, Status::code);
        if code != cell.expect {
            let message = answer.err().map(|status| status.message().to_owned());
            mismatches.push(format!(
                "{} as {:?} on {:?} data: expected {:?}, got {:?} {}",
                cell.rpc,
                cell.who,
                cell.data,
                cell.expect,
                code,
                message.unwrap_or_default(),
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {size} cells disagree with the rules:\n  {}",
        mismatches.len(),
        mismatches.join("\n  ")
    );
}

#[test]
fn the_matrix_names_every_rpc_of_every_service() {
    let descriptors = prost_types::FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set decodes");
    let named = |name: &str| MATRIX.iter().any(|(rpc, _, _)| rpc.split('/').next() == Some(name));
    let mut missing = Vec::new();
    for service in descriptors.file.iter().flat_map(|file| &file.service) {
        let service_name = service.name();
        let methods = service.method.iter().map(|method| method.name());
        match service_name {
            "AuthService" | "UserService" | "GarminService" | "SharingService" => {
                missing.extend(methods.filter(|method| !named(method)).map(str::to_owned));
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "RPCs without a row in the matrix: {missing:?}");
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_rpcs_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("admin@example.com", "Adam Admin", &[Role::Admin]).await;
    let list = || bearer(user::ListUsersRequest::default(), &admin.access_token);
    app.users().await.list_users(list()).await.expect("an admin lists users");

    let root = app.root().await.clone();
    let demote = user::UpdateUserRequest {
        user_id: admin.id.clone(),
        roles: Some(user::RoleSet { roles: vec![Role::Athlete as i32] }),
        ..Default::default()
    };
    app.users().await.update_user(bearer(demote, &root.access_token)).await.unwrap();

    // At once: the database check refuses (PERMISSION_DENIED) even before
    // the revocation list, a moment later, refuses the token itself.
    let status = app.users().await.list_users(list()).await.expect_err("no longer an admin");
    assert!(matches!(status.code(), Code::PermissionDenied | Code::Unauthenticated), "{status:?}");
}

#[tokio::test]
async fn anonymous_callers_sign_up_when_self_registration_is_on() {
    let storage = Arc::new(TestStorage::new().await);
    let clock = ManualClock::new(chrono::Utc::now());
    let app = TestApp::start_with(storage, clock, |config| config.self_signup = true).await;
    let request = sign_up_request("new.athlete@example.com".to_owned(), PASSWORD);
    app.auth().await.sign_up(request).await.expect("SignUp is public when it is on");
}
