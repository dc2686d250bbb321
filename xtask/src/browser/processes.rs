//! The processes around the browser: Chromium and chromedriver from Debian,
//! `baton create-admin`, free loopback ports, [`Process`] for the backend,
//! the Google stand-in and chromedriver (logging to a file, killed when
//! dropped), and the scratch directory their logs go to.

use std::{
    fs::{self, File},
    io::Write,
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, bail};

use super::{ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, CHROMEDRIVER, CHROMIUM, POLL, START_TIMEOUT};
use crate::{cmd, prereqs};

/// Chromium and chromedriver from Debian, installed when missing and root.
pub(super) fn ensure_browser() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "Chromium and chromedriver are missing: install them as root (Debian: `apt-get install -y chromium chromium-driver`)"
        );
    }
    cmd::run(Command::new("apt-get").arg("update"))?;
    cmd::run(Command::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args([
        "install",
        "-y",
        "chromium",
        "chromium-driver",
    ]))
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// `baton create-admin`, with the password on stdin.
pub(super) fn create_admin(baton: &Path, data_dir: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(baton);
    command
        .args(["create-admin", "--email", ADMIN_EMAIL, "--name", ADMIN_NAME])
        .env("BATON_DATA_DIR", data_dir);
    println!("$ {} <<< (password)", cmd::display(&command));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not start `baton create-admin`")?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{ADMIN_PASSWORD}")?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "`baton create-admin` failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A free loopback port: bind port 0, read it, let it go.
pub(super) fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}
/// A child process whose output goes to a log file; killed when dropped.
pub(super) struct Process {
    name: &'static str,
    child: Child,
}

impl Process {
    pub(super) fn spawn(
        name: &'static str,
        command: &mut Command,
        log: &Path,
    ) -> anyhow::Result<Self> {
        cmd::announce(command);
        let out = File::create(log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        Ok(Self { name, child })
    }

    /// Polls until `addr` accepts connections; fails if the process exits
    /// or `START_TIMEOUT` passes.
    pub(super) fn wait_until_accepting(&self, addr: SocketAddr) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if prereqs::accepts(addr) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "{} did not accept connections on {addr} within {}s",
                    self.name,
                    START_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Process {
    /// Waits until the sandbox has printed the backend's `BATON_GOOGLE_*`
    /// settings (one `NAME=value` a line) into its log; returns them.
    pub(super) fn wait_for_settings(&self, log: &Path) -> anyhow::Result<Vec<(String, String)>> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = fs::read_to_string(log).unwrap_or_default();
            let settings: Vec<(String, String)> = text
                .lines()
                .filter(|line| line.starts_with("BATON_GOOGLE_"))
                .filter_map(|line| line.split_once('='))
                .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
                .collect();
            if settings.iter().any(|(name, _)| name == "BATON_GOOGLE_REDIRECT_URL") {
                return Ok(settings);
            }
            if Instant::now() > deadline {
                bail!("{} printed no settings within {}s", self.name, START_TIMEOUT.as_secs());
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A scratch directory for the test's database, logs and browser profile;
/// removed afterwards unless a failure asks to keep it for inspection.
pub(super) struct Scratch {
    pub(super) path: PathBuf,
    keep: bool,
}

impl Scratch {
    pub(super) fn new() -> anyhow::Result<Self> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
        let path =
            std::env::temp_dir().join(format!("baton-browser-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path, keep: false })
    }

    pub(super) fn keep(&mut self) {
        self.keep = true;
        println!("browser: logs and screenshots kept in {}", self.path.display());
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

pub(super) fn print_tail(what: &str, log: &Path) {
    let Ok(text) = fs::read_to_string(log) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(40);
    println!("browser: last lines of the {what}:");
    for line in &lines[start..] {
        println!("    {line}");
    }
}
