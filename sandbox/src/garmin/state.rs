//! The stand-in's shared state: accounts, workouts, schedules, tickets,
//! pending logins, tokens, faults and counters. Handlers lock it briefly and
//! never across an `.await`; the clock is read under the same lock.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate};
use jsonwebtoken::EncodingKey;
use rand::{Rng, RngCore};
use serde_json::Value;

use super::account::GarminAccount;
use super::config::{Lifetimes, Quirks};
use super::faults::{FaultBook, Route};
use super::normalize::{self, Invalid, Stamp};

/// A stored workout: its full JSON as `GET /workout/{id}` answers it.
#[derive(Debug, Clone)]
pub(crate) struct WorkoutRecord {
    pub owner: i64,
    pub json: Value,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// A calendar entry.
#[derive(Debug, Clone)]
pub(crate) struct ScheduleRecord {
    pub id: i64,
    pub workout_id: i64,
    pub owner: i64,
    pub date: NaiveDate,
    pub created_ms: i64,
}

/// A service ticket: single use, short-lived, bound to its service URL.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub owner: i64,
    pub service: String,
    pub expires_ms: i64,
}

/// A login waiting for its MFA code; the ticket will be for `service`.
#[derive(Debug, Clone)]
pub(crate) struct PendingMfa {
    pub owner: i64,
    pub service: String,
    pub expires_ms: i64,
}

/// An SSO conversation, named by its `SESSION` cookie.
#[derive(Debug, Clone)]
pub(crate) struct SsoSession {
    pub expires_ms: i64,
    pub pending: Option<PendingMfa>,
}

/// An access or refresh token, bound to the client id it was issued to.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub owner: i64,
    pub client_id: String,
    pub expires_ms: i64,
}

/// Monotonic ids in Garmin's ranges (GARMIN.md §10).
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    workout: i64,
    step: i64,
    schedule: i64,
    ticket: i64,
    profile: i64,
}

impl Default for Ids {
    fn default() -> Self {
        Self {
            workout: 1_418_732_101,
            step: 12_368_371_254,
            schedule: 1_790_718_680,
            ticket: 972_904,
            profile: 91_000_001,
        }
    }
}

impl Ids {
    pub fn workout(&mut self) -> i64 {
        self.workout += 1;
        self.workout
    }

    /// The step counter itself: normalisation takes consecutive ids from it.
    pub fn steps(&mut self) -> &mut i64 {
        &mut self.step
    }

    pub fn schedule(&mut self) -> i64 {
        self.schedule += 1;
        self.schedule
    }

    pub fn ticket(&mut self) -> i64 {
        self.ticket += 1;
        self.ticket
    }

    pub fn profile(&mut self) -> i64 {
        self.profile += 1;
        self.profile
    }
}

/// Everything that changes.
pub(crate) struct State {
    pub lifetimes: Lifetimes,
    pub quirks: Quirks,
    pub accounts: Vec<GarminAccount>,
    pub workouts: BTreeMap<i64, WorkoutRecord>,
    pub schedules: BTreeMap<i64, ScheduleRecord>,
    pub tickets: HashMap<String, Ticket>,
    /// JSON SSO conversations (and their pending MFA logins), by `SESSION` cookie.
    pub sessions: HashMap<String, SsoSession>,
    /// Sign-in widget conversations, by their `_csrf` value.
    pub widget_logins: HashMap<String, super::widget::WidgetLogin>,
    pub access_tokens: HashMap<String, Grant>,
    pub refresh_tokens: HashMap<String, Grant>,
    /// Every access and refresh token ever issued, with its owner, so tests
    /// can look for them where they must never be (logs, databases).
    pub issued: Vec<(i64, String)>,
    pub faults: FaultBook,
    pub counts: HashMap<Route, usize>,
    pub clock_offset: Duration,
    pub ids: Ids,
}

impl State {
    pub fn new(lifetimes: Lifetimes, quirks: Quirks) -> Self {
        Self {
            lifetimes,
            quirks,
            accounts: Vec::new(),
            workouts: BTreeMap::new(),
            schedules: BTreeMap::new(),
            tickets: HashMap::new(),
            sessions: HashMap::new(),
            widget_logins: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            issued: Vec::new(),
            faults: FaultBook::default(),
            counts: HashMap::new(),
            clock_offset: Duration::ZERO,
            ids: Ids::default(),
        }
    }

    /// The stand-in's clock in Unix milliseconds, moved by `advance_clock`.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        i64::try_from((wall + self.clock_offset).as_millis()).unwrap_or(i64::MAX)
    }

    /// `now + lifetime` in Unix milliseconds.
    pub fn deadline(&self, lifetime: Duration) -> i64 {
        self.now_ms().saturating_add(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX))
    }

    pub fn account(&self, profile_id: i64) -> Option<&GarminAccount> {
        self.accounts.iter().find(|account| account.profile_id() == profile_id)
    }

    /// Garmin matches sign-in emails without regard to case.
    pub fn account_by_email(&self, email: &str) -> Option<&GarminAccount> {
        let email = email.trim();
        self.accounts.iter().find(|account| account.email.eq_ignore_ascii_case(email))
    }

    /// Stores `input` as a new workout of `owner`, normalised as Garmin
    /// does on create, with these creation and update times (seeds are
    /// back-dated); returns the stored JSON.
    pub fn create_workout(
        &mut self,
        owner: i64,
        input: &Value,
        (created_ms, updated_ms): (i64, i64),
    ) -> Result<Value, Invalid> {
        let author = self.account(owner).cloned().ok_or_else(|| Invalid("Unknown owner".into()))?;
        let workout_id = self.ids.workout();
        let (created, updated) = (garmin_time(created_ms), garmin_time(updated_ms));
        let stamp = Stamp { workout_id, author: &author, created: &created, updated: &updated };
        let json = normalize::workout(input, &stamp, self.ids.steps())?;
        let record = WorkoutRecord { owner, json: json.clone(), created_ms, updated_ms };
        self.workouts.insert(workout_id, record);
        Ok(json)
    }

    /// Replaces workout `id` (which exists) with `input`, keeping its id,
    /// owner, creation date and calendar entries.
    pub fn replace_workout(&mut self, id: i64, input: &Value) -> Result<(), Invalid> {
        let now = self.now_ms();
        let record =
            self.workouts.get(&id).cloned().ok_or_else(|| Invalid("Unknown workout".into()))?;
        let author =
            self.account(record.owner).cloned().ok_or_else(|| Invalid("Unknown owner".into()))?;
        let created = garmin_time(record.created_ms);
        let updated = garmin_time(now);
        let stamp = Stamp { workout_id: id, author: &author, created: &created, updated: &updated };
        let json = normalize::workout(input, &stamp, self.ids.steps())?;
        self.workouts.insert(id, WorkoutRecord { json, updated_ms: now, ..record });
        Ok(())
    }

    /// A fresh `ST-0972905-…-sso` ticket for `owner` at `service`.
    pub fn issue_ticket(&mut self, owner: i64, service: &str) -> String {
        let now = self.now_ms();
        let expires_ms = self.deadline(self.lifetimes.ticket);
        self.tickets.retain(|_, ticket| ticket.expires_ms > now);
        let ticket = format!("ST-{:07}-{}-sso", self.ids.ticket(), random_alphanumeric(20));
        self.tickets
            .insert(ticket.clone(), Ticket { owner, service: service.to_owned(), expires_ms });
        ticket
    }
}

/// Everything the handlers share.
pub(crate) struct Sandbox {
    /// `http://127.0.0.1:PORT`: the SSO, DI and connectapi base at once.
    pub base_url: String,
    /// Signs the DI access tokens (a TEST key).
    pub signer: EncodingKey,
    state: Mutex<State>,
}

impl Sandbox {
    pub fn new(base_url: String, signer: EncodingKey, state: State) -> Self {
        Self { base_url, signer, state: Mutex::new(state) }
    }

    /// The state, even if a panicking test thread poisoned the lock: the
    /// data stays consistent between statements.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The widget's service URL here: `{base}/sso/embed`.
    pub fn embed_service(&self) -> String {
        format!("{}/sso/embed", self.base_url)
    }
}

/// `2026-02-08T00:57:18.0`: how Garmin writes a timestamp (UTC).
pub(crate) fn garmin_time(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|time| time.format("%Y-%m-%dT%H:%M:%S.0").to_string())
        .unwrap_or_default()
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A random URL-safe value of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

pub(crate) fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garmin_times_have_a_tenth_of_a_second() {
        assert_eq!(garmin_time(1_770_512_238_000), "2026-02-08T00:57:18.0");
    }

    #[test]
    fn tickets_look_like_garmins() {
        let mut state = State::new(Lifetimes::default(), Quirks::default());
        let ticket = state.issue_ticket(1, "https://sso.garmin.com/sso/embed");
        let parts: Vec<&str> = ticket.split('-').collect();
        assert_eq!((parts[0], parts[1].len(), parts[2].len(), parts[3]), ("ST", 7, 20, "sso"));
    }
}
