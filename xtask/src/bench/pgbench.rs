//! pgbench on the database Baton uses, running the SQL a Baton read sends:
//! the ceiling for that read, at the client concurrency h2load uses.
//!
//! The ids are UUIDs, which pgbench's `\set` cannot make, so they are
//! passed with `--define` (for GetMe, the signed-in admin's: the row GetMe
//! reads). `--protocol=prepared` binds them as parameters, as sqlx does.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{Context, bail};

use super::{
    latency::Latencies,
    postgres::{self, Database},
    report::Load,
    request_path::{CLIENTS, MEASURE, WARM_UP},
};
use crate::cmd;

/// GetMe's read of the user row.
pub const USER_BY_ID: &str = "SELECT * FROM users WHERE id = :id AND deleted_at IS NULL;\n";

pub fn ensure_installed() -> anyhow::Result<()> {
    if cmd::probe(Command::new("pgbench").arg("--version")).is_none() {
        bail!(
            "pgbench is not installed: install the PostgreSQL client tools (Debian: `apt-get install -y postgresql-client`)"
        );
    }
    Ok(())
}

/// A warm-up run of `script` (one transaction: its statements in turn, with
/// `defines` set), then the measured run with a per-transaction log.
pub fn run(
    db: &Database,
    name: &str,
    script: &str,
    defines: &[(&str, &str)],
    scratch: &Path,
) -> anyhow::Result<Load> {
    let dir = scratch.join(format!("pgbench-{name}"));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(name);
    std::fs::write(&file, script)?;
    let prefix = dir.join("pgbench");
    pgbench(db, defines, &file, WARM_UP, None)?;
    let output = pgbench(db, defines, &file, MEASURE, Some(&prefix))?;
    let per_second = tps(&output).inspect_err(|_| eprint!("{output}"))?;
    // One worker thread (-j 1) writes one log, named after pgbench's pid.
    let log = std::fs::read_dir(&dir)?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .find(|path| {
            path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("pgbench."))
        })
        .context("pgbench wrote no transaction log")?;
    let samples = logged_latencies(&std::fs::read_to_string(log)?)?;
    let requests = samples.len() as u64;
    let latencies = Latencies::new(samples)?;
    Ok(Load {
        requests,
        per_second,
        p50: latencies.at(0.50),
        p99: latencies.at(0.99),
        peak_rss_kib: None,
    })
}

fn pgbench(
    db: &Database,
    defines: &[(&str, &str)],
    script: &Path,
    time: Duration,
    log_prefix: Option<&Path>,
) -> anyhow::Result<String> {
    let mut command = postgres::client("pgbench");
    command
        .arg(format!("--client={CLIENTS}"))
        .args(["--jobs=1", "--protocol=prepared", "--no-vacuum"])
        .arg(format!("--time={}", time.as_secs().max(1)))
        .args(defines.iter().map(|(name, value)| format!("--define={name}={value}")))
        .arg("--file")
        .arg(script);
    if let Some(prefix) = log_prefix {
        command.arg("--log").arg(format!("--log-prefix={}", prefix.display()));
    }
    command.arg(&db.name);
    cmd::announce(&command);
    let output = command.output().context("could not start pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        eprint!("{text}{}", String::from_utf8_lossy(&output.stderr));
        bail!("pgbench failed ({})", output.status);
    }
    Ok(text)
}

/// Transactions per second, and a refusal if any failed.
fn tps(output: &str) -> anyhow::Result<f64> {
    if let Some(failed) =
        output.lines().find_map(|line| line.strip_prefix("number of failed transactions: "))
        && !failed.starts_with("0 ")
    {
        bail!("pgbench: {failed} transactions failed");
    }
    output
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .context("pgbench printed no `tps = ` line")?
        .parse()
        .context("pgbench's tps is not a number")
}

/// Latencies from `--log`: client, transaction, microseconds, script, epoch,
/// microseconds within the second.
fn logged_latencies(log: &str) -> anyhow::Result<Vec<Duration>> {
    log.lines()
        .map(|line| {
            let micros = line.split_whitespace().nth(2).context("short pgbench log line")?;
            let micros: u64 = micros
                .parse()
                .with_context(|| format!("pgbench logged a transaction as {micros:?}"))?;
            Ok(Duration::from_micros(micros))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tps_is_read_and_failures_refused() {
        let output = "number of failed transactions: 0 (0.000%)\n\
                      tps = 19512.345678 (without initial connection time)\n";
        assert_eq!(tps(output).unwrap(), 19512.345678);
        let failed = output.replace("0 (0.000%)", "12 (0.100%)");
        assert!(tps(&failed).is_err());
    }

    #[test]
    fn the_log_gives_microseconds_and_refuses_failures() {
        let log = "0 1 812 0 1700000000 12345\n3 1 95 0 1700000000 12400\n";
        assert_eq!(
            logged_latencies(log).unwrap(),
            [Duration::from_micros(812), Duration::from_micros(95)]
        );
        assert!(logged_latencies("0 1 failed 0 1700000000 12345\n").is_err());
    }
}
