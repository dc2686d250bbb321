//! The request-path figures: each target beside its ceiling, the issue's
//! targets marked met or missed, and the same as JSON.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::{
    latency::ms,
    machine::Machine,
    request_path::{CLIENTS, MEASURE, WARM_UP},
    rss,
};

/// What a load generator measured.
pub struct Load {
    pub requests: u64,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The server's largest `VmRSS` during the load (None: not one process).
    pub peak_rss_kib: Option<u64>,
}

/// One target's figures.
pub struct Measured {
    pub load: Load,
    pub idle_rss_kib: Option<u64>,
    /// Spawn to the first health Check answering SERVING.
    pub start_to_serving: Option<Duration>,
}

/// The things measured, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    BareHealth,
    BatonHealth,
    BatonHealthQuiet,
    GetMeSqlite,
    GetMePostgres,
    Pgbench,
    InboxPostgres,
    PgbenchInbox,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Self::BareHealth => "bare tonic Health/Check",
            Self::BatonHealth => "Baton Health/Check",
            Self::BatonHealthQuiet => "Baton Health/Check RUST_LOG=warn",
            Self::GetMeSqlite => "Baton GetMe, SQLite",
            Self::GetMePostgres => "Baton GetMe, PostgreSQL",
            Self::Pgbench => "pgbench users by id",
            Self::InboxPostgres => "Baton inbox of 20, PostgreSQL",
            Self::PgbenchInbox => "pgbench the inbox's SQL",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::BareHealth => "bare_tonic_health",
            Self::BatonHealth => "baton_health",
            Self::BatonHealthQuiet => "baton_health_rust_log_warn",
            Self::GetMeSqlite => "get_me_sqlite",
            Self::GetMePostgres => "get_me_postgres",
            Self::Pgbench => "pgbench_users_by_id",
            Self::InboxPostgres => "list_incoming_shares_20_postgres",
            Self::PgbenchInbox => "pgbench_inbox_sql",
        }
    }

    /// The ceiling a target is compared with.
    fn ceiling(self) -> Option<Self> {
        match self {
            Self::BareHealth | Self::Pgbench | Self::PgbenchInbox => None,
            Self::BatonHealth | Self::BatonHealthQuiet | Self::GetMeSqlite => {
                Some(Self::BareHealth)
            }
            Self::GetMePostgres => Some(Self::Pgbench),
            Self::InboxPostgres => Some(Self::PgbenchInbox),
        }
    }
}

/// Every target's outcome (a failed one keeps its reason), and what else the
/// machine was doing: other work lowers every figure.
#[derive(Default)]
pub struct Figures {
    targets: Vec<(Target, Result<Measured, String>)>,
    /// The 1-minute load average before and after.
    pub load_average: (Option<f64>, Option<f64>),
}

impl Figures {
    pub fn record(&mut self, target: Target, outcome: anyhow::Result<Measured>) {
        if let Err(error) = &outcome {
            eprintln!("{}: {error:#}", target.label());
        }
        self.targets.push((target, outcome.map_err(|error| format!("{error:#}"))));
    }

    /// A target and its ceiling measured by one set-up, which may itself
    /// fail (`what` names it in both figures' reasons).
    pub fn record_pair(
        &mut self,
        [target, ceiling]: [Target; 2],
        what: &str,
        outcome: anyhow::Result<(anyhow::Result<Measured>, anyhow::Result<Measured>)>,
    ) {
        match outcome {
            Ok((measured, ceiling_measured)) => {
                self.record(target, measured);
                self.record(ceiling, ceiling_measured);
            }
            Err(error) => {
                for each in [target, ceiling] {
                    self.record(each, Err(anyhow::anyhow!("{what}: {error:#}")));
                }
            }
        }
    }

    pub fn failures(&self) -> Vec<&'static str> {
        self.targets
            .iter()
            .filter(|(_, outcome)| outcome.is_err())
            .map(|(t, _)| t.label())
            .collect()
    }

    fn get(&self, target: Target) -> Option<&Measured> {
        self.targets
            .iter()
            .find(|(t, _)| *t == target)
            .and_then(|(_, outcome)| outcome.as_ref().ok())
    }

    /// `target`'s rate as a share of its ceiling's.
    fn share(&self, target: Target) -> Option<f64> {
        let ceiling = self.get(target.ceiling()?)?.load.per_second;
        Some(self.get(target)?.load.per_second / ceiling)
    }

    pub fn print(&self) {
        println!();
        println!(
            "request path: h2load -c {CLIENTS} -m 10 -t 1 and pgbench -c {CLIENTS} -j 1 -M prepared, {} s warm-up + {} s each",
            WARM_UP.as_secs(),
            MEASURE.as_secs()
        );
        println!(
            "  {:<34} {:>9} {:>8} {:>8} {:>9} {:>9} {:>7}  vs ceiling",
            "", "req/s", "p50", "p99", "RSS idle", "RSS load", "start"
        );
        for (target, outcome) in &self.targets {
            let Ok(m) = outcome else {
                println!("  {:<34} not measured: {}", target.label(), first_line(outcome));
                continue;
            };
            let vs = match (target.ceiling(), self.share(*target)) {
                (Some(ceiling), Some(share)) => {
                    format!("{:.1}% of {}", share * 100.0, ceiling.label())
                }
                (Some(_), None) => "ceiling not measured".to_owned(),
                (None, _) => "(ceiling)".to_owned(),
            };
            println!(
                "  {:<34} {:>9.0} {:>8} {:>8} {:>9} {:>9} {:>7}  {vs}",
                target.label(),
                m.load.per_second,
                show_ms(m.load.p50),
                show_ms(m.load.p99),
                show_mb(m.idle_rss_kib),
                show_mb(m.load.peak_rss_kib),
                m.start_to_serving.map_or("-".to_owned(), |d| format!("{:.0}ms", ms(d))),
            );
        }
        println!();
        println!(
            "  {:<52} {:>10} {:>10}",
            "target (issue 6, point 15; issue 8, point 10)", "measured", ""
        );
        for goal in self.goals() {
            let verdict = match goal.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "not measured",
            };
            println!("  {:<52} {:>10} {:>10}", goal.name, goal.shown, verdict);
        }
        let show = |load: Option<f64>| load.map_or("unknown".to_owned(), |l| format!("{l:.2}"));
        println!(
            "  load average (1 min): {} before, {} after",
            show(self.load_average.0),
            show(self.load_average.1)
        );
    }

    pub fn json(&self, machine: &Machine) -> Value {
        let targets: Vec<Value> = self
            .targets
            .iter()
            .map(|(target, outcome)| match outcome {
                Ok(m) => json!({
                    "target": target.key(),
                    "label": target.label(),
                    "requests": m.load.requests,
                    "requests_per_second": m.load.per_second,
                    "p50_ms": ms(m.load.p50),
                    "p99_ms": ms(m.load.p99),
                    "rss_idle_kib": m.idle_rss_kib,
                    "rss_peak_under_load_kib": m.load.peak_rss_kib,
                    "start_to_serving_ms": m.start_to_serving.map(ms),
                    "ceiling": target.ceiling().map(Target::key),
                    "share_of_ceiling": self.share(*target),
                }),
                Err(error) => json!({ "target": target.key(), "error": error }),
            })
            .collect();
        let goals: Vec<Value> = self
            .goals()
            .iter()
            .map(|goal| json!({ "goal": goal.name, "value": goal.value, "met": goal.met }))
            .collect();
        json!({
            "unix_time": SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            "machine": machine.json(),
            "settings": {
                "clients": CLIENTS,
                "h2load": format!("-c {CLIENTS} -m 10 -t 1"),
                "pgbench": format!("-c {CLIENTS} -j 1 -M prepared"),
                "warm_up_s": WARM_UP.as_secs(),
                "measured_s": MEASURE.as_secs(),
            },
            "load_average_1min": { "before": self.load_average.0, "after": self.load_average.1 },
            "targets": targets,
            "goals": goals,
        })
    }

    /// The targets, each judged on what was measured.
    fn goals(&self) -> Vec<Goal> {
        let share = |name: &'static str, target: Target, at_least: f64| {
            let value = self.share(target);
            Goal {
                name,
                value,
                shown: value.map_or("-".to_owned(), |v| format!("{:.1}%", v * 100.0)),
                met: value.map(|v| v >= at_least),
            }
        };
        let rss = |name: &'static str, target: Target| {
            let value = self.get(target).and_then(|m| m.idle_rss_kib).map(rss::mb);
            Goal {
                name,
                value,
                shown: value.map_or("-".to_owned(), |v| format!("{v:.1} MB")),
                met: value.map(|v| v <= 25.0),
            }
        };
        let start = |name: &'static str, target: Target| {
            let value = self.get(target).and_then(|m| m.start_to_serving).map(ms);
            Goal {
                name,
                value,
                shown: value.map_or("-".to_owned(), |v| format!("{v:.0} ms")),
                met: value.map(|v| v <= 200.0),
            }
        };
        vec![
            share("GetMe on PostgreSQL >= 50% of pgbench", Target::GetMePostgres, 0.50),
            share("GetMe on SQLite >= 25% of bare tonic", Target::GetMeSqlite, 0.25),
            share("inbox of 20 on PostgreSQL >= 50% of pgbench", Target::InboxPostgres, 0.50),
            share("Baton health (default log) >= 80% of bare tonic", Target::BatonHealth, 0.80),
            rss("idle RSS <= 25 MB (SQLite)", Target::BatonHealth),
            rss("idle RSS <= 25 MB (PostgreSQL)", Target::GetMePostgres),
            start("start to SERVING <= 200 ms (SQLite)", Target::BatonHealth),
            start("start to SERVING <= 200 ms (PostgreSQL)", Target::GetMePostgres),
        ]
    }
}

struct Goal {
    name: &'static str,
    value: Option<f64>,
    shown: String,
    met: Option<bool>,
}

fn show_ms(duration: Duration) -> String {
    format!("{:.2}ms", ms(duration))
}

fn show_mb(kib: Option<u64>) -> String {
    kib.map_or("-".to_owned(), |kib| format!("{:.1}MB", rss::mb(kib)))
}

fn first_line(outcome: &Result<Measured, String>) -> &str {
    outcome.as_ref().err().and_then(|error| error.lines().next()).unwrap_or_default()
}
