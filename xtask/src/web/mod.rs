//! `cargo xtask` web bundle: compiles `baton-web` for wasm32, runs
//! wasm-bindgen as a library (nothing to install), shrinks the release
//! module with wasm-opt from npm's binaryen, and assembles `web/dist/`:
//! index.html, bootstrap.js (CSP forbids inline script), the JS glue, the
//! wasm module, the stylesheet and the icon. Every file but index.html is
//! then named after its content ([`names`]) and gets brotli and gzip copies
//! beside it ([`sizes`]), which the backend serves with a year-long cache.

mod names;
mod sizes;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};
use wasm_bindgen_cli_support::Bindgen;

use crate::{cmd, prereqs};
pub use names::is_content_named;
use sizes::Effort;
pub use sizes::{FIRST_LOAD_BUDGET, FileSize, print_size_report, size_report};

const TARGET: &str = "wasm32-unknown-unknown";
/// The module name the bootstrap imports (`./baton_web.js`).
const MODULE_NAME: &str = "baton_web";
/// binaryen version whose wasm-opt reads current rustc output (Debian's cannot).
const BINARYEN: &str = "binaryen@132";
/// Files copied verbatim from `web/` into the bundle.
const STATIC_FILES: &[&str] = &["bootstrap.js", "favicon.svg", "styles/baton.css"];

/// Builds the SPA bundle into `web/dist/` and returns that directory.
/// `release` uses the `wasm-release` profile, runs wasm-opt (when npm is
/// available) and prints what the bundle costs to download.
pub fn build(release: bool) -> Result<PathBuf> {
    let root = cmd::workspace_root();
    let web = root.join("web");
    let dist = web.join("dist");

    // Idempotent; on a fresh machine it downloads the target.
    prereqs::wasm_target()?;

    let mut cargo = cmd::cargo();
    cargo.current_dir(&root).args(["build", "-p", "baton-web", "--target", TARGET]);
    if release {
        cargo.args(["--profile", "wasm-release"]);
    }
    cmd::run(&mut cargo)?;

    let profile_dir = if release { "wasm-release" } else { "debug" };
    let wasm = cmd::target_dir(&root)?.join(TARGET).join(profile_dir).join("baton-web.wasm");
    if !wasm.is_file() {
        bail!("the build did not produce {}", wasm.display());
    }

    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("creating {}", dist.display()))?;

    println!("web: generating JS bindings");
    Bindgen::new()
        .input_path(&wasm)
        .out_name(MODULE_NAME)
        .web(true)?
        .typescript(false)
        // Without the default path `init()` cannot find the .wasm file.
        .omit_default_module_path(false)
        .generate(&dist)
        .context("wasm-bindgen failed")?;

    if release {
        optimize(&root, &dist.join(format!("{MODULE_NAME}_bg.wasm")))?;
    }

    copy_index(&web, &dist)?;
    for file in STATIC_FILES {
        let from = web.join(file);
        let name = Path::new(file).file_name().context("static file without a name")?;
        fs::copy(&from, dist.join(name)).with_context(|| format!("copying {}", from.display()))?;
    }

    names::name_by_content(&dist, MODULE_NAME)?;
    println!("web: compressing (brotli, gzip)");
    sizes::precompress(&dist, if release { Effort::Best } else { Effort::Quick })?;
    println!("web: bundle ready in {}", dist.display());
    if release {
        print_size_report(&size_report(&dist)?);
    }
    Ok(dist)
}

/// Copies index.html, refusing one with inline script (the CSP would block it).
fn copy_index(web: &Path, dist: &Path) -> Result<()> {
    let index = fs::read_to_string(web.join("index.html")).context("reading web/index.html")?;
    for tag in index.split("<script").skip(1) {
        let opening = tag.split('>').next().unwrap_or_default();
        if !opening.contains("src=") {
            bail!("web/index.html has an inline <script>; the Content-Security-Policy forbids it");
        }
    }
    if !index.contains(r#"<script type="module" src="/bootstrap.js">"#) {
        bail!(
            "web/index.html must load the app with <script type=\"module\" src=\"/bootstrap.js\">"
        );
    }
    fs::write(dist.join("index.html"), index).context("writing dist/index.html")
}

/// Shrinks the module with wasm-opt from npm's binaryen, installed into the
/// git-ignored `.tools/`; skipped, with a note, when npm is missing or fails.
fn optimize(root: &Path, module: &Path) -> Result<()> {
    let tools = root.join(".tools");
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    if !wasm_opt.is_file() {
        if cmd::probe(Command::new("npm").arg("--version")).is_none() {
            println!("web: note: npm not found, skipping wasm-opt (the bundle is just larger)");
            return Ok(());
        }
        let installed = cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&tools)
                .arg(BINARYEN),
        );
        if let Err(err) = installed {
            println!("web: note: skipping wasm-opt: {err:#}");
            return Ok(());
        }
    }
    println!("web: optimizing with wasm-opt -Oz --low-memory-unused");
    let before = fs::metadata(module)?.len();
    cmd::run(
        Command::new(&wasm_opt)
            .arg("-Oz")
            // Rust's wasm32 layout puts the 1 MiB stack first, growing down
            // towards 0: the lowest 1 KiB is touched only by a stack about
            // to overflow. Lets wasm-opt fold constant offsets into loads
            // and stores (about 1 KB less compressed).
            .arg("--low-memory-unused")
            .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
            .args(["--enable-sign-ext", "--enable-mutable-globals"])
            .args(["--enable-reference-types", "--enable-multivalue"])
            .arg(module)
            .arg("-o")
            .arg(module),
    )?;
    let after = fs::metadata(module)?.len();
    println!("web: wasm-opt {} KiB -> {} KiB", before / 1024, after / 1024);
    Ok(())
}

// Other tasks still name it here; the one definition is in `cmd`.
pub use crate::cmd::target_dir;
