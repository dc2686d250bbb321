//! The bundle as a fresh browser gets it, from the browser's own resource
//! timings: each file of the first load arrives as its brotli or gzip copy
//! (told apart by the bytes on the wire), and on a reload the files named
//! after their content come from the cache without asking the server.

use std::{fs, path::Path};

use anyhow::{Context, bail};
use fantoccini::Client;

use super::driver::{Setup, wait_for_text};
use crate::web::is_content_named;

/// (path, bytes transferred, body bytes as sent, body bytes decoded) of the
/// page and everything it loaded.
const TIMINGS: &str = "return [...performance.getEntriesByType('navigation'), \
     ...performance.getEntriesByType('resource')] \
     .map(e => [new URL(e.name).pathname, e.transferSize, e.encodedBodySize, e.decodedBodySize]);";

pub(super) async fn compressed_then_cached(setup: &Setup, client: &Client) -> anyhow::Result<()> {
    client.goto(&setup.url("/sign-in")).await?;
    wait_for_text(client, ".page-title", "Sign in").await?;
    let first = timings(client).await?;
    let mut total = 0;
    let mut encodings = Vec::new();
    for (path, transferred, sent, decoded) in &first {
        let Some(file) = bundle_file(&setup.web_dir, path) else { continue };
        total += transferred;
        let size = |extension: &str| {
            fs::metadata(setup.web_dir.join(format!("{file}{extension}"))).map(|m| m.len()).ok()
        };
        let encoding = match Some(*sent) {
            sent if sent == size(".br") => "br",
            sent if sent == size(".gz") => "gzip",
            _ if sent == decoded => bail!("{path} came uncompressed ({sent} bytes)"),
            _ => bail!("{path}: {sent} bytes on the wire match neither copy"),
        };
        encodings.push(format!("{file} {encoding}"));
    }
    if !encodings.iter().any(|e| e.contains(".wasm")) {
        bail!("the first load fetched no wasm module: {first:?}");
    }
    println!(
        "browser:       first load {:.1} KB transferred: {}",
        total as f64 / 1000.0,
        encodings.join(", ")
    );

    client.refresh().await?;
    wait_for_text(client, ".page-title", "Sign in").await?;
    for (path, transferred, _, _) in timings(client).await? {
        let named_by_content = path.rsplit('/').next().is_some_and(is_content_named);
        if bundle_file(&setup.web_dir, &path).is_some() && named_by_content && transferred > 0 {
            bail!("{path} was fetched again on reload ({transferred} bytes): not cached");
        }
    }
    Ok(())
}

async fn timings(client: &Client) -> anyhow::Result<Vec<(String, u64, u64, u64)>> {
    let value = client.execute(TIMINGS, vec![]).await?;
    let rows = value.as_array().context("no resource timings")?;
    rows.iter()
        .map(|row| {
            let number = |i: usize| row[i].as_f64().map(|n| n as u64).context("not a number");
            let path = row[0].as_str().context("no path")?.to_owned();
            Ok((path, number(1)?, number(2)?, number(3)?))
        })
        .collect()
}

/// The bundle file a path serves (`/` is index.html), if it is one.
fn bundle_file(web_dir: &Path, path: &str) -> Option<String> {
    let name = match path.trim_start_matches('/') {
        "" | "sign-in" => "index.html",
        name => name,
    };
    web_dir.join(name).is_file().then(|| name.to_owned())
}
