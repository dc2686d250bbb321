//! Ticking the roles a user holds: one checkbox per role, in a group.

use yew::prelude::*;

use super::checkbox::{Checkbox, checkbox_group};
use crate::api::Role;

#[derive(Properties, PartialEq)]
pub struct RolePickerProps {
    /// Prefix of the checkbox ids.
    pub id: AttrValue,
    pub roles: Vec<Role>,
    /// The roles ticked after a click, in [`Role::ALL`] order.
    pub onchange: Callback<Vec<Role>>,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

#[component]
pub fn RolePicker(props: &RolePickerProps) -> Html {
    let checkboxes: Html = Role::ALL
        .into_iter()
        .map(|role| {
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
        })
        .collect();
    checkbox_group("Roles", props.error.clone(), checkboxes)
}
