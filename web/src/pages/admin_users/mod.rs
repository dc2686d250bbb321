//! Admin → Users (`/admin/users`): create accounts (their one-time setup
//! link appears with a Copy button), find users (search, role, active,
//! paging), and manage one: edit, deactivate or activate, issue a password
//! reset link, sign them out everywhere, remove their Google sign-in,
//! delete after confirming.
//!
//! `Users` holds the filter, the page and the selection; the parts are
//! [`create_user`], [`filters`], [`user_table`], [`manage_user`] and its
//! [`user_actions`].

mod create_user;
mod filters;
mod manage_user;
mod user_actions;
mod user_table;

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    api::{ApiError, Me, Role, User, UserFilter},
    app::guard::RequireSignIn,
    components::{card::Card, notice::form_error, progress::progress_bar},
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};
use create_user::CreateUserForm;
use filters::UserFilters;
use manage_user::ManageUser;
use user_table::UserTable;

#[component]
pub fn AdminUsers() -> Html {
    html! {
        <RequireSignIn
            role={Role::Admin}
            render={Callback::from(|me: Rc<Me>| html! { <Users me_id={me.id.clone()} /> })}
        />
    }
}

#[derive(Properties, PartialEq)]
struct UsersProps {
    me_id: String,
}

#[component]
fn Users(props: &UsersProps) -> Html {
    let session = use_session();
    let filter = use_state(UserFilter::default);
    // Page tokens of the pages before this one, then this one's.
    let pages = use_state(|| vec![String::new()]);
    let selected = use_state(|| None::<User>);
    let api = session.as_ref().map(|session| session.api().clone());
    let current_token = pages.last().cloned().unwrap_or_default();
    let list = use_fetch(((*filter).clone(), current_token), move |(filter, token)| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.list_users(&filter, token).await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });

    // A changed filter starts again at the first page.
    let on_filter = {
        let (filter, pages) = (filter.clone(), pages.clone());
        Callback::from(move |next: UserFilter| {
            if next != *filter {
                pages.set(vec![String::new()]);
                filter.set(next);
            }
        })
    };
    let on_previous = {
        let pages = pages.clone();
        Callback::from(move |()| {
            let mut tokens = (*pages).clone();
            if tokens.len() > 1 {
                tokens.pop();
                pages.set(tokens);
            }
        })
    };
    let on_next = {
        let pages = pages.clone();
        Callback::from(move |token: String| {
            let mut tokens = (*pages).clone();
            tokens.push(token);
            pages.set(tokens);
        })
    };
    let on_manage = {
        let selected = selected.clone();
        Callback::from(move |user: User| selected.set(Some(user)))
    };
    let on_created = list.reload.clone();
    let on_changed = {
        let (selected, reload) = (selected.clone(), list.reload.clone());
        Callback::from(move |user: Option<User>| {
            selected.set(user);
            reload.emit(());
        })
    };
    let on_close = {
        let selected = selected.clone();
        Callback::from(move |()| selected.set(None))
    };

    let listing = match &*list.load {
        Load::Loading => progress_bar("Loading users…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(page) => html! {
            <UserTable
                page={page.clone()}
                page_number={pages.len()}
                busy={list.busy}
                {on_manage}
                {on_previous}
                {on_next}
            />
        },
    };
    html! {
        <>
            <h1 class="page-title">{ "Users" }</h1>
            <CreateUserForm {on_created} />
            if let Some(user) = &*selected {
                <ManageUser
                    key={user.id.clone()}
                    user={user.clone()}
                    is_me={user.id == props.me_id}
                    {on_changed}
                    {on_close}
                />
            }
            <Card title="All users">
                <UserFilters filter={(*filter).clone()} busy={list.busy} onchange={on_filter} />
                { listing }
            </Card>
        </>
    }
}
