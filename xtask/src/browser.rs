//! `cargo xtask` browser test: the real backend serving the built SPA,
//! driven in headless Chromium through chromedriver (WebDriver, via
//! fantoccini). It signs in as a freshly created admin, checks the home
//! page, reloads (the stored refresh token must resume the session), opens
//! a second tab on the same session, signs out (the other tab must follow),
//! and checks that a wrong password is refused in words.

use std::{
    fs::{self, File},
    io::Write,
    net::{SocketAddr, TcpListener},
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
/// How long the backend and chromedriver may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the page may take to show what a step waits for.
const UI_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

/// Runs the browser test against the bundle in `web_dir`.
pub fn run(web_dir: &Path) -> anyhow::Result<()> {
    let root = cmd::workspace_root();
    ensure_browser()?;
    if !web_dir.join("index.html").is_file() {
        bail!("{} has no index.html: build the SPA first", web_dir.display());
    }

    cmd::run(cmd::cargo().current_dir(&root).args(["build", "-p", "baton"]))?;
    let baton = web::target_dir(&root)?.join("debug/baton");
    let mut scratch = Scratch::new()?;
    let data_dir = scratch.path.join("data");
    fs::create_dir_all(&data_dir)?;

    println!("browser: creating the admin {ADMIN_EMAIL}");
    create_admin(&baton, &data_dir)?;

    let backend_addr = free_port()?;
    let backend_log = scratch.path.join("baton.log");
    let mut backend_command = Command::new(&baton);
    backend_command
        .arg("serve")
        .env("BATON_LISTEN_ADDR", backend_addr.to_string())
        .env("BATON_DATA_DIR", &data_dir)
        .env("BATON_WEB_DIR", web_dir);
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

    let profile_dir = scratch.path.join("chromium-profile");
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(drive(driver_addr, backend_addr, &profile_dir, &scratch.path));

    // Chromium is gone (the session was closed); now the helpers.
    drop(driver);
    drop(backend);
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

/// Opens a session, runs the checks, and always closes the session (which
/// ends Chromium). Returns (passed, failed).
async fn drive(
    driver: SocketAddr,
    backend: SocketAddr,
    profile_dir: &Path,
    scratch: &Path,
) -> anyhow::Result<(usize, usize)> {
    let capabilities = json!({
        "browserName": "chrome",
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
                "--window-size=1280,800",
                format!("--user-data-dir={}", profile_dir.display()),
            ],
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        bail!("capabilities must be a JSON object");
    };
    let client = ClientBuilder::rustls()?
        .capabilities(capabilities)
        .connect(&format!("http://{driver}"))
        .await
        .context("chromedriver refused a new session")?;

    let base = format!("http://{backend}");
    let mut tally = Tally::default();
    tally
        .check(
            &client,
            scratch,
            "wrong password is refused in words",
            wrong_password(&client, &base),
        )
        .await;
    tally.check(&client, scratch, "sign-in shows the home page", sign_in(&client, &base)).await;
    tally.check(&client, scratch, "reload resumes the session", reload(&client)).await;
    let mut tabs = None;
    tally
        .check(&client, scratch, "a second tab shares the session", async {
            tabs = Some(open_second_tab(&client, &base).await?);
            Ok(())
        })
        .await;
    tally.check(&client, scratch, "sign-out returns to the sign-in form", sign_out(&client)).await;
    tally
        .check(&client, scratch, "the other tab follows the sign-out", async {
            let tabs = tabs.context("the second tab never opened")?;
            second_tab_signed_out(&client, tabs).await
        })
        .await;

    if let Err(err) = client.close().await {
        println!("browser: closing the session failed: {err}");
    }
    Ok((tally.passed, tally.failed))
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    async fn check(
        &mut self,
        client: &Client,
        scratch: &Path,
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
                let shot = scratch.join(format!("failure-{}.png", self.failed));
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

#[cfg(test)]
mod tests {
    /// The browser test on its own:
    /// `cargo test -p xtask browser -- --ignored --nocapture`.
    #[test]
    #[ignore = "builds the SPA and the backend and drives Chromium; `cargo xtask test` runs it"]
    fn browser_checks_pass() -> anyhow::Result<()> {
        let web_dir = crate::web::build(false)?;
        super::run(&web_dir)
    }
}
