//! Accessibility checks with axe-core (Deque's engine, from npm into the
//! git-ignored `.tools/`, as the bundle's wasm-opt is): the page as it
//! stands is checked against WCAG 2.1 A and AA, and every violation is
//! reported with the elements it concerns. Frames are left out: the only
//! one is Garmin's sign-in page, which is Garmin's to fix.

use std::{fs, path::PathBuf, process::Command, sync::OnceLock};

use anyhow::{Context, bail};
use fantoccini::Client;

use crate::cmd;

/// The axe-core release the checks run.
const AXE_CORE: &str = "axe-core@4.14.1";

/// axe-core's source, installed once per run.
static AXE_SOURCE: OnceLock<Result<String, String>> = OnceLock::new();

fn axe_source() -> anyhow::Result<&'static str> {
    let source = AXE_SOURCE.get_or_init(|| install().map_err(|err| format!("{err:#}")));
    source.as_deref().map_err(|err| anyhow::anyhow!("axe-core is not available: {err}"))
}

fn install() -> anyhow::Result<String> {
    let tools = cmd::workspace_root().join(".tools");
    let script: PathBuf = tools.join("node_modules/axe-core/axe.min.js");
    if !script.is_file() {
        cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
                .arg(&tools)
                .arg(AXE_CORE),
        )
        .context("installing axe-core with npm")?;
    }
    fs::read_to_string(&script).with_context(|| format!("reading {}", script.display()))
}

/// Runs axe-core on the page `client` shows; fails listing each violation.
pub(super) async fn axe_clean(client: &Client) -> anyhow::Result<()> {
    let source = axe_source()?;
    // WebDriver's scripts are not the page's: the CSP does not apply.
    let script = format!(
        "{source}\n\
         const done = arguments[arguments.length - 1];\n\
         axe.run(document, {{ iframes: false, runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})\n\
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' \n\
             + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))\n\
           .catch(e => done(['axe failed: ' + e]));"
    );
    let found = client.execute_async(&script, vec![]).await.context("running axe-core")?;
    let violations: Vec<String> = found
        .as_array()
        .context("axe-core sent no list")?
        .iter()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect();
    if !violations.is_empty() {
        bail!("{} axe violation(s): {}", violations.len(), violations.join(" | "));
    }
    Ok(())
}
