//! The search form above the user list: text, role and active status. The
//! text applies on submit; the drop-downs at once.

use yew::prelude::*;

use crate::{
    api::{Role, UserFilter},
    components::{
        button::{Button, ButtonKind},
        select::SelectField,
        text_field::TextField,
    },
    forms,
};

#[derive(Properties, PartialEq)]
pub(super) struct UserFiltersProps {
    pub filter: UserFilter,
    /// A search is under way.
    pub busy: bool,
    pub onchange: Callback<UserFilter>,
}

#[component]
pub(super) fn UserFilters(props: &UserFiltersProps) -> Html {
    let query = use_state(|| props.filter.query.clone());
    let filter = &props.filter;

    let on_search = {
        let (filter, query, onchange) = (filter.clone(), query.clone(), props.onchange.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            onchange.emit(UserFilter { query: (*query).clone(), ..filter.clone() });
        })
    };
    let on_role = {
        let (filter, onchange) = (filter.clone(), props.onchange.clone());
        Callback::from(move |key: String| {
            onchange.emit(UserFilter { role: Role::from_key(&key), ..filter.clone() });
        })
    };
    let on_active = {
        let (filter, onchange) = (filter.clone(), props.onchange.clone());
        Callback::from(move |key: String| {
            let active = match key.as_str() {
                "active" => Some(true),
                "inactive" => Some(false),
                _ => None,
            };
            onchange.emit(UserFilter { active, ..filter.clone() });
        })
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
    html! {
        <form class="filters" onsubmit={on_search} role="search">
            <TextField
                id="user-search"
                label="Search by name or email"
                input_type="search"
                value={(*query).clone()}
                oninput={forms::bind(&query)}
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
            <Button submit=true kind={ButtonKind::Secondary} busy={props.busy}>{ "Search" }</Button>
        </form>
    }
}
