//! A share at a glance: its status as a badge (with why it failed), and
//! the day it is for.

use yew::prelude::*;

use crate::api::{Share, ShareStatus};

/// The status as a badge, with the failure or the Garmin day beside it.
pub fn status_cell(share: &Share) -> Html {
    let tone = match share.status {
        ShareStatus::Imported => "badge--ok",
        ShareStatus::Failed => "badge--attention",
        ShareStatus::Importing | ShareStatus::Pending => "badge--warning",
        ShareStatus::Dismissed | ShareStatus::Revoked => "badge--muted",
    };
    html! {
        <div class="share-state">
            <span class={classes!("badge", "share-status", tone)}>{ share.status.label() }</span>
            if share.status == ShareStatus::Failed && !share.last_error.is_empty() {
                <span class="share-error attention">{ format!(" {}", share.last_error) }</span>
            }
        </div>
    }
}

/// The day: the athlete's Garmin day once imported, else the coach's.
pub fn day_words(share: &Share) -> String {
    let day = if share.status == ShareStatus::Imported {
        &share.athlete_scheduled_date
    } else {
        &share.scheduled_date
    };
    if day.is_empty() { "Any day".to_owned() } else { day.clone() }
}
