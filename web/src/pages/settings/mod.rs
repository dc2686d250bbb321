//! Settings (`/settings`): the profile ([`profile`]), the password
//! ([`password`]), Google sign-in ([`google`]: link or remove) and the
//! signed-in sessions ([`sessions`]). Changes to how the account signs in
//! may first need the person to confirm who they are ([`confirm`]); the
//! change then runs again by itself.

mod confirm;
mod google;
mod password;
mod profile;
mod sessions;

use std::rc::Rc;

use yew::prelude::*;

use crate::{api::Me, app::guard::RequireSignIn, hooks::recent_sign_in::NeedsConfirmation};
use confirm::Confirm;
use google::Google;
use password::Password;
use profile::Profile;
use sessions::Sessions;

#[component]
pub fn Settings() -> Html {
    html! {
        <RequireSignIn render={Callback::from(|me: Rc<Me>| html! { <SettingsFor {me} /> })} />
    }
}

#[derive(Properties, PartialEq)]
struct MeProps {
    pub me: Rc<Me>,
}

#[component]
fn SettingsFor(props: &MeProps) -> Html {
    let waiting = use_state(|| None::<NeedsConfirmation>);
    let ask = {
        let waiting = waiting.clone();
        Callback::from(move |needs: NeedsConfirmation| waiting.set(Some(needs)))
    };
    let on_close = {
        let waiting = waiting.clone();
        Callback::from(move |()| waiting.set(None))
    };
    let me = &props.me;
    html! {
        <>
            <h1 class="page-title">{ "Settings" }</h1>
            if let Some(needs) = &*waiting {
                <Confirm me={me.clone()} needs={needs.clone()} {on_close} />
            }
            <div class="grid">
                <Profile me={me.clone()} />
                <Password me={me.clone()} ask={ask.clone()} />
                <Google me={me.clone()} {ask} />
            </div>
            <Sessions />
        </>
    }
}
