//! The profile card: name, time zone, units and picture; a payment link
//! for coaches.

use yew::prelude::*;

use super::MeProps;
use crate::{
    api::{ProfileChanges, Role, Units},
    components::{
        button::Button,
        card::Card,
        notice::{NoticeKind, form_error},
        select::SelectField,
        text_field::TextField,
    },
    forms,
    session::use_session,
};

#[component]
pub(super) fn Profile(props: &MeProps) -> Html {
    let session = use_session();
    let me = &props.me;
    let name = use_state(|| me.display_name.clone());
    let timezone = use_state(|| me.timezone.clone());
    let units = use_state(|| me.units);
    let avatar = use_state(|| me.avatar_url.clone());
    let payment = use_state(|| me.payment_link.clone());
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };
    let coach = me.has_role(Role::Coach);

    let onsubmit = {
        let (name, timezone, units, avatar, payment, submission) = (
            name.clone(),
            timezone.clone(),
            units.clone(),
            avatar.clone(),
            payment.clone(),
            submission.clone(),
        );
        let me = me.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let changed = |value: &str, old: &str| {
                let value = value.trim();
                (value != old).then(|| value.to_owned())
            };
            let changes = ProfileChanges {
                display_name: changed(&name, &me.display_name),
                timezone: changed(&timezone, &me.timezone),
                units: (*units != me.units).then_some(*units),
                avatar_url: changed(&avatar, &me.avatar_url),
                payment_link: if coach { changed(&payment, &me.payment_link) } else { None },
            };
            if changes == ProfileChanges::default() {
                session.notify(NoticeKind::Info, "Nothing to save: no changes.");
                return;
            }
            let api = session.api().clone();
            let session = session.clone();
            submission.send(async move { api.update_me(changes).await }, move |saved| {
                session.update_me(saved);
                session.notify(NoticeKind::Success, "Your profile is saved.");
            });
        })
    };
    let on_units = {
        let units = units.clone();
        Callback::from(move |key: String| units.set(Units::from_key(&key).unwrap_or_default()))
    };
    let busy = submission.busy();
    let error = submission.error();
    let field_error = |field: &str| forms::server_error(error, field);
    let unit_options = [Units::Metric, Units::Imperial]
        .map(|units| (AttrValue::from(units.key()), AttrValue::from(units.label())))
        .to_vec();
    html! {
        <Card title="Profile">
            <form class="form" {onsubmit}>
                <TextField id="profile-name" label="Display name" autocomplete="name" required=true
                    disabled={busy} value={(*name).clone()} oninput={forms::bind(&name)}
                    error={field_error("display_name")} />
                <TextField id="profile-timezone" label="Time zone"
                    hint="IANA name, e.g. Europe/Berlin. Scheduled workout days use it."
                    disabled={busy} value={(*timezone).clone()} oninput={forms::bind(&timezone)}
                    error={field_error("timezone")} />
                <SelectField id="profile-units" label="Units" value={units.key()}
                    options={unit_options} onchange={on_units} disabled={busy}
                    error={field_error("units")} />
                <TextField id="profile-avatar" label="Picture URL" input_type="url"
                    hint="An https address of a picture of you; leave empty for none."
                    disabled={busy} value={(*avatar).clone()} oninput={forms::bind(&avatar)}
                    error={field_error("avatar_url")} />
                if coach {
                    <TextField id="profile-payment" label="Payment link" input_type="url"
                        hint="An https address where your athletes pay you; they see it under My coaches."
                        disabled={busy} value={(*payment).clone()} oninput={forms::bind(&payment)}
                        error={field_error("payment_link")} />
                }
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={busy}>{ if busy { "Saving…" } else { "Save profile" } }</Button>
            </form>
        </Card>
    }
}
