//! Admin → Users (`/admin/users`): create accounts (their one-time setup
//! link appears with a Copy button), find users (search, role, active,
//! paging), and manage one: edit, deactivate or activate, issue a password
//! reset link, sign them out everywhere, delete after confirming.

use std::rc::Rc;

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, CreatedUser, Me, OneTimeLink, Role, User, UserChanges, UserFilter},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        checkbox::{Checkbox, CheckboxGroup},
        confirm::ConfirmButton,
        copy_link::CopyLink,
        format::{browser_timezone, date_time},
        notice::{FormError, NoticeKind},
        progress::ProgressBar,
        select::SelectField,
        table::Table,
        text_field::TextField,
    },
    pages::{
        fetch::{Load, use_fetch},
        forms,
        guard::RequireSignIn,
    },
    session::use_session,
};

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
    let query = use_state(String::new);
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
    let apply = {
        let (filter, pages) = (filter.clone(), pages.clone());
        Callback::from(move |next: UserFilter| {
            if next != *filter {
                pages.set(vec![String::new()]);
                filter.set(next);
            }
        })
    };
    let on_search = {
        let (filter, query, apply) = (filter.clone(), query.clone(), apply.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            apply.emit(UserFilter { query: (*query).clone(), ..(*filter).clone() });
        })
    };
    let on_role = {
        let (filter, apply) = (filter.clone(), apply.clone());
        Callback::from(move |key: String| {
            apply.emit(UserFilter { role: Role::from_key(&key), ..(*filter).clone() });
        })
    };
    let on_active = {
        let (filter, apply) = (filter.clone(), apply.clone());
        Callback::from(move |key: String| {
            let active = match key.as_str() {
                "active" => Some(true),
                "inactive" => Some(false),
                _ => None,
            };
            apply.emit(UserFilter { active, ..(*filter).clone() });
        })
    };
    let on_query = {
        let query = query.clone();
        Callback::from(move |value: String| query.set(value))
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

    let role_options = std::iter::once((AttrValue::from(""), AttrValue::from("Any role")))
        .chain(Role::ALL.map(|role| (AttrValue::from(role.key()), AttrValue::from(role.label()))))
        .collect::<Vec<_>>();
    let active_options = vec![
        (AttrValue::from(""), AttrValue::from("Active and inactive")),
        (AttrValue::from("active"), AttrValue::from("Active only")),
        (AttrValue::from("inactive"), AttrValue::from("Inactive only")),
    ];
    let active_value = match filter.active {
        Some(true) => "active",
        Some(false) => "inactive",
        None => "",
    };

    let listing = match &*list.load {
        Load::Loading => html! { <ProgressBar label="Loading users…" /> },
        Load::Failed(err) => html! { <FormError text={AttrValue::from(err.to_string())} /> },
        Load::Ready(page) => {
            let rows = page
                .users
                .iter()
                .map(|user| {
                    let onclick = {
                        let (selected, user) = (selected.clone(), user.clone());
                        Callback::from(move |_| selected.set(Some(user.clone())))
                    };
                    vec![
                        html! { user.display_name.clone() },
                        html! { user.email.clone() },
                        html! { roles_badges(&user.roles) },
                        html! { status_badge(user) },
                        html! { date_time(user.last_sign_in) },
                        html! {
                            <Button kind={ButtonKind::Secondary} {onclick}>
                                { "Manage" }<span class="visually-hidden">{ format!(" {}", user.display_name) }</span>
                            </Button>
                        },
                    ]
                })
                .collect::<Vec<_>>();
            let page_number = pages.len();
            let previous = {
                let pages = pages.clone();
                Callback::from(move |_| {
                    let mut tokens = (*pages).clone();
                    if tokens.len() > 1 {
                        tokens.pop();
                        pages.set(tokens);
                    }
                })
            };
            let next = {
                let (pages, token) = (pages.clone(), page.next_page_token.clone());
                Callback::from(move |_| {
                    let mut tokens = (*pages).clone();
                    tokens.push(token.clone());
                    pages.set(tokens);
                })
            };
            html! {
                <>
                    <p class="muted" aria-live="polite">
                        { format!("{} {} found.", page.total, if page.total == 1 { "user" } else { "users" }) }
                    </p>
                    <Table
                        caption={format!("Users, page {page_number}")}
                        headings={["Name", "Email", "Roles", "Status", "Last sign-in", "Action"].map(AttrValue::Static).to_vec()}
                        {rows}
                        empty="No users match."
                    />
                    <nav class="pager" aria-label="Pages of users">
                        <Button kind={ButtonKind::Secondary} disabled={page_number <= 1 || list.busy} onclick={previous}>
                            { "Previous" }
                        </Button>
                        <span class="pager__page">{ format!("Page {page_number}") }</span>
                        <Button kind={ButtonKind::Secondary} disabled={page.next_page_token.is_empty() || list.busy} onclick={next}>
                            { "Next" }
                        </Button>
                    </nav>
                </>
            }
        }
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
                <form class="filters" onsubmit={on_search} role="search">
                    <TextField
                        id="user-search"
                        label="Search by name or email"
                        input_type="search"
                        value={(*query).clone()}
                        oninput={on_query}
                    />
                    <SelectField
                        id="role-filter"
                        label="Role"
                        value={filter.role.map_or("", Role::key)}
                        options={role_options}
                        onchange={on_role}
                    />
                    <SelectField
                        id="active-filter"
                        label="Status"
                        value={active_value}
                        options={active_options}
                        onchange={on_active}
                    />
                    <Button submit=true kind={ButtonKind::Secondary} busy={list.busy}>{ "Search" }</Button>
                </form>
                { listing }
            </Card>
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

fn status_badge(user: &User) -> Html {
    if !user.active {
        html! { <span class="badge badge--muted">{ "Inactive" }</span> }
    } else if !user.has_password && !user.google_linked {
        html! { <span class="badge badge--attention">{ "Setup pending" }</span> }
    } else {
        html! { <span class="badge badge--ok">{ "Active" }</span> }
    }
}

#[derive(Properties, PartialEq)]
struct CreateUserFormProps {
    on_created: Callback<()>,
}

#[component]
fn CreateUserForm(props: &CreateUserFormProps) -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let name = use_state(String::new);
    let roles = use_state(|| vec![Role::Coach]);
    let timezone = use_state(browser_timezone);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let created = use_state(|| None::<CreatedUser>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (email, name, roles, timezone, busy, error, created, on_created) = (
            email.clone(),
            name.clone(),
            roles.clone(),
            timezone.clone(),
            busy.clone(),
            error.clone(),
            created.clone(),
            props.on_created.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            created.set(None);
            let (session, busy, error, created, on_created) =
                (session.clone(), busy.clone(), error.clone(), created.clone(), on_created.clone());
            let (email, name) = (email.clone(), name.clone());
            let request = (
                email.trim().to_owned(),
                name.trim().to_owned(),
                (*roles).clone(),
                timezone.trim().to_owned(),
            );
            spawn_local(async move {
                let (address, display_name, roles, timezone) = request;
                match session.api().create_user(address, display_name, roles, timezone).await {
                    Ok(user) => {
                        created.set(Some(user));
                        email.set(String::new());
                        name.set(String::new());
                        on_created.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = |field: &str| forms::server_error(&error, field);
    html! {
        <Card title="Create a user">
            <form class="form" {onsubmit}>
                <div class="form-row">
                    <TextField
                        id="new-user-email"
                        label="Email"
                        input_type="email"
                        autocomplete="off"
                        required=true
                        disabled={*busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                        error={field_error("email")}
                    />
                    <TextField
                        id="new-user-name"
                        label="Name"
                        autocomplete="off"
                        required=true
                        disabled={*busy}
                        value={(*name).clone()}
                        oninput={forms::bind(&name)}
                        error={field_error("display_name")}
                    />
                </div>
                <RolePicker id="new-user" roles={(*roles).clone()} onchange={{
                    let roles = roles.clone();
                    Callback::from(move |next| roles.set(next))
                }} disabled={*busy} error={field_error("roles")} />
                <TextField
                    id="new-user-timezone"
                    label="Time zone"
                    hint="IANA name, e.g. Europe/Berlin. The person can change it later."
                    disabled={*busy}
                    value={(*timezone).clone()}
                    oninput={forms::bind(&timezone)}
                    error={field_error("timezone")}
                />
                <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                <Button submit=true busy={*busy}>
                    { if *busy { "Creating…" } else { "Create user" } }
                </Button>
            </form>
            if let Some(created) = &*created {
                <div class="result">
                    <p>{ format!("{} ({}) was created.", created.user.display_name, created.user.email) }</p>
                    <CopyLink
                        id="setup-link"
                        label="Setup link"
                        url={created.setup_url.clone()}
                        hint={format!("Send it to them: it lets them set a password or use Google, once, until {}. It is shown only now.", date_time(created.expires))}
                    />
                </div>
            }
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct RolePickerProps {
    /// Prefix of the checkbox ids.
    id: AttrValue,
    roles: Vec<Role>,
    onchange: Callback<Vec<Role>>,
    #[prop_or_default]
    disabled: bool,
    #[prop_or_default]
    error: Option<AttrValue>,
}

#[component]
fn RolePicker(props: &RolePickerProps) -> Html {
    html! {
        <CheckboxGroup legend="Roles" error={props.error.clone()}>
            { for Role::ALL.into_iter().map(|role| {
                let onchange = {
                    let (roles, onchange) = (props.roles.clone(), props.onchange.clone());
                    Callback::from(move |checked: bool| {
                        let next = Role::ALL
                            .into_iter()
                            .filter(|r| if *r == role { checked } else { roles.contains(r) })
                            .collect();
                        onchange.emit(next);
                    })
                };
                html! {
                    <Checkbox
                        id={format!("{}-role-{}", props.id, role.key())}
                        label={role.label()}
                        checked={props.roles.contains(&role)}
                        disabled={props.disabled}
                        {onchange}
                    />
                }
            }) }
        </CheckboxGroup>
    }
}

#[derive(Properties, PartialEq)]
struct ManageUserProps {
    user: User,
    /// The admin looking at their own account.
    is_me: bool,
    /// The user as saved, or `None` once deleted.
    on_changed: Callback<Option<User>>,
    on_close: Callback<()>,
}

#[component]
fn ManageUser(props: &ManageUserProps) -> Html {
    let session = use_session();
    let user = &props.user;
    let name = use_state(|| user.display_name.clone());
    let email = use_state(|| user.email.clone());
    let roles = use_state(|| user.roles.clone());
    // Which action runs: "save", "active", "reset", "sessions", "delete".
    let busy = use_state(|| None::<&'static str>);
    let error = use_state(|| None::<ApiError>);
    let reset_link = use_state(|| None::<OneTimeLink>);
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |()| {
            if let Some(element) = heading.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let Some(session) = session else { return html! {} };

    // Runs one action; `done` gets the session and the action's result.
    let run = {
        let (busy, error) = (busy.clone(), error.clone());
        move |action: &'static str,
              work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>| {
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

    let on_save = {
        let (session, run, on_changed) = (session.clone(), run.clone(), props.on_changed.clone());
        let (name, email, roles, user) = (name.clone(), email.clone(), roles.clone(), user.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let changes = UserChanges {
                display_name: Some(name.trim().to_owned()).filter(|n| *n != user.display_name),
                email: Some(email.trim().to_owned()).filter(|e| *e != user.email),
                roles: Some((*roles).clone()).filter(|r| *r != user.roles),
                active: None,
            };
            let (session, on_changed, id) = (session.clone(), on_changed.clone(), user.id.clone());
            run(
                "save",
                Box::pin(async move {
                    let saved = session.api().update_user(id, changes).await?;
                    session.notify(NoticeKind::Success, format!("Saved {}.", saved.display_name));
                    on_changed.emit(Some(saved));
                    Ok(())
                }),
            );
        })
    };
    let on_toggle_active = {
        let (session, run, on_changed, user) =
            (session.clone(), run.clone(), props.on_changed.clone(), user.clone());
        Callback::from(move |()| {
            let (session, on_changed, user) = (session.clone(), on_changed.clone(), user.clone());
            run(
                "active",
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
                }),
            );
        })
    };
    let on_reset = {
        let (session, run, reset_link, id) =
            (session.clone(), run.clone(), reset_link.clone(), user.id.clone());
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
    let on_sessions = {
        let (session, run, user) = (session.clone(), run.clone(), user.clone());
        Callback::from(move |()| {
            let (session, user) = (session.clone(), user.clone());
            run(
                "sessions",
                Box::pin(async move {
                    let count = session.api().revoke_user_sessions(user.id.clone()).await?;
                    let sessions = if count == 1 { "session" } else { "sessions" };
                    session.notify(
                        NoticeKind::Success,
                        format!("Signed {} out of {count} {sessions}.", user.display_name),
                    );
                    Ok(())
                }),
            );
        })
    };
    let on_delete = {
        let (session, run, on_changed, user) =
            (session.clone(), run.clone(), props.on_changed.clone(), user.clone());
        Callback::from(move |()| {
            let (session, on_changed, user) = (session.clone(), on_changed.clone(), user.clone());
            run(
                "delete",
                Box::pin(async move {
                    session.api().delete_user(user.id.clone()).await?;
                    session.notify(NoticeKind::Success, format!("Deleted {}.", user.display_name));
                    on_changed.emit(None);
                    Ok(())
                }),
            );
        })
    };
    let field_error = |field: &str| forms::server_error(&error, field);
    let is = |action: &str| *busy == Some(action);
    let any_busy = busy.is_some();
    let close = props.on_close.reform(|_| ());

    html! {
        <section class="card card--focus" aria-labelledby="manage-user-title">
            <div class="page-head">
                <h2 class="card__title" id="manage-user-title" tabindex="-1" ref={heading}>
                    { format!("Manage {}", user.display_name) }
                </h2>
                <Button kind={ButtonKind::Secondary} onclick={close}>{ "Close" }</Button>
            </div>
            <p class="muted">
                { format!("Created {}. Last sign-in {}. ", date_time(user.created), date_time(user.last_sign_in)) }
                { sign_in_methods(user) }
            </p>
            <form class="form" onsubmit={on_save}>
                <div class="form-row">
                    <TextField
                        id="edit-user-name"
                        label="Name"
                        required=true
                        disabled={any_busy}
                        value={(*name).clone()}
                        oninput={forms::bind(&name)}
                        error={field_error("display_name")}
                    />
                    <TextField
                        id="edit-user-email"
                        label="Email"
                        input_type="email"
                        required=true
                        disabled={any_busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                        error={field_error("email")}
                    />
                </div>
                <RolePicker id="edit-user" roles={(*roles).clone()} onchange={{
                    let roles = roles.clone();
                    Callback::from(move |next| roles.set(next))
                }} disabled={any_busy} error={field_error("roles")} />
                <Button submit=true busy={is("save")} disabled={any_busy}>{ "Save changes" }</Button>
            </form>
            <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
            <h3 class="section-title">{ "Account actions" }</h3>
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
        </section>
    }
}

fn sign_in_methods(user: &User) -> String {
    match (user.has_password, user.google_linked) {
        (true, true) => "Signs in with a password or Google.".into(),
        (true, false) => "Signs in with a password.".into(),
        (false, true) => "Signs in with Google.".into(),
        (false, false) => "Has not set up a way to sign in yet.".into(),
    }
}
