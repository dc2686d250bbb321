//! `cargo xtask` browser test: the real backend serving the built SPA, with
//! the Google stand-in (`baton-sandbox`) as its OpenID provider and the
//! Garmin Connect stand-in (in-process, so a check can slow it down) as its
//! Garmin, driven in headless Chromium through chromedriver (WebDriver, via
//! fantoccini).
//! Every person gets their own browser (a separate WebDriver session and
//! profile), as on separate devices.
//!
//! The admin's browser: the bundle arrives compressed and is cached
//! afterwards; a wrong password is refused in words; sign-in shows
//! the home page; a reload resumes the session; a second tab shares it and
//! follows the sign-out. Then the identity flows, each asserting what a
//! person sees: the admin creates a coach and gets a setup link; the coach
//! opens it in a fresh browser, sets a password, lands signed in and
//! invites an athlete (the link appears, the invite is pending); the
//! athlete accepts with a password and sees the coach under My coaches,
//! and the coach sees the athlete; a used invite link is refused in words;
//! an admin-issued reset link sets a new password; a person accepts a setup
//! link with "Continue with Google", signs out, and signs in with Google
//! again; then sets a first password, removes Google and links it again
//! after confirming who they are (with the password, and with Google), and
//! an admin sees the link, signs them out everywhere and removes it, and a
//! reset link's page names the ways to sign in that are left. Then Garmin:
//! the coach connects by signing in inside Garmin's widget, the athlete
//! does too with an MFA account (a wrong code first), the admin pastes the
//! address Garmin lands on and later imports a token file, the Google user
//! lets Baton sign in with the password and an MFA code (wrong, then
//! right); the coach syncs the library and sees the progress move, opens a
//! workout and reads its steps and chart, and sees the athlete's Garmin
//! health on the roster. Then sharing: the Google user becomes the
//! coach's second athlete; the coach shares two workouts with both; the
//! athlete sees the unread badge arrive, previews one and imports it on a
//! day, watching its progress finish, with a link to Garmin Connect.
//! Last, the main pages at desktop and phone width:
//! nothing wider than the screen, no axe-core violations, and no console
//! errors in any browser. With `BATON_BROWSER_SCREENSHOTS=DIR` those pages
//! are saved as PNGs there.
//!
//! [`processes`] installs Chromium and keeps the backend, the sandbox and
//! chromedriver running; [`driver`] holds the WebDriver sessions and the
//! waits every step uses; the flows live in [`session_flows`],
//! [`identity_flows`], [`google_flows`], [`sign_in_change_flows`],
//! [`garmin_flows`] and [`sharing_flows`], the per-page checks in [`page_checks`] and
//! [`a11y_checks`].

mod a11y_checks;
mod bundle_checks;
mod driver;
mod garmin_flows;
mod google_flows;
mod identity_flows;
mod page_checks;
mod processes;
mod session_flows;
mod sharing_flows;
mod sign_in_change_flows;

use std::{
    cell::RefCell,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use anyhow::{Context, bail};
use baton_sandbox::{GarminSandbox, GarminSandboxConfig};

use crate::{cmd, web};
use bundle_checks::compressed_then_cached;
use driver::{Browser, Setup, Tally};
use garmin_flows::{
    admin_disconnects_garmin, admin_imports_a_token_file, admin_pastes_a_ticket,
    athlete_connects_with_mfa_in_the_browser, coach_connects_in_the_browser, coach_opens_a_workout,
    coach_sees_athlete_garmin_health, coach_syncs_with_live_progress, password_sign_in_with_mfa,
};
use google_flows::{accept_with_google, create_google_user, sign_in_with_google};
use identity_flows::{
    athlete_accepts, coach_accepts_and_invites, coach_sees_athlete, create_coach, password_reset,
    used_invite_refused,
};
use page_checks::{no_console_errors, page_tour};
use processes::{Process, Scratch, create_admin, ensure_browser, free_port, print_tail};
use session_flows::{
    open_second_tab, reload, second_tab_signed_out, sign_in, sign_out, wrong_password,
};
use sharing_flows::{
    athlete_previews_and_imports, athlete_waits_at_home, coach_opens_the_status_page,
    coach_sees_the_import_arrive, coach_shares_two_workouts, coach_updates_the_changed_copies,
    second_athlete_joins,
};
use sign_in_change_flows::{
    admin_removes_google, link_google_after_confirming, remove_google_after_confirming_with_google,
    remove_google_after_confirming_with_password, reset_names_sign_in_methods, set_first_password,
};

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
/// The password the Google user sets later, and the one a reset gives them.
const GOOGLE_PASSWORD: &str = "analytical engines weave";
const GOOGLE_NEW_PASSWORD: &str = "notes on the sketch";
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

    // Multi-threaded, so the Garmin stand-in answers the browser and the
    // backend while a check waits on chromedriver.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let garmin = {
        let _entered = runtime.enter();
        GarminSandbox::start(GarminSandboxConfig::default())?
    };
    println!("browser: Garmin stand-in listening on {}", garmin.base_url());
    let garmin_settings =
        ["BATON_GARMIN_SSO_URL", "BATON_GARMIN_DIAUTH_URL", "BATON_GARMIN_API_URL"]
            .map(|name| (name, garmin.base_url().to_owned()));

    let backend_log = scratch.path.join("baton.log");
    let mut backend_command = Command::new(&baton);
    backend_command
        .arg("serve")
        .env("BATON_LISTEN_ADDR", backend_addr.to_string())
        .env("BATON_DATA_DIR", &data_dir)
        .env("BATON_WEB_DIR", web_dir)
        .env("BATON_PUBLIC_URL", &base)
        .envs(google_settings)
        .envs(garmin_settings);
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
    let outcome = runtime.block_on(drive(Setup {
        driver: driver_addr,
        base,
        web_dir: web_dir.to_path_buf(),
        scratch: scratch.path.clone(),
        shots,
        garmin,
        workout_path: RefCell::new(None),
        share_path: RefCell::new(None),
    }));

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
    tally
        .check(admin, "a fresh browser gets the bundle compressed, then from its cache", async {
            compressed_then_cached(setup, admin).await
        })
        .await;
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
    tally
        .check(google_user, "a Google-only account sets a first password in Settings", async {
            set_first_password(setup, google_user).await
        })
        .await;
    tally
        .check(google_user, "removing Google asks who it is first, then goes ahead", async {
            remove_google_after_confirming_with_password(setup, google_user).await
        })
        .await;
    tally
        .check(google_user, "linking Google after confirming with the password", async {
            link_google_after_confirming(setup, google_user).await
        })
        .await;
    tally
        .check(google_user, "removing Google after confirming with Google", async {
            remove_google_after_confirming_with_google(setup, google_user).await
        })
        .await;
    tally
        .check(admin, "an admin sees the Google link, signs the user out and removes it", async {
            admin_removes_google(setup, admin).await
        })
        .await;
    tally
        .check(google_user, "a reset link's page names the ways to sign in left", async {
            reset_names_sign_in_methods(setup, admin, google_user).await
        })
        .await;

    garmin_checks(setup, people, tally).await;
    sharing_checks(setup, people, tally).await;

    for browser in [people.admin, people.coach, people.athlete, people.google_user] {
        let name = format!(
            "the {}'s pages fit desktop and phone screens, with no axe violations",
            browser.who
        );
        tally.check(&browser.client, &name, page_tour(setup, browser)).await;
    }
    for browser in [people.admin, people.coach, people.athlete, people.google_user] {
        let name = format!("no console errors in the {}'s browser", browser.who);
        tally.check(&browser.client, &name, no_console_errors(setup, browser)).await;
    }
}

/// Everyone links Garmin, each a different way, then the coach's library.
async fn garmin_checks(setup: &Setup, people: &People<'_>, tally: &mut Tally) {
    let (admin, coach, athlete, google_user) = (
        &people.admin.client,
        &people.coach.client,
        &people.athlete.client,
        &people.google_user.client,
    );
    tally
        .check(coach, "the coach connects Garmin by signing in inside Garmin's widget", async {
            coach_connects_in_the_browser(setup, coach).await
        })
        .await;
    tally
        .check(athlete, "the athlete connects in the widget with MFA, a wrong code first", async {
            athlete_connects_with_mfa_in_the_browser(setup, athlete).await
        })
        .await;
    tally
        .check(admin, "the admin pastes the address Garmin lands on after signing in", async {
            admin_pastes_a_ticket(setup, admin).await
        })
        .await;
    tally
        .check(
            google_user,
            "a Garmin password sign-in asks for the code, wrong then right",
            async { password_sign_in_with_mfa(setup, google_user).await },
        )
        .await;
    tally
        .check(
            admin,
            "a token file links Garmin, and a broken one is refused on the field",
            async { admin_imports_a_token_file(setup, admin).await },
        )
        .await;
    tally
        .check(
            admin,
            "disconnecting Garmin asks first, and the link is gone after a reload",
            async { admin_disconnects_garmin(setup, admin).await },
        )
        .await;
    let mut workout = None;
    tally
        .check(coach, "the coach syncs 130 workouts with the progress moving, then pages", async {
            coach_syncs_with_live_progress(setup, coach).await
        })
        .await;
    tally
        .check(coach, "a workout shows its steps in words and its intensity chart", async {
            workout = Some(coach_opens_a_workout(setup, coach).await?);
            Ok(())
        })
        .await;
    tally
        .check(coach, "the roster shows the athlete's Garmin health", async {
            coach_sees_athlete_garmin_health(setup, coach).await
        })
        .await;
    *setup.workout_path.borrow_mut() = workout;
}

/// The coach shares two workouts with two athletes; one imports.
async fn sharing_checks(setup: &Setup, people: &People<'_>, tally: &mut Tally) {
    let (coach, athlete, google_user) =
        (&people.coach.client, &people.athlete.client, &people.google_user.client);
    tally
        .check(google_user, "the Google user accepts the coach's invite as their account", async {
            second_athlete_joins(setup, coach, google_user).await
        })
        .await;
    let mut unread_before = 0;
    tally
        .check(athlete, "the athlete's start page is open before anything is shared", async {
            unread_before = athlete_waits_at_home(setup, athlete).await?;
            Ok(())
        })
        .await;
    let mut names = Vec::new();
    tally
        .check(coach, "the coach ticks two workouts and shares them with both athletes", async {
            names = coach_shares_two_workouts(setup, coach).await?;
            Ok(())
        })
        .await;
    tally
        .check(coach, "the coach's Shared page lists the four shares, waiting", async {
            coach_opens_the_status_page(setup, coach).await
        })
        .await;
    let mut imported = None;
    tally
        .check(
            athlete,
            "the athlete sees the unread badge, previews a share and imports it on a day",
            async {
                imported = Some(
                    athlete_previews_and_imports(setup, athlete, &names, unread_before).await?,
                );
                Ok(())
            },
        )
        .await;
    tally
        .check(coach, "the coach's open Shared page turns to Imported without a reload", async {
            coach_sees_the_import_arrive(coach).await
        })
        .await;
    let (preview, name) = imported.unzip();
    tally
        .check(coach, "a workout changed in Garmin updates the athlete's copy in place", async {
            let name = name.context("no workout was imported")?;
            coach_updates_the_changed_copies(setup, coach, &name).await
        })
        .await;
    *setup.share_path.borrow_mut() = preview;
}
