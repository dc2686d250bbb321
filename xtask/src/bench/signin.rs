//! Sign-in timing (SECURITY.md, ASVS 6.3.8): a sign-in with an unknown
//! email must take the same time as one with a wrong password, so the
//! answer's timing does not reveal whether an account exists. The release
//! binary runs with production password hashing and the sign-in limits
//! raised; unknown-email and wrong-password attempts alternate, and the
//! minimum latencies of each must differ by less than 20%.

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_proto::auth::v1::{LoginRequest, auth_service_client::AuthServiceClient};
use serde_json::json;
use tonic::{Code, transport::Channel};

use super::{
    Scratch,
    latency::{Latencies, ms},
};
use crate::server::{self, Baton};

/// Attempts per kind; the issue asks for at least 200.
const SAMPLES: usize = 250;
const WARM_UP: usize = 20;
/// The largest allowed gap between the two kinds' minimum latencies.
const MAX_GAP: f64 = 0.20;

const EMAIL: &str = "bench@baton.local";
const PASSWORD: &str = "bench password that is long";

pub fn run(root: &Path) -> anyhow::Result<()> {
    let binary = server::build_backend(root, true)?;
    let scratch = Scratch::new("signin")?;
    let baton = Baton {
        binary,
        data_dir: scratch.path().to_path_buf(),
        web_dir: root.join("web").join("dist"),
        env: vec![
            ("BATON_LOGIN_MAX_FAILURES".into(), "1000000".into()),
            ("BATON_LOGIN_PER_ADDRESS_PER_MINUTE".into(), "1000000".into()),
            ("BATON_LOG_FORMAT".into(), "json".into()),
            ("RUST_LOG".into(), "warn".into()),
        ],
    };
    baton.create_admin(EMAIL, "Bench Admin", PASSWORD)?;
    let server = baton.serve(server::free_local_addr()?, Stdio::null())?;
    let (unknown, wrong) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(sign_in_timing(&format!("http://{}", server.addr)))?;
    drop(server);
    judge(root, &unknown, &wrong)
}

/// Alternating attempts of both kinds; their latencies, warm-up left out.
async fn sign_in_timing(url: &str) -> anyhow::Result<(Stats, Stats)> {
    let channel = Channel::from_shared(url.to_owned())?.connect().await.context("connecting")?;
    let mut auth = AuthServiceClient::new(channel);
    let mut unknown = Vec::with_capacity(SAMPLES);
    let mut wrong = Vec::with_capacity(SAMPLES);
    for round in 0..WARM_UP + SAMPLES {
        let nobody = format!("nobody-{round}@baton.local");
        let a = attempt(&mut auth, &nobody, PASSWORD).await?;
        let b = attempt(&mut auth, EMAIL, "not the right password").await?;
        if round >= WARM_UP {
            unknown.push(a);
            wrong.push(b);
        }
    }
    Ok((Stats::of(unknown)?, Stats::of(wrong)?))
}

fn judge(root: &Path, unknown: &Stats, wrong: &Stats) -> anyhow::Result<()> {
    println!();
    println!("sign-in timing, {SAMPLES} attempts each, production argon2id (release build)");
    println!("  {:<16} {:>9} {:>9} {:>9}", "", "min", "median", "p90");
    unknown.print("unknown email");
    wrong.print("wrong password");
    let gap = (unknown.min.as_secs_f64() - wrong.min.as_secs_f64()).abs()
        / unknown.min.as_secs_f64().min(wrong.min.as_secs_f64());
    let median_gap = (unknown.median.as_secs_f64() - wrong.median.as_secs_f64()).abs()
        / unknown.median.as_secs_f64().min(wrong.median.as_secs_f64());
    println!(
        "  gap between minimums: {:.1}% (target < {:.0}%); between medians: {:.1}%",
        gap * 100.0,
        MAX_GAP * 100.0,
        median_gap * 100.0
    );
    let figures = json!({
        "samples_per_kind": SAMPLES,
        "unknown_email_ms": unknown.json(),
        "wrong_password_ms": wrong.json(),
        "gap_between_minimums": gap,
        "gap_between_medians": median_gap,
        "max_gap": MAX_GAP,
        "met": gap < MAX_GAP,
    });
    super::write_json(root, "signin", &figures)?;
    if gap >= MAX_GAP {
        bail!("unknown-email and wrong-password sign-ins differ by {:.1}%", gap * 100.0);
    }
    Ok(())
}

/// One failed sign-in; its latency. Anything but UNAUTHENTICATED is an error.
async fn attempt(
    auth: &mut AuthServiceClient<Channel>,
    email: &str,
    password: &str,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let status = auth
        .login(LoginRequest { email: email.to_owned(), password: password.to_owned() })
        .await
        .err()
        .context("a wrong sign-in succeeded")?;
    let elapsed = started.elapsed();
    if status.code() != Code::Unauthenticated {
        bail!("sign-in answered {:?}: {}", status.code(), status.message());
    }
    Ok(elapsed)
}

struct Stats {
    min: Duration,
    median: Duration,
    p90: Duration,
}

impl Stats {
    fn of(samples: Vec<Duration>) -> anyhow::Result<Self> {
        let samples = Latencies::new(samples)?;
        Ok(Self { min: samples.at(0.0), median: samples.at(0.5), p90: samples.at(0.9) })
    }

    fn print(&self, label: &str) {
        let show = |d: Duration| format!("{:.2}ms", ms(d));
        println!(
            "  {:<16} {:>9} {:>9} {:>9}",
            label,
            show(self.min),
            show(self.median),
            show(self.p90)
        );
    }

    fn json(&self) -> serde_json::Value {
        json!({ "min": ms(self.min), "median": ms(self.median), "p90": ms(self.p90) })
    }
}
