use std::process::ExitCode;

use clap::Parser;

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
