//! The README's RPC status table tells the truth: it lists every RPC of
//! every service, and exactly the ones it calls UNIMPLEMENTED answer so.

use std::collections::BTreeMap;

use prost::Message;
use tonic::Code;

use crate::{helpers::TestApp, random_requests::call};

/// `(package.Service, Rpc)` → whether the README says it is built.
fn readme_table() -> BTreeMap<(String, String), bool> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README reads");
    readme
        .lines()
        .filter(|line| line.starts_with("| `baton."))
        .map(|line| {
            let cells: Vec<&str> =
                line.split('|').map(|cell| cell.trim().trim_matches('`')).collect();
            let built = match cells[3] {
                "implemented" => true,
                status if status.starts_with("UNIMPLEMENTED") => false,
                other => panic!("unknown status {other:?} in: {line}"),
            };
            ((cells[1].to_owned(), cells[2].to_owned()), built)
        })
        .collect()
}

#[tokio::test]
async fn the_readme_lists_every_rpc_and_what_is_built() {
    let table = readme_table();
    let descriptors = prost_types::FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set decodes");
    let mut rpcs = Vec::new();
    for file in descriptors.file.iter().filter(|file| file.package().starts_with("baton.")) {
        for service in &file.service {
            for method in &service.method {
                rpcs.push((
                    format!("{}.{}", file.package(), service.name()),
                    method.name().to_owned(),
                ));
            }
        }
    }
    let mut listed: Vec<_> = table.keys().cloned().collect();
    listed.sort();
    rpcs.sort();
    assert_eq!(listed, rpcs, "the README's table and the contracts name the same RPCs");

    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();
    for ((service, rpc), built) in &table {
        let code = call(&client, &app, &format!("/{service}/{rpc}"), &[], Some(&root.access_token))
            .await
            .expect("a gRPC status");
        if built == &(code == Code::Unimplemented as i32) {
            wrong.push(format!(
                "{service}/{rpc}: README says built = {built}, answered code {code}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
