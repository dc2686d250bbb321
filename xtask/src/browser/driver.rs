//! The WebDriver side: one Chromium session per person, the waits and
//! lookups every step is made of (text, buttons, fields, links, the
//! address), screenshots, and the tally that reports each check and, on a
//! failure, saves a screenshot and the page's text.

use std::{
    cell::RefCell,
    fs,
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    path::PathBuf,
    time::Instant,
};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use baton_sandbox::GarminSandbox;

use super::{CHROMIUM, DESKTOP, POLL, UI_TIMEOUT};

/// Where the test runs: chromedriver, the app's URL and bundle, the scratch directory
/// (browser profiles, failure screenshots), where page screenshots go, and
/// the Garmin stand-in the backend talks to.
pub(super) struct Setup {
    pub(super) driver: SocketAddr,
    pub(super) base: String,
    /// The bundle being served.
    pub(super) web_dir: PathBuf,
    pub(super) scratch: PathBuf,
    pub(super) shots: Option<PathBuf>,
    pub(super) garmin: GarminSandbox,
    /// A workout page the Garmin checks opened, for the page tour.
    pub(super) workout_path: RefCell<Option<String>>,
    /// The path of the shared workout the athlete previewed, for the page checks.
    pub(super) share_path: RefCell<Option<String>>,
}

/// One person's browser: its own WebDriver session and Chromium profile.
pub(super) struct Browser {
    pub(super) who: &'static str,
    pub(super) client: Client,
}

impl Setup {
    pub(super) async fn open_browser(&self, who: &'static str) -> anyhow::Result<Browser> {
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
    pub(super) async fn shot(&self, client: &Client, name: &str) -> anyhow::Result<()> {
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

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
pub(super) struct Tally {
    pub(super) scratch: PathBuf,
    pub(super) passed: usize,
    pub(super) failed: usize,
}

impl Tally {
    pub(super) async fn check(
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
/// Waits until an element matching `css` contains `needle`; returns its text.
pub(super) async fn wait_for_text(
    client: &Client,
    css: &str,
    needle: &str,
) -> anyhow::Result<String> {
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

pub(super) async fn find_button(
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
/// A WebDriver call fantoccini has no method for (chromedriver's log
/// endpoint), over a plain HTTP/1.1 connection to chromedriver.
pub(super) fn chromedriver_post(
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
pub(super) fn check_link(setup: &Setup, link: &str, path: &str) -> anyhow::Result<()> {
    let prefix = setup.url(path);
    match link.strip_prefix(&prefix) {
        Some(token) if token.len() >= 32 => Ok(()),
        _ => bail!("expected a link starting {prefix} with a token, got {link:?}"),
    }
}
pub(super) async fn fill(client: &Client, css: &str, value: &str) -> anyhow::Result<()> {
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
pub(super) async fn input_value(client: &Client, css: &str) -> anyhow::Result<String> {
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
pub(super) async fn click_link(client: &Client, label: &str) -> anyhow::Result<()> {
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

pub(super) async fn wait_for_path(client: &Client, path: &str) -> anyhow::Result<()> {
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

pub(super) async fn client_click(client: &Client, css: &str) -> anyhow::Result<()> {
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
