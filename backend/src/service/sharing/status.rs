//! The athlete declining a share and the coach withdrawing one. Both are
//! conditional status changes, so they cannot cross an import that starts
//! at the same moment: whichever commits first wins and the other is told
//! why.

use uuid::Uuid;

use super::{ShareView, SharingService, Viewer, changes::ShareChanged, notices};
use crate::{
    domain::{AuditEvent, ClientInfo, Share, ShareStatus},
    error::{Error, Reason, Result},
    service::{Athlete, Coach},
    store::{audit, shares},
};

use ShareStatus::{Dismissed, Failed, Imported, Importing, Pending, Revoked};

impl SharingService {
    pub async fn dismiss(&self, athlete: &Athlete, id: Uuid) -> Result<ShareView> {
        let share = self.addressed_to(athlete.id(), id).await?;
        let share = match share.status {
            Dismissed => share,
            Pending | Failed => self.change(&share, &[Pending, Failed], Dismissed).await?,
            other => return Err(not_now(other)),
        };
        self.view(share, Viewer::Athlete).await
    }

    pub async fn revoke(
        &self,
        coach: &Coach,
        client: &ClientInfo,
        id: Uuid,
        delete_imported_copy: bool,
    ) -> Result<ShareView> {
        let share = shares::find(self.context.db.reader(), id)
            .await?
            .filter(|share| share.coach_id == coach.id())
            .ok_or(Error::PermissionDenied)?;
        let from: &[ShareStatus] = match share.status {
            Revoked => return self.view(share, Viewer::Coach).await,
            Pending | Failed | Dismissed => &[Pending, Failed, Dismissed],
            Imported if delete_imported_copy => {
                self.delete_copy(&share).await?;
                &[Imported]
            }
            other => return Err(not_now(other)),
        };
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        if !shares::transition(&txn, share.id, from, Revoked, now).await? {
            txn.rollback().await?;
            return Err(self.why_not(share.id).await);
        }
        if share.status == Imported {
            shares::clear_copy(&txn, share.id, now).await?;
        }
        let revoked = AuditEvent::new("sharing.revoked", now)
            .actor(coach.id())
            .subject(share.athlete_id)
            .resource("share", share.id)
            .summary(if share.status == Imported {
                "share withdrawn; the athlete's copy deleted from Garmin Connect"
            } else {
                "share withdrawn"
            })
            .client(client);
        audit::record(&txn, revoked).await?;
        // An athlete who dismissed it needs no word.
        let made = if matches!(share.status, Pending | Failed | Imported) {
            let coach = self.name(&txn, share.coach_id).await?;
            let notice = notices::revoked(&share, &coach, share.status == Imported);
            Some(self.context.notifications.record(&txn, &[notice], now).await?)
        } else {
            None
        };
        txn.commit().await?;
        if let Some(made) = made {
            self.context.notifications.announce(made);
        }
        self.announce(&share);
        let share = self.reread(share.id).await?;
        self.view(share, Viewer::Coach).await
    }

    /// Takes the athlete's copy off their calendar and out of their account.
    async fn delete_copy(&self, share: &Share) -> Result<()> {
        let Some(garmin_id) = share.athlete_garmin_workout_id else { return Ok(()) };
        let writer = self.garmin.writer(share.athlete_id).await?;
        if let Some(schedule_id) = share.athlete_schedule_id {
            writer.unschedule(schedule_id).await?;
        }
        writer.delete(garmin_id).await?;
        writer.succeeded().await
    }

    /// The share, when addressed to `athlete_id`; PERMISSION_DENIED otherwise.
    pub(super) async fn addressed_to(&self, athlete_id: Uuid, id: Uuid) -> Result<Share> {
        shares::find(self.context.db.reader(), id)
            .await?
            .filter(|share| share.athlete_id == athlete_id)
            .ok_or(Error::PermissionDenied)
    }

    async fn change(&self, share: &Share, from: &[ShareStatus], to: ShareStatus) -> Result<Share> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        if !shares::transition(&txn, share.id, from, to, now).await? {
            txn.rollback().await?;
            return Err(self.why_not(share.id).await);
        }
        txn.commit().await?;
        self.announce(share);
        self.reread(share.id).await
    }

    /// Why a change lost a race: the status the share has now.
    async fn why_not(&self, id: Uuid) -> Error {
        match self.reread(id).await {
            Ok(share) => not_now(share.status),
            Err(error) => error,
        }
    }

    pub(super) async fn reread(&self, id: Uuid) -> Result<Share> {
        shares::find(self.context.db.reader(), id)
            .await?
            .ok_or_else(|| Error::Internal(format!("share {id} vanished")))
    }

    pub(super) fn announce(&self, share: &Share) {
        self.changes.announce(ShareChanged {
            share_id: share.id,
            coach_id: share.coach_id,
            athlete_id: share.athlete_id,
        });
    }
}

/// The refusal for a share whose status does not allow the change.
fn not_now(status: ShareStatus) -> Error {
    match status {
        Importing => Error::refused(Reason::ShareImporting),
        Imported => Error::refused(Reason::ShareImported),
        Revoked => Error::refused(Reason::ShareRevoked),
        // Pending, failed and dismissed shares allow every change asked of
        // them; reaching here means the share moved on meanwhile.
        Pending | Failed | Dismissed => Error::refused(Reason::ShareImporting),
    }
}
