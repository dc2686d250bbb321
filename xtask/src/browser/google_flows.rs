//! Joining with Google: an admin's setup link accepted with "Continue with
//! Google" (the stand-in approves at once), then signing out and in again
//! with Google.

use anyhow::bail;
use fantoccini::Client;

use super::{
    GOOGLE_EMAIL, GOOGLE_NAME,
    driver::{Setup, check_link, find_button, wait_for_path, wait_for_text},
    identity_flows::create_user,
};

pub(super) async fn create_google_user(setup: &Setup, client: &Client) -> anyhow::Result<String> {
    client.goto(&setup.url("/admin/users")).await?;
    let link = create_user(client, GOOGLE_EMAIL, GOOGLE_NAME, &["athlete"]).await?;
    check_link(setup, &link, "/invite#")?;
    Ok(link)
}

/// Opens the setup link, chooses Google; the stand-in approves at once and
/// sends the browser back, which must land signed in.
pub(super) async fn accept_with_google(client: &Client, setup_link: &str) -> anyhow::Result<()> {
    client.goto(setup_link).await?;
    wait_for_text(client, ".lead", "invited you to Baton").await?;
    find_button(client, "Continue with Google").await?.click().await?;
    wait_for_text(client, ".page-title", &format!("Welcome, {GOOGLE_NAME}")).await?;
    wait_for_path(client, "/").await?;
    google_secret_cleared(client).await
}

pub(super) async fn sign_in_with_google(setup: &Setup, client: &Client) -> anyhow::Result<()> {
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
