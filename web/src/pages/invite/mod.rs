//! Accepting an invite (`/invite#<token>`): a coach's invite to become
//! their athlete, or the setup link of an account an admin created. Shows
//! who invited whom; a signed-in invitee accepts with their account, anyone
//! else creates the account with a password or with Google — or, having an
//! account already, signs in right here first ([`accept_as_me`],
//! [`new_account`], [`existing_account`]).

mod accept_as_me;
mod existing_account;
mod new_account;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, InvitePreview, Me, Role},
    app::Route,
    components::{
        card::Card,
        format::date_time,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
    },
    hooks::fetch::{Load, use_fetch},
    location::fragment,
    session::{Session, Status, use_session},
};
use accept_as_me::AcceptAsMe;
use existing_account::ExistingAccount;
use new_account::NewAccount;

#[component]
pub fn AcceptInvite() -> Html {
    let session = use_session();
    // Read once: later fragment changes (the skip link) must not lose it.
    let token = use_state(fragment);
    let preview = {
        let api = session.as_ref().map(|session| session.api().clone());
        use_fetch((*token).clone(), move |token| {
            let api = api.clone();
            async move {
                match (api, token) {
                    (Some(api), Some(token)) => api.invite_preview(token).await,
                    _ => Err(ApiError::LinkUnusable),
                }
            }
        })
    };
    let options = {
        let api = session.as_ref().map(|session| session.api().clone());
        use_fetch((), move |()| {
            let api = api.clone();
            async move {
                match api {
                    Some(api) => api.sign_in_options().await,
                    None => Ok(Default::default()),
                }
            }
        })
    };

    let (Some(session), Some(token)) = (session, (*token).clone()) else {
        return html! {
            <div class="narrow">
                <h1 class="page-title">{ "Accept an invite" }</h1>
                <Card>
                    <p>{ "This invite link is incomplete. Open the whole link you were sent, or ask for a new one." }</p>
                </Card>
            </div>
        };
    };
    let invite = match &*preview.load {
        Load::Loading => return progress_bar("Opening the invite…"),
        Load::Failed(err) => {
            return html! {
                <div class="narrow">
                    <h1 class="page-title">{ "Accept an invite" }</h1>
                    <Card>
                        { form_error(AttrValue::from(err.to_string())) }
                        <p><Link<Route> to={Route::Home}>{ "Go to the start page" }</Link<Route>></p>
                    </Card>
                </div>
            };
        }
        Load::Ready(invite) => invite.clone(),
    };
    let google = matches!(&*options.load, Load::Ready(options) if options.google);
    let body = match session.status() {
        Status::Restoring => progress_bar("Checking whether you're signed in…"),
        Status::SignedIn(me) => html! {
            <AcceptAsMe token={token.clone()} invite={invite.clone()} me={(**me).clone()} />
        },
        Status::SignedOut => html! {
            <>
                <NewAccount token={token.clone()} invite={invite.clone()} {google} />
                <ExistingAccount invite={invite.clone()} />
            </>
        },
    };
    html! {
        <div class="narrow">
            <h1 class="page-title">{ "Accept an invite" }</h1>
            <Card>
                <p class="lead">{ describe(&invite) }</p>
                <p class="muted">
                    { format!("This invite is for {}. It works until {}.", invite.email, date_time(invite.expires)) }
                </p>
            </Card>
            { body }
        </div>
    }
}

fn describe(invite: &InvitePreview) -> String {
    let roles =
        invite.roles.iter().map(|role| role.label().to_ascii_lowercase()).collect::<Vec<_>>();
    let as_what = match roles.as_slice() {
        [] => String::new(),
        [one] => format!(" as {} {one}", article(one)),
        [init @ .., last] => format!(" as {} and {last}", init.join(", ")),
    };
    let inviter =
        if invite.inviter_name.is_empty() { "Someone" } else { invite.inviter_name.as_str() };
    if invite.roles == [Role::Athlete] {
        format!("{inviter} invited you to Baton to be their athlete.")
    } else {
        format!("{inviter} invited you to Baton{as_what}.")
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// After accepting: the session shows the new account (or new roles), a
/// notice says so, and the start page opens.
fn welcome(session: &Session, navigator: Option<&Navigator>, me: Me, invite: &InvitePreview) {
    let text = if invite.roles.contains(&Role::Athlete) && !invite.inviter_name.is_empty() {
        format!("Welcome! You are now {}'s athlete.", invite.inviter_name)
    } else {
        "Welcome to Baton! Your account is ready.".to_owned()
    };
    if let Some(navigator) = navigator {
        navigator.push(&Route::Home);
    }
    session.signed_in(me);
    session.notify(NoticeKind::Success, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(roles: Vec<Role>, inviter: &str) -> InvitePreview {
        InvitePreview {
            email: "sam@example.com".into(),
            inviter_name: inviter.into(),
            roles,
            expires: None,
        }
    }

    #[test]
    fn an_athlete_invite_names_the_coach() {
        assert_eq!(
            describe(&invite(vec![Role::Athlete], "Cora Coach")),
            "Cora Coach invited you to Baton to be their athlete."
        );
    }

    #[test]
    fn a_setup_link_names_the_roles() {
        assert_eq!(
            describe(&invite(vec![Role::Admin], "Ada Admin")),
            "Ada Admin invited you to Baton as an admin."
        );
        assert_eq!(
            describe(&invite(vec![Role::Athlete, Role::Coach], "")),
            "Someone invited you to Baton as athlete and coach."
        );
    }
}
