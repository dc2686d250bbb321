//! h2load driving gRPC unary calls. A call is an HTTP/2 POST whose body is
//! the 5-byte gRPC frame header and the encoded request; h2load's
//! per-request log gives the latencies (this h2load prints no percentiles).

use std::{
    fs::File,
    net::SocketAddr,
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use anyhow::{Context, bail};

use super::{
    latency::Latencies,
    report::Load,
    request_path::{CLIENTS, MEASURE, WARM_UP},
    rss,
};
use crate::{cmd, prereqs};

/// Streams in flight per connection, and h2load's threads (one: the client
/// must not take more of the two cores than it needs).
const STREAMS: u32 = 10;
const THREADS: u32 = 1;
/// How often the server's memory is sampled during the load.
const RSS_EVERY: Duration = Duration::from_millis(50);

/// h2load on PATH, installed from Debian's `nghttp2-client` when missing and root.
pub fn ensure_installed() -> anyhow::Result<()> {
    let found = || cmd::probe(Command::new("h2load").arg("--version")).is_some();
    if !found() {
        if !prereqs::is_root() {
            bail!(
                "h2load is not installed: install Debian's nghttp2-client (`apt-get install -y nghttp2-client`)"
            );
        }
        cmd::run(Command::new("apt-get").args(["install", "-y", "nghttp2-client"]))?;
        if !found() {
            bail!("`apt-get install -y nghttp2-client` did not provide h2load");
        }
    }
    Ok(())
}

/// One gRPC unary method under load.
pub struct Call<'a> {
    pub addr: SocketAddr,
    /// `/package.Service/Method`.
    pub path: &'a str,
    /// The encoded request message.
    pub request: Vec<u8>,
    pub token: Option<&'a str>,
    /// The encoded size of the reply the verification call got. An error is
    /// a trailers-only response with no body, so the bytes received show
    /// whether every 200 was really an OK.
    pub reply_len: usize,
}

/// Loads `call` for the warm-up and then the measured time, sampling the
/// memory of the server process `server` throughout.
pub fn run(call: &Call, server: u32, scratch: &Path) -> anyhow::Result<Load> {
    let body = scratch.join("request.grpc");
    std::fs::write(&body, frame(&call.request)?)?;
    let log = scratch.join("h2load-requests.tsv");
    // A run of its own rather than h2load's --warm-up-time, whose replies
    // would count in the traffic totals the reply check relies on.
    let (_, warm_peak) = invoke(call, &body, WARM_UP, None, server, scratch)?;
    // h2load appends to its log: start from nothing.
    if log.exists() {
        std::fs::remove_file(&log)?;
    }
    let (summary, peak) = invoke(call, &body, MEASURE, Some(&log), server, scratch)?;
    let samples = logged_latencies(&std::fs::read_to_string(&log)?)?;
    if samples.len() as u64 != summary.done {
        bail!("h2load logged {} requests but reported {} done", samples.len(), summary.done);
    }
    let latencies = Latencies::new(samples)?;
    Ok(Load {
        requests: summary.succeeded,
        per_second: summary.per_second,
        p50: latencies.at(0.50),
        p99: latencies.at(0.99),
        peak_rss_kib: Some(warm_peak.max(peak)),
    })
}

/// One h2load run of `duration`; its checked summary and the server's peak RSS.
fn invoke(
    call: &Call,
    body: &Path,
    duration: Duration,
    log: Option<&Path>,
    server: u32,
    scratch: &Path,
) -> anyhow::Result<(Summary, u64)> {
    let out = scratch.join("h2load-output.txt");
    let mut command = Command::new("h2load");
    command
        .arg(format!("--clients={CLIENTS}"))
        .arg(format!("--max-concurrent-streams={STREAMS}"))
        .arg(format!("--threads={THREADS}"))
        .arg(format!("--duration={}ms", duration.as_millis()))
        .arg("--data")
        .arg(body)
        .args(["--header", "content-type: application/grpc", "--header", "te: trailers"]);
    if let Some(token) = call.token {
        command.arg("--header").arg(format!("authorization: Bearer {token}"));
    }
    if let Some(log) = log {
        command.arg("--log-file").arg(log);
    }
    command.arg(format!("http://{}{}", call.addr, call.path));
    let shown = cmd::display(&command);
    println!("$ {}", call.token.map_or(shown.clone(), |token| shown.replace(token, "$TOKEN")));

    let mut child = command
        .stdin(Stdio::null())
        .stdout(File::create(&out)?)
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start h2load")?;
    let mut peak_rss = 0;
    let status = loop {
        peak_rss = peak_rss.max(rss::kib(server)?);
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(RSS_EVERY);
    };
    let output = std::fs::read_to_string(&out)?;
    if !status.success() {
        eprint!("{output}");
        bail!("h2load failed ({status})");
    }
    let summary = Summary::parse(&output).inspect_err(|_| eprint!("{output}"))?;
    summary.check(call.reply_len).inspect_err(|_| eprint!("{output}"))?;
    Ok((summary, peak_rss))
}

/// A gRPC message frame: uncompressed flag, big-endian length, message.
fn frame(message: &[u8]) -> anyhow::Result<Vec<u8>> {
    let len = u32::try_from(message.len()).context("request too large for a gRPC frame")?;
    let mut framed = Vec::with_capacity(5 + message.len());
    framed.push(0);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(message);
    Ok(framed)
}

/// The lines of h2load's report the bench relies on.
#[derive(Debug, PartialEq)]
struct Summary {
    per_second: f64,
    done: u64,
    succeeded: u64,
    /// failed + errored + timed out.
    unsuccessful: u64,
    /// 3xx + 4xx + 5xx.
    not_2xx: u64,
    data_bytes: u64,
}

impl Summary {
    fn parse(output: &str) -> anyhow::Result<Self> {
        let line = |prefix: &str| {
            output
                .lines()
                .find_map(|line| line.strip_prefix(prefix))
                .with_context(|| format!("h2load printed no `{prefix}` line"))
        };
        let per_second = line("finished in ")?
            .split(", ")
            .find_map(|part| part.strip_suffix(" req/s"))
            .context("no req/s in h2load's `finished in` line")?
            .parse()?;
        let requests = line("requests:")?;
        let statuses = line("status codes:")?;
        let traffic = line("traffic:")?;
        let data_bytes = traffic
            .split(", ")
            .find(|part| part.ends_with(" data"))
            .and_then(|part| part.split_once('(')?.1.split_once(')'))
            .context("no data bytes in h2load's `traffic` line")?
            .0
            .parse()?;
        Ok(Self {
            per_second,
            done: count(requests, "done")?,
            succeeded: count(requests, "succeeded")?,
            unsuccessful: count(requests, "failed")?
                + count(requests, "errored")?
                + count(requests, "timeout")?,
            not_2xx: ["3xx", "4xx", "5xx"]
                .iter()
                .map(|class| count(statuses, class))
                .sum::<anyhow::Result<u64>>()?,
            data_bytes,
        })
    }

    /// Every request answered 200 with a reply message of the expected size.
    fn check(&self, reply_len: usize) -> anyhow::Result<()> {
        // The status counts include streams still open when the run stopped,
        // so they are checked for anything but 2xx, not summed against `done`.
        if self.succeeded == 0 || self.unsuccessful > 0 || self.not_2xx > 0 {
            bail!(
                "h2load: {} done, {} succeeded, {} failed, errored or timed out, {} answered other than 2xx",
                self.done,
                self.succeeded,
                self.unsuccessful,
                self.not_2xx
            );
        }
        let per_reply = (5 + reply_len) as u64;
        let with_body = self.data_bytes / per_reply;
        // Streams still open when the run stops may have part of a reply.
        if with_body + u64::from(CLIENTS * STREAMS) < self.succeeded {
            bail!(
                "only about {with_body} of {} answers carried a reply message: the rest were gRPC errors",
                self.succeeded
            );
        }
        Ok(())
    }
}

/// The number before `name` in a line like `10 total, 9 done, 1 failed`.
fn count(line: &str, name: &str) -> anyhow::Result<u64> {
    line.split(',')
        .find_map(|part| part.trim().strip_suffix(name)?.trim().parse().ok())
        .with_context(|| format!("h2load printed no `{name}` count"))
}

/// Latencies from `--log-file`: start (µs since the epoch), HTTP status
/// (-1 for a failed stream), microseconds until the response ended.
fn logged_latencies(log: &str) -> anyhow::Result<Vec<Duration>> {
    log.lines()
        .map(|line| {
            let mut columns = line.split('\t');
            let status = columns.nth(1).context("short h2load log line")?;
            let micros: u64 = columns.next().context("short h2load log line")?.trim().parse()?;
            if status != "200" {
                bail!("h2load logged a request answered {status}");
            }
            Ok(Duration::from_micros(micros))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
finished in 10.00s, 69812.30 req/s, 5.33MB/s
requests: 698123 total, 698283 started, 698123 done, 698123 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 698123 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 53.33MB (55921234) total, 1.23MB (1287656) headers (space savings 95.12%), 4.66MB (4886861) data
";

    #[test]
    fn the_report_lines_are_read() {
        assert_eq!(
            Summary::parse(REPORT).unwrap(),
            Summary {
                per_second: 69812.30,
                done: 698123,
                succeeded: 698123,
                unsuccessful: 0,
                not_2xx: 0,
                data_bytes: 4886861,
            }
        );
    }

    #[test]
    fn answers_without_a_body_are_grpc_errors() {
        let summary = Summary::parse(REPORT).unwrap();
        assert!(summary.check(2).is_ok());
        assert!(summary.check(20).is_err());
    }

    #[test]
    fn failed_streams_and_http_errors_fail_the_run() {
        let errored = REPORT.replace("0 errored", "3 errored");
        assert!(Summary::parse(&errored).unwrap().check(2).is_err());
        let refused = REPORT.replace("0 4xx", "3 4xx");
        assert!(Summary::parse(&refused).unwrap().check(2).is_err());
    }

    #[test]
    fn a_frame_is_flag_length_message() {
        assert_eq!(frame(&[]).unwrap(), [0, 0, 0, 0, 0]);
        assert_eq!(frame(&[8, 1]).unwrap(), [0, 0, 0, 0, 2, 8, 1]);
    }

    #[test]
    fn the_log_gives_microseconds_and_refuses_failures() {
        let log = "1700000000000000\t200\t1500\n1700000000000100\t200\t250\n";
        assert_eq!(
            logged_latencies(log).unwrap(),
            [Duration::from_micros(1500), Duration::from_micros(250)]
        );
        assert!(logged_latencies("1700000000000000\t-1\t0\n").is_err());
    }
}
