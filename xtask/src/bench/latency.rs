//! Latency quantiles from per-request samples: h2load's and pgbench's
//! per-request logs, and the sign-in attempts.

use std::time::Duration;

use anyhow::bail;

/// Samples, sorted once, read at any quantile.
pub struct Latencies(Vec<Duration>);

impl Latencies {
    pub fn new(mut samples: Vec<Duration>) -> anyhow::Result<Self> {
        if samples.is_empty() {
            bail!("no latency samples");
        }
        samples.sort_unstable();
        Ok(Self(samples))
    }

    /// The sample at quantile `q` (0 the fastest, 1 the slowest), nearest rank.
    pub fn at(&self, q: f64) -> Duration {
        let last = self.0.len() - 1;
        let rank = ((last as f64) * q.clamp(0.0, 1.0)).round() as usize;
        self.0[rank.min(last)]
    }
}

/// Milliseconds with enough digits for sub-millisecond latencies.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_nearest_rank() {
        let samples = (1..=101).map(Duration::from_millis).collect();
        let latencies = Latencies::new(samples).unwrap();
        assert_eq!(latencies.at(0.0), Duration::from_millis(1));
        assert_eq!(latencies.at(0.5), Duration::from_millis(51));
        assert_eq!(latencies.at(0.99), Duration::from_millis(100));
        assert_eq!(latencies.at(1.0), Duration::from_millis(101));
    }

    #[test]
    fn no_samples_is_an_error_not_a_zero() {
        assert!(Latencies::new(Vec::new()).is_err());
    }
}
