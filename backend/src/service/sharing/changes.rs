//! Tells whoever follows shares (an ImportShares stream, later the live
//! notifications) that one changed on this replica. Followers also re-read
//! now and then, since a change made by another replica's worker is not
//! announced here.

use tokio::sync::broadcast;
use uuid::Uuid;

/// Changes buffered for a slow follower; one that falls behind re-reads.
const BUFFER: usize = 1024;

/// One share changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareChanged {
    pub share_id: Uuid,
    pub coach_id: Uuid,
    pub athlete_id: Uuid,
}

/// The replica's channel of share changes; cheap to clone.
#[derive(Clone)]
pub struct ShareChanges {
    sender: broadcast::Sender<ShareChanged>,
}

impl Default for ShareChanges {
    fn default() -> Self {
        Self { sender: broadcast::channel(BUFFER).0 }
    }
}

impl ShareChanges {
    pub fn announce(&self, change: ShareChanged) {
        // Nobody listening is fine.
        let _ = self.sender.send(change);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ShareChanged> {
        self.sender.subscribe()
    }
}
