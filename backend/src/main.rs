use std::process::ExitCode;

use clap::Parser;

// Every request allocates many small buffers on every worker thread at
// once; under load glibc's malloc took a fifth of the server's CPU, and
// jemalloc doubles GetMe's throughput for about 2 MB more idle memory
// (BENCHMARKS.md, the athlete's inbox).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env file is the normal case.
    let _ = dotenvy::dotenv();
    let cli = baton::config::Cli::parse();
    let _log = baton::telemetry::init(cli.config.log_format);
    match baton::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baton: {error}");
            ExitCode::FAILURE
        }
    }
}
