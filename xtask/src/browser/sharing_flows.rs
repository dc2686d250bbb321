//! Sharing, as the coach and the athletes meet it: the Google user becomes
//! the coach's second athlete (accepting an invite as the signed-in
//! account); the coach ticks two workouts in the library and shares them
//! with both athletes, with a note and a day, and reads what was shared;
//! the athlete's open start page counts the news on its unread badge; the
//! athlete previews a share (chart and steps), imports it on a day of their
//! choosing and watches its progress bar finish, with a link to it in
//! Garmin Connect; the coach's open Shared page turns to Imported. Neither
//! open page is reloaded: the news comes over WatchNotifications. Then the
//! coach changes the workout in Garmin Connect and pushes the new version
//! onto the athletes' copies from the Shared page.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use baton_sandbox::garmin::seed;
use fantoccini::{Client, Locator};

use super::{
    ATHLETE_NAME, COACH_NAME, GOOGLE_EMAIL, GOOGLE_NAME, POLL, UI_TIMEOUT,
    driver::{Setup, client_click, fill, find_button, input_value, wait_for_text},
};

/// The coach's note on the shares.
const NOTE: &str = "Easy first, then the intervals.";

/// How long the athlete's start page is given to hear from the stream.
const SETTLE: Duration = Duration::from_millis(1500);

/// Marks a page, so that a later look can tell it was not loaded again.
const MARK_PAGE: &str = "window.batonOpenSince = Date.now(); return true;";
const PAGE_MARKED: &str = "return typeof window.batonOpenSince === 'number';";

/// Fails when `client`'s page was loaded again since [`MARK_PAGE`].
async fn still_the_same_page(client: &Client, what: &str) -> anyhow::Result<()> {
    if client.execute(PAGE_MARKED, vec![]).await?.as_bool() != Some(true) {
        bail!("{what} was reloaded");
    }
    Ok(())
}

pub(super) async fn second_athlete_joins(
    setup: &Setup,
    coach: &Client,
    athlete: &Client,
) -> anyhow::Result<()> {
    coach.goto(&setup.url("/athletes")).await?;
    wait_for_text(coach, ".page-title", "Athletes").await?;
    fill(coach, "#invite-email", GOOGLE_EMAIL).await?;
    find_button(coach, "Create invite link").await?.click().await?;
    wait_for_text(coach, ".copy-link", &format!("Invite link for {GOOGLE_EMAIL}")).await?;
    let link = input_value(coach, "#invite-link").await?;

    athlete.goto(&link).await?;
    find_button(athlete, &format!("Accept as {GOOGLE_NAME}")).await?.click().await?;
    wait_for_text(athlete, ".toast", &format!("You are now {COACH_NAME}'s athlete")).await?;
    coach.goto(&setup.url("/athletes")).await?;
    wait_for_text(coach, "table", GOOGLE_NAME).await?;
    Ok(())
}

/// Ticks the library's first two workouts and shares them with both
/// athletes; returns their names.
pub(super) async fn coach_shares_two_workouts(
    setup: &Setup,
    coach: &Client,
) -> anyhow::Result<Vec<String>> {
    coach.goto(&setup.url("/library")).await?;
    wait_for_text(coach, ".table__caption", "workouts shown").await?;
    wait_for_text(coach, "#selection-count", "Tick workouts").await?;
    let boxes = coach.find_all(Locator::Css("input.workout-select")).await?;
    let mut names = Vec::new();
    for checkbox in boxes.iter().take(2) {
        let label = checkbox.attr("aria-label").await?.context("a checkbox has no label")?;
        names.push(label.trim_start_matches("Select ").to_owned());
        checkbox.click().await?;
    }
    wait_for_text(coach, "#selection-count", "2 workouts selected").await?;
    find_button(coach, "Share…").await?.click().await?;
    wait_for_text(coach, ".card__title", "Share 2 workouts").await?;
    // Sharing with nobody is refused on the form itself.
    find_button(coach, "Share").await?.click().await?;
    wait_for_text(coach, ".field__error", "Choose at least one athlete").await?;
    let athletes = wait_for_all(coach, "input[id^='share-athlete-']", 2).await?;
    for checkbox in &athletes {
        checkbox.click().await?;
    }
    fill(coach, "#share-note", NOTE).await?;
    set_date(coach, "#share-date", 3).await?;
    setup.shot(coach, "flow-share-form").await?;
    find_button(coach, "Share").await?.click().await?;
    let result = wait_for_text(coach, "#share-result", "Shared 4 times").await?;
    for name in &names {
        for athlete in [ATHLETE_NAME, GOOGLE_NAME] {
            let line = format!("{name} with {athlete}");
            if !result.contains(&line) {
                bail!("the result does not list {line:?}: {result:?}");
            }
        }
    }
    Ok(names)
}

/// The coach opens Shared and leaves it open: four shares, waiting.
pub(super) async fn coach_opens_the_status_page(
    setup: &Setup,
    coach: &Client,
) -> anyhow::Result<()> {
    coach.goto(&setup.url("/shares")).await?;
    wait_for_text(coach, ".page-title", "Shared").await?;
    wait_for_text(coach, ".table__caption", "4 shares").await?;
    let statuses = statuses(coach).await?;
    if statuses.iter().any(|s| s != "Waiting") {
        bail!("fresh shares are not all waiting: {statuses:?}");
    }
    coach.execute(MARK_PAGE, vec![]).await?;
    Ok(())
}

/// The coach's Shared page, open since before the import, shows it
/// imported without being loaded again.
pub(super) async fn coach_sees_the_import_arrive(coach: &Client) -> anyhow::Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let statuses = statuses(coach).await?;
        if statuses.iter().filter(|s| *s == "Imported").count() == 1 {
            break;
        }
        if Instant::now() > deadline {
            bail!("the open Shared page still reads {statuses:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    still_the_same_page(coach, "the coach's Shared page").await
}

/// The athlete's start page, open before the coach shares; returns the
/// unread count it shows once settled.
pub(super) async fn athlete_waits_at_home(setup: &Setup, athlete: &Client) -> anyhow::Result<u64> {
    athlete.goto(&setup.url("/")).await?;
    wait_for_text(athlete, ".page-title", "Welcome").await?;
    // The live stream's first message brings the count already unread.
    tokio::time::sleep(SETTLE).await;
    athlete.execute(MARK_PAGE, vec![]).await?;
    unread(athlete).await
}

/// The athlete sees the news arrive, previews the first share, and
/// imports it on a day of their own; returns the preview's path and the
/// imported workout's name.
pub(super) async fn athlete_previews_and_imports(
    setup: &Setup,
    athlete: &Client,
    names: &[String],
    unread_before: u64,
) -> anyhow::Result<(String, String)> {
    // The start page, still open: the badge counts the coach's notice.
    let deadline = Instant::now() + UI_TIMEOUT;
    while unread(athlete).await? <= unread_before {
        if Instant::now() > deadline {
            bail!("the unread badge stayed at {unread_before} after the coach shared");
        }
        tokio::time::sleep(POLL).await;
    }
    still_the_same_page(athlete, "the athlete's start page").await?;
    client_click(athlete, "a[href='/inbox']").await?;
    wait_for_text(athlete, "#inbox-count", "2 workouts are waiting for you").await?;
    let table = wait_for_text(athlete, "table", COACH_NAME).await?;
    for name in names {
        if !table.contains(name.as_str()) {
            bail!("the inbox does not list {name:?}: {table:?}");
        }
    }
    if !table.contains(NOTE) {
        bail!("the inbox does not show the coach's note: {table:?}");
    }

    // The first share in full: its chart and every step.
    let first = athlete.find(Locator::Css("a.share-link")).await?;
    let name = first.text().await?;
    first.click().await?;
    wait_for_text(athlete, ".page-title", &name).await?;
    wait_for_text(athlete, "#share-facts", COACH_NAME).await?;
    wait_for_text(athlete, "#workout-steps", "").await?;
    athlete
        .find(Locator::Css("figure.chart svg[role=img]"))
        .await
        .context("the preview has no intensity chart")?;
    let preview = athlete.current_url().await?.path().to_owned();
    setup.shot(athlete, "flow-share-preview").await?;
    client_click(athlete, ".back a").await?;
    wait_for_text(athlete, "#inbox-count", "waiting").await?;

    // Import it on another day than the coach's.
    let row = row_of(athlete, &name).await?;
    row.find(Locator::Css("input.share-select")).await?.click().await?;
    let day = set_date_in(athlete, &row, "input.share-day", 5).await?;
    wait_for_text(athlete, "#import-count", "1 workout selected").await?;
    find_button(athlete, "Import into Garmin").await?.click().await?;
    wait_for_text(athlete, "#import-summary", "1 imported").await?;
    let row = row_of(athlete, &name).await?;
    let bar = row.find(Locator::Css("progress")).await.context("no progress bar on the row")?;
    let bar = serde_json::to_value(bar)?;
    let filled =
        athlete.execute("const [bar] = arguments; return [bar.value, bar.max];", vec![bar]).await?;
    if filled[0].as_f64().is_none() || filled[0] != filled[1] {
        bail!("the progress bar did not finish: {filled}");
    }
    let words = row.text().await?;
    if !words.contains("Imported") {
        bail!("the row does not say Imported: {words:?}");
    }
    let link = row
        .find(Locator::Css("a.garmin-link"))
        .await
        .context("no link to Garmin Connect on the imported row")?;
    let href = link.attr("href").await?.unwrap_or_default();
    if !href.starts_with("http") {
        bail!("the Garmin Connect link is {href:?}");
    }
    setup.shot(athlete, "flow-inbox-imported").await?;
    println!("browser:       imported {name:?} for {day}");
    Ok((preview, name))
}

/// The coach edits the imported workout in Garmin Connect, syncs, finds it
/// under "Changed since you shared" and updates the copies: the athlete's
/// Garmin account holds the new version under the same id, still once on
/// the calendar, and the other athlete's waiting share has it too.
pub(super) async fn coach_updates_the_changed_copies(
    setup: &Setup,
    coach: &Client,
    name: &str,
) -> anyhow::Result<()> {
    let coachs = setup.garmin.workouts(seed::COACH.email);
    let original = coachs
        .iter()
        .find(|w| w["workoutName"] == name)
        .with_context(|| format!("the coach has no {name:?} in Garmin"))?;
    let renamed = format!("{name}, revised");
    let mut edited = original.clone();
    edited["workoutName"] = renamed.clone().into();
    let id = original["workoutId"].as_i64().context("a workout without an id")?;
    setup.garmin.edit_workout(seed::COACH.email, id, &edited).map_err(anyhow::Error::msg)?;

    coach.goto(&setup.url("/library")).await?;
    find_button(coach, "Sync with Garmin").await?.click().await?;
    wait_for_text(coach, "#sync-summary", "updated 1").await?;
    coach.goto(&setup.url("/shares")).await?;
    wait_for_text(coach, "#changed-since-shared", name).await?;
    setup.shot(coach, "flow-shares-changed").await?;
    find_button(coach, &format!("Update copies of {name}")).await?.click().await?;
    wait_for_text(
        coach,
        ".toast",
        "Updated: 1 copy replaced in Garmin Connect; 1 waiting share now has the new version.",
    )
    .await?;
    wait_for_text(coach, "table", &renamed).await?;
    if !coach.find_all(Locator::Css("#changed-since-shared")).await?.is_empty() {
        bail!("the workout is still listed as changed after the update");
    }

    let email = seed::MFA_ATHLETE.email;
    let copy_name = format!("{renamed} (from {COACH_NAME})");
    let copies: Vec<_> = setup
        .garmin
        .workouts(email)
        .into_iter()
        .filter(|w| w["workoutName"].as_str().is_some_and(|n| n.contains(name)))
        .collect();
    let [copy] = copies.as_slice() else {
        bail!("the athlete's Garmin holds {} copies of {name:?}", copies.len());
    };
    if copy["workoutName"] != copy_name.as_str() {
        bail!("the athlete's copy is named {}", copy["workoutName"]);
    }
    let copy_id = copy["workoutId"].as_i64();
    let entries =
        setup.garmin.schedules(email).iter().filter(|s| s["workoutId"].as_i64() == copy_id).count();
    if entries != 1 {
        bail!("the updated copy is on the athlete's calendar {entries} times");
    }
    Ok(())
}

/// The number on the navigation's unread badge; 0 without one.
async fn unread(client: &Client) -> anyhow::Result<u64> {
    let Some(badge) = client.find_all(Locator::Css("#unread-badge")).await?.into_iter().next()
    else {
        return Ok(0);
    };
    let text = badge.text().await.unwrap_or_default();
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    Ok(digits.parse().unwrap_or(0))
}

/// The words of every status badge on the page.
async fn statuses(client: &Client) -> anyhow::Result<Vec<String>> {
    let mut words = Vec::new();
    for badge in client.find_all(Locator::Css(".share-status")).await? {
        words.push(badge.text().await?.trim().to_owned());
    }
    Ok(words)
}

/// The table row naming `name`.
async fn row_of(client: &Client, name: &str) -> anyhow::Result<fantoccini::elements::Element> {
    for row in client.find_all(Locator::Css("tbody tr")).await? {
        if row.text().await?.contains(name) {
            return Ok(row);
        }
    }
    bail!("no row for {name:?}")
}

/// Waits for exactly `count` elements matching `css`.
async fn wait_for_all(
    client: &Client,
    css: &str,
    count: usize,
) -> anyhow::Result<Vec<fantoccini::elements::Element>> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let found = client.find_all(Locator::Css(css)).await?;
        if found.len() == count {
            return Ok(found);
        }
        if Instant::now() > deadline {
            bail!("{} of {css}, not {count}", found.len());
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A date input set as a person's date picker would, `days` from today.
const SET_DATE: &str = "const [input, days] = arguments; \
     const day = new Date(Date.now() + days * 864e5).toISOString().slice(0, 10); \
     input.value = day; input.dispatchEvent(new Event('input', { bubbles: true })); \
     return day;";

async fn set_date(client: &Client, css: &str, days: u32) -> anyhow::Result<String> {
    let input = client.find(Locator::Css(css)).await?;
    set_date_on(client, input, days).await
}

async fn set_date_in(
    client: &Client,
    row: &fantoccini::elements::Element,
    css: &str,
    days: u32,
) -> anyhow::Result<String> {
    let input = row.find(Locator::Css(css)).await?;
    set_date_on(client, input, days).await
}

async fn set_date_on(
    client: &Client,
    input: fantoccini::elements::Element,
    days: u32,
) -> anyhow::Result<String> {
    let element = serde_json::to_value(input)?;
    let day = client.execute(SET_DATE, vec![element, days.into()]).await?;
    day.as_str().map(str::to_owned).context("the date was not set")
}
