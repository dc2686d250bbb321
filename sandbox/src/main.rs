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
    let garmin = baton_sandbox::GarminSandbox::start(args.garmin_config())?;
    println!("{}", cli::garmin_settings(&garmin));
    tokio::signal::ctrl_c().await?;
    tokio::join!(google.shutdown(), garmin.shutdown());
    Ok(())
}
