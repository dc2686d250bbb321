//! The account actions on one user: deactivate or activate, issue a
//! password reset link, sign out everywhere, remove Google sign-in, delete.
//! One runs at a time; the destructive ones ask first.

use std::{future::Future, pin::Pin};

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, OneTimeLink, SessionsEnded, User, UserChanges},
    components::{
        button::{Button, ButtonKind},
        confirm::ConfirmButton,
        copy_link::CopyLink,
        format::{date_time, sign_in_methods},
        notice::{NoticeKind, form_error},
    },
    session::{Session, use_session},
};

/// An action's work, including what it tells the admin.
type Work = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;
/// Starts an action's work for the session, the user and `on_changed`.
type Start = fn(Session, User, Callback<Option<User>>) -> Work;

#[derive(Properties, PartialEq)]
pub(super) struct UserActionsProps {
    pub user: User,
    /// The admin looking at their own account.
    pub is_me: bool,
    /// The user as saved, or `None` once deleted.
    pub on_changed: Callback<Option<User>>,
}

#[component]
pub(super) fn UserActions(props: &UserActionsProps) -> Html {
    let session = use_session();
    // Which action runs: "active", "reset", "sessions", "google", "delete".
    let busy = use_state(|| None::<&'static str>);
    let error = use_state(|| None::<ApiError>);
    let reset_link = use_state(|| None::<OneTimeLink>);
    let Some(session) = session else { return html! {} };
    let user = &props.user;

    let run = {
        let (busy, error) = (busy.clone(), error.clone());
        move |action: &'static str, work: Work| {
            busy.set(Some(action));
            error.set(None);
            let (busy, error) = (busy.clone(), error.clone());
            spawn_local(async move {
                if let Err(err) = work.await {
                    error.set(Some(err));
                }
                busy.set(None);
            });
        }
    };
    let action = |name: &'static str, start: Start| {
        let (run, session, user, on_changed) =
            (run.clone(), session.clone(), user.clone(), props.on_changed.clone());
        Callback::from(move |()| {
            run(name, start(session.clone(), user.clone(), on_changed.clone()))
        })
    };
    let on_toggle_active = action("active", |session, user, on_changed| {
        Box::pin(async move {
            let changes = UserChanges { active: Some(!user.active), ..Default::default() };
            let saved = session.api().update_user(user.id.clone(), changes).await?;
            let text = if saved.active {
                format!("{} can sign in again.", saved.display_name)
            } else {
                format!("{} is deactivated and signed out everywhere.", saved.display_name)
            };
            session.notify(NoticeKind::Success, text);
            on_changed.emit(Some(saved));
            Ok(())
        })
    });
    let on_sessions = action("sessions", |session, user, _| {
        Box::pin(async move {
            let ended = session.api().revoke_user_sessions(user.id.clone()).await?;
            session.notify(NoticeKind::Success, signed_out_everywhere(&user.display_name, &ended));
            Ok(())
        })
    });
    let on_unlink_google = action("google", |session, user, on_changed| {
        Box::pin(async move {
            let saved = session.api().unlink_google(user.id.clone()).await?;
            let text = if saved.sign_in_methods().is_empty() {
                format!(
                    "Removed Google sign-in from {}. They have no way to sign in now: issue a password reset link.",
                    saved.display_name
                )
            } else {
                format!("Removed Google sign-in from {}.", saved.display_name)
            };
            session.notify(NoticeKind::Success, text);
            on_changed.emit(Some(saved));
            Ok(())
        })
    });
    let on_delete = action("delete", |session, user, on_changed| {
        Box::pin(async move {
            session.api().delete_user(user.id.clone()).await?;
            session.notify(NoticeKind::Success, format!("Deleted {}.", user.display_name));
            on_changed.emit(None);
            Ok(())
        })
    });
    let on_reset = {
        let (run, session, reset_link, id) =
            (run.clone(), session.clone(), reset_link.clone(), user.id.clone());
        Callback::from(move |_| {
            let (session, reset_link, id) = (session.clone(), reset_link.clone(), id.clone());
            run(
                "reset",
                Box::pin(async move {
                    let link = session.api().issue_password_reset(id).await?;
                    reset_link.set(Some(link));
                    Ok(())
                }),
            );
        })
    };
    let is = |action: &str| *busy == Some(action);
    let any_busy = busy.is_some();
    let unlink_question = if user.has_password {
        format!(
            "Remove Google sign-in from {}? They can still sign in with their password.",
            user.display_name
        )
    } else {
        format!(
            "Remove Google sign-in from {}? It is their only way to sign in: they can't sign in again until you issue a password reset link.",
            user.display_name
        )
    };

    html! {
        <>
            <h3 class="section-title">{ "Account actions" }</h3>
            { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
            <div class="actions">
                if !props.is_me {
                    if user.active {
                        <ConfirmButton
                            label="Deactivate"
                            question={format!("Deactivate {}? They are signed out and can't sign in until activated again.", user.display_name)}
                            confirm_label="Deactivate"
                            busy={is("active")}
                            onconfirm={on_toggle_active.clone()}
                        />
                    } else {
                        <Button kind={ButtonKind::Secondary} busy={is("active")} disabled={any_busy} onclick={on_toggle_active.reform(|_| ())}>
                            { "Activate" }
                        </Button>
                    }
                }
                if user.active {
                    <Button kind={ButtonKind::Secondary} busy={is("reset")} disabled={any_busy} onclick={on_reset}>
                        { "Issue password reset link" }
                    </Button>
                }
                <ConfirmButton
                    label="Sign out everywhere"
                    question={format!("End all of {}'s sessions? Each of their devices has to sign in again.", user.display_name)}
                    confirm_label="Sign out everywhere"
                    busy={is("sessions")}
                    onconfirm={on_sessions}
                />
                if user.google_linked {
                    <ConfirmButton
                        label="Remove Google sign-in"
                        question={unlink_question}
                        confirm_label="Remove Google sign-in"
                        busy={is("google")}
                        onconfirm={on_unlink_google}
                    />
                }
                if !props.is_me {
                    <ConfirmButton
                        label="Delete"
                        question={format!("Delete {} ({})? Their personal data is erased and this cannot be undone.", user.display_name, user.email)}
                        confirm_label="Delete for good"
                        busy={is("delete")}
                        onconfirm={on_delete}
                    />
                }
            </div>
            if let Some(link) = &*reset_link {
                <div class="result">
                    <CopyLink
                        id="reset-link"
                        label={format!("Password reset link for {}", user.display_name)}
                        url={link.url.clone()}
                        hint={format!("Send it to them. It works once, until {}; older reset links stop working.", date_time(link.expires))}
                    />
                </div>
            }
        </>
    }
}

/// What the admin is told after signing `name` out everywhere.
fn signed_out_everywhere(name: &str, ended: &SessionsEnded) -> String {
    let sessions = if ended.count == 1 { "session" } else { "sessions" };
    let again = match sign_in_methods(&ended.methods) {
        Some(methods) => format!("They can sign in again with {methods}."),
        None => "They have no way to sign in left: issue a password reset link.".to_owned(),
    };
    format!("Signed {name} out of {} {sessions}. {again}", ended.count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SignInMethod;

    #[test]
    fn signing_out_everywhere_says_how_the_user_gets_back_in() {
        let ended = SessionsEnded { count: 2, methods: vec![SignInMethod::Password] };
        assert_eq!(
            signed_out_everywhere("Cora", &ended),
            "Signed Cora out of 2 sessions. They can sign in again with a password."
        );
        let ended = SessionsEnded { count: 1, methods: vec![] };
        assert!(signed_out_everywhere("Cora", &ended).contains("issue a password reset link"));
    }
}
