//! The admin's session in one browser: a wrong password, sign-in, a
//! reload, a second tab sharing the session, and signing out in both.

use anyhow::{Context, bail};
use fantoccini::{Client, Locator, wd::WindowHandle};

use super::{
    ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, UI_TIMEOUT,
    driver::{find_button, wait_for_text},
};

pub(super) async fn wrong_password(client: &Client, base: &str) -> anyhow::Result<()> {
    client.goto(&format!("{base}/sign-in")).await?;
    submit_sign_in(client, ADMIN_EMAIL, "not the right password at all").await?;
    let error = wait_for_text(client, ".form-error__text", "Wrong email or password").await?;
    println!("browser:       error shown: {error:?}");
    Ok(())
}

pub(super) async fn sign_in(client: &Client, base: &str) -> anyhow::Result<()> {
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

pub(super) async fn reload(client: &Client) -> anyhow::Result<()> {
    client.refresh().await?;
    wait_for_text(client, ".page-title", ADMIN_NAME).await?;
    Ok(())
}

/// The first and second tab of the shared-session check.
pub(super) struct Tabs {
    first: WindowHandle,
    second: WindowHandle,
}

/// Opens a second tab, which must resume the session from localStorage
/// (rotating the refresh token), then reloads the first tab, which must
/// present the rotated token: presenting the old one would be reuse, and the
/// backend would revoke the whole session.
pub(super) async fn open_second_tab(client: &Client, base: &str) -> anyhow::Result<Tabs> {
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
pub(super) async fn second_tab_signed_out(client: &Client, tabs: Tabs) -> anyhow::Result<()> {
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

pub(super) async fn sign_out(client: &Client) -> anyhow::Result<()> {
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

pub(super) async fn submit_sign_in(
    client: &Client,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
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
