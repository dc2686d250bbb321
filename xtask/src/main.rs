//! `cargo xtask ...`: Baton's build, run and test tasks, so that CI, a new
//! developer and an operator's demo all run the same commands.

mod bench;
mod browser;
mod cmd;
mod demo;
mod prereqs;
mod server;
mod test;
mod web;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Baton's build, run and test tasks"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Run everything CI runs: prerequisites, fmt, clippy, buf, Envoy config,
    /// the SPA bundle, the tests on SQLite and PostgreSQL, the browser test.
    Test,
    /// Build the SPA and the backend, seed a demo admin and serve on
    /// http://127.0.0.1:8080 until ctrl-c.
    Demo {
        /// Build the backend in release mode (slow on 2 cores).
        #[arg(long)]
        release: bool,
    },
    /// Measure the speed and size targets issues name, print the figures and
    /// write them to <target dir>/bench/*.json (release builds; a few minutes).
    Bench {
        /// Only this part; without one, all of them.
        #[arg(value_enum)]
        part: Option<bench::Part>,
    },
    /// Only the browser test: build the SPA and the backend, drive headless
    /// Chromium through the identity flows.
    Browser,
    /// Build the SPA bundle into web/dist.
    BuildWeb {
        /// Optimised bundle (the wasm-release profile).
        #[arg(long)]
        release: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.task) {
        Ok(()) => ExitCode::SUCCESS,
        // One line naming what failed; the failing command's own output is above it.
        Err(error) => {
            eprintln!("\nerror: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> anyhow::Result<()> {
    let root = cmd::workspace_root();
    std::env::set_current_dir(&root)?;
    match task {
        Task::Test => test::run(&root),
        Task::Demo { release } => demo::run(&root, release),
        Task::Bench { part } => bench::run(&root, part),
        Task::Browser => {
            prereqs::wasm_target()?;
            browser::run(&web::build(false)?)
        }
        Task::BuildWeb { release } => {
            prereqs::wasm_target()?;
            let dir = web::build(release)?;
            println!("SPA bundle: {}", dir.display());
            Ok(())
        }
    }
}
