//! ImportShares: queue a durable job per share (in one transaction with the
//! shares' move to IMPORTING), then follow the shares until each has ended,
//! reporting a start and an end per share. The jobs do not depend on the
//! stream: closing it stops the following, never the imports.

use std::{collections::HashMap, time::Duration};

use tokio::sync::{broadcast::error::RecvError, mpsc};
use uuid::Uuid;

use super::{ShareView, SharingService, Viewer};
use crate::{
    domain::{CalendarDate, Share, ShareStatus},
    error::{Error, Result},
    service::Athlete,
    store::{jobs, shares},
};

/// How often a follower re-reads shares whose end it has not seen
/// announced (a worker on another replica may have ended them).
const REREAD_EVERY: Duration = Duration::from_secs(1);
/// Events buffered for a slow reader.
const EVENT_BUFFER: usize = 64;

/// One share to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportItem {
    pub share_id: Uuid,
    /// None keeps the share's day; Some(None) imports without scheduling.
    pub scheduled_date: Option<Option<CalendarDate>>,
}

/// One event of an import.
#[derive(Debug, Clone)]
pub enum ImportEvent {
    Progress { share: Box<ShareView>, already_imported: bool },
    Summary(ImportSummary),
}

/// The last event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub imported: u32,
    pub already_imported: u32,
    pub failed: u32,
    pub skipped: u32,
}

/// Where following a share stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Followed {
    Running,
    Done,
}

impl SharingService {
    /// Starts importing `items` (all addressed to the athlete, or nothing
    /// happens) and returns the progress events.
    pub async fn import(
        &self,
        athlete: &Athlete,
        items: &[ImportItem],
    ) -> Result<mpsc::Receiver<Result<ImportEvent>>> {
        self.garmin.require_link(athlete.id()).await?;
        let ids: Vec<Uuid> = items.iter().map(|item| item.share_id).collect();
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let found: HashMap<Uuid, Share> = shares::find_many(&txn, &ids)
            .await?
            .into_iter()
            .map(|share| (share.id, share))
            .collect();
        if ids.iter().any(|id| found.get(id).is_none_or(|share| share.athlete_id != athlete.id())) {
            return Err(Error::PermissionDenied);
        }
        // Each started share as it stood at commit: its start event.
        let mut started = Vec::new();
        for item in items {
            let share = &found[&item.share_id];
            if !share.status.is_importable() {
                continue;
            }
            let from = [share.status];
            if shares::transition(&txn, share.id, &from, ShareStatus::Importing, now).await? {
                let day = item.scheduled_date.unwrap_or(share.scheduled_date);
                jobs::enqueue_import(&txn, share.id, athlete.id(), day, now).await?;
                let mut importing = share.clone();
                importing.status = ShareStatus::Importing;
                importing.updated_at = now;
                started.push(importing);
            }
        }
        txn.commit().await?;
        self.settings.wake.notify_waiters();

        let (events, receiver) = mpsc::channel(EVENT_BUFFER);
        let service = self.clone();
        tokio::spawn(async move {
            if let Err(error) = service.follow(ids, started, &events).await {
                let _ = events.send(Err(error)).await;
            }
        });
        Ok(receiver)
    }

    /// Reports each share's start and end, then the summary.
    async fn follow(
        &self,
        ids: Vec<Uuid>,
        started: Vec<Share>,
        events: &mpsc::Sender<Result<ImportEvent>>,
    ) -> Result<()> {
        let mut changes = self.changes.subscribe();
        let mut summary = ImportSummary::default();
        let mut state: HashMap<Uuid, Followed> = HashMap::new();
        let started_ids: Vec<Uuid> = started.iter().map(|share| share.id).collect();
        for share in started {
            state.insert(share.id, Followed::Running);
            self.report(share, false, &mut summary, events).await?;
        }
        // The others as they stand: followed if importing, else at their end.
        let others: Vec<Uuid> =
            ids.iter().copied().filter(|id| !started_ids.contains(id)).collect();
        for share in self.read_in_order(&others).await? {
            let already = share.status == ShareStatus::Imported;
            let (id, ended) = self.report(share, already, &mut summary, events).await?;
            state.insert(id, if ended { Followed::Done } else { Followed::Running });
        }
        loop {
            let running: Vec<Uuid> = ids
                .iter()
                .copied()
                .filter(|id| state.get(id) == Some(&Followed::Running))
                .collect();
            if running.is_empty() {
                break;
            }
            // Wait for an announced change of ours, or re-read anyway.
            let wait = async {
                loop {
                    match changes.recv().await {
                        Ok(change) if running.contains(&change.share_id) => return,
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => return,
                        Err(RecvError::Closed) => std::future::pending::<()>().await,
                    }
                }
            };
            let _ = tokio::time::timeout(REREAD_EVERY, wait).await;
            if events.is_closed() {
                return Ok(());
            }
            for share in shares::find_many(self.context.db.reader(), &running).await? {
                if share.status != ShareStatus::Importing {
                    let id = share.id;
                    self.report(share, false, &mut summary, events).await?;
                    state.insert(id, Followed::Done);
                }
            }
        }
        let _ = events.send(Ok(ImportEvent::Summary(summary))).await;
        Ok(())
    }

    /// Sends the share's event; returns (its id, whether it has ended).
    async fn report(
        &self,
        share: Share,
        already_imported: bool,
        summary: &mut ImportSummary,
        events: &mpsc::Sender<Result<ImportEvent>>,
    ) -> Result<(Uuid, bool)> {
        let id = share.id;
        let ended = match share.status {
            ShareStatus::Importing => false,
            ShareStatus::Imported if already_imported => {
                summary.already_imported += 1;
                true
            }
            ShareStatus::Imported => {
                summary.imported += 1;
                true
            }
            ShareStatus::Failed => {
                summary.failed += 1;
                true
            }
            // Revoked (or dismissed or pending again: not this call's).
            _ => {
                summary.skipped += 1;
                true
            }
        };
        let view = self.view(share, Viewer::Athlete).await?;
        let event = ImportEvent::Progress { share: Box::new(view), already_imported };
        // A reader that went away is fine: the jobs go on.
        let _ = events.send(Ok(event)).await;
        Ok((id, ended))
    }

    async fn read_in_order(&self, ids: &[Uuid]) -> Result<Vec<Share>> {
        let mut found: HashMap<Uuid, Share> = shares::find_many(self.context.db.reader(), ids)
            .await?
            .into_iter()
            .map(|share| (share.id, share))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
