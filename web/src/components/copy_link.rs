//! A one-time link to hand over: shown in a read-only field (select it to
//! copy by hand) with a Copy button that uses the clipboard, announcing
//! the result politely.

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::{platform::spawn_local, prelude::*};

use super::button::{Button, ButtonKind};

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// The field's id (also the prefix of its status id).
    pub id: AttrValue,
    pub label: AttrValue,
    pub url: AttrValue,
    /// E.g. when the link stops working.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let status = use_state(|| None::<&'static str>);
    let field = use_node_ref();
    {
        let status = status.clone();
        use_effect_with(props.url.clone(), move |_| status.set(None));
    }
    let onclick = {
        let (status, url, field) = (status.clone(), props.url.clone(), field.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                input.select();
            }
            let (status, url) = (status.clone(), url.clone());
            spawn_local(async move {
                let copied = match web_sys::window().map(|w| w.navigator().clipboard()) {
                    Some(clipboard) => JsFuture::from(clipboard.write_text(&url)).await.is_ok(),
                    None => false,
                };
                status.set(Some(if copied {
                    "Copied to the clipboard."
                } else {
                    "Couldn't copy: the link is selected, copy it with Ctrl+C or ⌘C."
                }));
            });
        })
    };
    let onfocus = Callback::from(|event: FocusEvent| {
        if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
            input.select();
        }
    });
    let hint_id = format!("{}-hint", props.id);
    html! {
        <div class="copy-link">
            <label class="field__label" for={props.id.clone()}>{ props.label.clone() }</label>
            <div class="copy-link__row">
                <input
                    class="field__input copy-link__input"
                    id={props.id.clone()}
                    type="text"
                    readonly=true
                    value={props.url.clone()}
                    ref={field}
                    aria-describedby={props.hint.as_ref().map(|_| hint_id.clone())}
                    {onfocus}
                />
                <Button kind={ButtonKind::Secondary} {onclick}>{ "Copy" }</Button>
            </div>
            if let Some(hint) = &props.hint {
                <p class="field__hint" id={hint_id}>{ hint.clone() }</p>
            }
            <p class="copy-link__status" role="status" aria-live="polite">
                { status.unwrap_or_default() }
            </p>
        </div>
    }
}
