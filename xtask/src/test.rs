//! `cargo xtask test`: everything CI runs, in order, stopping at the first
//! failure with the name of the step, and a summary at the end.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use crate::{browser, cmd, prereqs, server, web};

/// The steps, in the order they run; `Pipeline` counts against this.
const STEPS: usize = 10;
/// The admin URL the PostgreSQL suite creates its per-test databases through.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn run(root: &Path) -> anyhow::Result<()> {
    let mut pipeline = Pipeline::default();

    let tools = pipeline.step("prerequisites", || prereqs::for_tests(root))?;
    pipeline.step("rustfmt", || cmd::run(cmd::cargo().args(["fmt", "--all", "--check"])))?;
    pipeline.step("clippy (host and wasm32)", || {
        cmd::run(cmd::cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "baton-web",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The backend again as it ships (the sign-in transport differs).
        cmd::run(cmd::cargo().args([
            "clippy",
            "-p",
            "baton",
            "--all-targets",
            "--features",
            server::RELEASE_FEATURES,
            "--",
            "-D",
            "warnings",
        ]))?;
        cmd::run(cmd::cargo().args([
            "clippy",
            "-p",
            "baton-web",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    pipeline.step("buf lint and format", || {
        cmd::run(Command::new(&tools.buf).arg("lint"))?;
        cmd::run(Command::new(&tools.buf).args(["format", "--diff", "--exit-code"]))
    })?;
    pipeline.step("envoy.yaml validation", || {
        cmd::run(
            Command::new(&tools.envoy)
                .args(["--mode", "validate", "--log-level", "warn", "-c"])
                .arg(root.join("envoy.yaml")),
        )
    })?;
    let web_dir = pipeline.step("SPA bundle", || web::build(false))?;
    // The SPA's logic that needs no browser (error wording, form checks) on the host.
    pipeline.step("SPA unit tests", || cmd::run(cmd::cargo().args(["test", "-p", "baton-web"])))?;
    pipeline.step("tests on SQLite", || cmd::run(suite().env("BATON_TEST_DATABASE", "sqlite")))?;
    pipeline.step("tests on PostgreSQL", || {
        let url = std::env::var("BATON_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        cmd::run(suite().env("BATON_TEST_DATABASE", "postgres").env("BATON_TEST_POSTGRES_URL", url))
    })?;
    pipeline.step("browser test", || browser::run(&web_dir))?;

    pipeline.summary(None);
    Ok(())
}

/// The workspace's test suite on the host (the SPA is tested in the
/// browser), with the backend built as it ships: Garmin's sign-in goes
/// through the browser-like transport, and its ClientHello test runs.
fn suite() -> Command {
    let mut command = cmd::cargo();
    command
        .args(["test", "--workspace", "--exclude", "baton-web", "--features"])
        .arg(format!("baton/{}", server::RELEASE_FEATURES));
    command
}

/// Runs named steps in order and remembers how long each took.
#[derive(Default)]
struct Pipeline {
    passed: Vec<(&'static str, Duration)>,
}

impl Pipeline {
    /// Runs one step; on failure prints the summary and returns the error
    /// with the step's name in front.
    fn step<T>(
        &mut self,
        name: &'static str,
        run: impl FnOnce() -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let number = self.passed.len() + 1;
        println!("\n==> [{number}/{STEPS}] {name}");
        let started = Instant::now();
        match run() {
            Ok(value) => {
                self.passed.push((name, started.elapsed()));
                Ok(value)
            }
            Err(error) => {
                self.summary(Some(name));
                Err(error.context(format!("step {number}/{STEPS} ({name}) failed")))
            }
        }
    }

    fn summary(&self, failed: Option<&str>) {
        println!("\n==> summary");
        for (name, took) in &self.passed {
            println!("  ok      {name} ({:.1}s)", took.as_secs_f64());
        }
        let failures = usize::from(failed.is_some());
        if let Some(name) = failed {
            println!("  FAILED  {name}");
            let skipped = STEPS - self.passed.len() - 1;
            if skipped > 0 {
                println!("  ({skipped} later step(s) not run)");
            }
        }
        // The plain closing line CI reads.
        println!("steps: {} passed, {failures} failed", self.passed.len());
    }
}
