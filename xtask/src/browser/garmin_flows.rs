//! Garmin, as each person meets it: every way to connect ends in the same
//! connection shown on the Garmin page. The coach signs in inside Garmin's
//! widget (the stand-in's, in its iframe); the athlete does too with an MFA
//! account, a wrong code first; the admin pastes the address Garmin lands
//! on after signing in in another tab, then imports a token file (a broken
//! one first); the Google user lets Baton sign in with the Garmin password
//! (wrong, then right) and answers the MFA code (wrong, then right). Then
//! the coach syncs the library with Garmin slowed down, so the progress is
//! seen moving before the end; pages through it; opens a workout; and sees
//! the athlete's Garmin health on the roster.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_sandbox::garmin::seed::{self, DemoLogin};
use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    ATHLETE_NAME, POLL, UI_TIMEOUT,
    driver::{Setup, client_click, fill, find_button, wait_for_text},
};

/// The widget's sign-in button ends in the frame going away (the page
/// takes the ticket and closes it), so how the click itself ended says
/// nothing; what the page shows next does.
const FRAME_CLOSES: &str = "the click that signs in may end with the frame gone";

/// How slow each Garmin request is while the coach syncs: long enough for
/// the progress to be seen between the first and the last workout.
const SYNC_LATENCY: Duration = Duration::from_millis(100);

/// The DI client id a token file names (the one Baton refreshes with).
const DI_CLIENT_ID: &str = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2";
/// The DI token endpoint's service-ticket grant, as Garmin spells it.
const TICKET_GRANT: &str =
    "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket";

/// The one workout the checks open: 12 × 400 m with standing rests.
const WORKOUT_NAME: &str = "12 × 400 m @ 3:40–3:50 /km";

pub(super) async fn coach_connects_in_the_browser(
    setup: &Setup,
    coach: &Client,
) -> anyhow::Result<()> {
    open_garmin_page(setup, coach).await?;
    wait_for_text(coach, "#garmin-status", "Not connected").await?;
    in_widget(coach, async {
        fill(coach, "#username", seed::COACH.email).await?;
        fill(coach, "#password", seed::COACH.password).await?;
        setup.shot(coach, "flow-garmin-widget").await?;
        let _ = client_click(coach, "#login-btn").await.context(FRAME_CLOSES);
        Ok(())
    })
    .await?;
    connected_as(coach, seed::COACH, "in this browser").await
}

pub(super) async fn athlete_connects_with_mfa_in_the_browser(
    setup: &Setup,
    athlete: &Client,
) -> anyhow::Result<()> {
    open_garmin_page(setup, athlete).await?;
    let code = seed::MFA_ATHLETE.mfa_code.context("the MFA account has no code")?;
    in_widget(athlete, async {
        fill(athlete, "#username", seed::MFA_ATHLETE.email).await?;
        fill(athlete, "#password", seed::MFA_ATHLETE.password).await?;
        client_click(athlete, "#login-btn").await?;
        fill(athlete, "#mfa-code", &wrong_code(code)).await?;
        client_click(athlete, "#mfa-btn").await?;
        wait_for_text(athlete, "#error", "Invalid code").await?;
        fill(athlete, "#mfa-code", code).await?;
        let _ = client_click(athlete, "#mfa-btn").await.context(FRAME_CLOSES);
        Ok(())
    })
    .await?;
    connected_as(athlete, seed::MFA_ATHLETE, "in this browser").await
}

pub(super) async fn admin_pastes_a_ticket(setup: &Setup, admin: &Client) -> anyhow::Result<()> {
    open_garmin_page(setup, admin).await?;
    client_click(admin, "#garmin-way-paste").await?;
    // Something that is no ticket is refused on the field itself.
    fill(admin, "#garmin-ticket", "my Garmin password").await?;
    find_button(admin, "Connect Garmin").await?.click().await?;
    wait_for_element(admin, "#garmin-ticket-error").await?;

    // Garmin's sign-in page in a new tab, as the instructions say.
    let baton = admin.window().await?;
    let before = admin.windows().await?;
    client_click(admin, "#garmin-sign-in-link").await?;
    let deadline = Instant::now() + UI_TIMEOUT;
    let tab = loop {
        let now = admin.windows().await?;
        if let Some(tab) = now.into_iter().find(|handle| !before.contains(handle)) {
            break tab;
        }
        if Instant::now() > deadline {
            bail!("the sign-in link opened no new tab");
        }
        tokio::time::sleep(POLL).await;
    };
    admin.switch_to_window(tab).await?;
    let landed = async {
        fill(admin, "#username", seed::ATHLETE.email).await?;
        fill(admin, "#password", seed::ATHLETE.password).await?;
        client_click(admin, "#login-btn").await?;
        wait_for_element(admin, "#ticket").await?;
        Ok::<_, anyhow::Error>(admin.current_url().await?.to_string())
    }
    .await;
    admin.close_window().await?;
    admin.switch_to_window(baton).await?;
    let address = landed?;
    if !address.contains("ticket=ST-") {
        bail!("Garmin's page has no ticket in its address: {address}");
    }
    fill(admin, "#garmin-ticket", &address).await?;
    find_button(admin, "Connect Garmin").await?.click().await?;
    connected_as(admin, seed::ATHLETE, "address pasted").await
}

pub(super) async fn password_sign_in_with_mfa(setup: &Setup, user: &Client) -> anyhow::Result<()> {
    let login = seed::MFA_ATHLETE;
    let code = login.mfa_code.context("the MFA account has no code")?;
    open_garmin_page(setup, user).await?;
    client_click(user, "#garmin-way-password").await?;
    fill(user, "#garmin-email", login.email).await?;
    fill(user, "#garmin-password", "not the Garmin password").await?;
    find_button(user, "Sign in to Garmin").await?.click().await?;
    wait_for_text(user, "#garmin-password-error", "didn't accept").await?;

    fill(user, "#garmin-password", login.password).await?;
    find_button(user, "Sign in to Garmin").await?.click().await?;
    wait_for_text(user, "#garmin-mfa-prompt", "code").await?;
    fill(user, "#garmin-code", &wrong_code(code)).await?;
    find_button(user, "Verify code").await?.click().await?;
    wait_for_text(user, "#garmin-code-error", "isn't the code").await?;
    setup.shot(user, "flow-garmin-mfa-code").await?;
    // The same pending sign-in takes the right code.
    fill(user, "#garmin-code", code).await?;
    find_button(user, "Verify code").await?.click().await?;
    connected_as(user, login, "email and password").await
}

pub(super) async fn admin_imports_a_token_file(
    setup: &Setup,
    admin: &Client,
) -> anyhow::Result<()> {
    let broken = setup.scratch.join("not_garmin_tokens.json");
    std::fs::write(&broken, r#"{"hello": "Garmin"}"#)?;
    let tokens = setup.scratch.join("garmin_tokens.json");
    std::fs::write(&tokens, token_file(setup, seed::ATHLETE.email).await?)?;

    open_garmin_page(setup, admin).await?;
    // Connected already (by the pasted ticket): connecting again replaces it.
    find_button(admin, "Connect again or another account").await?.click().await?;
    client_click(admin, "#garmin-way-token-file").await?;
    choose_file(admin, &broken).await?;
    find_button(admin, "Import tokens").await?.click().await?;
    wait_for_element(admin, "#garmin-token-file-error").await?;

    choose_file(admin, &tokens).await?;
    find_button(admin, "Import tokens").await?.click().await?;
    connected_as(admin, seed::ATHLETE, "Token file").await
}

/// Disconnecting asks first, then the page shows no link, and so does a
/// fresh load: Baton forgot the tokens, not only the page.
pub(super) async fn admin_disconnects_garmin(setup: &Setup, admin: &Client) -> anyhow::Result<()> {
    open_garmin_page(setup, admin).await?;
    find_button(admin, "Disconnect Garmin").await?.click().await?;
    find_button(admin, "Disconnect").await?.click().await?;
    wait_for_text(admin, "#garmin-status", "Not connected").await?;
    open_garmin_page(setup, admin).await?;
    wait_for_text(admin, "#garmin-status", "Not connected").await?;
    Ok(())
}

pub(super) async fn coach_syncs_with_live_progress(
    setup: &Setup,
    coach: &Client,
) -> anyhow::Result<()> {
    coach.goto(&setup.url("/library")).await?;
    wait_for_text(coach, ".page-title", "Library").await?;
    wait_for_text(coach, ".table-empty", "Sync with Garmin").await?;
    setup.garmin.set_latency(SYNC_LATENCY);
    let synced = async {
        find_button(coach, "Sync with Garmin").await?.click().await?;
        let partway = progress_partway(coach).await?;
        let summary = wait_for_text(coach, "#sync-summary", "Sync finished").await?;
        Ok::<_, anyhow::Error>((partway, summary))
    }
    .await;
    setup.garmin.clear_faults();
    let ((done, total), summary) = synced?;
    let expected = format!("added {}", seed::COACH_WORKOUTS);
    if !summary.contains(&expected) {
        bail!("the summary does not say {expected:?}: {summary:?}");
    }
    println!("browser:       progress seen at {done} of {total} before the end");
    setup.shot(coach, "flow-library-synced").await?;

    // 130 workouts: two pages of 50 follow with "Show more", then no more.
    wait_for_text(coach, ".table__caption", "50 workouts shown").await?;
    find_button(coach, "Show more").await?.click().await?;
    wait_for_text(coach, ".table__caption", "100 workouts shown").await?;
    find_button(coach, "Show more").await?.click().await?;
    let last = format!("{} workouts shown", seed::COACH_WORKOUTS);
    wait_for_text(coach, ".table__caption", &last).await?;
    let more = coach.find_all(Locator::Css(".pager button")).await?;
    if !more.is_empty() {
        bail!("\"Show more\" is still offered after the last page");
    }
    Ok(())
}

/// Opens the 12 × 400 m session from a search; returns its page's path.
pub(super) async fn coach_opens_a_workout(setup: &Setup, coach: &Client) -> anyhow::Result<String> {
    coach.goto(&setup.url("/library")).await?;
    fill(coach, "#workout-search", "12 × 400 m @ 3:40").await?;
    wait_for_text(coach, ".table__caption", "1 workout shown").await?;
    wait_for_text(coach, "a.workout-link", WORKOUT_NAME).await?;
    client_click(coach, "a.workout-link").await?;
    wait_for_text(coach, ".page-title", WORKOUT_NAME).await?;
    let steps = wait_for_text(coach, "#workout-steps", "12 × (").await?;
    for line in [
        "Warm-up: 15:00 @ HR zone 2",
        "12 × (400 m @ 3:40–3:50 /km, 1:00 rest)",
        "Cool-down: until lap button",
    ] {
        if !steps.contains(line) {
            bail!("the steps do not read {line:?}: {steps:?}");
        }
    }
    let chart = coach
        .execute(
            "const svg = document.querySelector('figure.chart svg[role=img]'); \
             return svg ? [svg.getAttribute('aria-label'), svg.querySelectorAll('rect').length] : null;",
            vec![],
        )
        .await?;
    let label = chart[0].as_str().context("the workout has no chart with a text equivalent")?;
    let bars = chart[1].as_u64().unwrap_or_default();
    if !label.starts_with("Intensity over time") {
        bail!("the chart's text equivalent reads {label:?}");
    }
    // Warm-up, 12 reps and 11 rests (the last is skipped), cool-down.
    if bars != 25 {
        bail!("the chart has {bars} bars, not 25");
    }
    setup.shot(coach, "flow-workout").await?;
    Ok(coach.current_url().await?.path().to_owned())
}

pub(super) async fn coach_sees_athlete_garmin_health(
    setup: &Setup,
    coach: &Client,
) -> anyhow::Result<()> {
    coach.goto(&setup.url("/athletes")).await?;
    let row = wait_for_text(coach, "tbody tr", ATHLETE_NAME).await?;
    if !row.contains("Connected") {
        bail!("the athlete's row does not say Garmin is connected: {row:?}");
    }
    Ok(())
}

async fn open_garmin_page(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    client.goto(&setup.url("/garmin")).await?;
    wait_for_text(client, ".page-title", "Garmin").await?;
    wait_for_element(client, "#garmin-status").await
}

/// The page shows the connection: connected, to `login`'s account, linked
/// the way `method` names.
async fn connected_as(client: &Client, login: DemoLogin, method: &str) -> anyhow::Result<()> {
    wait_for_text(client, "#garmin-status", "Connected").await?;
    wait_for_text(client, "#garmin-account", login.full_name).await?;
    wait_for_text(client, ".facts", method).await?;
    Ok(())
}

/// Runs `steps` inside the Garmin widget's frame, then returns to the page
/// whatever happened there (the frame may be gone by then).
async fn in_widget(
    client: &Client,
    steps: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    let page = client.window().await?;
    let frame = client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css("iframe#garmin-widget"))
        .await
        .context("no Garmin sign-in frame on the page")?;
    frame.enter_frame().await?;
    let outcome = steps.await;
    client.switch_to_window(page).await?;
    outcome
}

async fn wait_for_element(client: &Client, css: &str) -> anyhow::Result<()> {
    client
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no {css} within {}s", UI_TIMEOUT.as_secs()))?;
    Ok(())
}

async fn choose_file(client: &Client, path: &std::path::Path) -> anyhow::Result<()> {
    let input = client.find(Locator::Css("#garmin-token-file")).await?;
    input.send_keys(&path.display().to_string()).await?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    wait_for_text(client, "#garmin-token-file-chosen", &name).await?;
    Ok(())
}

/// Waits until the sync's progress bar shows some but not all workouts
/// done; returns (done, total). Fails if the sync ends first.
async fn progress_partway(client: &Client) -> anyhow::Result<(u64, u64)> {
    let deadline = Instant::now() + UI_TIMEOUT;
    while Instant::now() < deadline {
        let seen = client
            .execute(
                "const bar = document.getElementById('sync-progress'); \
                 const done = document.getElementById('sync-summary'); \
                 return [bar ? bar.value : null, bar ? bar.max : null, !!done];",
                vec![],
            )
            .await?;
        if let (Some(done), Some(total)) = (seen[0].as_f64(), seen[1].as_f64())
            && done > 0.0
            && done < total
        {
            return Ok((done as u64, total as u64));
        }
        if seen[2].as_bool() == Some(true) {
            bail!("the sync finished before any progress between start and end was shown");
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    bail!("no sync progress within {}s", UI_TIMEOUT.as_secs())
}

/// A code of the right shape that is not `code`.
fn wrong_code(code: &str) -> String {
    code.chars().map(|c| if c == '0' { '1' } else { '0' }).collect()
}

/// A `garmin_tokens.json` for `email`, as python-garminconnect writes one
/// after signing in: a widget ticket redeemed at the stand-in's DI token
/// endpoint.
async fn token_file(setup: &Setup, email: &str) -> anyhow::Result<String> {
    let ticket = setup.garmin.issue_widget_ticket(email).context("no such Garmin account")?;
    let body = [
        ("grant_type", TICKET_GRANT),
        ("client_id", DI_CLIENT_ID),
        ("service_ticket", ticket.as_str()),
        ("service_url", setup.garmin.embed_service_url().as_str()),
    ]
    .iter()
    .map(|(name, value)| format!("{name}={}", form_encoded(value)))
    .collect::<Vec<_>>()
    .join("&");
    let addr = setup.garmin.addr();
    let basic = base64(format!("{DI_CLIENT_ID}:").as_bytes());
    let answer = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(UI_TIMEOUT))?;
        write!(
            stream,
            "POST /di-oauth2-service/oauth/token HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Basic {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        Ok(reply)
    })
    .await??;
    let (head, json) =
        answer.split_once("\r\n\r\n").context("the token endpoint's answer has no body")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("the token endpoint answered {}", head.lines().next().unwrap_or_default());
    }
    let tokens: serde_json::Value = serde_json::from_str(json)?;
    let file = json!({
        "di_token": tokens["access_token"],
        "di_refresh_token": tokens["refresh_token"],
        "di_client_id": DI_CLIENT_ID,
    });
    Ok(file.to_string())
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Standard base64 with padding (for one Basic credential; not worth a crate).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_examples() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"id:"), "aWQ6");
    }

    #[test]
    fn form_values_escape_everything_but_unreserved_characters() {
        assert_eq!(form_encoded("https://a.b/c d"), "https%3A%2F%2Fa.b%2Fc%20d");
        assert_eq!(wrong_code("123456"), "000000");
        assert_eq!(wrong_code("000000"), "111111");
    }
}
