//! Checks over every person's pages: at desktop and phone width nothing is
//! wider than the screen and axe-core finds no violation, and nothing was
//! logged as an error in any browser's console.

use std::time::Instant;

use anyhow::{Context, bail};
use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    DESKTOP, PHONE, POLL, UI_TIMEOUT,
    a11y_checks::axe_clean,
    driver::{Browser, Setup, chromedriver_post, find_button, wait_for_path},
};

/// Each person's main pages at desktop and phone width: the page settles,
/// nothing is wider than the screen, axe-core finds nothing, and (with
/// BATON_BROWSER_SCREENSHOTS) a PNG of each is saved.
pub(super) async fn page_tour(setup: &Setup, browser: &Browser) -> anyhow::Result<()> {
    let client = &browser.client;
    let mut paths: Vec<String> = match browser.who {
        "admin" => vec!["/", "/admin", "/admin/users", "/garmin", "/settings"],
        "coach" => vec!["/", "/athletes", "/garmin", "/library", "/shares", "/settings"],
        "athlete" => vec!["/", "/coaches", "/garmin", "/inbox"],
        _ => vec!["/settings", "/garmin", "/sign-in"],
    }
    .into_iter()
    .map(str::to_owned)
    .collect();
    if browser.who == "coach"
        && let Some(workout) = setup.workout_path.borrow().clone()
    {
        paths.push(workout);
    }
    if browser.who == "athlete"
        && let Some(share) = setup.share_path.borrow().clone()
    {
        paths.push(share);
    }
    for path in &paths {
        let path = path.as_str();
        if path == "/sign-in" {
            find_button(client, "Sign out").await?.click().await?;
            wait_for_path(client, "/sign-in").await?;
        }
        client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        client.goto(&setup.url(path)).await?;
        for (size, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
            client.set_window_size(width, height).await?;
            wait_until_settled(client).await?;
            fits_the_screen(client).await.with_context(|| format!("{path} at {size} width"))?;
            axe_clean(client).await.with_context(|| format!("{path} at {size} width"))?;
            let page = match path.trim_matches('/') {
                "" => "home".to_owned(),
                other if other.starts_with("library/") => "workout".to_owned(),
                other if other.starts_with("inbox/") => "shared-workout".to_owned(),
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
pub(super) async fn no_console_errors(setup: &Setup, browser: &Browser) -> anyhow::Result<()> {
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
