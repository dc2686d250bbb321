//! A fresh PostgreSQL database on the local cluster for one bench run,
//! dropped when done, so the figures never depend on leftover rows.

use std::{net::SocketAddr, process::Command};

use crate::{cmd, prereqs};

/// The local cluster the project's machines run (trust auth).
const HOST: &str = "127.0.0.1";
const PORT: u16 = 5432;
const USER: &str = "postgres";

pub struct Database {
    pub name: String,
}

impl Database {
    /// Starts the local cluster if it is down, and creates the database.
    pub fn create() -> anyhow::Result<Self> {
        if !prereqs::accepts(SocketAddr::from(([127, 0, 0, 1], PORT))) {
            prereqs::postgres()?;
        }
        let name = format!("baton_bench_{}", std::process::id());
        cmd::run(client("dropdb").args(["--if-exists", "--force", &name]))?;
        cmd::run(client("createdb").arg(&name))?;
        Ok(Self { name })
    }

    /// The URL Baton connects with: without TLS, like pgbench beside it
    /// (see [`client`]); encrypting loopback traffic would measure the TLS
    /// handshake of each new pool connection, not Baton.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@{HOST}:{PORT}/{}?sslmode=disable", self.name)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // --force: a server killed a moment ago may still hold connections.
        let _ = cmd::run(client("dropdb").args(["--if-exists", "--force", &self.name]));
    }
}

/// A PostgreSQL client program (createdb, dropdb, pgbench) aimed at the
/// cluster, without TLS as Baton's URL.
pub fn client(program: &str) -> Command {
    let mut command = Command::new(program);
    command.args(["--host", HOST, "--port", &PORT.to_string(), "--username", USER]);
    command.env("PGSSLMODE", "disable");
    command
}
