//! One share's progress in an import: a bar per share that fills as the
//! stream reports it queued, importing, then imported or failed (with
//! why), in words beside it.

use yew::prelude::*;

use crate::api::{Share, ShareStatus};

/// Where one share of a running import stands.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum ImportState {
    /// Sent, nothing heard yet.
    Queued,
    /// As the stream last reported it.
    Reported(Box<Share>),
}

impl ImportState {
    pub(super) fn from_share(share: Share) -> Self {
        Self::Reported(Box::new(share))
    }
}

/// The bar and its words, for the share `id`.
pub(super) fn import_cell(id: &str, state: &ImportState) -> Html {
    let (done, words, failure) = match state {
        ImportState::Queued => (0, "Waiting to import".to_owned(), None),
        ImportState::Reported(share) => match share.status {
            ShareStatus::Importing => (1, "Importing into Garmin…".to_owned(), None),
            ShareStatus::Imported => (2, "Imported".to_owned(), None),
            ShareStatus::Failed => (2, "Failed".to_owned(), Some(share.last_error.clone())),
            ShareStatus::Revoked => (2, "Withdrawn by your coach".to_owned(), None),
            other => (0, other.label().to_owned(), None),
        },
    };
    let label_id = format!("import-progress-{id}-label");
    html! {
        <div class="progress progress--inline import-progress">
            <span class="progress__label" id={label_id.clone()} role="status" aria-live="polite">{ words }</span>
            <progress
                class="progress__bar"
                id={format!("import-progress-{id}")}
                value={done.to_string()}
                max="2"
                aria-labelledby={label_id}
            ></progress>
            if let Some(why) = failure.filter(|why| !why.is_empty()) {
                <span class="share-error attention">{ why }</span>
            }
        </div>
    }
}
