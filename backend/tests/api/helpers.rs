//! `TestApp`: one server with its own database, data directory and clock.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use baton::{
    clock::ManualClock,
    config::{Config, LogFormat},
    crypto::HashParams,
    domain::{DisplayName, Email, Password},
    startup::{Application, Components, StartupError},
};
use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, LoginRequest, NewAccountPassword, TokenPair,
        accept_invite_request::Method, auth_service_client::AuthServiceClient, login_response,
    },
    user::v1::{
        CreateUserRequest, GetMeRequest, LinkAthleteRequest, Role, UpdateUserRequest,
        user_service_client::UserServiceClient,
    },
};
use chrono::Utc;
use tokio::{sync::oneshot, task::JoinHandle};
use tonic::{Request, transport::Channel};

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// Where a test's state lives: a temporary data directory (keys, SQLite,
/// the SPA files) and, on PostgreSQL, a database of its own.
pub struct TestStorage {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    postgres: Option<(String, String)>,
}

impl TestStorage {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let web = dir.path().join("web");
        std::fs::create_dir_all(&web).unwrap();
        std::fs::write(web.join("index.html"), "<!doctype html><title>Baton test SPA</title>")
            .unwrap();
        std::fs::write(web.join("app.js"), "console.log('baton');").unwrap();

        match std::env::var("BATON_TEST_DATABASE").as_deref() {
            Ok("postgres") => {
                let admin_url = std::env::var("BATON_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
                let name = format!("baton_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable at BATON_TEST_POSTGRES_URL");
                use sea_orm::ConnectionTrait;
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                let database_url = format!("{base}/{name}");
                Self { dir, database_url, postgres: Some((admin_url, name)) }
            }
            Ok("sqlite") | Err(_) => {
                let database_url =
                    format!("sqlite://{}?mode=rwc", dir.path().join("baton.sqlite").display());
                Self { dir, database_url, postgres: None }
            }
            Ok(other) => panic!("BATON_TEST_DATABASE must be sqlite or postgres, not {other}"),
        }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    pub fn web_dir(&self) -> PathBuf {
        self.dir.path().join("web")
    }
}

impl Drop for TestStorage {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime; a thread of its own may block.
        let _ = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                use sea_orm::ConnectionTrait;
                if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// A signed-in user made through the real flows (an admin's CreateUser,
/// then AcceptInvite with a password).
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

/// A running server.
pub struct TestApp {
    pub addr: SocketAddr,
    pub clock: ManualClock,
    pub components: Components,
    pub storage: Arc<TestStorage>,
    config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<Result<(), StartupError>>>,
    root: tokio::sync::OnceCell<TestUser>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let storage = Arc::new(TestStorage::new().await);
        Self::start(storage, ManualClock::new(Utc::now())).await
    }

    /// The configuration a test server runs with.
    pub fn config(storage: &TestStorage) -> Config {
        Config {
            listen_addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: storage.dir.path().to_path_buf(),
            keys_dir: Some(storage.keys_dir()),
            public_url: "http://baton.test".to_owned(),
            database_url: Some(storage.database_url.clone().into()),
            auto_migrate: true,
            self_signup: false,
            web_dir: storage.web_dir(),
            cors_origins: vec!["https://app.baton.test".to_owned()],
            trusted_proxies: vec![],
            reflection: true,
            login_max_failures: 5,
            login_lockout_secs: 30,
            login_max_lockout_secs: 900,
            login_per_address_per_minute: 1000,
            google_issuer: None,
            google_client_id: None,
            google_client_secret: None,
            google_redirect_url: None,
            // Nothing listens here: tests that talk to Garmin start the
            // sandbox and point these at it.
            garmin_sso_url: "http://127.0.0.1:9".parse().unwrap(),
            garmin_diauth_url: "http://127.0.0.1:9".parse().unwrap(),
            garmin_api_url: "http://127.0.0.1:9".parse().unwrap(),
            garmin_web_url: "https://connect.garmin.test".parse().unwrap(),
            import_workers: 4,
            import_max_attempts: 4,
            // Retries are due at once: tests do not wait out backoff.
            import_retry_secs: 0,
            log_format: LogFormat::Pretty,
            hash_params: HashParams::TESTING,
        }
    }

    pub async fn start(storage: Arc<TestStorage>, clock: ManualClock) -> Self {
        Self::start_with(storage, clock, |_| {}).await
    }

    /// Starts a server whose configuration `adjust` has changed.
    pub async fn start_with(
        storage: Arc<TestStorage>,
        clock: ManualClock,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Self::config(&storage);
        adjust(&mut config);
        Self::start_configured(storage, clock, config).await
    }

    async fn start_configured(
        storage: Arc<TestStorage>,
        clock: ManualClock,
        config: Config,
    ) -> Self {
        // Boxed: a test's future lives on its thread's 2 MiB stack, and an
        // unoptimised build of the whole server (twice, in a restart test)
        // does not fit there beside the test.
        let app = Box::pin(Application::build_with_clock(config.clone(), Arc::new(clock.clone())))
            .await
            .expect("server builds");
        let addr = app.local_addr();
        let components = app.components().clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Self {
            addr,
            clock,
            components,
            storage,
            config,
            shutdown: Some(tx),
            server: Some(server),
            root: tokio::sync::OnceCell::new(),
        }
    }

    /// Stops this server and starts another on the same data, clock and
    /// configuration.
    pub async fn restart(mut self) -> Self {
        let (storage, clock, config) =
            (self.storage.clone(), self.clock.clone(), self.config.clone());
        self.stop().await;
        Self::start_configured(storage, clock, config).await
    }

    /// Signals shutdown and waits for the server to finish.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stops cleanly");
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url()).unwrap().connect().await.expect("connects")
    }

    pub async fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel().await)
    }

    pub async fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel().await)
    }

    /// Creates an administrator with [`PASSWORD`].
    pub async fn create_admin(&self, email: &str, name: &str) -> uuid::Uuid {
        let email = Email::parse(email).unwrap();
        let name = DisplayName::parse(name).unwrap();
        let password = Password::parse(PASSWORD).unwrap();
        self.components.auth.create_admin(&email, &name, password).await.unwrap().id
    }

    /// Signs in and returns the token pair.
    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair, tonic::Status> {
        let response = self
            .auth()
            .await
            .login(LoginRequest { email: email.to_owned(), password: password.to_owned() })
            .await?
            .into_inner();
        match response.result {
            Some(login_response::Result::Tokens(tokens)) => Ok(tokens),
            other => panic!("expected tokens, got {other:?}"),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// The administrator that creates test users (made on first use).
    pub async fn root(&self) -> &TestUser {
        self.root
            .get_or_init(|| async {
                let email = "root@baton.test";
                let id = self.create_admin(email, "Root Admin").await;
                let tokens = self.login(email, PASSWORD).await.unwrap();
                TestUser {
                    id: id.to_string(),
                    email: email.to_owned(),
                    access_token: tokens.access_token,
                    refresh_token: tokens.refresh_token,
                }
            })
            .await
    }

    /// Creates a user with `roles` as an admin would, accepts the setup
    /// link with [`PASSWORD`], and returns them signed in.
    pub async fn create_user(&self, email: &str, name: &str, roles: &[Role]) -> TestUser {
        let root = self.root().await.clone();
        let created = self
            .users()
            .await
            .create_user(bearer(
                CreateUserRequest {
                    email: email.to_owned(),
                    display_name: name.to_owned(),
                    roles: roles.iter().map(|role| *role as i32).collect(),
                    ..Default::default()
                },
                &root.access_token,
            ))
            .await
            .expect("CreateUser")
            .into_inner();
        let token = link_token(&created.setup_url);
        let accepted = self
            .auth()
            .await
            .accept_invite(AcceptInviteRequest {
                invite_token: token,
                method: Some(Method::NewPassword(NewAccountPassword {
                    password: PASSWORD.to_owned(),
                })),
                ..Default::default()
            })
            .await
            .expect("AcceptInvite")
            .into_inner();
        let tokens = accepted.tokens.expect("tokens");
        TestUser {
            id: created.user.expect("user").id,
            email: email.to_owned(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        }
    }

    /// Deactivates an account as an admin would.
    pub async fn deactivate(&self, user_id: uuid::Uuid) {
        let root = self.root().await.clone();
        let request = UpdateUserRequest {
            user_id: user_id.to_string(),
            active: Some(false),
            ..Default::default()
        };
        self.users()
            .await
            .update_user(bearer(request, &root.access_token))
            .await
            .expect("UpdateUser");
    }

    /// One row of a read-only query with one `$1` parameter, for tests that
    /// look at what is stored (`$1` becomes `?` on SQLite).
    pub async fn sql_row(
        &self,
        sql: &str,
        value: impl Into<sea_orm::Value>,
    ) -> Option<sea_orm::QueryResult> {
        use sea_orm::ConnectionTrait;
        let reader = self.components.db.reader();
        let backend = reader.get_database_backend();
        let sql = if backend == sea_orm::DbBackend::Sqlite {
            sql.replace("$1", "?")
        } else {
            sql.to_owned()
        };
        let statement = sea_orm::Statement::from_sql_and_values(backend, sql, [value.into()]);
        reader.query_one_raw(statement).await.expect("the query runs")
    }

    /// Runs one write with `$1`, `$2`, … parameters in order (`?` on
    /// SQLite) and commits it, for tests that put stored data into a state
    /// the API cannot reach; returns the rows it changed.
    pub async fn sql_write(&self, sql: &str, values: Vec<sea_orm::Value>) -> u64 {
        use sea_orm::ConnectionTrait;
        let txn = self.components.db.begin().await.expect("a write transaction");
        let backend = txn.get_database_backend();
        let mut sql = sql.to_owned();
        if backend == sea_orm::DbBackend::Sqlite {
            for n in (1..=values.len()).rev() {
                sql = sql.replace(&format!("${n}"), "?");
            }
        }
        let statement = sea_orm::Statement::from_sql_and_values(backend, sql, values);
        let changed = txn.execute_raw(statement).await.expect("the write runs").rows_affected();
        txn.commit().await.expect("the write commits");
        changed
    }

    /// How many rows a query without parameters counts (`SELECT COUNT(*) AS n ...`).
    pub async fn sql_count(&self, sql: &str) -> i64 {
        use sea_orm::ConnectionTrait;
        let reader = self.components.db.reader();
        let statement = sea_orm::Statement::from_string(reader.get_database_backend(), sql);
        let row = reader.query_one_raw(statement).await.expect("the query runs").expect("a row");
        row.try_get("", "n").expect("a count named n")
    }

    /// Every byte the database keeps: on SQLite the files themselves (the
    /// database, its WAL and shared memory), on PostgreSQL every row of
    /// every table as text (bytea shows as hex there).
    pub async fn stored_bytes(&self) -> Vec<u8> {
        use sea_orm::ConnectionTrait;
        let reader = self.components.db.reader();
        if reader.get_database_backend() == sea_orm::DbBackend::Sqlite {
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(self.storage.dir.path()).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with("baton.sqlite") {
                    bytes.extend(std::fs::read(&path).unwrap());
                }
            }
            return bytes;
        }
        let tables = reader
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
            ))
            .await
            .unwrap();
        let mut bytes = Vec::new();
        for table in tables {
            let name: String = table.try_get("", "tablename").unwrap();
            let rows = reader
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    format!("SELECT CAST(t AS TEXT) AS row FROM \"{name}\" t"),
                ))
                .await
                .unwrap();
            for row in rows {
                let text: String = row.try_get("", "row").unwrap();
                bytes.extend(text.into_bytes());
                bytes.push(b'\n');
            }
        }
        bytes
    }

    /// Waits, at most the 5 s every replica promises, until this server
    /// refuses `access_token`; fails the test after that.
    pub async fn wait_until_refused(&self, access_token: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut users = self.users().await;
        loop {
            let answer = users.get_me(bearer(GetMeRequest {}, access_token)).await;
            if answer.as_ref().is_err_and(|status| status.code() == tonic::Code::Unauthenticated) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a revoked session's access token still works after 5 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Links an athlete to a coach as an admin would.
    pub async fn link(&self, coach: &TestUser, athlete: &TestUser) {
        let root = self.root().await.clone();
        self.users()
            .await
            .link_athlete(bearer(
                LinkAthleteRequest { coach_id: coach.id.clone(), athlete_id: athlete.id.clone() },
                &root.access_token,
            ))
            .await
            .expect("LinkAthlete");
    }
}

/// The one-time token in a setup, invite or reset link (after the `#`).
pub fn link_token(url: &str) -> String {
    url.rsplit_once('#').map(|(_, token)| token.to_owned()).expect("a link with a token")
}

/// A request carrying `authorization: Bearer <token>`.
pub fn bearer<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

/// The `google.rpc.ErrorInfo` reason of a refusal ("" when it has none).
pub fn reason(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    status.get_details_error_info().map(|info| info.reason).unwrap_or_default()
}
