//! The `baton-sandbox` binary's options; every one also reads a
//! `BATON_SANDBOX_*` environment variable.

use std::net::SocketAddr;
use std::time::Duration;

use baton_sandbox::garmin::{Lifetimes, seed};
use baton_sandbox::{
    GarminSandbox, GarminSandboxConfig, GoogleSandbox, GoogleSandboxConfig, Identity,
};
use clap::Parser;

/// Local stand-ins for Google sign-in and Garmin Connect, for the offline
/// demo. TEST keys and credentials only: never expose it.
#[derive(Debug, Parser)]
#[command(name = "baton-sandbox", version)]
pub struct Args {
    /// Where the Google OpenID provider listens; its issuer is http://ADDR.
    #[arg(long, env = "BATON_SANDBOX_GOOGLE_ADDR", default_value = "127.0.0.1:9090")]
    pub google_addr: SocketAddr,
    /// The OAuth client id the provider accepts.
    #[arg(
        long,
        env = "BATON_SANDBOX_GOOGLE_CLIENT_ID",
        default_value = "baton-sandbox.apps.googleusercontent.com"
    )]
    pub google_client_id: String,
    /// The client secret the provider accepts (a test value).
    #[arg(
        long,
        env = "BATON_SANDBOX_GOOGLE_CLIENT_SECRET",
        default_value = "baton-sandbox-client-secret",
        hide_env_values = true
    )]
    pub google_client_secret: String,
    /// Registered redirect URIs (comma-separated); exact matches only.
    #[arg(
        long,
        env = "BATON_SANDBOX_GOOGLE_REDIRECT_URIS",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:8080/auth/google/callback"
    )]
    pub google_redirect_uris: Vec<String>,
    /// The Google account id (`sub`) the provider signs in as.
    #[arg(long, env = "BATON_SANDBOX_GOOGLE_SUB", default_value = "110248495921238986420")]
    pub google_sub: String,
    /// The email of the Google account it signs in as (reported verified).
    #[arg(long, env = "BATON_SANDBOX_GOOGLE_EMAIL", default_value = "ada.lovelace@example.com")]
    pub google_email: String,
    /// The name of the Google account it signs in as.
    #[arg(long, env = "BATON_SANDBOX_GOOGLE_NAME", default_value = "Ada Lovelace")]
    pub google_name: String,
    /// Where the Garmin Connect stand-in listens (SSO, DI auth and connectapi at once).
    #[arg(long, env = "BATON_SANDBOX_GARMIN_ADDR", default_value = "127.0.0.1:9091")]
    pub garmin_addr: SocketAddr,
    /// How long a Garmin service ticket stays redeemable, in seconds. Garmin's
    /// expire within seconds; the demo default leaves a person time to paste one.
    #[arg(long, env = "BATON_SANDBOX_GARMIN_TICKET_SECS", default_value_t = 120)]
    pub garmin_ticket_secs: u64,
}

impl Args {
    /// The Google provider's configuration from these options.
    pub fn google_config(&self) -> GoogleSandboxConfig {
        GoogleSandboxConfig {
            addr: self.google_addr,
            client_id: self.google_client_id.clone(),
            client_secret: self.google_client_secret.clone(),
            redirect_uris: self.google_redirect_uris.clone(),
        }
    }
}

impl Args {
    /// The Garmin stand-in's configuration: the demo accounts, Garmin's
    /// token lifetimes, and this ticket lifetime.
    pub fn garmin_config(&self) -> GarminSandboxConfig {
        let lifetimes = Lifetimes {
            ticket: Duration::from_secs(self.garmin_ticket_secs),
            ..Lifetimes::default()
        };
        GarminSandboxConfig { addr: self.garmin_addr, lifetimes, ..GarminSandboxConfig::default() }
    }

    /// The Google account the provider approves.
    pub fn google_identity(&self) -> Identity {
        Identity {
            sub: self.google_sub.clone(),
            email: self.google_email.clone(),
            email_verified: true,
            name: Some(self.google_name.clone()),
            picture: None,
        }
    }
}

/// The backend's `BATON_GOOGLE_*` settings for this provider, one
/// `NAME=value` a line (test credentials only, so printing them is fine).
pub fn google_settings(google: &GoogleSandbox, args: &Args) -> String {
    let redirect_url = args.google_redirect_uris.first().map(String::as_str).unwrap_or_default();
    [
        ("BATON_GOOGLE_ISSUER", google.issuer()),
        ("BATON_GOOGLE_CLIENT_ID", google.client_id()),
        ("BATON_GOOGLE_CLIENT_SECRET", google.client_secret()),
        ("BATON_GOOGLE_REDIRECT_URL", redirect_url),
    ]
    .map(|(name, value)| format!("{name}={value}"))
    .join("\n")
}

/// The backend's `BATON_GARMIN_*` settings for the stand-in, one
/// `NAME=value` a line, then the demo accounts as `#` comment lines.
pub fn garmin_settings(garmin: &GarminSandbox) -> String {
    let base = garmin.base_url();
    let mut lines: Vec<String> =
        ["BATON_GARMIN_SSO_URL", "BATON_GARMIN_DIAUTH_URL", "BATON_GARMIN_API_URL"]
            .iter()
            .map(|name| format!("{name}={base}"))
            .collect();
    lines.push(format!(
        "# Garmin demo accounts (TEST credentials); widget service {}",
        garmin.embed_service_url()
    ));
    for (role, login) in
        [("coach", seed::COACH), ("athlete", seed::ATHLETE), ("athlete, MFA", seed::MFA_ATHLETE)]
    {
        let mfa = login.mfa_code.map(|code| format!(", MFA code {code}")).unwrap_or_default();
        lines.push(format!("#   {role}: {} / {}{mfa}", login.email, login.password));
    }
    lines.join("\n")
}
