//! `baton-sandbox`: runs the stand-ins on fixed ports for the demo and prints
//! the `BATON_*` settings that point the backend at them. Stop with Ctrl-C.

mod cli;

use clap::Parser;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let filter = tracing_subscriber::EnvFilter::from_default_env();
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let args = cli::Args::parse();
    let google = baton_sandbox::GoogleSandbox::start(args.google_config())?;
    google.set_identity(args.google_identity());
    println!("{}", cli::google_settings(&google, &args));
    // The Garmin Connect stand-in starts here (and prints BATON_GARMIN_*) once it exists.
    tokio::signal::ctrl_c().await?;
    google.shutdown().await;
    Ok(())
}
