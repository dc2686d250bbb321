//! Where the person is signed in: each session with its device, address
//! and times, and a way to sign the others out.

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, SessionInfo},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        format::date_time,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
        table::Table,
    },
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[component]
pub(super) fn Sessions() -> Html {
    let session = use_session();
    let revoking = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let api = session.as_ref().map(|session| session.api().clone());
    let list = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.sessions().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let Some(session) = session else { return html! {} };
    let revoke = {
        let (revoking, error, reload) = (revoking.clone(), error.clone(), list.reload.clone());
        Callback::from(move |id: String| {
            revoking.set(Some(id.clone()));
            error.set(None);
            let (session, revoking, error, reload) =
                (session.clone(), revoking.clone(), error.clone(), reload.clone());
            spawn_local(async move {
                match session.api().revoke_session(id).await {
                    Ok(()) => {
                        session.notify(NoticeKind::Success, "That session is signed out.");
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
                revoking.set(None);
            });
        })
    };
    let rows = |sessions: &[SessionInfo]| -> Vec<Vec<Html>> {
        sessions
            .iter()
            .map(|s| {
                let action = if s.current {
                    html! { <span class="badge badge--ok">{ "This device" }</span> }
                } else {
                    let onclick = {
                        let (revoke, id) = (revoke.clone(), s.id.clone());
                        Callback::from(move |_| revoke.emit(id.clone()))
                    };
                    let busy = revoking.as_deref() == Some(s.id.as_str());
                    html! { <Button kind={ButtonKind::Secondary} {busy} {onclick}>{ "Sign out" }</Button> }
                };
                vec![
                    html! { <span class="device">{ device(&s.user_agent) }</span> },
                    html! { s.address.clone() },
                    html! { date_time(s.signed_in.or(s.created)) },
                    html! { date_time(s.last_used) },
                    action,
                ]
            })
            .collect()
    };
    html! {
        <Card title="Where you're signed in">
            { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
            { match &*list.load {
                Load::Loading => progress_bar("Loading sessions…"),
                Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
                Load::Ready(sessions) => html! {
                    <Table
                        caption="Your signed-in sessions, most recently used first"
                        headings={["Device", "Address", "Signed in", "Last used", "Action"].map(AttrValue::Static).to_vec()}
                        rows={rows(sessions)}
                        empty="No sessions."
                    />
                },
            } }
        </Card>
    }
}

/// A short name for a browser from its User-Agent, e.g. "Chrome on Linux".
fn device(user_agent: &str) -> String {
    if user_agent.is_empty() {
        return "Unknown device".into();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0 Chrome/140.0 Safari/537.36";
        assert_eq!(device(chrome), "Chrome on Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(iphone), "Safari on iPhone");
        assert_eq!(device(""), "Unknown device");
        assert_eq!(device("grpcurl/1.8.6"), "grpcurl/1.8.6");
    }
}
