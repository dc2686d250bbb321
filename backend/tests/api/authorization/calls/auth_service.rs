//! Calls to AuthService: sign-in, sign-up, Google, sessions, invites and
//! password resets.

use baton_proto::{
    auth::v1::{self as auth, accept_invite_request::Method},
    user::v1::{self as user, Role},
};

use super::{Answer, BINDING_HASH, NEW_PASSWORD, NOT_AN_EMAIL, NOT_AN_ID, answer, random_id};
use crate::{
    authorization::{
        fixture::Fixture,
        table::{
            Data::{self, Invalid, Linked, Others, Own, Unknown, Unowned},
            Who,
        },
    },
    google::try_authorize,
    helpers::{PASSWORD, bearer, link_token},
};

pub(super) async fn get_sign_in_options(f: &Fixture, who: Who) -> Answer {
    answer(f.auth().get_sign_in_options(f.request(who, auth::GetSignInOptionsRequest {})).await)
}

pub(super) async fn login(f: &Fixture, who: Who, data: Data) -> Answer {
    let email = match data {
        Own => f.me(who).email.clone(),
        Others => f.other_athlete.email.clone(),
        Unknown => f.email(),
        other => unreachable!("Login on {other:?}"),
    };
    let request = auth::LoginRequest { email, password: PASSWORD.to_owned() };
    answer(f.auth().login(f.request(who, request)).await)
}

pub(in crate::authorization) fn sign_up_request(
    email: String,
    password: &str,
) -> auth::SignUpRequest {
    auth::SignUpRequest {
        email,
        password: password.to_owned(),
        display_name: "Sam Signup".to_owned(),
        timezone: "Europe/Berlin".to_owned(),
    }
}

pub(super) async fn sign_up(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = match data {
        Unowned => sign_up_request(f.email(), PASSWORD),
        Invalid => sign_up_request(NOT_AN_EMAIL.to_owned(), "short"),
        other => unreachable!("SignUp on {other:?}"),
    };
    answer(f.auth().sign_up(f.request(who, request)).await)
}

pub(super) async fn start_google_sign_in(f: &Fixture, who: Who, data: Data) -> Answer {
    let purpose = match data {
        Unowned => auth::GoogleSignInPurpose::SignIn,
        Own => auth::GoogleSignInPurpose::Link,
        Invalid => auth::GoogleSignInPurpose::Unspecified,
        other => unreachable!("StartGoogleSignIn on {other:?}"),
    };
    let request = auth::StartGoogleSignInRequest {
        purpose: purpose as i32,
        browser_binding_hash: BINDING_HASH.to_owned(),
        invite_token: String::new(),
    };
    answer(f.auth().start_google_sign_in(f.request(who, request)).await)
}

/// What Google's redirect would deliver, well-formed.
fn google_authorization() -> Option<auth::GoogleAuthorization> {
    Some(auth::GoogleAuthorization {
        code: "a-code".to_owned(),
        state: "a-state".to_owned(),
        browser_binding_secret: "a-secret".to_owned(),
    })
}

pub(super) async fn finish_google_sign_in(f: &Fixture, who: Who) -> Answer {
    let request = auth::FinishGoogleSignInRequest { authorization: google_authorization() };
    answer(f.auth().finish_google_sign_in(f.request(who, request)).await)
}

/// A flow through the provider for `purpose`, started by `starter` as
/// their own Google identity; where starting is refused (no or a dead
/// token), a made-up authorization, so the finishing RPC still answers.
async fn google_flow(
    f: &Fixture,
    purpose: auth::GoogleSignInPurpose,
    starter: Who,
) -> Option<auth::GoogleAuthorization> {
    if starter == Who::Anonymous || Fixture::is_refused(starter) {
        return google_authorization();
    }
    let user = f.me(starter);
    f.google_as(user);
    let started = try_authorize(&f.app, purpose, "", Some(&user.access_token)).await;
    Some(started.expect("the flow starts"))
}

pub(super) async fn link_google(f: &Fixture, who: Who, data: Data) -> Answer {
    let authorization = match data {
        Own => google_flow(f, auth::GoogleSignInPurpose::Link, who).await,
        Others => {
            f.google_as(&f.other_athlete);
            let token = Some(f.other_athlete.access_token.as_str());
            let started = try_authorize(&f.app, auth::GoogleSignInPurpose::Link, "", token).await;
            Some(started.expect("the other athlete starts a flow"))
        }
        other => unreachable!("LinkGoogle on {other:?}"),
    };
    let request = auth::LinkGoogleRequest { authorization };
    answer(f.auth().link_google(f.request(who, request)).await)
}

/// Confirms the caller's password (Own), or sends no method (Invalid).
pub(super) async fn reauthenticate(f: &Fixture, who: Who, data: Data) -> Answer {
    let method = match data {
        Own => Some(auth::reauthenticate_request::Method::Password(PASSWORD.to_owned())),
        Invalid => None,
        other => unreachable!("Reauthenticate on {other:?}"),
    };
    let request = auth::ReauthenticateRequest { method };
    answer(f.auth().reauthenticate(f.request(who, request)).await)
}

/// Confirms with the Google identity LinkGoogle attached.
pub(super) async fn reauthenticate_with_google(f: &Fixture, who: Who) -> Answer {
    let authorization = google_flow(f, auth::GoogleSignInPurpose::Reauthenticate, who).await;
    let method = authorization.map(auth::reauthenticate_request::Method::Google);
    let request = auth::ReauthenticateRequest { method };
    answer(f.auth().reauthenticate(f.request(who, request)).await)
}

pub(super) async fn unlink_google(f: &Fixture, who: Who, data: Data) -> Answer {
    let user_id = match data {
        Own => String::new(),
        Others => {
            let stranger = f.throwaway(Role::Athlete).await;
            f.google_as(&stranger);
            let token = Some(stranger.access_token.as_str());
            let linked = try_authorize(&f.app, auth::GoogleSignInPurpose::Link, "", token).await;
            let request = auth::LinkGoogleRequest { authorization: Some(linked.expect("starts")) };
            f.auth().link_google(bearer(request, &stranger.access_token)).await.expect("links");
            stranger.id
        }
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned | Linked => unreachable!("UnlinkGoogle on {data:?}"),
    };
    answer(f.auth().unlink_google(f.request(who, auth::UnlinkGoogleRequest { user_id })).await)
}

/// A refresh token: of a new session of the caller (Own) or of the other
/// athlete (Others), or one nobody has (Unknown).
async fn refresh_token(f: &Fixture, who: Who, data: Data) -> String {
    match data {
        Own if Fixture::is_refused(who) => f.me(who).refresh_token.clone(),
        Own => f.sign_in(f.me(who)).await.refresh_token,
        Others => f.sign_in(&f.other_athlete).await.refresh_token,
        Unknown => "no-such-refresh-token".to_owned(),
        other => unreachable!("a refresh token on {other:?}"),
    }
}

pub(super) async fn refresh(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = auth::RefreshRequest { refresh_token: refresh_token(f, who, data).await };
    answer(f.auth().refresh(f.request(who, request)).await)
}

pub(super) async fn logout(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = auth::LogoutRequest { refresh_token: refresh_token(f, who, data).await };
    answer(f.auth().logout(f.request(who, request)).await)
}

pub(super) async fn get_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_token = match data {
        Unowned => f.invite(&f.inviter, &f.email()).await.1,
        Unknown => "no-such-invite".to_owned(),
        other => unreachable!("GetInvite on {other:?}"),
    };
    answer(f.auth().get_invite(f.request(who, auth::GetInviteRequest { invite_token })).await)
}

pub(super) async fn accept_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_token = match data {
        Own => f.invite(&f.inviter, &f.me(who).email).await.1,
        Others => f.invite(&f.inviter, &f.other_athlete.email).await.1,
        Unknown => "no-such-invite".to_owned(),
        other => unreachable!("AcceptInvite on {other:?}"),
    };
    let request = auth::AcceptInviteRequest {
        invite_token,
        method: Some(Method::ExistingAccount(auth::ExistingAccount {})),
        ..Default::default()
    };
    answer(f.auth().accept_invite(f.request(who, request)).await)
}

pub(super) async fn accept_invite_with_password(f: &Fixture, who: Who) -> Answer {
    let (_, invite_token) = f.invite(&f.inviter, &f.email()).await;
    let request = auth::AcceptInviteRequest {
        invite_token,
        method: Some(Method::NewPassword(auth::NewAccountPassword {
            password: PASSWORD.to_owned(),
        })),
        ..Default::default()
    };
    answer(f.auth().accept_invite(f.request(who, request)).await)
}

pub(super) async fn reset_password(f: &Fixture, who: Who, data: Data) -> Answer {
    let reset_token = match data {
        Unowned => {
            let target = f.throwaway(Role::Athlete).await;
            let root = f.app.root().await;
            let issue = user::IssuePasswordResetRequest { user_id: target.id };
            let issued = f.users().issue_password_reset(bearer(issue, &root.access_token)).await;
            link_token(&issued.expect("IssuePasswordReset").into_inner().reset_url)
        }
        Unknown => "no-such-reset".to_owned(),
        other => unreachable!("ResetPassword on {other:?}"),
    };
    let request = auth::ResetPasswordRequest { reset_token, new_password: NEW_PASSWORD.to_owned() };
    answer(f.auth().reset_password(f.request(who, request)).await)
}

/// Changes the caller's password and, when that works, changes it back.
pub(super) async fn change_password(f: &Fixture, who: Who) -> Answer {
    let change = |from: &str, to: &str| auth::ChangePasswordRequest {
        current_password: from.to_owned(),
        new_password: to.to_owned(),
        revoke_other_sessions: false,
    };
    let changed =
        answer(f.auth().change_password(f.request(who, change(PASSWORD, NEW_PASSWORD))).await);
    if changed.is_ok() {
        let back = f.auth().change_password(f.request(who, change(NEW_PASSWORD, PASSWORD))).await;
        back.expect("the password changes back");
    }
    changed
}

pub(super) async fn list_sessions(f: &Fixture, who: Who) -> Answer {
    answer(f.auth().list_sessions(f.request(who, auth::ListSessionsRequest::default())).await)
}

pub(super) async fn revoke_session(f: &Fixture, who: Who, data: Data) -> Answer {
    let session_id = match data {
        // A dead token is refused before the id matters.
        Own if Fixture::is_refused(who) => random_id(),
        Own => f.session_of(&f.sign_in(f.me(who)).await.access_token).await,
        Linked => f.session_of(&f.linked(who).access_token).await,
        Others => f.session_of(&f.other_athlete.access_token).await,
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned => unreachable!("RevokeSession on {data:?}"),
    };
    let request = auth::RevokeSessionRequest { session_id };
    answer(f.auth().revoke_session(f.request(who, request)).await)
}
