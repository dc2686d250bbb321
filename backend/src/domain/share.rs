//! Shares: one coach's workout offered to one athlete, from the snapshot
//! taken when it was shared, and where its import into the athlete's
//! Garmin account stands.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use crate::error::Reason;

/// Where a share stands. A workout has at most one *active* share per
/// athlete (pending, importing, imported or failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareStatus {
    Pending,
    Importing,
    Imported,
    Failed,
    Dismissed,
    Revoked,
}

impl ShareStatus {
    pub const ALL: [ShareStatus; 6] = [
        Self::Pending,
        Self::Importing,
        Self::Imported,
        Self::Failed,
        Self::Dismissed,
        Self::Revoked,
    ];

    /// What an inbox lists unless asked for other statuses: all but revoked.
    pub fn in_inbox() -> Vec<Self> {
        Self::ALL.into_iter().filter(|status| *status != Self::Revoked).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Importing => "importing",
            Self::Imported => "imported",
            Self::Failed => "failed",
            Self::Dismissed => "dismissed",
            Self::Revoked => "revoked",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// Whether the share blocks sharing the same workout with the same
    /// athlete again.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Importing | Self::Imported | Self::Failed)
    }

    /// Whether an import may start from here.
    pub fn is_importable(self) -> bool {
        matches!(self, Self::Pending | Self::Failed | Self::Dismissed)
    }
}

/// A calendar day, `YYYY-MM-DD`, in the athlete's timezone (Garmin's
/// calendar has no time zone: the day is a label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate(NaiveDate);

impl CalendarDate {
    /// Reads `YYYY-MM-DD`: a real day between the years 2000 and 2100.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let well_formed = input.len() == 10
            && input.bytes().enumerate().all(|(i, byte)| {
                if i == 4 || i == 7 { byte == b'-' } else { byte.is_ascii_digit() }
            });
        let date = NaiveDate::parse_from_str(input, "%Y-%m-%d")
            .ok()
            .filter(|_| well_formed)
            .ok_or("must be a day written YYYY-MM-DD")?;
        if !(2000..=2100).contains(&date.year()) {
            return Err("must be a day between the years 2000 and 2100");
        }
        Ok(Self(date))
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month counted from 0, as Garmin's calendar paths do.
    pub fn month0(self) -> u32 {
        self.0.month0()
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// What a share says of its workout: the snapshot's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedWorkout {
    pub snapshot_id: Uuid,
    /// The coach's Baton workout id (the cached workout may be gone).
    pub workout_id: Uuid,
    pub garmin_workout_id: i64,
    pub name: String,
    pub sport_key: String,
    pub sport_id: i32,
    pub estimated_duration_seconds: Option<i32>,
    pub estimated_distance_meters: Option<f64>,
    pub step_count: i32,
    /// Garmin's last change of the coach's workout when it was snapshotted.
    pub garmin_updated_at: Option<DateTime<Utc>>,
}

/// Why an import failed: the reason for programs, words for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFailure {
    pub reason: Reason,
    pub message: String,
}

/// One workout shared with one athlete.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub id: Uuid,
    pub coach_id: Uuid,
    pub athlete_id: Uuid,
    pub workout: SharedWorkout,
    pub note: String,
    pub scheduled_date: Option<CalendarDate>,
    pub status: ShareStatus,
    pub athlete_garmin_workout_id: Option<i64>,
    pub athlete_schedule_id: Option<i64>,
    pub athlete_scheduled_date: Option<CalendarDate>,
    pub attempt_count: u32,
    pub last_error: Option<ShareFailure>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub imported_at: Option<DateTime<Utc>>,
}

/// Whose shares a list reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSide {
    /// Shares the coach made.
    Coach(Uuid),
    /// Shares addressed to the athlete.
    Athlete(Uuid),
}

/// Which of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareFilter {
    /// On the coach's side: only shares to this athlete.
    pub athlete_id: Option<Uuid>,
    /// On the athlete's side: only shares from this coach.
    pub coach_id: Option<Uuid>,
    pub workout_id: Option<Uuid>,
    /// Empty for every status (the inbox leaves out revoked ones unless
    /// asked).
    pub statuses: Vec<ShareStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_days_are_real_days_written_one_way() {
        let day = CalendarDate::parse("2026-12-24").unwrap();
        assert_eq!(day.to_string(), "2026-12-24");
        assert_eq!((day.year(), day.month0()), (2026, 11));
        for bad in
            ["2026-02-30", "2026-2-03", "26-12-24", "2026/12/24", "", "1999-12-31", "+2026-12-24"]
        {
            assert!(CalendarDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_round_trip_and_only_live_ones_are_active() {
        for status in ShareStatus::ALL {
            assert_eq!(ShareStatus::from_name(status.as_str()), Some(status));
        }
        assert!(!ShareStatus::Dismissed.is_active());
        assert!(!ShareStatus::Revoked.is_active());
        assert!(ShareStatus::Failed.is_active());
    }
}
