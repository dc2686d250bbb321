//! `cargo xtask bench`: figures for the speed and size targets issues name,
//! printed as tables and written as JSON to `<target dir>/bench/`.
//!
//! Benchmarks, not timed tests: a missed target is reported, not an error.
//! A part fails only when it could not measure (or, for sign-in timing, when
//! the timings would reveal whether an account exists).

mod bundle;
mod garmin_sync;
mod grpc;
mod h2load;
mod inbox;
mod latency;
mod machine;
mod pgbench;
mod postgres;
mod report;
mod request_path;
mod rss;
mod sharing;
mod signin;
mod stand_in;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ValueEnum;

use crate::cmd;

/// One benchmark; `cargo xtask bench` without one runs them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// h2load and pgbench: bare tonic, Baton's health, GetMe on SQLite and
    /// PostgreSQL, the athlete's inbox on PostgreSQL, the database's own
    /// ceilings; RSS and start-up time.
    RequestPath,
    /// The SPA's release bundle, file by file, against the first-load budget.
    Bundle,
    /// Unknown-email vs wrong-password sign-in latency (must not differ).
    Signin,
    /// Syncing the demo coach's 130 workouts through the Garmin stand-in
    /// with 50 ms per call, against the ideal for Baton's concurrency.
    GarminSync,
    /// ShareWorkouts of 10 workouts × 100 athletes on PostgreSQL, and
    /// 1,000 imports across them with 50 ms per Garmin call.
    Sharing,
}

pub fn run(root: &Path, part: Option<Part>) -> anyhow::Result<()> {
    let parts = match part {
        Some(part) => vec![part],
        None => Part::value_variants().to_vec(),
    };
    println!("{}", machine::Machine::describe().summary());
    let mut failed = Vec::new();
    for part in parts {
        let result = match part {
            Part::RequestPath => request_path::run(root),
            Part::Bundle => bundle::run(root),
            Part::Signin => signin::run(root),
            Part::GarminSync => garmin_sync::run(root),
            Part::Sharing => sharing::run(root),
        };
        // One part's failure must not hide the others' figures.
        if let Err(error) = result {
            eprintln!("\nbench {}: {error:#}", name(part));
            failed.push(name(part));
        }
    }
    if !failed.is_empty() {
        bail!("bench parts failed: {}", failed.join(", "));
    }
    Ok(())
}

fn name(part: Part) -> String {
    part.to_possible_value().map_or_else(|| format!("{part:?}"), |v| v.get_name().to_owned())
}

/// Writes `figures` to `<target dir>/bench/<name>.json` and says where.
fn write_json(root: &Path, name: &str, figures: &serde_json::Value) -> anyhow::Result<PathBuf> {
    let dir = cmd::target_dir(root)?.join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(figures)?)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("figures written to {}", path.display());
    Ok(path)
}

/// A scratch directory for one part, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(part: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("baton-bench-{part}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
