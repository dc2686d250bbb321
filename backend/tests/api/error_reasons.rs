//! Clients tell errors apart by the `google.rpc.ErrorInfo` reason, never by
//! the message: the SPA's source must not contain what the backend says.

use std::path::{Path, PathBuf};

use baton::error::Reason;

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn the_spa_matches_reasons_not_the_backends_messages() {
    let spa = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut files = Vec::new();
    rust_files(&spa, &mut files);
    assert!(files.len() > 10, "found the SPA's sources in {}", spa.display());

    let mut messages: Vec<&str> = Reason::ALL.iter().map(|reason| reason.message()).collect();
    messages.extend(["authentication failed", "permission denied", "internal error (reference"]);
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for message in &messages {
            if source.contains(message) {
                found.push(format!("{}: {message:?}", file.display()));
            }
        }
        for matching in ["message().contains(", "message() ==", "message().starts_with("] {
            if source.contains(matching) {
                found.push(format!("{}: matches on a status message ({matching})", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "the SPA depends on backend wording:\n{}", found.join("\n"));
}
