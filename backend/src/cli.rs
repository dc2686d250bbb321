//! The `baton` command: `serve` (the default) and the operator tasks.

use std::{io::BufRead, sync::Arc};

use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

use crate::{
    clock::SystemClock,
    config::{Cli, Command, Config},
    crypto::{KeyRing, keys},
    domain::{DisplayName, Email, Password},
    error::Error,
    startup::{Application, Components, StartupError, install_crypto_provider, shutdown_signal},
    store::Db,
};

/// Why an operator command failed, in words for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Failed(String),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        match error {
            Error::NotFound(what) => CliError::Failed(format!("no such {what}")),
            other => CliError::Failed(other.to_string()),
        }
    }
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config).await?;
            app.run_until(shutdown_signal()).await?;
        }
        Command::Migrate => {
            install_crypto_provider();
            // Preparing a deployment includes its first keys; existing key
            // sets are only read.
            KeyRing::load_or_generate(&config.keys_dir()).map_err(StartupError::from)?;
            let db = Db::connect(&config.database_url()).await.map_err(StartupError::from)?;
            db.migrate().await.map_err(StartupError::from)?;
            println!("migrations applied");
        }
        Command::CreateAdmin { email, name } => {
            let email =
                Email::parse(&email).map_err(|why| CliError::Input(format!("email {why}")))?;
            let name = name.as_deref().unwrap_or_else(|| email.local_part());
            let name =
                DisplayName::parse(name).map_err(|why| CliError::Input(format!("name {why}")))?;
            let password = read_password()?;
            let components = components(&config).await?;
            let user = components.auth.create_admin(&email, &name, password).await?;
            println!("administrator {} created ({})", email.as_str(), user.id);
        }
        Command::ResetPassword { email } => {
            let email =
                Email::parse(&email).map_err(|why| CliError::Input(format!("email {why}")))?;
            let password = read_password()?;
            let components = components(&config).await?;
            components.auth.reset_password_by_operator(&email, password).await?;
            println!("password of {} reset; their sessions are signed out", email.as_str());
        }
        Command::RotateKeys => {
            let (signing, sealing) =
                keys::rotate(&config.keys_dir()).map_err(StartupError::from)?;
            // The new key set is loaded now: re-seal what older keys sealed.
            let components = components(&config).await?;
            let resealed = components.garmin.reseal().await?;
            println!(
                "new signing key {signing}, new sealing key {sealing}; {resealed} Garmin link(s) re-sealed; restart every replica to use them"
            );
        }
        Command::Healthcheck => healthcheck(&config).await?,
    }
    Ok(())
}

async fn components(config: &Config) -> Result<Components, CliError> {
    Ok(Components::build(config, Arc::new(SystemClock)).await?)
}

/// One line from standard input, without its line ending, checked against
/// the password policy.
fn read_password() -> Result<Password, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|error| {
        CliError::Input(format!("cannot read the password from stdin: {error}"))
    })?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Password::parse(password).map_err(|why| CliError::Input(format!("password {why}")))
}

/// Exit status 0 only when the server reports SERVING.
async fn healthcheck(config: &Config) -> Result<(), CliError> {
    let mut addr = config.listen_addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .map_err(|error| CliError::Input(error.to_string()))?
        .connect_timeout(std::time::Duration::from_secs(3))
        .timeout(std::time::Duration::from_secs(3))
        .connect()
        .await
        .map_err(|error| CliError::Failed(format!("cannot reach {addr}: {error}")))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest { service: String::new() })
        .await
        .map_err(|status| CliError::Failed(format!("health check failed: {}", status.message())))?;
    match response.into_inner().status() {
        ServingStatus::Serving => Ok(()),
        other => Err(CliError::Failed(format!("not serving: {other:?}"))),
    }
}
