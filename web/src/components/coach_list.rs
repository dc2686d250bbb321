//! An athlete's coaches, each with a way to pay them when they gave one.

use yew::prelude::*;

use crate::api::Coach;

/// The coaches as a list, or a sentence saying there are none.
pub fn coach_list(coaches: &[Coach]) -> Html {
    if coaches.is_empty() {
        return html! {
            <p class="table-empty">
                { "You have no coach yet. A coach adds you by sending you an invite link." }
            </p>
        };
    }
    html! {
        <ul class="people">
            { for coaches.iter().map(|coach| html! {
                <li class="person">
                    <div class="person__main">
                        <span class="person__name">{ coach.display_name.clone() }</span>
                        <a class="person__email" href={format!("mailto:{}", coach.email)}>{ coach.email.clone() }</a>
                    </div>
                    if !coach.payment_link.is_empty() {
                        <a
                            class="button button--secondary"
                            href={coach.payment_link.clone()}
                            target="_blank"
                            rel="noopener noreferrer"
                        >
                            { format!("Pay {}", coach.display_name) }
                        </a>
                    }
                </li>
            }) }
        </ul>
    }
}
