//! The SQL the request-path benchmark has pgbench run as the database's
//! ceiling for the athlete's inbox (`xtask/src/bench/inbox.sql`) must be
//! what the store sends for one ListIncomingShares page of 20: checked
//! here, so a change to the inbox's queries cannot leave the ceiling
//! measuring something else.

use sea_orm::{
    DbBackend, QueryTrait, Statement,
    sea_query::{PostgresQueryBuilder, inject_parameters},
};
use uuid::Uuid;

use super::{shares, users};
use crate::domain::{Page, ShareFilter, ShareSide, ShareStatus};

const BENCH_SQL: &str = include_str!("../../../xtask/src/bench/inbox.sql");

#[test]
fn the_benchmark_runs_the_inbox_queries() {
    // Sentinels, written in the script as the pgbench variables the bench defines.
    let athlete = Uuid::from_u128(0xa);
    let coach = Uuid::from_u128(0xc);
    let filter = ShareFilter { statuses: ShareStatus::in_inbox(), ..Default::default() };
    let page = Page { offset: 0, size: 20 };
    // In the order the service runs them (lists.rs `list_incoming`, then
    // the parties in mod.rs `views`, ids sorted).
    let statements = [
        shares::page_query(ShareSide::Athlete(athlete), &filter, &page).build(DbBackend::Postgres),
        shares::actionable_query(athlete).build(DbBackend::Postgres),
        users::parties_query(&[athlete, coach]).build(DbBackend::Postgres),
    ];
    let expected: Vec<String> = statements
        .into_iter()
        .map(|statement| pgbench_line(statement, &[(athlete, ":athlete"), (coach, ":coach")]))
        .collect();
    let script: Vec<&str> = BENCH_SQL
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("--"))
        .collect();
    assert_eq!(script, expected, "xtask/src/bench/inbox.sql no longer matches the inbox's queries");
}

/// The statement with its values written in, the sentinel ids as variables.
fn pgbench_line(statement: Statement, variables: &[(Uuid, &str)]) -> String {
    let values = statement.values.map(|values| values.0).unwrap_or_default();
    let mut sql = inject_parameters(&statement.sql, &values, &PostgresQueryBuilder);
    for (id, variable) in variables {
        sql = sql.replace(&format!("'{id}'"), variable);
    }
    format!("{sql};")
}
