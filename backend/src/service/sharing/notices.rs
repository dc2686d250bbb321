//! The notifications sharing makes, in plain words: an athlete hears of
//! new shares and withdrawn ones, a coach of imports, both of failures.

use uuid::Uuid;

use super::{DELETED_USER, SharingService};
use crate::{
    domain::{NewNotification, NotificationKind, Share, ShareFailure},
    error::Result,
    store::{Connection, users},
};

/// Names shown in a "shared" notice before "and N more".
const NAMES_SHOWN: usize = 3;

impl SharingService {
    /// The display name a notice gives `user_id`.
    pub(super) async fn name<C: Connection>(&self, db: &C, user_id: Uuid) -> Result<String> {
        let found = users::find_many(db, &[user_id]).await?;
        Ok(found
            .into_iter()
            .next()
            .map_or_else(|| DELETED_USER.to_owned(), |user| user.display_name))
    }
}

/// A share just made, as its notice names it.
pub(super) struct NewShareNotice {
    pub share_id: Uuid,
    pub athlete_id: Uuid,
    pub workout_name: String,
}

/// One notice per athlete for the shares a coach just made for them.
pub(super) fn shared(
    coach_id: Uuid,
    coach_name: &str,
    shares: &[NewShareNotice],
) -> Vec<NewNotification> {
    let mut by_athlete: Vec<(Uuid, Vec<&NewShareNotice>)> = Vec::new();
    for share in shares {
        match by_athlete.iter_mut().find(|(athlete, _)| *athlete == share.athlete_id) {
            Some((_, list)) => list.push(share),
            None => by_athlete.push((share.athlete_id, vec![share])),
        }
    }
    by_athlete
        .into_iter()
        .map(|(athlete_id, list)| {
            let count = list.len();
            let title = if count == 1 {
                format!("{coach_name} shared a workout with you")
            } else {
                format!("{coach_name} shared {count} workouts with you")
            };
            let mut names: Vec<&str> =
                list.iter().take(NAMES_SHOWN).map(|share| share.workout_name.as_str()).collect();
            let more = count.saturating_sub(NAMES_SHOWN);
            let extra = format!("and {more} more");
            if more > 0 {
                names.push(&extra);
            }
            NewNotification {
                user_id: athlete_id,
                kind: NotificationKind::ShareReceived,
                title,
                body: names.join(", "),
                share_id: Some(list[0].share_id),
                other_user_id: Some(coach_id),
            }
        })
        .collect()
}

/// The coach hears that the athlete has the workout.
pub(super) fn imported(share: &Share, athlete_name: &str) -> NewNotification {
    let scheduled = share
        .athlete_scheduled_date
        .map(|day| format!(", on their calendar on {day}"))
        .unwrap_or_default();
    NewNotification {
        user_id: share.coach_id,
        kind: NotificationKind::ShareImported,
        title: format!("{athlete_name} imported {}", share.workout.name),
        body: format!("It is in their Garmin Connect account{scheduled}."),
        share_id: Some(share.id),
        other_user_id: Some(share.athlete_id),
    }
}

/// The athlete and the coach hear that an import failed, and why.
pub(super) fn failed(
    share: &Share,
    failure: &ShareFailure,
    athlete_name: &str,
) -> [NewNotification; 2] {
    let workout = &share.workout.name;
    [
        NewNotification {
            user_id: share.athlete_id,
            kind: NotificationKind::ShareFailed,
            title: format!("{workout} could not be imported"),
            body: failure.message.clone(),
            share_id: Some(share.id),
            other_user_id: Some(share.coach_id),
        },
        NewNotification {
            user_id: share.coach_id,
            kind: NotificationKind::ShareFailed,
            title: format!("{workout} could not be imported for {athlete_name}"),
            body: failure.message.clone(),
            share_id: Some(share.id),
            other_user_id: Some(share.athlete_id),
        },
    ]
}

/// The athlete hears that the coach withdrew a share.
pub(super) fn revoked(share: &Share, coach_name: &str, copy_deleted: bool) -> NewNotification {
    NewNotification {
        user_id: share.athlete_id,
        kind: NotificationKind::ShareRevoked,
        title: format!("{coach_name} withdrew {}", share.workout.name),
        body: if copy_deleted {
            "It was removed from your Garmin Connect account and calendar.".to_owned()
        } else {
            String::new()
        },
        share_id: Some(share.id),
        other_user_id: Some(share.coach_id),
    }
}

/// The athlete hears that the coach replaced their copy with a new
/// version.
pub(super) fn updated(share: &Share, coach_name: &str) -> NewNotification {
    NewNotification {
        user_id: share.athlete_id,
        kind: NotificationKind::ShareUpdated,
        title: format!("{coach_name} updated {}", share.workout.name),
        body: "The copy in your Garmin Connect account now holds the new version; \
               it stays on your calendar."
            .to_owned(),
        share_id: Some(share.id),
        other_user_id: Some(share.coach_id),
    }
}
