//! Changing how an account signs in, as the Google user (who joined with
//! Google) and an admin see it: setting a first password; removing and
//! linking Google in Settings after confirming who they are, with the
//! password or with Google; the admin seeing the Google link, signing the
//! user out everywhere and removing it; a reset link's page naming the ways
//! to sign in that are left.
//!
//! The backend asks for a recent sign-in (10 minutes) before such changes.
//! The test cannot let a sign-in age that long, so [`refuse_once`] makes
//! the page's next call to one RPC come back as the backend would answer
//! then (FAILED_PRECONDITION with the RECENT_SIGN_IN_REQUIRED reason),
//! without reaching it; confirming and the retried change are real calls.

use anyhow::{Context, bail};
use fantoccini::Client;
use serde_json::json;

use super::{
    GOOGLE_EMAIL, GOOGLE_NAME, GOOGLE_NEW_PASSWORD, GOOGLE_PASSWORD,
    driver::{
        Setup, check_link, client_click, fill, find_button, input_value, wait_for_path,
        wait_for_text,
    },
    session_flows::submit_sign_in,
};

const UNLINK_GOOGLE: &str = "/baton.auth.v1.AuthService/UnlinkGoogle";
const START_GOOGLE: &str = "/baton.auth.v1.AuthService/StartGoogleSignIn";

/// The Google-only account sets a password in Settings (its Google sign-in
/// is minutes old, so no confirmation is asked).
pub(super) async fn set_first_password(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    client.goto(&setup.url("/settings")).await?;
    wait_for_text(client, ".card__title", "Set a password").await?;
    fill(client, "#change-new-password", GOOGLE_PASSWORD).await?;
    fill(client, "#change-confirm-password", GOOGLE_PASSWORD).await?;
    find_button(client, "Set password").await?.click().await?;
    wait_for_text(client, ".toast", "Password set.").await?;
    wait_for_text(client, ".card__title", "Change password").await?;
    Ok(())
}

/// "Remove Google sign-in" is refused for want of a recent sign-in; the
/// person is asked to confirm, a wrong password is marked, the right one
/// confirms, and the removal goes ahead by itself.
pub(super) async fn remove_google_after_confirming_with_password(
    setup: &Setup,
    client: &Client,
) -> anyhow::Result<()> {
    client.goto(&setup.url("/settings")).await?;
    wait_for_text(client, ".card", "Google is linked").await?;
    refuse_once(client, UNLINK_GOOGLE).await?;
    confirm_removal(client).await?;
    wait_for_text(client, "#confirm-identity-title", "Confirm it's you").await?;
    find_button(client, "Continue with Google").await?;
    fill(client, "#reauth-password", "not the password").await?;
    find_button(client, "Confirm").await?.click().await?;
    wait_for_text(client, "#reauth-password-error", "").await?;
    fill(client, "#reauth-password", GOOGLE_PASSWORD).await?;
    find_button(client, "Confirm").await?.click().await?;
    wait_for_text(client, ".toast", "Google sign-in is removed").await?;
    find_button(client, "Link Google").await?;
    if refusals(client).await? != 1 {
        bail!("the removal was not refused first: the confirmation was never asked for");
    }
    setup.shot(client, "flow-google-user-removed-google").await?;
    Ok(())
}

/// Linking Google is refused for want of a recent sign-in; the person
/// confirms with their password (Google is not linked, so it is not
/// offered), the browser goes to Google and comes back linked.
pub(super) async fn link_google_after_confirming(
    setup: &Setup,
    client: &Client,
) -> anyhow::Result<()> {
    client.goto(&setup.url("/settings")).await?;
    refuse_once(client, START_GOOGLE).await?;
    find_button(client, "Link Google").await?.click().await?;
    wait_for_text(client, "#confirm-identity-title", "Confirm it's you").await?;
    if find_button_now(client, "Continue with Google").await? {
        bail!("Google is offered to confirm an account that has no Google sign-in");
    }
    fill(client, "#reauth-password", GOOGLE_PASSWORD).await?;
    find_button(client, "Confirm").await?.click().await?;
    wait_for_text(client, ".toast", "Google is linked").await?;
    wait_for_path(client, "/settings").await?;
    wait_for_text(client, ".card", "Google is linked").await?;
    Ok(())
}

/// Removing Google again, confirming with Google this time: the browser
/// goes to Google and back, and the callback finishes the removal.
pub(super) async fn remove_google_after_confirming_with_google(
    setup: &Setup,
    client: &Client,
) -> anyhow::Result<()> {
    client.goto(&setup.url("/settings")).await?;
    wait_for_text(client, ".card", "Google is linked").await?;
    refuse_once(client, UNLINK_GOOGLE).await?;
    confirm_removal(client).await?;
    find_button(client, "Continue with Google").await?.click().await?;
    wait_for_text(client, ".toast", "Google sign-in is removed").await?;
    wait_for_path(client, "/settings").await?;
    find_button(client, "Link Google").await?;
    let left = client
        .execute("return window.sessionStorage.getItem('baton.google.secret');", vec![])
        .await?;
    if !left.is_null() {
        bail!("the Google browser secret is still in sessionStorage");
    }
    // Linked again for the admin's checks (the sign-in is recent now).
    find_button(client, "Link Google").await?.click().await?;
    wait_for_text(client, ".toast", "Google is linked").await?;
    Ok(())
}

/// The admin finds the Google user with both sign-in methods, signs them
/// out everywhere (told what is left), then removes their Google sign-in.
pub(super) async fn admin_removes_google(setup: &Setup, admin: &Client) -> anyhow::Result<()> {
    admin.goto(&setup.url("/admin/users")).await?;
    fill(admin, "#user-search", GOOGLE_EMAIL).await?;
    find_button(admin, "Search").await?.click().await?;
    wait_for_text(admin, "p[aria-live]", "1 user found").await?;
    let row = wait_for_text(admin, "table", GOOGLE_EMAIL).await?;
    if !(row.contains("Password") && row.contains("Google")) {
        bail!("the user list does not show both sign-in methods: {row:?}");
    }
    client_click(admin, "table button").await?;
    wait_for_text(admin, "#manage-user-title", GOOGLE_NAME).await?;
    wait_for_text(admin, ".card--focus", "Signs in with a password or Google.").await?;
    find_button(admin, "Sign out everywhere").await?.click().await?;
    find_button(admin, "Sign out everywhere").await?.click().await?;
    wait_for_text(admin, ".toast", "They can sign in again with a password or Google.").await?;
    find_button(admin, "Remove Google sign-in").await?.click().await?;
    wait_for_text(admin, ".confirm__question", "They can still sign in with their password")
        .await?;
    find_button(admin, "Remove Google sign-in").await?.click().await?;
    wait_for_text(admin, ".toast", &format!("Removed Google sign-in from {GOOGLE_NAME}.")).await?;
    wait_for_text(admin, ".card--focus", "Signs in with a password.").await?;
    setup.shot(admin, "flow-admin-removed-google").await?;
    Ok(())
}

/// A reset link (the Google user was signed out everywhere): the page says
/// which ways to sign in the account has, and the new password signs in.
pub(super) async fn reset_names_sign_in_methods(
    setup: &Setup,
    admin: &Client,
    user: &Client,
) -> anyhow::Result<()> {
    find_button(admin, "Issue password reset link").await?.click().await?;
    let link = input_value(admin, "#reset-link").await?;
    check_link(setup, &link, "/reset-password#")?;
    user.goto(&link).await?;
    fill(user, "#new-password", GOOGLE_NEW_PASSWORD).await?;
    fill(user, "#confirm-password", GOOGLE_NEW_PASSWORD).await?;
    find_button(user, "Set new password").await?.click().await?;
    let notice = wait_for_text(user, ".toast", "Your new password is set").await?;
    if !notice.contains("You can sign in with a password.") {
        bail!("the notice does not name the way to sign in: {notice:?}");
    }
    wait_for_path(user, "/sign-in").await?;
    submit_sign_in(user, GOOGLE_EMAIL, GOOGLE_NEW_PASSWORD).await?;
    wait_for_text(user, ".page-title", &format!("Welcome, {GOOGLE_NAME}")).await?;
    Ok(())
}

/// Opens "Remove Google sign-in" and confirms the question.
async fn confirm_removal(client: &Client) -> anyhow::Result<()> {
    find_button(client, "Remove Google sign-in").await?.click().await?;
    wait_for_text(client, ".confirm__question", "Remove Google sign-in?").await?;
    find_button(client, "Remove Google sign-in").await?.click().await?;
    Ok(())
}

/// Whether a button with exactly this text is on the page now.
async fn find_button_now(client: &Client, label: &str) -> anyhow::Result<bool> {
    for button in client.find_all(fantoccini::Locator::Css("button")).await? {
        if button.text().await.is_ok_and(|text| text.trim() == label) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Makes the page's next call to `method` come back FAILED_PRECONDITION
/// [RECENT_SIGN_IN_REQUIRED] (a grpc-web trailers-only answer), by
/// wrapping `window.fetch`; the calls after it go through. Lasts until the
/// page is left.
async fn refuse_once(client: &Client, method: &str) -> anyhow::Result<()> {
    let details = status_details(9, "RECENT_SIGN_IN_REQUIRED")?;
    client
        .execute(
            "const [method, bytes] = arguments;
             const details = btoa(String.fromCharCode(...bytes));
             const real = window.fetch.bind(window);
             window.batonRefusals = 0;
             window.fetch = (input, init) => {
               const url = new URL(typeof input === 'string' ? input : input.url, location.href);
               if (window.batonRefusals === 0 && url.pathname === method) {
                 window.batonRefusals = 1;
                 return Promise.resolve(new Response(new Uint8Array(0), { status: 200, headers: {
                   'content-type': 'application/grpc-web+proto',
                   'grpc-status': '9',
                   'grpc-message': 'refused by the browser test',
                   'grpc-status-details-bin': details,
                 } }));
               }
               return real(input, init);
             };",
            vec![json!(method), json!(details)],
        )
        .await?;
    Ok(())
}

/// How many calls [`refuse_once`] refused on this page.
async fn refusals(client: &Client) -> anyhow::Result<u64> {
    let count = client.execute("return window.batonRefusals ?? 0;", vec![]).await?;
    count.as_u64().context("window.batonRefusals is not a number")
}

/// `google.rpc.Status { code, details: [ErrorInfo { reason, domain: "baton" }] }`
/// in protobuf, as a `grpc-status-details-bin` header carries it (before
/// base64). Encoded by hand: every length here fits in one byte.
fn status_details(code: u8, reason: &str) -> anyhow::Result<Vec<u8>> {
    fn field(tag: u8, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        let length = u8::try_from(bytes.len()).ok().filter(|length| *length < 0x80);
        let length = length.context("a field too long for a one-byte length")?;
        Ok([&[tag, length][..], bytes].concat())
    }
    let info = [field(0x0a, reason.as_bytes())?, field(0x12, b"baton")?].concat();
    let any =
        [field(0x0a, b"type.googleapis.com/google.rpc.ErrorInfo")?, field(0x12, &info)?].concat();
    Ok([vec![0x08, code], field(0x1a, &any)?].concat())
}

#[cfg(test)]
mod tests {
    use super::status_details;

    #[test]
    fn status_details_are_a_google_rpc_status_with_error_info() -> anyhow::Result<()> {
        let bytes = status_details(9, "R")?;
        // code 9; details: Any(type_url, ErrorInfo(reason "R", domain "baton")).
        let type_url = b"type.googleapis.com/google.rpc.ErrorInfo";
        let info = [&[0x0a, 1, b'R', 0x12, 5][..], b"baton"].concat();
        let any = [&[0x0a, 40][..], type_url, &[0x12, 10], &info].concat();
        let expected = [&[0x08, 9, 0x1a, 54][..], &any].concat();
        assert_eq!(bytes, expected);
        Ok(())
    }
}
