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

pub(super) async fn link_google(f: &Fixture, who: Who) -> Answer {
    let request = auth::LinkGoogleRequest { authorization: google_authorization() };
    answer(f.auth().link_google(f.request(who, request)).await)
}

/// A refresh token: of a new session of the caller (Own) or of the other
/// athlete (Others), or one nobody has (Unknown).
async fn refresh_token(f: &Fixture, who: Who, data: Data) -> String {
    match data {
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
