//! The import workers of this replica: each claims the next due job (any
//! replica's), runs it, and claims again; with nothing due it sleeps until
//! woken by a new import, or a second passes (work queued by another
//! replica, a retry coming due). On shutdown the jobs this replica holds
//! go back to the queue at once, so a restart does not wait out a lease.

use std::time::Duration;

use chrono::Duration as Span;
use tokio::{sync::Notify, task::JoinSet};
use uuid::Uuid;

use super::SharingService;
use crate::store::jobs::{self, Claimed};

/// How long a claimed job is its worker's. Far longer than a job's few
/// Garmin calls, each bounded by the client's timeout, so a live worker
/// never loses its job to a takeover.
pub(super) const LEASE: Span = Span::minutes(5);
/// The longest a worker sleeps before looking for work again.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// The pause after losing a claim to another worker.
const CONTENDED_PAUSE: Duration = Duration::from_millis(5);

/// How imports run, from the configuration.
#[derive(Debug)]
pub struct ImportSettings {
    pub workers: usize,
    /// Tries before an import is reported failed.
    pub max_attempts: u32,
    /// The wait before the second try; doubling after.
    pub first_retry: Span,
    /// Garmin Connect's web app, for links to athletes' copies.
    pub garmin_web_url: String,
    /// Wakes idle workers when jobs are queued.
    pub wake: Notify,
}

/// This replica's running workers.
pub struct ImportWorkers {
    tasks: JoinSet<()>,
    owners: Vec<Uuid>,
    service: SharingService,
}

impl SharingService {
    /// Starts the configured number of workers.
    pub fn start_workers(&self) -> ImportWorkers {
        let mut tasks = JoinSet::new();
        let owners: Vec<Uuid> = (0..self.settings.workers.max(1)).map(|_| Uuid::new_v4()).collect();
        for owner in &owners {
            let (service, owner) = (self.clone(), *owner);
            tasks.spawn(async move { service.work(owner).await });
        }
        ImportWorkers { tasks, owners, service: self.clone() }
    }

    async fn work(&self, owner: Uuid) {
        loop {
            let now = self.context.clock.now();
            let txn = match self.context.db.begin().await {
                Ok(txn) => txn,
                Err(error) => {
                    tracing::warn!(%error, "import worker cannot reach the database");
                    tokio::time::sleep(IDLE_POLL).await;
                    continue;
                }
            };
            let claimed = match jobs::claim(&txn, owner, now, now + LEASE).await {
                Ok(job) => txn.commit().await.map(|()| job).map_err(crate::error::Error::from),
                Err(error) => Err(error),
            };
            match claimed {
                Ok(Claimed::Job(job)) => {
                    if let Err(error) = self.run_job(&job, owner).await {
                        // The job stays leased and is retried after the lease.
                        tracing::warn!(%error, job_id = %job.id, "an import job failed to run");
                    }
                }
                Ok(Claimed::Nothing) => {
                    let _ = tokio::time::timeout(IDLE_POLL, self.settings.wake.notified()).await;
                }
                // The other worker's claim commits in a moment; then this
                // one sees that account busy and takes another.
                Ok(Claimed::Contended) => tokio::time::sleep(CONTENDED_PAUSE).await,
                Err(error) => {
                    tracing::warn!(%error, "import worker could not claim a job");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }
}

impl ImportWorkers {
    /// Stops the workers and puts the jobs they held back in the queue
    /// (a create they had sent stays noted, so the next try looks first).
    pub async fn stop(mut self) {
        self.tasks.shutdown().await;
        let now = self.service.context.clock.now();
        if let Err(error) = self.release(now).await {
            tracing::warn!(%error, "could not release the import jobs of this replica");
        }
    }

    async fn release(&self, now: chrono::DateTime<chrono::Utc>) -> crate::error::Result<()> {
        let txn = self.service.context.db.begin().await?;
        jobs::release(&txn, &self.owners, now).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The backoff before try `attempt + 1` (`attempt` ≥ 1).
pub(super) fn backoff(first: Span, attempt: u32) -> Span {
    let doubled = first
        .checked_mul(1i32.checked_shl(attempt.saturating_sub(1).min(16)).unwrap_or(i32::MAX))
        .unwrap_or(Span::minutes(10));
    doubled.min(Span::minutes(10))
}
