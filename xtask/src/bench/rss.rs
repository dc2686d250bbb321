//! A server's resident memory, as the kernel counts it (`VmRSS`).

use anyhow::Context;

/// `VmRSS` of process `pid`, in KiB.
pub fn kib(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no VmRSS line in {path}"))
}

/// KiB as MB (10^6 bytes), the unit the targets are written in.
pub fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_size() {
        assert!(kib(std::process::id()).unwrap() > 0);
    }
}
