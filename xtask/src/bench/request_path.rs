//! The request path, measured side by side on one machine (issue 6, point
//! 15): h2load against a bare tonic server (the framework ceiling), Baton's
//! health Check at the default log level and at `RUST_LOG=warn`, and GetMe
//! with a valid token on SQLite and on PostgreSQL; pgbench reading the user
//! row on the same PostgreSQL (the database ceiling); and the athlete's
//! inbox, ListIncomingShares of 20 shares on PostgreSQL beside pgbench
//! running the inbox's own SQL (issue 8, point 10). Same client
//! concurrency for all. Each target is called once with tonic before and
//! after its load and must answer OK.
//!
//! Every Baton target is a fresh `baton serve` of the release binary on an
//! already migrated database, so its start-to-SERVING time is a restart's.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_proto::user::v1::{GetMeRequest, GetMeResponse};
use prost::Message;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};

use super::{
    Scratch,
    grpc::Client,
    h2load::{self, Call},
    inbox,
    machine::{self, Machine},
    pgbench,
    postgres::Database,
    report::{Figures, Measured, Target},
    rss,
};
use crate::{
    cmd,
    server::{self, Baton, Server},
};

/// Connections for h2load and pgbench alike.
pub const CLIENTS: u32 = 16;
pub const WARM_UP: Duration = Duration::from_secs(2);
pub const MEASURE: Duration = Duration::from_secs(10);

/// A server that does not report SERVING by then has failed to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lets a just-started server finish its lazy start-up work before its
/// idle memory is read.
const SETTLE: Duration = Duration::from_millis(500);

const HEALTH_CHECK: &str = "/grpc.health.v1.Health/Check";
const GET_ME: &str = "/baton.user.v1.UserService/GetMe";
const EMAIL: &str = "bench@baton.local";
const PASSWORD: &str = "bench password that is long";

pub fn run(root: &Path) -> anyhow::Result<()> {
    h2load::ensure_installed()?;
    pgbench::ensure_installed()?;
    let binary = server::build_backend(root, true)?;
    let bare = build_bare_health(root)?;
    let scratch = Scratch::new("request-path")?;
    let client = Client::new()?;
    let mut figures = Figures::default();
    let load_before = machine::load_average();

    figures.record(Target::BareHealth, bare_health(&client, &bare, scratch.path()));

    let sqlite_dir = scratch.path().join("sqlite");
    let sqlite_url = format!("sqlite://{}?mode=rwc", sqlite_dir.join("baton.sqlite").display());
    let sqlite = baton(root, &binary, &sqlite_dir, &sqlite_url);
    match sqlite.create_admin(EMAIL, "Bench Admin", PASSWORD) {
        Ok(()) => {
            let health = |log| baton_health(&client, &sqlite, log, scratch.path());
            figures.record(Target::BatonHealth, health(Log::Default));
            figures.record(Target::BatonHealthQuiet, health(Log::Warn));
            figures.record(Target::GetMeSqlite, get_me(&client, &sqlite, scratch.path()));
        }
        Err(error) => {
            for target in [Target::BatonHealth, Target::BatonHealthQuiet, Target::GetMeSqlite] {
                figures.record(target, Err(anyhow::anyhow!("create-admin on SQLite: {error:#}")));
            }
        }
    }

    let postgres = postgres_targets(root, &binary, &client, scratch.path());
    figures.record_pair([Target::GetMePostgres, Target::Pgbench], "PostgreSQL", postgres);
    let inbox = inbox::targets(root, &client, scratch.path());
    figures.record_pair([Target::InboxPostgres, Target::PgbenchInbox], "the inbox", inbox);

    figures.load_average = (load_before, machine::load_average());
    figures.print();
    super::write_json(root, "request-path", &figures.json(&Machine::describe()))?;
    let failed = figures.failures();
    if !failed.is_empty() {
        bail!("not measured: {}", failed.join(", "));
    }
    Ok(())
}

/// The bare tonic server (src/bin/bare_health.rs), built in release like Baton.
fn build_bare_health(root: &Path) -> anyhow::Result<PathBuf> {
    cmd::run(cmd::cargo().args(["build", "-p", "xtask", "--release", "--bin", "bare_health"]))?;
    Ok(cmd::target_dir(root)?.join("release").join("bare_health"))
}

fn bare_health(client: &Client, binary: &Path, scratch: &Path) -> anyhow::Result<Measured> {
    let addr = server::free_local_addr()?;
    let mut command = Command::new(binary);
    command.arg(addr.to_string()).stdin(Stdio::null());
    let started = spawn(client, command, addr)?;
    health_load(client, started, scratch)
}

fn baton(root: &Path, binary: &Path, data_dir: &Path, database_url: &str) -> Baton {
    Baton {
        binary: binary.to_path_buf(),
        data_dir: data_dir.to_path_buf(),
        web_dir: root.join("web").join("dist"),
        env: vec![
            ("BATON_DATABASE_URL".into(), database_url.into()),
            // One sign-in per target, but never a lockout mid-run.
            ("BATON_LOGIN_MAX_FAILURES".into(), "1000000".into()),
            ("BATON_LOGIN_PER_ADDRESS_PER_MINUTE".into(), "1000000".into()),
        ],
    }
}

/// Baton's log level: its default (RUST_LOG unset), or warnings only.
#[derive(Clone, Copy)]
pub(super) enum Log {
    Default,
    Warn,
}

/// A server that has just reported SERVING.
pub(super) struct Started {
    pub server: Server,
    pid: u32,
    start_to_serving: Duration,
    /// After SERVING and a moment's settling, before any call but the health polls.
    idle_rss_kib: u64,
}

/// Starts `baton serve`.
pub(super) fn serve(client: &Client, baton: &Baton, log: Log) -> anyhow::Result<Started> {
    let addr = server::free_local_addr()?;
    let mut command = baton.command(&["serve"]);
    command
        .env("BATON_LISTEN_ADDR", addr.to_string())
        // Away from the checkout, so a developer's .env cannot change the figures.
        .current_dir(&baton.data_dir)
        .stdin(Stdio::null())
        // Formatted and written as in production, but not onto this terminal.
        .stdout(Stdio::null());
    match log {
        Log::Default => command.env_remove("RUST_LOG"),
        Log::Warn => command.env("RUST_LOG", "warn"),
    };
    spawn(client, command, addr)
}

/// Spawns a server, times it to SERVING, and reads its idle memory.
fn spawn(client: &Client, mut command: Command, addr: SocketAddr) -> anyhow::Result<Started> {
    cmd::announce(&command);
    let spawned = Instant::now();
    let child =
        command.spawn().with_context(|| format!("could not start `{}`", cmd::display(&command)))?;
    let server = Server::adopt(child, addr);
    let start_to_serving = client.until_serving(addr, spawned, START_TIMEOUT)?;
    let pid = server.id().context("the server process is gone")?;
    std::thread::sleep(SETTLE);
    let idle_rss_kib = rss::kib(pid)?;
    Ok(Started { server, pid, start_to_serving, idle_rss_kib })
}

fn baton_health(
    client: &Client,
    baton: &Baton,
    log: Log,
    scratch: &Path,
) -> anyhow::Result<Measured> {
    health_load(client, serve(client, baton, log)?, scratch)
}

fn health_load(client: &Client, started: Started, scratch: &Path) -> anyhow::Result<Measured> {
    let addr = started.server.addr;
    let verify = || -> anyhow::Result<usize> {
        let reply = client.health(addr)?;
        if reply.status() != ServingStatus::Serving {
            bail!("health Check answered {:?}", reply.status());
        }
        Ok(reply.encoded_len())
    };
    let call = Call {
        addr,
        path: HEALTH_CHECK,
        request: HealthCheckRequest::default().encode_to_vec(),
        token: None,
        reply_len: verify()?,
    };
    load(&started, &call, || verify().map(|_| ()), scratch)
}

fn get_me(client: &Client, baton: &Baton, scratch: &Path) -> anyhow::Result<Measured> {
    let started = serve(client, baton, Log::Default)?;
    Ok(get_me_load(client, &started, scratch)?.0)
}

/// GetMe under load; also the signed-in user's id.
fn get_me_load(
    client: &Client,
    started: &Started,
    scratch: &Path,
) -> anyhow::Result<(Measured, String)> {
    let addr = started.server.addr;
    let token = client.login(addr, EMAIL, PASSWORD)?;
    let verify = || -> anyhow::Result<GetMeResponse> {
        let reply = client.get_me(addr, &token)?;
        if reply.user.as_ref().is_none_or(|user| user.email != EMAIL) {
            bail!("GetMe did not return {EMAIL}: {:?}", reply.user.map(|user| user.email));
        }
        Ok(reply)
    };
    let reply = verify()?;
    let user_id = reply.user.as_ref().map(|user| user.id.clone()).unwrap_or_default();
    let call = Call {
        addr,
        path: GET_ME,
        request: GetMeRequest::default().encode_to_vec(),
        token: Some(&token),
        reply_len: reply.encoded_len(),
    };
    let measured = load(started, &call, || verify().map(|_| ()), scratch)?;
    Ok((measured, user_id))
}

/// The load, then a last call that must still answer OK.
pub(super) fn load(
    started: &Started,
    call: &Call,
    verify: impl Fn() -> anyhow::Result<()>,
    scratch: &Path,
) -> anyhow::Result<Measured> {
    let load = h2load::run(call, started.pid, scratch)?;
    verify().context("after the load")?;
    Ok(Measured {
        load,
        idle_rss_kib: Some(started.idle_rss_kib),
        start_to_serving: Some(started.start_to_serving),
    })
}

/// GetMe on a fresh PostgreSQL database, then pgbench on the same database
/// (Baton stopped, so the two do not share the cores).
fn postgres_targets(
    root: &Path,
    binary: &Path,
    client: &Client,
    scratch: &Path,
) -> anyhow::Result<(anyhow::Result<Measured>, anyhow::Result<Measured>)> {
    let db = Database::create()?;
    let baton = baton(root, binary, &scratch.join("postgres"), &db.url());
    baton.create_admin(EMAIL, "Bench Admin", PASSWORD)?;
    let started = serve(client, &baton, Log::Default)?;
    let get_me = get_me_load(client, &started, scratch);
    drop(started);
    let (get_me, user_id) = match get_me {
        Ok(measured) => measured,
        Err(error) => return Ok((Err(error), Err(anyhow::anyhow!("GetMe gave no user id")))),
    };
    let defines = [("id", user_id.as_str())];
    let pgbench = pgbench::run(&db, "users-by-id.sql", pgbench::USER_BY_ID, &defines, scratch);
    let pgbench = pgbench.map(|load| Measured { load, idle_rss_kib: None, start_to_serving: None });
    Ok((Ok(get_me), pgbench))
}
