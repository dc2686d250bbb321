//! The machine the figures were taken on, so a table is never read without
//! it (figures from different machines compare only as ratios).

use std::process::Command;

use serde_json::json;

use crate::cmd;

pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub ram_gib: f64,
    pub os: String,
    pub rustc: String,
}

impl Machine {
    /// Read from /proc, /etc/os-release and `rustc -V`; "unknown" where absent.
    pub fn describe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = field(&cpuinfo, "model name").unwrap_or("unknown").to_owned();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram_kib: f64 = field(&meminfo, "MemTotal")
            .and_then(|value| value.trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = release
            .lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map_or_else(|| "unknown".to_owned(), |name| name.trim_matches('"').to_owned());
        let rustc = cmd::probe(Command::new("rustc").arg("-V"))
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .filter(|version| !version.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            cpu,
            ram_gib: ram_kib / (1024.0 * 1024.0),
            os,
            rustc,
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "machine: {} cores ({}), {:.1} GiB RAM, {}, {}",
            self.cores, self.cpu, self.ram_gib, self.os, self.rustc
        )
    }

    pub fn json(&self) -> serde_json::Value {
        json!({
            "cores": self.cores,
            "cpu": self.cpu,
            "ram_gib": self.ram_gib,
            "os": self.os,
            "rustc": self.rustc,
        })
    }
}

/// The 1-minute load average: other work on the machine lowers every
/// figure, so the bench shows what it shared the cores with.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// The value of the first `name: value` line.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}
