//! Accounts made through the SPA, each person in their own browser: the
//! admin creates a coach and gets a setup link, the coach sets a password
//! and invites an athlete, the athlete accepts, a used invite is refused,
//! and an admin's reset link sets a new password.

use anyhow::bail;
use fantoccini::{Client, Locator};

use super::{
    ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, ATHLETE_EMAIL, ATHLETE_NAME, ATHLETE_PASSWORD,
    COACH_EMAIL, COACH_NAME, COACH_NEW_PASSWORD, COACH_PASSWORD,
    driver::{
        Setup, check_link, click_link, client_click, fill, find_button, input_value, wait_for_path,
        wait_for_text,
    },
    session_flows::submit_sign_in,
};

/// Admin → Users: creates the coach and returns the setup link shown.
pub(super) async fn create_coach(setup: &Setup, client: &Client) -> anyhow::Result<String> {
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
pub(super) async fn create_user(
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
pub(super) async fn coach_accepts_and_invites(
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
pub(super) async fn athlete_accepts(client: &Client, invite_link: &str) -> anyhow::Result<()> {
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

pub(super) async fn coach_sees_athlete(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    client.goto(&setup.url("/athletes")).await?;
    let row = wait_for_text(client, "table", ATHLETE_NAME).await?;
    if !row.contains(ATHLETE_EMAIL) {
        bail!("the athlete is listed without their email: {row:?}");
    }
    wait_for_text(client, ".table-empty", "No invites are waiting").await?;
    Ok(())
}

pub(super) async fn used_invite_refused(client: &Client, invite_link: &str) -> anyhow::Result<()> {
    client.goto(invite_link).await?;
    wait_for_text(client, ".form-error__text", "can't be used any more").await?;
    Ok(())
}

/// The admin issues a reset link for the coach; the coach sets a new
/// password with it, is sent to sign-in with a notice, and signs in.
pub(super) async fn password_reset(
    setup: &Setup,
    admin: &Client,
    coach: &Client,
) -> anyhow::Result<()> {
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
