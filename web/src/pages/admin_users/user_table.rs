//! One page of the user list: a row per user (roles, status, how they sign
//! in, last sign-in, Manage) and the pager.

use yew::prelude::*;

use crate::{
    api::{Role, SignInMethod, User, UserPage},
    components::{
        button::{Button, ButtonKind},
        format::date_time,
        table::Table,
    },
};

#[derive(Properties, PartialEq)]
pub(super) struct UserTableProps {
    pub page: UserPage,
    /// 1 for the first page.
    pub page_number: usize,
    /// A page is loading: the pager waits.
    pub busy: bool,
    pub on_manage: Callback<User>,
    pub on_previous: Callback<()>,
    /// Gets the next page's token.
    pub on_next: Callback<String>,
}

#[component]
pub(super) fn UserTable(props: &UserTableProps) -> Html {
    let page = &props.page;
    let rows = page
        .users
        .iter()
        .map(|user| {
            let onclick = {
                let (on_manage, user) = (props.on_manage.clone(), user.clone());
                Callback::from(move |_| on_manage.emit(user.clone()))
            };
            vec![
                html! { user.display_name.clone() },
                html! { user.email.clone() },
                html! { roles_badges(&user.roles) },
                html! { status_badge(user) },
                html! { methods_badges(&user.sign_in_methods()) },
                html! { date_time(user.last_sign_in) },
                html! {
                    <Button kind={ButtonKind::Secondary} {onclick}>
                        { "Manage" }<span class="visually-hidden">{ format!(" {}", user.display_name) }</span>
                    </Button>
                },
            ]
        })
        .collect::<Vec<_>>();
    let page_number = props.page_number;
    let previous = props.on_previous.reform(|_| ());
    let next = {
        let (on_next, token) = (props.on_next.clone(), page.next_page_token.clone());
        Callback::from(move |_| on_next.emit(token.clone()))
    };
    let headings = ["Name", "Email", "Roles", "Status", "Signs in with", "Last sign-in", "Action"];
    html! {
        <>
            <p class="muted" aria-live="polite">
                { format!("{} {} found.", page.total, if page.total == 1 { "user" } else { "users" }) }
            </p>
            <Table
                caption={format!("Users, page {page_number}")}
                headings={headings.map(AttrValue::Static).to_vec()}
                {rows}
                empty="No users match."
            />
            <nav class="pager" aria-label="Pages of users">
                <Button kind={ButtonKind::Secondary} disabled={page_number <= 1 || props.busy} onclick={previous}>
                    { "Previous" }
                </Button>
                <span class="pager__page">{ format!("Page {page_number}") }</span>
                <Button kind={ButtonKind::Secondary} disabled={page.next_page_token.is_empty() || props.busy} onclick={next}>
                    { "Next" }
                </Button>
            </nav>
        </>
    }
}

fn roles_badges(roles: &[Role]) -> Html {
    html! {
        <ul class="badges">
            { for roles.iter().map(|role| html! { <li class="badge">{ role.label() }</li> }) }
        </ul>
    }
}

fn methods_badges(methods: &[SignInMethod]) -> Html {
    if methods.is_empty() {
        return html! { <span class="muted">{ "—" }</span> };
    }
    let label = |method: &SignInMethod| match method {
        SignInMethod::Password => "Password",
        SignInMethod::Google => "Google",
    };
    html! {
        <ul class="badges">
            { for methods.iter().map(|method| html! { <li class="badge">{ label(method) }</li> }) }
        </ul>
    }
}

fn status_badge(user: &User) -> Html {
    if !user.active {
        html! { <span class="badge badge--muted">{ "Inactive" }</span> }
    } else if user.sign_in_methods().is_empty() {
        html! { <span class="badge badge--attention">{ "Setup pending" }</span> }
    } else {
        html! { <span class="badge badge--ok">{ "Active" }</span> }
    }
}
