//! Sharing workouts: the coach shares and follows their shares (and
//! withdraws one), the athlete reads the inbox, previews a share, imports
//! shares (progress arriving share by share) or dismisses one. Also the
//! signed-in user's notifications: how many are unread, marking them read,
//! and watching for new ones.

use baton_proto::{
    sharing::v1::{
        DismissShareRequest, GetShareRequest, ImportSharesRequest, ListIncomingSharesRequest,
        ListOutgoingSharesRequest, RevokeShareRequest, ShareImport, UpdateSharedCopiesRequest,
    },
    user::v1::{
        ListNotificationsRequest, MarkNotificationsReadRequest, NotificationKind,
        WatchNotificationsRequest, WatchNotificationsResponse,
    },
};

use super::{
    Api, ApiError, CopiesUpdated, ImportEvent, ImportItem, ImportSummary, Inbox, MAX_PAGES,
    OutgoingFilter, Share, ShareOutcome, SharePreview, ShareRequest, Workout, idempotency,
    rpc::{sharing, users},
};

/// Shares per page of a list.
const PAGE_SIZE: i32 = 200;

impl Api {
    /// Shares the workouts with the athletes (all at once or none); says
    /// per pair what was shared and what was skipped.
    pub async fn share_workouts(&self, request: &ShareRequest) -> Result<ShareOutcome, ApiError> {
        let response = idempotency::retry_if_lost(idempotency::new_key(), |key| {
            self.authed(sharing::SHARE_WORKOUTS, request.to_pb(key))
        })
        .await?;
        Ok(response.into())
    }

    /// The signed-in coach's shares, newest first.
    pub async fn outgoing_shares(&self, filter: &OutgoingFilter) -> Result<Vec<Share>, ApiError> {
        let mut shares = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListOutgoingSharesRequest {
                page_size: PAGE_SIZE,
                page_token,
                athlete_id: filter.athlete_id.clone(),
                workout_id: filter.workout_id.clone(),
                statuses: Vec::new(),
            };
            let response = self.authed(sharing::LIST_OUTGOING_SHARES, request).await?;
            shares.extend(response.shares.into_iter().map(Share::from));
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
        Ok(shares)
    }

    /// The signed-in athlete's inbox (withdrawn shares left out), newest
    /// first, with how many wait for them.
    pub async fn inbox(&self) -> Result<Inbox, ApiError> {
        let mut shares = Vec::new();
        let mut actionable = 0;
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListIncomingSharesRequest {
                page_size: PAGE_SIZE,
                page_token,
                statuses: Vec::new(),
                coach_id: String::new(),
            };
            let response = self.authed(sharing::LIST_INCOMING_SHARES, request).await?;
            shares.extend(response.shares.into_iter().map(Share::from));
            actionable = response.actionable_count;
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
        Ok(Inbox { shares, actionable })
    }

    /// One share with every step of its workout.
    pub async fn share(&self, share_id: String) -> Result<SharePreview, ApiError> {
        let response = self.authed(sharing::GET_SHARE, GetShareRequest { share_id }).await?;
        match (response.share, response.workout) {
            (Some(share), Some(workout)) => {
                Ok(SharePreview { share: share.into(), workout: Workout::from(workout) })
            }
            _ => Err(ApiError::Unexpected("the server sent no share".into())),
        }
    }

    /// Imports the shares into the athlete's Garmin account, handing each
    /// share to `on_event` as it starts and ends; returns the summary. The
    /// imports go on on the server if the page goes away.
    pub async fn import_shares(
        &self,
        items: &[ImportItem],
        on_share: &mut dyn FnMut(Share),
    ) -> Result<ImportSummary, ApiError> {
        let shares = items
            .iter()
            .map(|item| ShareImport {
                share_id: item.share_id.clone(),
                scheduled_date: item.date.clone(),
            })
            .collect();
        let mut summary = None;
        let mut on_reply = |reply| match ImportEvent::from_pb(reply) {
            Some(ImportEvent::Progress(share)) => on_share(*share),
            Some(ImportEvent::Summary(last)) => summary = Some(last),
            None => {}
        };
        self.authed_stream(sharing::IMPORT_SHARES, ImportSharesRequest { shares }, &mut on_reply)
            .await?;
        summary.ok_or_else(|| ApiError::Unexpected("the import ended without a summary".into()))
    }

    /// Declines a share; it may still be imported later.
    pub async fn dismiss_share(&self, share_id: String) -> Result<Share, ApiError> {
        let response =
            self.authed(sharing::DISMISS_SHARE, DismissShareRequest { share_id }).await?;
        response.share.map(Share::from).ok_or_else(no_share)
    }

    /// Withdraws one of the coach's shares; an imported one only with
    /// `delete_imported_copy` (which deletes it from the athlete's Garmin).
    pub async fn revoke_share(
        &self,
        share_id: String,
        delete_imported_copy: bool,
    ) -> Result<Share, ApiError> {
        let request = RevokeShareRequest { share_id, delete_imported_copy };
        let response = self.authed(sharing::REVOKE_SHARE, request).await?;
        response.share.map(Share::from).ok_or_else(no_share)
    }

    /// Pushes the current version of one of the coach's workouts onto its
    /// shares to `athlete_ids` (every athlete when empty): imported copies
    /// are replaced in place, waiting shares get the new version.
    pub async fn update_shared_copies(
        &self,
        workout_id: String,
        athlete_ids: Vec<String>,
    ) -> Result<CopiesUpdated, ApiError> {
        let request = UpdateSharedCopiesRequest { workout_id, athlete_ids };
        Ok(self.authed(sharing::UPDATE_SHARED_COPIES, request).await?.into())
    }

    /// Marks every notification of the signed-in user read, up to the
    /// newest; returns how many are left unread (newer ones).
    pub async fn mark_notifications_read(&self) -> Result<i32, ApiError> {
        let request =
            ListNotificationsRequest { page_size: 1, page_token: String::new(), unread_only: true };
        let newest = self.authed(users::LIST_NOTIFICATIONS, request).await?;
        let Some(up_to_time) = newest.notifications.into_iter().next().and_then(|n| n.create_time)
        else {
            return Ok(0);
        };
        let request = MarkNotificationsReadRequest {
            notification_ids: Vec::new(),
            up_to_time: Some(up_to_time),
        };
        let response = self.authed(users::MARK_NOTIFICATIONS_READ, request).await?;
        Ok(response.unread_count)
    }
}

/// What a notification watch tells the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotificationNews {
    /// The user's unread notifications now.
    pub unread: i32,
    /// Whether one of the user's shares may have changed: a share
    /// notification arrived, or the watch fell behind and cannot say.
    pub shares_changed: bool,
}

impl NotificationNews {
    /// None for a heartbeat, which says nothing new. The first message of
    /// a watch only counts; a later one without a notification is a gap.
    fn from_pb(message: WatchNotificationsResponse, first: bool) -> Option<Self> {
        if message.heartbeat {
            return None;
        }
        let shares_changed = match &message.notification {
            Some(notification) => notification.kind() != NotificationKind::GarminAttention,
            None => !first,
        };
        Some(Self { unread: message.unread_count, shares_changed })
    }
}

impl Api {
    /// Watches the signed-in user's notifications until the server ends the
    /// stream or it fails; each piece of news goes to `on_news`. Callers
    /// drop the future to stop watching (which closes the request) and call
    /// again to reconnect.
    pub async fn watch_notifications(
        &self,
        on_news: &mut dyn FnMut(NotificationNews),
    ) -> Result<(), ApiError> {
        let mut first = true;
        let mut on_reply = |reply| {
            if let Some(news) = NotificationNews::from_pb(reply, std::mem::take(&mut first)) {
                on_news(news);
            }
        };
        self.authed_stream(users::WATCH_NOTIFICATIONS, WatchNotificationsRequest {}, &mut on_reply)
            .await
    }
}

fn no_share() -> ApiError {
    ApiError::Unexpected("the server sent no share".into())
}
