//! Running external commands: each is printed before it runs, and a non-zero
//! exit becomes an error that names the command.

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use anyhow::{Context, bail};

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `cargo` as found on PATH (rustup's proxy honours rust-toolchain.toml).
pub fn cargo() -> Command {
    Command::new("cargo")
}

/// Runs `command` with inherited stdio; fails unless it exits with 0.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    announce(command);
    let status =
        command.status().with_context(|| format!("could not start `{}`", display(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", display(command));
    }
    Ok(())
}

/// Runs `command` quietly and returns its output whatever the exit status;
/// for probes such as "is this tool installed".
pub fn probe(command: &mut Command) -> Option<Output> {
    command.stdin(Stdio::null()).output().ok()
}

/// Prints `$ command` the way a person would type it.
pub fn announce(command: &Command) {
    println!("$ {}", display(command));
}

/// The command line, with the variables it sets and paths shortened to the workspace.
pub fn display(command: &Command) -> String {
    let root = workspace_root();
    let shorten = |s: &OsStr| -> String {
        let path = Path::new(s);
        let shown = path.strip_prefix(&root).unwrap_or(path);
        let text = shown.to_string_lossy();
        if text.is_empty() || text.contains(' ') { format!("{text:?}") } else { text.into_owned() }
    };
    let envs = command.get_envs().filter_map(|(key, value)| {
        value.map(|v| format!("{}={}", key.to_string_lossy(), shorten(v)))
    });
    let words =
        std::iter::once(shorten(command.get_program())).chain(command.get_args().map(shorten));
    envs.chain(words).collect::<Vec<_>>().join(" ")
}

/// Cargo's target directory (it may be shared or moved, so ask cargo).
pub fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("could not run `cargo metadata`")?;
    if !output.status.success() {
        bail!("`cargo metadata` failed ({})", output.status);
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("`cargo metadata` did not name a target directory")
}
