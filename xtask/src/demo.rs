//! `cargo xtask demo`: build the SPA and the backend, seed the demo accounts,
//! and serve on the embedded defaults until ctrl-c.

use std::{
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use tokio::signal::unix::{SignalKind, signal};

use crate::{cmd, prereqs, web};

const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8080";
/// How long the server may take to accept connections (first start migrates).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A sign-in printed for the person running the demo.
struct SignIn {
    role: &'static str,
    email: &'static str,
    password: &'static str,
}

/// The demo administrator. The password is fixed so it can be printed on
/// every run, including runs that find the admin already created.
const ADMIN: SignIn =
    SignIn { role: "admin", email: "admin@baton.local", password: "baton-demo-admin" };
const ADMIN_NAME: &str = "Demo Admin";

pub fn run(root: &Path, release: bool) -> anyhow::Result<()> {
    prereqs::wasm_target()?;
    let web_dir = web::build(true)?;
    let baton = Baton { binary: build_backend(root, release)?, data_dir: data_dir(root)?, web_dir };
    let sign_ins = seed(&baton)?;
    let listen: SocketAddr = std::env::var("BATON_LISTEN_ADDR")
        .unwrap_or_else(|_| DEFAULT_LISTEN_ADDR.to_owned())
        .parse()
        .context("BATON_LISTEN_ADDR is not an address like 127.0.0.1:8080")?;
    if prereqs::accepts(reachable(listen)) {
        bail!("something already listens on {listen}: stop it or set BATON_LISTEN_ADDR");
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve(&baton, listen, &sign_ins))
}

/// The `baton` binary with the demo's directories.
struct Baton {
    binary: PathBuf,
    data_dir: PathBuf,
    web_dir: PathBuf,
}

impl Baton {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env("BATON_DATA_DIR", &self.data_dir)
            .env("BATON_WEB_DIR", &self.web_dir);
        command
    }
}

/// Builds the backend (debug unless asked: release takes minutes on 2 cores)
/// and returns the binary's path.
fn build_backend(root: &Path, release: bool) -> anyhow::Result<PathBuf> {
    let mut build = cmd::cargo();
    build.args(["build", "-p", "baton"]);
    if release {
        build.arg("--release");
    }
    cmd::run(&mut build)?;
    let profile = if release { "release" } else { "debug" };
    Ok(target_dir(root)?.join(profile).join("baton"))
}

/// Cargo's target directory (it may be shared, so ask cargo).
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let output = cmd::cargo()
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

/// `BATON_DATA_DIR` if set, else `./data`; created if missing.
fn data_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let dir =
        std::env::var_os("BATON_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("data"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Creates the demo accounts that do not exist yet and returns their sign-ins.
/// The sandbox (Garmin and Google stand-ins), a coach with sample workouts
/// and two athletes join here with the sandbox issue.
fn seed(baton: &Baton) -> anyhow::Result<Vec<SignIn>> {
    create_admin(baton)?;
    Ok(vec![ADMIN])
}

/// `baton create-admin`, password on stdin; an existing admin is fine.
fn create_admin(baton: &Baton) -> anyhow::Result<()> {
    let mut command =
        baton.command(&["create-admin", "--email", ADMIN.email, "--name", ADMIN_NAME]);
    println!("$ {} <<< (demo password)", cmd::display(&command));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not start `baton create-admin`")?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{}", ADMIN.password)?;
    }
    let output = child.wait_with_output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        print!("{said}");
    } else if said.contains("already exists") {
        println!("{} already exists; keeping it", ADMIN.email);
    } else {
        eprint!("{said}");
        bail!("`baton create-admin` failed ({})", output.status);
    }
    Ok(())
}

/// Runs `baton serve`, prints where to sign in once it accepts connections,
/// and waits for it; ctrl-c is passed on (twice: killed).
async fn serve(baton: &Baton, listen: SocketAddr, sign_ins: &[SignIn]) -> anyhow::Result<()> {
    // Listen before spawning, so no ctrl-c is lost to the default handler.
    let mut interrupts = signal(SignalKind::interrupt())?;
    let mut command = baton.command(&["serve"]);
    cmd::announce(&command);
    let mut server = command.spawn().context("could not start `baton serve`")?;
    let pid = server.id();
    let mut interrupted = 0;

    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = server.try_wait()? {
            bail!("`baton serve` exited before accepting connections ({status})");
        }
        if prereqs::accepts(reachable(listen)) {
            print_banner(listen, sign_ins);
            break;
        }
        if Instant::now() > deadline {
            let _ = server.kill();
            bail!(
                "`baton serve` did not accept connections on {listen} within {}s",
                START_TIMEOUT.as_secs()
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = interrupts.recv() => {
                interrupted += 1;
                send(pid, "INT");
                break;
            }
        }
    }

    let mut exited = tokio::task::spawn_blocking(move || server.wait());
    let status: ExitStatus = loop {
        tokio::select! {
            status = &mut exited => break status??,
            _ = interrupts.recv() => {
                interrupted += 1;
                if interrupted == 1 {
                    println!("stopping the server (ctrl-c again to kill it)");
                    send(pid, "INT");
                } else {
                    send(pid, "KILL");
                }
            }
        }
    };
    if !status.success() && interrupted == 0 {
        bail!("`baton serve` stopped ({status})");
    }
    Ok(())
}

fn print_banner(listen: SocketAddr, sign_ins: &[SignIn]) {
    println!();
    println!("Baton demo: http://{}", reachable(listen));
    for sign_in in sign_ins {
        println!("  {:<8} {}  password: {}", sign_in.role, sign_in.email, sign_in.password);
    }
    println!("ctrl-c stops the server.");
    println!();
}

/// Where to connect to reach a server listening on `listen` (0.0.0.0 → loopback).
fn reachable(listen: SocketAddr) -> SocketAddr {
    if listen.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], listen.port()))
    } else {
        listen
    }
}

/// Sends a signal by name to a process (std has no portable kill(2) for
/// anything but SIGKILL).
fn send(pid: u32, signal: &str) {
    let _ = Command::new("kill").args(["-s", signal, &pid.to_string()]).status();
}
