//! Running the `baton` binary for the demo and the benchmarks: building it,
//! operator commands, and a server process that is stopped when dropped.

use std::{
    io::Write,
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{cmd, prereqs};

/// How long a server may take to accept connections (the first start migrates).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The backend feature release builds (and the image) turn on: Garmin's
/// sign-in through a browser-like TLS transport (builds BoringSSL).
pub const RELEASE_FEATURES: &str = "browser-tls";

/// Builds the backend and returns the binary's path; a release build is
/// the one that ships, with [`RELEASE_FEATURES`].
pub fn build_backend(root: &Path, release: bool) -> anyhow::Result<PathBuf> {
    let mut build = cmd::cargo();
    build.args(["build", "-p", "baton"]);
    if release {
        prereqs::boringssl_build_tools()?;
        build.args(["--release", "--features", RELEASE_FEATURES]);
    }
    cmd::run(&mut build)?;
    let profile = if release { "release" } else { "debug" };
    Ok(cmd::target_dir(root)?.join(profile).join("baton"))
}

/// The `baton` binary with its directories and extra settings.
pub struct Baton {
    pub binary: PathBuf,
    pub data_dir: PathBuf,
    pub web_dir: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Baton {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env("BATON_DATA_DIR", &self.data_dir)
            .env("BATON_WEB_DIR", &self.web_dir)
            .envs(self.env.iter().map(|(name, value)| (name, value)));
        command
    }

    /// `baton create-admin`, password on stdin; an existing admin is fine.
    pub fn create_admin(&self, email: &str, name: &str, password: &str) -> anyhow::Result<()> {
        let mut command = self.command(&["create-admin", "--email", email, "--name", name]);
        println!("$ {} <<< (password)", cmd::display(&command));
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("could not start `baton create-admin`")?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{password}")?;
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
            println!("{email} already exists; keeping it");
        } else {
            eprint!("{said}");
            bail!("`baton create-admin` failed ({})", output.status);
        }
        Ok(())
    }

    /// Starts `baton serve` on `listen` and waits until it accepts connections.
    pub fn serve(&self, listen: SocketAddr, stdio: Stdio) -> anyhow::Result<Server> {
        let mut command = self.command(&["serve"]);
        command.env("BATON_LISTEN_ADDR", listen.to_string()).stdout(stdio);
        cmd::announce(&command);
        let child = command.spawn().context("could not start `baton serve`")?;
        let mut server = Server { child: Some(child), addr: reachable(listen) };
        server.wait_until_accepting()?;
        Ok(server)
    }
}

/// A running `baton serve` (or the bench's bare tonic server); killed when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
}

impl Server {
    /// Takes charge of a server process started elsewhere (the bench times
    /// start-up itself), to stop it when dropped.
    pub fn adopt(child: Child, addr: SocketAddr) -> Self {
        Self { child: Some(child), addr }
    }

    fn wait_until_accepting(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        while !prereqs::accepts(self.addr) {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!("`baton serve` exited before accepting connections ({status})");
            }
            if Instant::now() > deadline {
                bail!("`baton serve` did not accept connections on {} in time", self.addr);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// The process id, for passing on signals.
    pub fn id(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Hands the process over (the caller now owns stopping it).
    pub fn into_child(mut self) -> Option<Child> {
        self.child.take()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A free port on loopback (bound and released; the server binds it next).
pub fn free_local_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free port on 127.0.0.1")?;
    Ok(listener.local_addr()?)
}

/// Where to connect to reach a server listening on `listen` (0.0.0.0 → loopback).
pub fn reachable(listen: SocketAddr) -> SocketAddr {
    if listen.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], listen.port()))
    } else {
        listen
    }
}
