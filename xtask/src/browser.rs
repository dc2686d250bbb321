//! `cargo xtask` browser test: the real backend serving the built SPA, with
//! the Google stand-in (`baton-sandbox`) as its OpenID provider, driven in
//! headless Chromium through chromedriver (WebDriver, via fantoccini).
//! Every person gets their own browser (a separate WebDriver session and
//! profile), as on separate devices.
//!
//! The admin's browser: a wrong password is refused in words; sign-in shows
//! the home page; a reload resumes the session; a second tab shares it and
//! follows the sign-out. Then the identity flows, each asserting what a
//! person sees: the admin creates a coach and gets a setup link; the coach
//! opens it in a fresh browser, sets a password, lands signed in and
//! invites an athlete (the link appears, the invite is pending); the
//! athlete accepts with a password and sees the coach under My coaches,
//! and the coach sees the athlete; a used invite link is refused in words;
//! an admin-issued reset link sets a new password; a person accepts a setup
//! link with "Continue with Google", signs out, and signs in with Google
//! again. Last, the main pages at desktop and phone width: nothing wider
//! than the screen, and no console errors in any browser. With
//! `BATON_BROWSER_SCREENSHOTS=DIR` those pages are saved as PNGs there.

use std::{
    fs::{self, File},
    io::{Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator, wd::WindowHandle};
use serde_json::json;

use crate::{cmd, prereqs, web};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_NAME: &str = "Ada Admin";
const ADMIN_PASSWORD: &str = "correct horse battery staple";
const COACH_EMAIL: &str = "coach@example.com";
const COACH_NAME: &str = "Cora Coach";
const COACH_PASSWORD: &str = "coaching is a marathon";
const COACH_NEW_PASSWORD: &str = "intervals before breakfast";
const ATHLETE_EMAIL: &str = "athlete@example.com";
const ATHLETE_NAME: &str = "Abe Athlete";
const ATHLETE_PASSWORD: &str = "tempo runs on tuesdays";
/// The sandbox's default test identity, which it approves without a login page.
const GOOGLE_EMAIL: &str = "ada.lovelace@example.com";
const GOOGLE_NAME: &str = "Ada Lovelace";
/// How long the backend and chromedriver may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the page may take to show what a step waits for.
const UI_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);
const DESKTOP: (u32, u32) = (1280, 800);
const PHONE: (u32, u32) = (390, 844);

/// Runs the browser test against the bundle in `web_dir`.
pub fn run(web_dir: &Path) -> anyhow::Result<()> {
    let root = cmd::workspace_root();
    ensure_browser()?;
    if !web_dir.join("index.html").is_file() {
        bail!("{} has no index.html: build the SPA first", web_dir.display());
    }

    cmd::run(cmd::cargo().current_dir(&root).args([
        "build",
        "-p",
        "baton",
        "-p",
        "baton-sandbox",
    ]))?;
    let target = web::target_dir(&root)?.join("debug");
    let baton = target.join("baton");
    let mut scratch = Scratch::new()?;
    let data_dir = scratch.path.join("data");
    fs::create_dir_all(&data_dir)?;

    println!("browser: creating the admin {ADMIN_EMAIL}");
    create_admin(&baton, &data_dir)?;

    let backend_addr = free_port()?;
    let base = format!("http://{backend_addr}");
    let google_addr = free_port()?;
    let google_log = scratch.path.join("sandbox.log");
    let google = Process::spawn(
        "baton-sandbox",
        Command::new(target.join("baton-sandbox"))
            .arg(format!("--google-addr={google_addr}"))
            .arg(format!("--google-redirect-uris={base}/auth/google/callback")),
        &google_log,
    )?;
    let google_settings = match google.wait_for_settings(&google_log) {
        Ok(settings) => settings,
        Err(err) => {
            print_tail("sandbox log", &google_log);
            return Err(err);
        }
    };
    println!("browser: Google stand-in listening on {google_addr}");

    let backend_log = scratch.path.join("baton.log");
    let mut backend_command = Command::new(&baton);
    backend_command
        .arg("serve")
        .env("BATON_LISTEN_ADDR", backend_addr.to_string())
        .env("BATON_DATA_DIR", &data_dir)
        .env("BATON_WEB_DIR", web_dir)
        .env("BATON_PUBLIC_URL", &base)
        .envs(google_settings);
    let backend = Process::spawn("baton serve", &mut backend_command, &backend_log)?;
    if let Err(err) = backend.wait_until_accepting(backend_addr) {
        print_tail("backend log", &backend_log);
        return Err(err);
    }
    println!("browser: backend listening on {backend_addr}");

    let driver_addr = free_port()?;
    let driver_log = scratch.path.join("chromedriver.log");
    let driver = Process::spawn(
        "chromedriver",
        Command::new(CHROMEDRIVER).arg(format!("--port={}", driver_addr.port())),
        &driver_log,
    )?;
    driver.wait_until_accepting(driver_addr)?;

    let shots = std::env::var_os("BATON_BROWSER_SCREENSHOTS").map(PathBuf::from);
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(drive(Setup { driver: driver_addr, base, scratch: scratch.path.clone(), shots }));

    // Chromium is gone (the sessions were closed); now the helpers.
    drop(driver);
    drop(backend);
    drop(google);
    let (passed, failed) = match outcome {
        Ok(counts) => counts,
        Err(err) => {
            println!("browser: could not drive Chromium: {err:#}");
            print_tail("chromedriver log", &driver_log);
            (0, 1)
        }
    };
    if failed > 0 {
        print_tail("backend log", &backend_log);
        print_tail("sandbox log", &google_log);
        scratch.keep();
    }
    println!("browser: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} browser check(s) failed");
    }
    Ok(())
}

/// Chromium and chromedriver from Debian, installed when missing and root.
fn ensure_browser() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "Chromium and chromedriver are missing: install them as root (Debian: `apt-get install -y chromium chromium-driver`)"
        );
    }
    cmd::run(Command::new("apt-get").arg("update"))?;
    cmd::run(Command::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args([
        "install",
        "-y",
        "chromium",
        "chromium-driver",
    ]))
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// `baton create-admin`, with the password on stdin.
fn create_admin(baton: &Path, data_dir: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(baton);
    command
        .args(["create-admin", "--email", ADMIN_EMAIL, "--name", ADMIN_NAME])
        .env("BATON_DATA_DIR", data_dir);
    println!("$ {} <<< (password)", cmd::display(&command));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not start `baton create-admin`")?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{ADMIN_PASSWORD}")?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "`baton create-admin` failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A free loopback port: bind port 0, read it, let it go.
fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// Where the test runs: chromedriver, the app's URL, the scratch directory
/// (browser profiles, failure screenshots), and where page screenshots go.
struct Setup {
    driver: SocketAddr,
    base: String,
    scratch: PathBuf,
    shots: Option<PathBuf>,
}

/// One person's browser: its own WebDriver session and Chromium profile.
struct Browser {
    who: &'static str,
    client: Client,
}

impl Setup {
    async fn open_browser(&self, who: &'static str) -> anyhow::Result<Browser> {
        let profile = self.scratch.join(format!("chromium-{who}"));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            bail!("capabilities must be a JSON object");
        };
        let client = ClientBuilder::rustls()?
            .capabilities(capabilities)
            .connect(&format!("http://{}", self.driver))
            .await
            .with_context(|| format!("chromedriver refused a session for the {who}"))?;
        Ok(Browser { who, client })
    }

    /// With BATON_BROWSER_SCREENSHOTS: saves the whole page as NAME.png
    /// (the window grows to the page's height for the shot, then shrinks).
    async fn shot(&self, client: &Client, name: &str) -> anyhow::Result<()> {
        let Some(dir) = &self.shots else { return Ok(()) };
        let (width, height) = client.get_window_size().await?;
        let (width, height) = (u32::try_from(width)?, u32::try_from(height)?);
        let full = client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await?
            .as_f64()
            .unwrap_or(0.0);
        // The window is taller than the page by its frame (headless: none).
        let grown = (full.max(0.0) as u32).clamp(height, 4000);
        client.set_window_size(width, grown).await?;
        let png = client.screenshot().await;
        client.set_window_size(width, height).await?;
        fs::create_dir_all(dir)?;
        fs::write(dir.join(format!("{name}.png")), png?)?;
        Ok(())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Opens one browser per person, runs the checks, and always closes the
/// sessions (which ends Chromium). Returns (passed, failed).
async fn drive(setup: Setup) -> anyhow::Result<(usize, usize)> {
    let mut browsers = Vec::new();
    for who in ["admin", "coach", "athlete", "Google user"] {
        match setup.open_browser(who).await {
            Ok(browser) => browsers.push(browser),
            Err(err) => {
                close_all(browsers).await;
                return Err(err);
            }
        }
    }
    let mut tally = Tally { scratch: setup.scratch.clone(), passed: 0, failed: 0 };
    if let [admin, coach, athlete, google_user] = &browsers[..] {
        let people = People { admin, coach, athlete, google_user };
        run_checks(&setup, &people, &mut tally).await;
    }
    close_all(browsers).await;
    Ok((tally.passed, tally.failed))
}

async fn close_all(browsers: Vec<Browser>) {
    for browser in browsers {
        if let Err(err) = browser.client.close().await {
            println!("browser: closing the {}'s session failed: {err}", browser.who);
        }
    }
}

/// Everyone's browser.
struct People<'a> {
    admin: &'a Browser,
    coach: &'a Browser,
    athlete: &'a Browser,
    google_user: &'a Browser,
}

/// The checks, in order: later steps build on earlier ones (the coach's
/// account comes from the admin's setup link, and so on).
async fn run_checks(setup: &Setup, people: &People<'_>, tally: &mut Tally) {
    let (admin, base) = (&people.admin.client, setup.base.as_str());
    tally.check(admin, "wrong password is refused in words", wrong_password(admin, base)).await;
    tally.check(admin, "sign-in shows the home page", sign_in(admin, base)).await;
    tally.check(admin, "reload resumes the session", reload(admin)).await;
    let mut tabs = None;
    tally
        .check(admin, "a second tab shares the session", async {
            tabs = Some(open_second_tab(admin, base).await?);
            Ok(())
        })
        .await;
    tally.check(admin, "sign-out returns to the sign-in form", sign_out(admin)).await;
    tally
        .check(admin, "the other tab follows the sign-out", async {
            let tabs = tabs.context("the second tab never opened")?;
            second_tab_signed_out(admin, tabs).await
        })
        .await;

    let mut setup_link = None;
    tally
        .check(admin, "an admin creates a coach in Admin → Users and gets a setup link", async {
            setup_link = Some(create_coach(setup, admin).await?);
            Ok(())
        })
        .await;
    let coach = &people.coach.client;
    let mut invite_link = None;
    tally
        .check(
            coach,
            "the coach sets a password with the setup link and invites an athlete",
            async {
                let link = setup_link.clone().context("no setup link from the previous step")?;
                invite_link = Some(coach_accepts_and_invites(setup, coach, &link).await?);
                Ok(())
            },
        )
        .await;
    let athlete = &people.athlete.client;
    tally
        .check(
            athlete,
            "the athlete accepts the invite and sees the coach under My coaches",
            async {
                let link = invite_link.clone().context("no invite link from the previous step")?;
                athlete_accepts(athlete, &link).await
            },
        )
        .await;
    tally
        .check(coach, "the coach's athlete list shows the athlete, no invite pending", async {
            coach_sees_athlete(setup, coach).await
        })
        .await;
    tally
        .check(athlete, "a used invite link is refused in words", async {
            let link = invite_link.clone().context("no invite link from the earlier step")?;
            used_invite_refused(athlete, &link).await
        })
        .await;
    tally
        .check(admin, "an admin's password reset link sets a new password", async {
            password_reset(setup, admin, coach).await
        })
        .await;

    let mut google_setup_link = None;
    tally
        .check(admin, "an admin creates a user who will join with Google", async {
            google_setup_link = Some(create_google_user(setup, admin).await?);
            Ok(())
        })
        .await;
    let google_user = &people.google_user.client;
    tally
        .check(google_user, "the setup link is accepted with Continue with Google", async {
            let link = google_setup_link.clone().context("no setup link from the previous step")?;
            accept_with_google(google_user, &link).await
        })
        .await;
    tally
        .check(google_user, "after signing out, Sign in with Google signs in again", async {
            sign_in_with_google(setup, google_user).await
        })
        .await;

    for browser in [people.admin, people.coach, people.athlete, people.google_user] {
        let name = format!("the {}'s pages fit desktop and phone screens", browser.who);
        tally.check(&browser.client, &name, page_tour(setup, browser)).await;
    }
    for browser in [people.admin, people.coach, people.athlete, people.google_user] {
        let name = format!("no console errors in the {}'s browser", browser.who);
        tally.check(&browser.client, &name, no_console_errors(setup, browser)).await;
    }
}

struct Tally {
    scratch: PathBuf,
    passed: usize,
    failed: usize,
}

impl Tally {
    async fn check(
        &mut self,
        client: &Client,
        name: &str,
        check: impl Future<Output = anyhow::Result<()>>,
    ) {
        match check.await {
            Ok(()) => {
                self.passed += 1;
                println!("browser: ok    {name}");
            }
            Err(err) => {
                self.failed += 1;
                println!("browser: FAIL  {name}: {err:#}");
                let shot = self.scratch.join(format!("failure-{}.png", self.failed));
                if let Ok(png) = client.screenshot().await
                    && fs::write(&shot, png).is_ok()
                {
                    println!("browser:       screenshot: {}", shot.display());
                }
                if let Ok(text) = body_text(client).await {
                    println!("browser:       page text: {}", text.replace('\n', " | "));
                }
            }
        }
    }
}

async fn wrong_password(client: &Client, base: &str) -> anyhow::Result<()> {
    client.goto(&format!("{base}/sign-in")).await?;
    submit_sign_in(client, ADMIN_EMAIL, "not the right password at all").await?;
    let error = wait_for_text(client, ".form-error__text", "Wrong email or password").await?;
    println!("browser:       error shown: {error:?}");
    Ok(())
}

async fn sign_in(client: &Client, base: &str) -> anyhow::Result<()> {
    // A fresh page, so the form is empty.
    client.goto(&format!("{base}/")).await?;
    submit_sign_in(client, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    wait_for_text(client, ".card", ADMIN_EMAIL).await?;
    wait_for_text(client, ".card", "Admin").await?;
    let path = client.current_url().await?.path().to_owned();
    if path != "/" {
        bail!("signed in, but the address is {path}, not /");
    }
    Ok(())
}

async fn reload(client: &Client) -> anyhow::Result<()> {
    client.refresh().await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    Ok(())
}

/// The first and second tab of the shared-session check.
struct Tabs {
    first: WindowHandle,
    second: WindowHandle,
}

/// Opens a second tab, which must resume the session from localStorage
/// (rotating the refresh token), then reloads the first tab, which must
/// present the rotated token: presenting the old one would be reuse, and the
/// backend would revoke the whole session.
async fn open_second_tab(client: &Client, base: &str) -> anyhow::Result<Tabs> {
    let first = client.window().await?;
    let second = client.new_window(true).await?.handle;
    client.switch_to_window(second.clone()).await?;
    client.goto(&format!("{base}/")).await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    client.switch_to_window(first.clone()).await?;
    client.refresh().await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    Ok(Tabs { first, second })
}

/// After signing out in the first tab, the second shows the sign-in form
/// (it learns through a `storage` event); then it is closed.
async fn second_tab_signed_out(client: &Client, tabs: Tabs) -> anyhow::Result<()> {
    client.switch_to_window(tabs.second).await?;
    let outcome = client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css("form input#email"))
        .await
        .context("the second tab still shows the signed-in page");
    client.close_window().await?;
    client.switch_to_window(tabs.first).await?;
    outcome.map(|_| ())
}

async fn sign_out(client: &Client) -> anyhow::Result<()> {
    let button = find_button(client, "Sign out").await?;
    button.click().await?;
    client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css("form input#email"))
        .await
        .context("the sign-in form did not come back")?;
    let stored = client
        .execute("return window.localStorage.getItem('baton.refresh_token');", vec![])
        .await?;
    if !stored.is_null() {
        bail!("the refresh token is still in localStorage after signing out");
    }
    Ok(())
}

async fn submit_sign_in(client: &Client, email: &str, password: &str) -> anyhow::Result<()> {
    let wait = client.wait().at_most(UI_TIMEOUT);
    let email_field = wait
        .for_element(Locator::Css("input#email"))
        .await
        .context("no email field on the sign-in page")?;
    email_field.clear().await?;
    email_field.send_keys(email).await?;
    let password_field = client.find(Locator::Css("input#password")).await?;
    password_field.clear().await?;
    password_field.send_keys(password).await?;
    client.find(Locator::Css("form button[type=submit]")).await?.click().await?;
    Ok(())
}

/// Waits until an element matching `css` contains `needle`; returns its text.
async fn wait_for_text(client: &Client, css: &str, needle: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut seen = String::new();
    while Instant::now() < deadline {
        for element in client.find_all(Locator::Css(css)).await? {
            // The element may be re-rendered between finding and reading it.
            if let Ok(text) = element.text().await {
                if text.contains(needle) {
                    return Ok(text);
                }
                seen = text;
            }
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("no {css} containing {needle:?} within {}s (last seen: {seen:?})", UI_TIMEOUT.as_secs())
}

async fn find_button(
    client: &Client,
    label: &str,
) -> anyhow::Result<fantoccini::elements::Element> {
    let deadline = Instant::now() + UI_TIMEOUT;
    while Instant::now() < deadline {
        for button in client.find_all(Locator::Css("button")).await? {
            if button.text().await.is_ok_and(|text| text.trim() == label) {
                return Ok(button);
            }
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("no {label:?} button within {}s", UI_TIMEOUT.as_secs())
}

async fn body_text(client: &Client) -> anyhow::Result<String> {
    Ok(client.find(Locator::Css("body")).await?.text().await?)
}

/// Admin → Users: creates the coach and returns the setup link shown.
async fn create_coach(setup: &Setup, client: &Client) -> anyhow::Result<String> {
    client.goto(&setup.url("/sign-in")).await?;
    submit_sign_in(client, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    click_link(client, "Users").await?;
    wait_for_text(client, ".page-title", "Users").await?;
    let link = create_user(client, COACH_EMAIL, COACH_NAME, &["coach"]).await?;
    check_link(setup, &link, "/invite#")?;
    wait_for_text(client, "table", COACH_EMAIL).await?;
    wait_for_text(client, "table", "Setup pending").await?;
    setup.shot(client, "flow-admin-setup-link").await?;
    Ok(link)
}

/// Fills in "Create a user" with exactly `roles` ticked; returns the setup link.
async fn create_user(
    client: &Client,
    email: &str,
    name: &str,
    roles: &[&str],
) -> anyhow::Result<String> {
    fill(client, "#new-user-email", email).await?;
    fill(client, "#new-user-name", name).await?;
    for role in ["athlete", "coach", "admin"] {
        let checkbox = client.find(Locator::Css(&format!("#new-user-role-{role}"))).await?;
        if checkbox.is_selected().await? != roles.contains(&role) {
            checkbox.click().await?;
        }
    }
    find_button(client, "Create user").await?.click().await?;
    wait_for_text(client, ".result", &format!("{name} ({email}) was created")).await?;
    find_button(client, "Copy").await?;
    input_value(client, "#setup-link").await
}

/// The coach, in a browser of their own: opens the setup link, sets a
/// password, lands signed in; invites the athlete; returns the invite link.
async fn coach_accepts_and_invites(
    setup: &Setup,
    client: &Client,
    setup_link: &str,
) -> anyhow::Result<String> {
    client.goto(setup_link).await?;
    wait_for_text(client, ".lead", &format!("{ADMIN_NAME} invited you to Baton as a coach"))
        .await?;
    wait_for_text(client, ".card", &format!("This invite is for {COACH_EMAIL}")).await?;
    setup.shot(client, "flow-coach-setup-page").await?;
    fill(client, "#new-password", COACH_PASSWORD).await?;
    fill(client, "#confirm-password", COACH_PASSWORD).await?;
    find_button(client, "Create account").await?.click().await?;
    wait_for_text(client, ".page-title", &format!("Welcome, {COACH_NAME}")).await?;
    wait_for_path(client, "/").await?;

    click_link(client, "Athletes").await?;
    wait_for_text(client, ".page-title", "Athletes").await?;
    wait_for_text(client, ".card", "No athletes yet").await?;
    fill(client, "#invite-email", ATHLETE_EMAIL).await?;
    find_button(client, "Create invite link").await?.click().await?;
    wait_for_text(client, ".copy-link", &format!("Invite link for {ATHLETE_EMAIL}")).await?;
    let link = input_value(client, "#invite-link").await?;
    if !link.contains("/invite#") {
        bail!("the invite link {link:?} is not an /invite# link");
    }
    let pending = wait_for_text(client, "table", ATHLETE_EMAIL).await?;
    if !pending.contains("Pending") {
        bail!("the invite is listed, but not as pending: {pending:?}");
    }
    setup.shot(client, "flow-coach-invite-link").await?;
    Ok(link)
}

/// The athlete, in a browser of their own: accepts with a password, lands
/// signed in, and finds the coach on the start page and under My coaches.
async fn athlete_accepts(client: &Client, invite_link: &str) -> anyhow::Result<()> {
    client.goto(invite_link).await?;
    wait_for_text(
        client,
        ".lead",
        &format!("{COACH_NAME} invited you to Baton to be their athlete"),
    )
    .await?;
    fill(client, "#display-name", ATHLETE_NAME).await?;
    fill(client, "#new-password", ATHLETE_PASSWORD).await?;
    fill(client, "#confirm-password", "not the same password").await?;
    find_button(client, "Create account").await?.click().await?;
    wait_for_text(client, ".field__error", "The two passwords don't match").await?;
    fill(client, "#confirm-password", ATHLETE_PASSWORD).await?;
    find_button(client, "Create account").await?.click().await?;
    wait_for_text(client, ".page-title", &format!("Welcome, {ATHLETE_NAME}")).await?;
    wait_for_text(client, ".toast", &format!("You are now {COACH_NAME}'s athlete")).await?;
    wait_for_text(client, ".card", COACH_NAME).await?;
    click_link(client, "My coaches").await?;
    wait_for_text(client, ".page-title", "My coaches").await?;
    wait_for_text(client, ".person", COACH_NAME).await?;
    Ok(())
}

async fn coach_sees_athlete(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    client.goto(&setup.url("/athletes")).await?;
    let row = wait_for_text(client, "table", ATHLETE_NAME).await?;
    if !row.contains(ATHLETE_EMAIL) {
        bail!("the athlete is listed without their email: {row:?}");
    }
    wait_for_text(client, ".table-empty", "No invites are waiting").await?;
    Ok(())
}

async fn used_invite_refused(client: &Client, invite_link: &str) -> anyhow::Result<()> {
    client.goto(invite_link).await?;
    wait_for_text(client, ".form-error__text", "can't be used any more").await?;
    Ok(())
}

/// The admin issues a reset link for the coach; the coach sets a new
/// password with it, is sent to sign-in with a notice, and signs in.
async fn password_reset(setup: &Setup, admin: &Client, coach: &Client) -> anyhow::Result<()> {
    admin.goto(&setup.url("/admin/users")).await?;
    fill(admin, "#user-search", COACH_EMAIL).await?;
    find_button(admin, "Search").await?.click().await?;
    wait_for_text(admin, "p[aria-live]", "1 user found").await?;
    // The only row left: its "Manage" button.
    client_click(admin, "table button").await?;
    wait_for_text(admin, "#manage-user-title", COACH_NAME).await?;
    find_button(admin, "Issue password reset link").await?.click().await?;
    let link = input_value(admin, "#reset-link").await?;
    setup.shot(admin, "flow-admin-manage-user").await?;
    check_link(setup, &link, "/reset-password#")?;

    coach.goto(&setup.url("/")).await?;
    wait_for_text(coach, ".page-title", COACH_NAME).await?;
    coach.goto(&link).await?;
    fill(coach, "#new-password", COACH_NEW_PASSWORD).await?;
    setup.shot(coach, "flow-coach-reset-password").await?;
    fill(coach, "#confirm-password", COACH_NEW_PASSWORD).await?;
    find_button(coach, "Set new password").await?.click().await?;
    wait_for_text(coach, ".toast", "Your new password is set").await?;
    wait_for_path(coach, "/sign-in").await?;
    submit_sign_in(coach, COACH_EMAIL, COACH_NEW_PASSWORD).await?;
    wait_for_text(coach, ".page-title", &format!("Welcome, {COACH_NAME}")).await?;
    Ok(())
}

async fn create_google_user(setup: &Setup, client: &Client) -> anyhow::Result<String> {
    client.goto(&setup.url("/admin/users")).await?;
    let link = create_user(client, GOOGLE_EMAIL, GOOGLE_NAME, &["athlete"]).await?;
    check_link(setup, &link, "/invite#")?;
    Ok(link)
}

/// Opens the setup link, chooses Google; the stand-in approves at once and
/// sends the browser back, which must land signed in.
async fn accept_with_google(client: &Client, setup_link: &str) -> anyhow::Result<()> {
    client.goto(setup_link).await?;
    wait_for_text(client, ".lead", "invited you to Baton").await?;
    find_button(client, "Continue with Google").await?.click().await?;
    wait_for_text(client, ".page-title", &format!("Welcome, {GOOGLE_NAME}")).await?;
    wait_for_path(client, "/").await?;
    google_secret_cleared(client).await
}

async fn sign_in_with_google(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    find_button(client, "Sign out").await?.click().await?;
    wait_for_path(client, "/sign-in").await?;
    find_button(client, "Sign in with Google").await?.click().await?;
    wait_for_text(client, ".page-title", &format!("Welcome, {GOOGLE_NAME}")).await?;
    google_secret_cleared(client).await?;
    client.goto(&setup.url("/settings")).await?;
    wait_for_text(client, ".card", "Google is linked").await?;
    Ok(())
}

/// The browser-binding secret is single use: gone once the flow finished.
async fn google_secret_cleared(client: &Client) -> anyhow::Result<()> {
    let left = client
        .execute("return window.sessionStorage.getItem('baton.google.secret');", vec![])
        .await?;
    if !left.is_null() {
        bail!("the Google browser secret is still in sessionStorage");
    }
    Ok(())
}

/// Each person's main pages at desktop and phone width: the page settles,
/// nothing is wider than the screen, and (with BATON_BROWSER_SCREENSHOTS)
/// a PNG of each is saved.
async fn page_tour(setup: &Setup, browser: &Browser) -> anyhow::Result<()> {
    let client = &browser.client;
    let paths: &[&str] = match browser.who {
        "admin" => &["/", "/admin", "/admin/users", "/settings"],
        "coach" => &["/", "/athletes", "/settings"],
        "athlete" => &["/", "/coaches"],
        _ => &["/settings", "/sign-in"],
    };
    for path in paths {
        if *path == "/sign-in" {
            find_button(client, "Sign out").await?.click().await?;
            wait_for_path(client, "/sign-in").await?;
        }
        client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        client.goto(&setup.url(path)).await?;
        for (size, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
            client.set_window_size(width, height).await?;
            wait_until_settled(client).await?;
            fits_the_screen(client).await.with_context(|| format!("{path} at {size} width"))?;
            let page = match path.trim_matches('/') {
                "" => "home".to_owned(),
                other => other.replace('/', "-"),
            };
            let who = browser.who.replace(' ', "-").to_lowercase();
            setup.shot(client, &format!("{who}-{page}-{size}")).await?;
        }
    }
    client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    Ok(())
}

/// Waits until the page has a heading and nothing is loading.
async fn wait_until_settled(client: &Client) -> anyhow::Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    while Instant::now() < deadline {
        let loading = client.find_all(Locator::Css(".progress")).await?;
        let heading = client.find_all(Locator::Css("h1")).await?;
        if loading.is_empty() && !heading.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("the page was still loading after {}s", UI_TIMEOUT.as_secs())
}

async fn fits_the_screen(client: &Client) -> anyhow::Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut seen = serde_json::Value::Null;
    while Instant::now() < deadline {
        seen = client
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                vec![],
            )
            .await?;
        if let (Some(scroll), Some(client_width)) = (seen[0].as_f64(), seen[1].as_f64())
            && scroll <= client_width
        {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
    // Name the innermost elements that stick out, to say what to fix.
    let culprits = client
        .execute(
            "const w = document.documentElement.clientWidth; \
             return [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > w + 1 \
                 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1)) \
               .slice(0, 5) \
               .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') \
                 + ' (right ' + Math.round(e.getBoundingClientRect().right) + ')');",
            vec![],
        )
        .await
        .unwrap_or_default();
    bail!(
        "the page is wider than the screen ([content, screen] = {seen}); sticking out: {culprits}"
    )
}

/// Nothing the app did was logged as an error in the browser's console
/// (CSP violations, failed requests and uncaught exceptions all are).
async fn no_console_errors(setup: &Setup, browser: &Browser) -> anyhow::Result<()> {
    // A probe proves the log is really collected (an empty log would pass).
    browser.client.execute("console.error('baton-browser-probe');", vec![]).await?;
    let session = browser.client.session_id().await?.context("the session has no id")?;
    let log = chromedriver_post(
        setup.driver,
        &format!("/session/{session}/se/log"),
        &json!({ "type": "browser" }),
    )?;
    let entries = log["value"].as_array().context("chromedriver sent no log entries")?;
    let mut errors: Vec<String> = entries
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    let probes = errors.len();
    errors.retain(|message| !message.contains("baton-browser-probe"));
    if probes == errors.len() {
        bail!("the browser's console log did not reach the test (no probe in it)");
    }
    if !errors.is_empty() {
        bail!("{} console error(s): {}", errors.len(), errors.join(" | "));
    }
    Ok(())
}

/// A WebDriver call fantoccini has no method for (chromedriver's log
/// endpoint), over a plain HTTP/1.1 connection to chromedriver.
fn chromedriver_post(
    driver: SocketAddr,
    path: &str,
    body: &serde_json::Value,
) -> anyhow::Result<serde_json::Value> {
    let body = body.to_string();
    let mut stream = TcpStream::connect(driver)?;
    stream.set_read_timeout(Some(UI_TIMEOUT))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {driver}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Read the head, then exactly Content-Length bytes: chromedriver may
    // keep the connection open whatever `Connection: close` asks.
    let mut reader = std::io::BufReader::new(stream);
    let mut status = String::new();
    std::io::BufRead::read_line(&mut reader, &mut status)?;
    let mut length = None;
    loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.context("chromedriver sent no Content-Length")?;
    let mut payload = vec![0; length];
    reader.read_exact(&mut payload)?;
    let payload = String::from_utf8_lossy(&payload);
    if !status.starts_with("HTTP/1.1 200") {
        bail!("chromedriver answered {}: {payload}", status.trim_end());
    }
    Ok(serde_json::from_str(&payload)?)
}

/// The link is on this server, with its token in the fragment.
fn check_link(setup: &Setup, link: &str, path: &str) -> anyhow::Result<()> {
    let prefix = setup.url(path);
    match link.strip_prefix(&prefix) {
        Some(token) if token.len() >= 32 => Ok(()),
        _ => bail!("expected a link starting {prefix} with a token, got {link:?}"),
    }
}

async fn fill(client: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    let field = client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no {css} field"))?;
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

/// Waits for a read-only field to show a value; returns it.
async fn input_value(client: &Client, css: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + UI_TIMEOUT;
    while Instant::now() < deadline {
        if let Some(field) = client.find_all(Locator::Css(css)).await?.into_iter().next()
            && let Ok(Some(value)) = field.prop("value").await
            && !value.is_empty()
        {
            return Ok(value);
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("no {css} with a value within {}s", UI_TIMEOUT.as_secs())
}

/// Follows a link of the main navigation by its text.
async fn click_link(client: &Client, label: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    while Instant::now() < deadline {
        for link in client.find_all(Locator::Css("nav a")).await? {
            if link.text().await.is_ok_and(|text| text.trim() == label) {
                link.click().await?;
                return Ok(());
            }
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("no {label:?} link in the navigation within {}s", UI_TIMEOUT.as_secs())
}

async fn wait_for_path(client: &Client, path: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut seen = String::new();
    while Instant::now() < deadline {
        seen = client.current_url().await?.path().to_owned();
        if seen == path {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
    bail!("the address is {seen}, not {path}, after {}s", UI_TIMEOUT.as_secs())
}

async fn client_click(client: &Client, css: &str) -> anyhow::Result<()> {
    client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no {css} to click"))?
        .click()
        .await?;
    Ok(())
}

/// A child process whose output goes to a log file; killed when dropped.
struct Process {
    name: &'static str,
    child: Child,
}

impl Process {
    fn spawn(name: &'static str, command: &mut Command, log: &Path) -> anyhow::Result<Self> {
        cmd::announce(command);
        let out = File::create(log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        Ok(Self { name, child })
    }

    /// Polls until `addr` accepts connections; fails if the process exits
    /// or `START_TIMEOUT` passes.
    fn wait_until_accepting(&self, addr: SocketAddr) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if prereqs::accepts(addr) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "{} did not accept connections on {addr} within {}s",
                    self.name,
                    START_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Process {
    /// Waits until the sandbox has printed the backend's `BATON_GOOGLE_*`
    /// settings (one `NAME=value` a line) into its log; returns them.
    fn wait_for_settings(&self, log: &Path) -> anyhow::Result<Vec<(String, String)>> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = fs::read_to_string(log).unwrap_or_default();
            let settings: Vec<(String, String)> = text
                .lines()
                .filter(|line| line.starts_with("BATON_GOOGLE_"))
                .filter_map(|line| line.split_once('='))
                .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
                .collect();
            if settings.iter().any(|(name, _)| name == "BATON_GOOGLE_REDIRECT_URL") {
                return Ok(settings);
            }
            if Instant::now() > deadline {
                bail!("{} printed no settings within {}s", self.name, START_TIMEOUT.as_secs());
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A scratch directory for the test's database, logs and browser profile;
/// removed afterwards unless a failure asks to keep it for inspection.
struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    fn new() -> anyhow::Result<Self> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
        let path =
            std::env::temp_dir().join(format!("baton-browser-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path, keep: false })
    }

    fn keep(&mut self) {
        self.keep = true;
        println!("browser: logs and screenshots kept in {}", self.path.display());
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn print_tail(what: &str, log: &Path) {
    let Ok(text) = fs::read_to_string(log) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(40);
    println!("browser: last lines of the {what}:");
    for line in &lines[start..] {
        println!("    {line}");
    }
}
