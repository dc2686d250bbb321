//! The one place that reads configuration: command-line flags and `BATON_*`
//! environment variables (plus a `.env` file, loaded in `main`). Everything
//! else receives a [`Config`] built here, or as a literal in tests.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

use ipnet::IpNet;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

use crate::crypto::HashParams;

/// `baton` — run the server or an operator task.
#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    about = "Baton: coaches hand structured workouts to athletes through Garmin Connect."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Operator commands; `serve` is the default.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the server (gRPC, grpc-web and the SPA on one port).
    Serve,
    /// Apply database migrations (and create the key sets if missing), then exit.
    Migrate,
    /// Create an administrator; the password is read from standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Display name (default: the part of the email before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a user's password; the new password is read from standard input.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Add a new signing key and a new sealing key to the key sets. New
    /// tokens and seals use them; older keys keep verifying and opening.
    RotateKeys,
    /// Exit 0 when the server at BATON_LISTEN_ADDR reports SERVING (for
    /// container health checks).
    Healthcheck,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Server configuration. Secrets are `SecretString`, so `Debug` redacts them.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address for gRPC, grpc-web and the SPA (one port). Port 0 picks a free one.
    #[arg(long, env = "BATON_LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,

    /// Data directory: the SQLite database and, by default, the key sets.
    #[arg(long, env = "BATON_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Key sets (signing and sealing), shared by all replicas. Default: the data directory.
    #[arg(long, env = "BATON_KEYS_DIR")]
    pub keys_dir: Option<PathBuf>,

    /// The URL people reach Baton at (links, OAuth redirects; access-token issuer).
    #[arg(long, env = "BATON_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,

    /// `sqlite://...` or `postgres://...`. Default: SQLite in the data directory.
    #[arg(long, env = "BATON_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<SecretString>,

    /// Apply migrations at start-up (PostgreSQL holds an advisory lock meanwhile).
    #[arg(long, env = "BATON_AUTO_MIGRATE", default_value_t = true, action = ArgAction::Set)]
    pub auto_migrate: bool,

    /// Let anyone create an (athlete) account.
    #[arg(long, env = "BATON_SELF_SIGNUP", default_value_t = false, action = ArgAction::Set)]
    pub self_signup: bool,

    /// The built SPA to serve.
    #[arg(long, env = "BATON_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,

    /// Browser origins allowed to call grpc-web (comma-separated). Empty: same origin only.
    #[arg(long, env = "BATON_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Proxies whose X-Forwarded-For is trusted: comma-separated addresses
    /// or networks (10.0.0.2, 172.28.0.0/24).
    #[arg(long, env = "BATON_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,

    /// Serve gRPC reflection (v1 and v1alpha).
    #[arg(long, env = "BATON_REFLECTION", default_value_t = true, action = ArgAction::Set)]
    pub reflection: bool,

    /// Consecutive failed sign-ins that soft-lock an account.
    #[arg(long, env = "BATON_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// The first soft lock, in seconds; each further failure doubles it.
    #[arg(long, env = "BATON_LOGIN_LOCKOUT_SECS", default_value_t = 30)]
    pub login_lockout_secs: u32,

    /// The longest soft lock, in seconds.
    #[arg(long, env = "BATON_LOGIN_MAX_LOCKOUT_SECS", default_value_t = 900)]
    pub login_max_lockout_secs: u32,

    /// Credential checks (sign-in, sign-up, invite and reset links) allowed
    /// per client address per minute.
    #[arg(long, env = "BATON_LOGIN_PER_ADDRESS_PER_MINUTE", default_value_t = 30)]
    pub login_per_address_per_minute: u32,

    /// Google's OpenID issuer (discovery at ISSUER/.well-known/openid-configuration).
    /// Google sign-in is on when this and the client id are set.
    #[arg(long, env = "BATON_GOOGLE_ISSUER")]
    pub google_issuer: Option<String>,

    /// The OAuth client id Google issued for Baton.
    #[arg(long, env = "BATON_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,

    /// The OAuth client secret Google issued for Baton.
    #[arg(long, env = "BATON_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
    pub google_client_secret: Option<SecretString>,

    /// Where Google sends the browser back. Default: BATON_PUBLIC_URL/auth/google/callback.
    #[arg(long, env = "BATON_GOOGLE_REDIRECT_URL")]
    pub google_redirect_url: Option<String>,

    /// Garmin Connect's sign-in host (SSO); the sandbox in tests and the demo.
    #[arg(long, env = "BATON_GARMIN_SSO_URL", default_value = "https://sso.garmin.com")]
    pub garmin_sso_url: url::Url,

    /// Garmin Connect's token host (DI OAuth2).
    #[arg(long, env = "BATON_GARMIN_DIAUTH_URL", default_value = "https://diauth.garmin.com")]
    pub garmin_diauth_url: url::Url,

    /// Garmin Connect's data API host.
    #[arg(long, env = "BATON_GARMIN_API_URL", default_value = "https://connectapi.garmin.com")]
    pub garmin_api_url: url::Url,

    /// Garmin Connect's web app, for links to an athlete's imported copy.
    #[arg(long, env = "BATON_GARMIN_WEB_URL", default_value = "https://connect.garmin.com")]
    pub garmin_web_url: url::Url,

    /// Imports run at once on this replica (each Garmin account still gets
    /// one at a time).
    #[arg(long, env = "BATON_IMPORT_WORKERS", default_value_t = 8)]
    pub import_workers: usize,

    /// Tries of one import before it is reported failed (429s, 5xx,
    /// timeouts); refusals that trying again cannot fix fail at once.
    #[arg(long, env = "BATON_IMPORT_MAX_ATTEMPTS", default_value_t = 6)]
    pub import_max_attempts: u32,

    /// The wait before an import's second try, in seconds; it doubles with
    /// each try, up to ten minutes, or follows Garmin's Retry-After.
    #[arg(long, env = "BATON_IMPORT_RETRY_SECS", default_value_t = 5)]
    pub import_retry_secs: u64,

    /// Log format; levels come from RUST_LOG.
    #[arg(long, env = "BATON_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// Password hashing cost. Production uses OWASP's argon2id baseline; only
    /// tests build a cheaper one, as a literal.
    #[arg(skip = HashParams::PRODUCTION)]
    pub hash_params: HashParams,
}

impl Config {
    /// Baton's own origin (scheme, host, port), from the public URL.
    pub fn public_origin(&self) -> String {
        url::Url::parse(&self.public_url)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_else(|_| self.public_url.trim_end_matches('/').to_owned())
    }

    /// Where Google redirects to after sign-in.
    pub fn google_redirect_url(&self) -> String {
        self.google_redirect_url.clone().unwrap_or_else(|| {
            format!("{}/auth/google/callback", self.public_url.trim_end_matches('/'))
        })
    }

    /// Where the key sets live.
    pub fn keys_dir(&self) -> PathBuf {
        self.keys_dir.clone().unwrap_or_else(|| self.data_dir.join("keys"))
    }

    /// The database to use: the configured URL or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        use secrecy::ExposeSecret;
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("baton.sqlite").display()),
        }
    }
}

/// An address (a network of one) or a network in CIDR notation.
fn parse_network(input: &str) -> Result<IpNet, String> {
    let input = input.trim();
    input
        .parse::<IpNet>()
        .or_else(|_| input.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{input:?} is neither an IP address nor a network like 10.0.0.0/24"))
}

#[cfg(test)]
mod tests {
    use super::parse_network;

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let single = parse_network("10.0.0.2").unwrap();
        assert!(single.contains(&"10.0.0.2".parse::<std::net::IpAddr>().unwrap()));
        assert!(!single.contains(&"10.0.0.3".parse::<std::net::IpAddr>().unwrap()));
        let network = parse_network(" 172.28.0.0/24 ").unwrap();
        assert!(network.contains(&"172.28.0.10".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_network("::1").is_ok());
        assert!(parse_network("proxy.local").is_err());
    }
}
