//! Wiring: connect and migrate the database, load keys, build the services,
//! bind the listener (port 0 allowed), and serve until told to stop.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::middleware::from_fn_with_state;
use baton_proto::{
    auth::v1::auth_service_server::AuthServiceServer,
    garmin::v1::garmin_service_server::GarminServiceServer,
    sharing::v1::sharing_service_server::SharingServiceServer,
    user::v1::user_service_server::UserServiceServer,
};
use http::{HeaderName, HeaderValue, Method};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tonic::{
    server::NamedService,
    service::Routes,
    transport::{Server, server::TcpIncoming},
};
use tonic_health::{ServingStatus, server::HealthReporter};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{
    clock::{Clock, SystemClock},
    config::Config,
    crypto::{AccessTokens, CryptoError, KeyRing, PageTokens, PasswordHasher, Sealer},
    garmin::{GarminClient, GarminConfig},
    google::{GoogleClient, GoogleConfig},
    grpc::{
        AuthApi, GarminApi, SharingApi, UserApi,
        authentication::{Authenticator, authenticate},
        panic_guard,
    },
    service::{
        AuditService, AuthService, Context, GarminService, ImportSettings, LoginThrottle,
        NotificationFeed, NotificationService, Retention, Revocations, RosterService, Settings,
        ShareChanges, SharingService, ShowLinkOnly, ThrottleSettings, UserService,
    },
    store::Db,
    telemetry,
    web::spa_service,
};

/// Largest request a client may send, and largest reply we send.
const MAX_DECODING_MESSAGE_SIZE: usize = 4 * 1024 * 1024;
const MAX_ENCODING_MESSAGE_SIZE: usize = 16 * 1024 * 1024;
/// Unary calls finish well within this; it bounds a stuck request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const ACCESS_TOKEN_TTL: chrono::Duration = chrono::Duration::minutes(15);
/// The `aud` claim of Baton's access tokens.
pub const ACCESS_TOKEN_AUDIENCE: &str = "baton";
/// How often health re-checks the database.
const HEALTH_INTERVAL: Duration = Duration::from_secs(5);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot use the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("keys: {0}")]
    Keys(#[from] CryptoError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("configuration: {0}")]
    Config(String),
    #[error("server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// The services and what they share; also used by the operator commands.
#[derive(Clone)]
pub struct Components {
    pub db: Db,
    pub auth: AuthService,
    pub users: UserService,
    pub roster: RosterService,
    pub audit: AuditService,
    pub garmin: GarminService,
    pub sharing: SharingService,
    pub notifications: NotificationService,
    pub revocations: Revocations,
    pub retention: Retention,
}

impl Components {
    /// Connects (and, if configured, migrates) the database and loads keys.
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        install_crypto_provider();
        private_dir(&config.data_dir)?;
        let keys = KeyRing::load_or_generate(&config.keys_dir())?;
        let db = Db::connect(&config.database_url()).await?;
        if config.auto_migrate {
            db.migrate().await?;
        }
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        // A sign-in waits at most about a second for a hashing slot, and a
        // bounded queue sheds the rest (SECURITY.md, passwords).
        let hasher =
            PasswordHasher::new(config.hash_params, cores, Duration::from_secs(1), 64 * cores)?;
        let revocations = Revocations::new(db.clone(), clock.clone(), ACCESS_TOKEN_TTL);
        let retention = Retention::new(db.clone(), clock.clone());
        let access_tokens = Arc::new(AccessTokens::new(
            keys.signing,
            config.public_url.clone(),
            ACCESS_TOKEN_AUDIENCE.to_owned(),
            ACCESS_TOKEN_TTL,
        ));
        let throttle = LoginThrottle::new(
            db.clone(),
            clock.clone(),
            ThrottleSettings {
                max_failures: config.login_max_failures,
                lockout: chrono::Duration::seconds(config.login_lockout_secs.into()),
                max_lockout: chrono::Duration::seconds(config.login_max_lockout_secs.into()),
                per_address_per_minute: config.login_per_address_per_minute,
            },
        );
        let context = Context {
            db: db.clone(),
            clock,
            hasher,
            access_tokens,
            sealer: Sealer::reloading(keys.sealing.clone(), config.keys_dir()),
            pages: PageTokens::new(keys.sealing),
            revocations: revocations.clone(),
            throttle,
            notifier: Arc::new(ShowLinkOnly),
            notifications: NotificationFeed::new(&db),
            google: google_client(config)?,
            garmin: garmin_client(config)?,
            settings: Arc::new(Settings {
                public_url: config.public_url.clone(),
                self_signup: config.self_signup,
                invite_lifetime: chrono::Duration::days(7),
                password_reset_lifetime: chrono::Duration::days(1),
            }),
        };
        let garmin = GarminService::new(context.clone());
        let imports = ImportSettings {
            workers: config.import_workers,
            max_attempts: config.import_max_attempts.max(1),
            first_retry: chrono::Duration::seconds(
                i64::try_from(config.import_retry_secs).unwrap_or(i64::MAX).min(600),
            ),
            garmin_web_url: config.garmin_web_url.to_string(),
            wake: Default::default(),
        };
        Ok(Self {
            db,
            auth: AuthService::new(context.clone()),
            users: UserService::new(context.clone()),
            roster: RosterService::new(context.clone()),
            audit: AuditService::new(context.clone()),
            notifications: NotificationService::new(context.clone()),
            sharing: SharingService::new(context, garmin.clone(), ShareChanges::default(), imports),
            garmin,
            revocations,
            retention,
        })
    }
}

/// The Garmin Connect client, pointed at the configured hosts.
fn garmin_client(config: &Config) -> Result<GarminClient, StartupError> {
    let mut garmin = GarminConfig::garmin(config.public_origin())
        .map_err(|error| StartupError::Config(format!("Garmin: {error}")))?;
    garmin.sso_url = config.garmin_sso_url.clone();
    garmin.diauth_url = config.garmin_diauth_url.clone();
    garmin.api_url = config.garmin_api_url.clone();
    GarminClient::new(garmin).map_err(|error| StartupError::Config(format!("Garmin: {error}")))
}

/// The Google relying party, when an issuer and client id are configured.
fn google_client(config: &Config) -> Result<Option<GoogleClient>, StartupError> {
    let (Some(issuer), Some(client_id)) = (&config.google_issuer, &config.google_client_id) else {
        return Ok(None);
    };
    let client = GoogleClient::new(GoogleConfig {
        issuer: issuer.clone(),
        client_id: client_id.clone(),
        client_secret: config
            .google_client_secret
            .clone()
            .unwrap_or_else(|| SecretString::from("")),
        redirect_url: config.google_redirect_url(),
    })
    .map_err(|error| StartupError::Config(format!("Google sign-in: {error}")))?;
    Ok(Some(client))
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    routes: Routes,
    health: HealthReporter,
    db: Db,
    components: Components,
}

impl Application {
    /// Builds the server with the wall clock.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Builds the server with the given clock (tests move time).
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let components = Components::build(&config, clock).await?;
        let (health, health_service) = tonic_health::server::health_reporter();
        set_health(&health, ServingStatus::NotServing).await;

        let mut builder = Routes::builder();
        builder
            .add_service(health_service)
            .add_service(limits(AuthServiceServer::new(AuthApi::new(components.auth.clone()))))
            .add_service(limits(UserServiceServer::new(UserApi::new(
                components.users.clone(),
                components.roster.clone(),
                components.audit.clone(),
                components.notifications.clone(),
            ))))
            .add_service(limits(GarminServiceServer::new(GarminApi::new(
                components.garmin.clone(),
            ))))
            .add_service(limits(SharingServiceServer::new(SharingApi::new(
                components.sharing.clone(),
            ))));
        if config.reflection {
            builder.add_service(reflection_v1()?).add_service(reflection_v1alpha()?);
        }

        let authenticator =
            Authenticator::new(components.auth.clone(), config.trusted_proxies.clone());
        let mut grpc = builder
            .routes()
            .into_axum_router()
            .layer(from_fn_with_state(authenticator, authenticate))
            .layer(tonic_web::GrpcWebLayer::new());
        if !config.cors_origins.is_empty() {
            grpc = grpc.layer(cors(&config.cors_origins)?);
        }
        // A panic anywhere below becomes INTERNAL with a correlation id (the
        // safety net; no input is meant to reach one).
        let sso_origin = config.garmin_sso_url.origin().ascii_serialization();
        let spa = spa_service(&config.web_dir, &sso_origin).map_err(|_| {
            StartupError::Config(format!(
                "BATON_GARMIN_SSO_URL: {sso_origin} is not a valid origin"
            ))
        })?;
        let routes = Routes::from(grpc.fallback_service(spa).layer(panic_guard()));

        let listener = TcpListener::bind(config.listen_addr)
            .await
            .map_err(|source| StartupError::Bind { addr: config.listen_addr, source })?;
        let db = components.db.clone();
        // Know which sessions were revoked before serving; if the database
        // cannot say yet, the watcher keeps asking (and every RPC that needs
        // a caller needs the database too).
        if db.is_migrated().await.unwrap_or(false)
            && let Err(error) = components.revocations.refresh().await
        {
            tracing::warn!(%error, "could not read session revocations at start-up");
        }
        update_health(&db, &health).await;
        Ok(Self { listener, routes, health, db, components })
    }

    /// The address the server listens on (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// The services this server runs (operator tasks and tests use them directly).
    pub fn components(&self) -> &Components {
        &self.components
    }

    /// Serves until `shutdown` completes, then reports NOT_SERVING, lets
    /// in-flight requests finish, and returns.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let Self { listener, routes, health, db, components } = self;
        let addr = listener.local_addr().ok();
        let watcher = tokio::spawn(watch_health(db.clone(), health.clone()));
        let revocations = tokio::spawn(components.revocations.clone().watch());
        let retention = tokio::spawn(components.retention.clone().run());
        let imports = components.sharing.start_workers();
        let feed = components.notifications.feed();
        let feed_listener = tokio::spawn(feed.clone().listen(db.clone()));
        let drain = async move {
            shutdown.await;
            // Open watch streams end, or the drain would wait for them.
            feed.close();
            feed_listener.abort();
            watcher.abort();
            revocations.abort();
            retention.abort();
            imports.stop().await;
            set_health(&health, ServingStatus::NotServing).await;
            tracing::info!("shutting down: draining in-flight requests");
        };
        tracing::info!(addr = ?addr, "listening");
        let incoming = TcpIncoming::from(listener)
            .with_nodelay(Some(true))
            .with_keepalive(Some(Duration::from_secs(60)));
        Server::builder()
            .accept_http1(true)
            .timeout(REQUEST_TIMEOUT)
            .concurrency_limit_per_connection(256)
            .max_concurrent_streams(Some(256))
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .layer(telemetry::rpc_trace_layer())
            .add_routes(routes)
            .serve_with_incoming_shutdown(incoming, drain)
            .await?;
        db.close().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Resolves on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Creates the data directory readable by Baton's user only (0700), or
/// tightens an existing one: it holds the database and, by default, the keys.
fn private_dir(path: &std::path::Path) -> Result<(), StartupError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let failed = |source| StartupError::DataDir { path: path.display().to_string(), source };
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(path).map_err(failed)?;
    let mode = std::fs::metadata(path).map_err(failed)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(failed)?;
        tracing::warn!(path = %path.display(), "the data directory was open to others; now 0700");
    }
    Ok(())
}

/// rustls finds two crypto providers compiled in (ring through sqlx, aws-lc-rs
/// through reqwest and jsonwebtoken) and refuses to guess; pick one.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The service names health reports on ("" is the server as a whole).
const HEALTH_SERVICES: [&str; 5] = [
    "",
    <AuthServiceServer<AuthApi> as NamedService>::NAME,
    <UserServiceServer<UserApi> as NamedService>::NAME,
    <GarminServiceServer<GarminApi> as NamedService>::NAME,
    <SharingServiceServer<SharingApi> as NamedService>::NAME,
];

async fn set_health(health: &HealthReporter, status: ServingStatus) {
    for name in HEALTH_SERVICES {
        health.set_service_status(name, status).await;
    }
}

/// SERVING only while the database answers and has every migration.
async fn database_status(db: &Db) -> ServingStatus {
    let ready = db.ping().await.is_ok() && db.is_migrated().await.unwrap_or(false);
    if ready { ServingStatus::Serving } else { ServingStatus::NotServing }
}

async fn update_health(db: &Db, health: &HealthReporter) {
    set_health(health, database_status(db).await).await;
}

/// Re-checks the database every few seconds and reports changes only, so
/// watchers see a transition once.
async fn watch_health(db: Db, health: HealthReporter) {
    let mut reported = database_status(&db).await;
    let mut interval =
        tokio::time::interval_at(tokio::time::Instant::now() + HEALTH_INTERVAL, HEALTH_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let status = database_status(&db).await;
        if status != reported {
            tracing::warn!(?status, "database health changed");
            set_health(&health, status).await;
            reported = status;
        }
    }
}

/// Applies the message size limits to a generated server.
fn limits<S: SizeLimits>(server: S) -> S {
    server.with_limits()
}

/// The generated servers share the limit setters but no trait; this one
/// names them.
trait SizeLimits {
    fn with_limits(self) -> Self;
}

macro_rules! impl_size_limits {
    ($($server:ident<$api:ident>),*) => {$(
        impl SizeLimits for $server<$api> {
            fn with_limits(self) -> Self {
                self.max_decoding_message_size(MAX_DECODING_MESSAGE_SIZE)
                    .max_encoding_message_size(MAX_ENCODING_MESSAGE_SIZE)
            }
        }
    )*};
}
impl_size_limits!(
    AuthServiceServer<AuthApi>,
    UserServiceServer<UserApi>,
    GarminServiceServer<GarminApi>,
    SharingServiceServer<SharingApi>
);

fn reflection_v1() -> Result<
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
    StartupError,
> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(baton_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|error| StartupError::Config(format!("reflection: {error}")))
}

fn reflection_v1alpha() -> Result<
    tonic_reflection::server::v1alpha::ServerReflectionServer<
        impl tonic_reflection::server::v1alpha::ServerReflection,
    >,
    StartupError,
> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(baton_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .map_err(|error| StartupError::Config(format!("reflection: {error}")))
}

/// grpc-web from other origins: exactly the configured ones.
fn cors(origins: &[String]) -> Result<CorsLayer, StartupError> {
    let origins = origins
        .iter()
        .map(|origin| {
            HeaderValue::from_str(origin.trim()).map_err(|_| {
                StartupError::Config(format!("BATON_CORS_ORIGINS: bad origin {origin:?}"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers([
            http::header::AUTHORIZATION,
            http::header::CONTENT_TYPE,
            HeaderName::from_static("x-grpc-web"),
            HeaderName::from_static("x-user-agent"),
            HeaderName::from_static("grpc-timeout"),
        ])
        .expose_headers([
            HeaderName::from_static("grpc-status"),
            HeaderName::from_static("grpc-message"),
            HeaderName::from_static("grpc-status-details-bin"),
        ])
        .max_age(Duration::from_secs(3600)))
}
