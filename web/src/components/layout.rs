//! The page shell: skip link, header with brand, main navigation and
//! account controls, the main area, and the notice area.

use yew::prelude::*;

use super::button::{Button, ButtonKind};

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    /// The brand link; a plain link to `/` unless the app passes a router link.
    #[prop_or_default]
    pub brand: Option<Html>,
    /// The main navigation's links (already filtered by role).
    #[prop_or_default]
    pub nav: Option<Html>,
    /// The signed-in person's name; `None` when signed out.
    #[prop_or_default]
    pub user_name: Option<AttrValue>,
    /// Shown as a "Sign out" button when set.
    #[prop_or_default]
    pub on_sign_out: Option<Callback<()>>,
    /// The notice area, rendered under the header.
    #[prop_or_default]
    pub notices: Html,
    pub children: Html,
}

#[component]
pub fn Shell(props: &ShellProps) -> Html {
    let brand =
        props.brand.clone().unwrap_or_else(|| html! { <a class="brand" href="/">{ "Baton" }</a> });
    html! {
        <div class="shell">
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <header class="shell__header">
                { brand }
                if let Some(nav) = &props.nav {
                    <nav class="menu" aria-label="Main">
                        <ul class="menu__list">{ nav.clone() }</ul>
                    </nav>
                }
                <div class="nav" aria-label="Account" role="group">
                    if let Some(name) = &props.user_name {
                        <span class="nav__user">{ name.clone() }</span>
                    }
                    if let Some(on_sign_out) = &props.on_sign_out {
                        <Button kind={ButtonKind::Secondary} onclick={on_sign_out.reform(|_| ())}>
                            { "Sign out" }
                        </Button>
                    }
                </div>
            </header>
            { props.notices.clone() }
            <main class="shell__main" id="main" tabindex="-1">
                { props.children.clone() }
            </main>
        </div>
    }
}
