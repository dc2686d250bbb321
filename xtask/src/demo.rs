//! `cargo xtask demo`: build the SPA and the backend, start the Google and
//! Garmin stand-ins (one `baton-sandbox` process), seed an admin, a coach
//! and two athletes, and serve on the embedded defaults until ctrl-c. No
//! Garmin account is linked: people connect theirs from the Garmin page
//! with the stand-in's demo accounts, which the banner lists.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
};

use anyhow::{Context, bail};
use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, LoginRequest, NewAccountPassword, accept_invite_request::Method,
        auth_service_client::AuthServiceClient, login_response,
    },
    user::v1::{
        CreateUserRequest, LinkAthleteRequest, ListUsersRequest, Role,
        user_service_client::UserServiceClient,
    },
};
use baton_sandbox::garmin::seed::{self, DemoLogin};
use tokio::signal::unix::{SignalKind, signal};
use tonic::transport::Channel;

use crate::{
    cmd, prereqs,
    server::{self, Baton, reachable},
    web,
};

const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8080";

/// A sign-in printed for the person running the demo.
struct SignIn {
    role: &'static str,
    email: &'static str,
    password: &'static str,
}

/// The demo administrator. The passwords are fixed so they can be printed
/// on every run, including runs that find the accounts already created.
const ADMIN: SignIn =
    SignIn { role: "admin", email: "admin@baton.local", password: "baton-demo-admin" };
const ADMIN_NAME: &str = "Demo Admin";
/// A coach with two athletes, created through the API as an admin would.
const PEOPLE: [(SignIn, &str, Role); 3] = [
    (
        SignIn { role: "coach", email: "coach@baton.local", password: "baton-demo-coach" },
        "Carla Coach",
        Role::Coach,
    ),
    (
        SignIn { role: "athlete", email: "anna@baton.local", password: "baton-demo-athlete" },
        "Anna Athlete",
        Role::Athlete,
    ),
    (
        SignIn { role: "athlete", email: "ben@baton.local", password: "baton-demo-athlete" },
        "Ben Athlete",
        Role::Athlete,
    ),
];

pub fn run(root: &Path, release: bool) -> anyhow::Result<()> {
    prereqs::wasm_target()?;
    let web_dir = web::build(true)?;
    let listen: SocketAddr = std::env::var("BATON_LISTEN_ADDR")
        .unwrap_or_else(|_| DEFAULT_LISTEN_ADDR.to_owned())
        .parse()
        .context("BATON_LISTEN_ADDR is not an address like 127.0.0.1:8080")?;
    if prereqs::accepts(reachable(listen)) {
        bail!("something already listens on {listen}: stop it or set BATON_LISTEN_ADDR");
    }
    let public_url = format!("http://{}", reachable(listen));
    let sandbox = Sandbox::start(root, &public_url)?;
    let mut env = sandbox.settings.clone();
    env.push(("BATON_PUBLIC_URL".to_owned(), public_url));
    let baton = Baton {
        binary: server::build_backend(root, release)?,
        data_dir: data_dir(root)?,
        web_dir,
        env,
    };
    baton.create_admin(ADMIN.email, ADMIN_NAME, ADMIN.password)?;
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve(&baton, listen));
    drop(sandbox);
    result
}

/// `BATON_DATA_DIR` if set, else `./data`; created if missing.
fn data_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let dir =
        std::env::var_os("BATON_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("data"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Runs `baton serve`, prints where to sign in once it accepts connections,
/// and waits for it; ctrl-c is passed on (twice: killed).
async fn serve(baton: &Baton, listen: SocketAddr) -> anyhow::Result<()> {
    // Listen before spawning, so no ctrl-c is lost to the default handler.
    let mut interrupts = signal(SignalKind::interrupt())?;
    let server = baton.serve(listen, Stdio::inherit())?;
    seed_people(&format!("http://{}", server.addr)).await?;
    let mut sign_ins = vec![ADMIN];
    sign_ins.extend(PEOPLE.into_iter().map(|(sign_in, _, _)| sign_in));
    print_banner(listen, &sign_ins);
    let pid = server.id();
    let mut child = server.into_child().context("the server process is gone")?;
    let mut exited = tokio::task::spawn_blocking(move || child.wait());
    let mut interrupted = 0;
    let status: ExitStatus = loop {
        tokio::select! {
            status = &mut exited => break status??,
            _ = interrupts.recv() => {
                interrupted += 1;
                if interrupted == 1 {
                    println!("stopping the server (ctrl-c again to kill it)");
                    send(pid, "INT");
                } else {
                    send(pid, "KILL");
                }
            }
        }
    };
    if !status.success() && interrupted == 0 {
        bail!("`baton serve` stopped ({status})");
    }
    Ok(())
}

/// The Garmin stand-in's accounts, for connecting from the Garmin page.
const GARMIN_LOGINS: [(&str, DemoLogin); 3] =
    [("coach", seed::COACH), ("athlete", seed::ATHLETE), ("MFA", seed::MFA_ATHLETE)];

fn print_banner(listen: SocketAddr, sign_ins: &[SignIn]) {
    println!();
    println!("Baton demo: http://{}", reachable(listen));
    for sign_in in sign_ins {
        println!("  {:<8} {}  password: {}", sign_in.role, sign_in.email, sign_in.password);
    }
    println!(
        "Garmin stand-in accounts (sign in with them on the Garmin page; nothing is linked yet):"
    );
    for (role, login) in GARMIN_LOGINS {
        let code = login.mfa_code.map(|code| format!("  code: {code}")).unwrap_or_default();
        println!("  {role:<8} {}  password: {}{code}", login.email, login.password);
    }
    println!(
        "  The coach's Garmin account holds {} workouts: Library → Sync with Garmin.",
        seed::COACH_WORKOUTS
    );
    println!("ctrl-c stops the server.");
    println!();
}

/// Sends a signal by name to a process (std has no portable kill(2) for
/// anything but SIGKILL).
fn send(pid: Option<u32>, signal: &str) {
    if let Some(pid) = pid {
        let _ = Command::new("kill").args(["-s", signal, &pid.to_string()]).status();
    }
}

/// Creates the coach and athletes that do not exist yet, through the API
/// as an admin would (create, then accept the setup link), and links them.
async fn seed_people(url: &str) -> anyhow::Result<()> {
    let channel = Channel::from_shared(url.to_owned())?.connect().await?;
    let (mut auth, mut users) =
        (AuthServiceClient::new(channel.clone()), UserServiceClient::new(channel));
    let login = LoginRequest { email: ADMIN.email.to_owned(), password: ADMIN.password.to_owned() };
    let Some(login_response::Result::Tokens(admin)) = auth.login(login).await?.into_inner().result
    else {
        bail!("the demo admin could not sign in");
    };
    let token = admin.access_token;
    let mut ids = Vec::new();
    for (sign_in, name, role) in PEOPLE {
        let request = CreateUserRequest {
            email: sign_in.email.to_owned(),
            display_name: name.to_owned(),
            roles: vec![role as i32],
            ..Default::default()
        };
        let id = match users.create_user(bearer(request, &token)).await {
            Ok(created) => {
                let created = created.into_inner();
                let token = created.setup_url.rsplit_once('#').map(|(_, token)| token.to_owned());
                let accept = AcceptInviteRequest {
                    invite_token: token.context("a setup link without a token")?,
                    method: Some(Method::NewPassword(NewAccountPassword {
                        password: sign_in.password.to_owned(),
                    })),
                    ..Default::default()
                };
                auth.accept_invite(accept).await?;
                created.user.map(|user| user.id)
            }
            Err(status) if status.code() == tonic::Code::AlreadyExists => {
                let list =
                    ListUsersRequest { query: sign_in.email.to_owned(), ..Default::default() };
                users
                    .list_users(bearer(list, &token))
                    .await?
                    .into_inner()
                    .users
                    .into_iter()
                    .next()
                    .map(|user| user.id)
            }
            Err(status) => bail!("creating {}: {}", sign_in.email, status.message()),
        };
        ids.push(id.context("the demo account has no id")?);
    }
    if let [coach, athletes @ ..] = ids.as_slice() {
        for athlete in athletes {
            let link = LinkAthleteRequest { coach_id: coach.clone(), athlete_id: athlete.clone() };
            users.link_athlete(bearer(link, &token)).await?;
        }
    }
    Ok(())
}

/// A request carrying `authorization: Bearer <token>`.
fn bearer<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Ok(value) = format!("Bearer {token}").parse() {
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// What `baton-sandbox` prints for the backend: Google's four settings,
/// then the Garmin stand-in's three (its `#` comment lines are skipped).
const SANDBOX_SETTINGS: usize = 7;

/// The `baton-sandbox` process (the Google OpenID provider and Garmin
/// Connect stand-ins), with the `BATON_GOOGLE_*` and `BATON_GARMIN_*`
/// settings it printed for the backend; stopped when dropped.
struct Sandbox {
    child: Child,
    settings: Vec<(String, String)>,
}

impl Sandbox {
    fn start(root: &Path, public_url: &str) -> anyhow::Result<Self> {
        cmd::run(cmd::cargo().args(["build", "-p", "baton-sandbox"]))?;
        let binary = cmd::target_dir(root)?.join("debug").join("baton-sandbox");
        let mut command = Command::new(binary);
        command
            .env("BATON_SANDBOX_GOOGLE_REDIRECT_URIS", format!("{public_url}/auth/google/callback"))
            .stdout(Stdio::piped());
        cmd::announce(&command);
        let mut child = command.spawn().context("could not start `baton-sandbox`")?;
        let stdout = child.stdout.take().context("no output from `baton-sandbox`")?;
        let settings: Vec<(String, String)> = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter(|line| line.starts_with("BATON_"))
            .take(SANDBOX_SETTINGS)
            .filter_map(|line| line.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect();
        if settings.len() < SANDBOX_SETTINGS {
            let _ = child.kill();
            bail!("`baton-sandbox` did not print its settings (are ports 9090 and 9091 free?)");
        }
        Ok(Self { child, settings })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
