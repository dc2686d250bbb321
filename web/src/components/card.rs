//! A card: a titled panel of related content.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    #[prop_or_default]
    pub title: Option<AttrValue>,
    pub children: Html,
}

#[component]
pub fn Card(props: &CardProps) -> Html {
    html! {
        <section class="card">
            if let Some(title) = &props.title {
                <h2 class="card__title">{ title.clone() }</h2>
            }
            <div class="card__body">{ props.children.clone() }</div>
        </section>
    }
}
