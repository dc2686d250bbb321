//! A Garmin link at a glance: its status as a badge, and the facts of the
//! signed-in user's own link (who, how, when last verified, what went
//! wrong, when Garmin lets Baton call again).

use yew::prelude::*;

use super::format::{clock_time, clock_time_after, date_time};
use crate::api::{ApiError, GarminConnection, GarminStatus};

/// The status as a coloured badge whose words say it all.
pub fn garmin_badge(status: GarminStatus) -> Html {
    let tone = match status {
        GarminStatus::Connected => "badge--ok",
        GarminStatus::NeedsRelogin | GarminStatus::Error => "badge--attention",
        GarminStatus::RateLimited | GarminStatus::MfaPending => "badge--warning",
        GarminStatus::NotConnected => "badge--muted",
    };
    html! { <span class={classes!("badge", tone)}>{ status.label() }</span> }
}

/// An error in words; Garmin's rate limit with the time it ends ("after
/// 14:20"), which only the browser's clock can tell.
pub fn error_words(error: &ApiError) -> String {
    match error {
        ApiError::GarminRateLimited { retry_after: Some(wait) } => {
            format!("{error} (Garmin lets Baton try again after {}.)", clock_time_after(*wait))
        }
        other => other.to_string(),
    }
}

/// "rate limited by Garmin until 14:20", when it is.
pub fn rate_limit_words(connection: &GarminConnection) -> Option<String> {
    (connection.status == GarminStatus::RateLimited || connection.rate_limited_until.is_some())
        .then(|| match connection.rate_limited_until {
            Some(_) => format!(
                "Rate limited by Garmin until {}. Baton waits until then before calling Garmin for this account.",
                clock_time(connection.rate_limited_until)
            ),
            None => "Rate limited by Garmin for now. Baton waits a while before calling Garmin again."
                .to_owned(),
        })
}

#[derive(Properties, PartialEq)]
pub struct ConnectionDetailsProps {
    pub connection: GarminConnection,
}

/// The facts of the user's link, as a description list.
#[component]
pub fn ConnectionDetails(props: &ConnectionDetailsProps) -> Html {
    let c = &props.connection;
    if !c.status.is_linked() {
        return html! {
            <div class="facts">
                <p id="garmin-status">{ garmin_badge(c.status) }</p>
                <p>{ "No Garmin account is connected. Connect one below to use your Garmin workouts in Baton." }</p>
            </div>
        };
    }
    let account = match (c.full_name.is_empty(), c.display_name.is_empty()) {
        (false, false) if c.full_name != c.display_name => {
            format!("{} ({})", c.full_name, c.display_name)
        }
        (false, _) => c.full_name.clone(),
        (true, false) => c.display_name.clone(),
        (true, true) => "—".to_owned(),
    };
    let last_sync = if c.last_sync.is_some() { date_time(c.last_sync) } else { "Never".to_owned() };
    html! {
        <dl class="facts">
            <div class="facts__row">
                <dt>{ "Status" }</dt>
                <dd id="garmin-status">{ garmin_badge(c.status) }</dd>
            </div>
            if let Some(words) = rate_limit_words(c) {
                <div class="facts__row">
                    <dt>{ "Rate limit" }</dt>
                    <dd id="garmin-rate-limit">{ words }</dd>
                </div>
            }
            <div class="facts__row">
                <dt>{ "Garmin account" }</dt>
                <dd id="garmin-account">{ account }</dd>
            </div>
            <div class="facts__row">
                <dt>{ "Connected with" }</dt>
                <dd>{ format!("{} · {}", c.method.label(), date_time(c.connected)) }</dd>
            </div>
            <div class="facts__row">
                <dt>{ "Last verified" }</dt>
                <dd>{ date_time(c.last_verified) }</dd>
            </div>
            <div class="facts__row">
                <dt>{ "Library synced" }</dt>
                <dd>{ last_sync }</dd>
            </div>
            if !c.last_error.is_empty() {
                <div class="facts__row">
                    <dt>{ "Last problem" }</dt>
                    <dd class="attention" id="garmin-last-error">
                        { format!("{} ({})", c.last_error, date_time(c.last_error_time)) }
                    </dd>
                </div>
            }
        </dl>
    }
}
