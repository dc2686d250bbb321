//! The `baton-sandbox` binary's options; every one also reads a
//! `BATON_SANDBOX_*` environment variable.

use std::net::SocketAddr;

use baton_sandbox::{GoogleSandbox, GoogleSandboxConfig};
use clap::Parser;

/// Local stand-ins for Google sign-in (and, later, Garmin Connect), for the
/// offline demo. TEST keys and credentials only: never expose it.
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
