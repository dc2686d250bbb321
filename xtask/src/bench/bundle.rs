//! The SPA's download (issue 6, point 16): the release bundle file by file,
//! raw, gzip and brotli, and the first load against its budget, so the next
//! pages stay inside it. Every file is fetched on a first visit and a
//! browser takes the brotli copy, so the first load is the brotli sum.

use std::path::Path;

use serde_json::json;

use crate::{prereqs, web};

pub fn run(root: &Path) -> anyhow::Result<()> {
    prereqs::wasm_target()?;
    // A release build prints the breakdown and the budget itself.
    let dist = web::build(true)?;
    let files = web::size_report(&dist)?;
    let total = |column: fn(&web::FileSize) -> u64| files.iter().map(column).sum::<u64>();
    let brotli = total(|file| file.3);
    let figures = json!({
        "files": files
            .iter()
            .map(|(file, raw, gzip, brotli)| {
                json!({ "file": file, "raw": raw, "gzip": gzip, "brotli": brotli })
            })
            .collect::<Vec<_>>(),
        "first_load": { "raw": total(|file| file.1), "gzip": total(|file| file.2), "brotli": brotli },
        "first_load_budget": web::FIRST_LOAD_BUDGET,
        "met": brotli <= web::FIRST_LOAD_BUDGET,
    });
    super::write_json(root, "bundle", &figures)?;
    Ok(())
}
