//! Content-hashed file names: every bundle file but `index.html` is renamed
//! `<name>.<hash>.<extension>` (the first 16 hex digits of its SHA-256), and
//! the references to it are rewritten, so a browser may cache it for ever
//! and a new release is a new name. The backend (`backend/src/web.rs`)
//! recognises such names by that shape and serves them as immutable.
//!
//! A file's hash covers the names it refers to, so renaming runs in
//! reference order: the wasm module, the JS glue that loads it, the
//! bootstrap that imports the glue, then what `index.html` links.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// Hex digits of the content hash in a name; `backend/src/web.rs` expects
/// exactly this many.
const HASH_LEN: usize = 16;

/// Renames every file of `dist` (flat: wasm-bindgen's output and the
/// static files) after its content and points the references at the new
/// names. `module` is the wasm-bindgen module name (`baton_web`).
pub(super) fn name_by_content(dist: &Path, module: &str) -> Result<()> {
    let wasm = rename(dist, &format!("{module}_bg.wasm"))?;
    let glue = format!("{module}.js");
    // wasm-bindgen's `--target web` glue: `new URL('<module>_bg.wasm', import.meta.url)`.
    point(dist, &glue, &format!("'{module}_bg.wasm'"), &format!("'{wasm}'"))?;
    let glue = rename(dist, &glue)?;
    point(dist, "bootstrap.js", &format!("'./{module}.js'"), &format!("'./{glue}'"))?;
    let bootstrap = rename(dist, "bootstrap.js")?;
    let stylesheet = rename(dist, "baton.css")?;
    let icon = rename(dist, "favicon.svg")?;
    for (old, new) in
        [("bootstrap.js", bootstrap), ("baton.css", stylesheet), ("favicon.svg", icon)]
    {
        point(dist, "index.html", &format!("\"/{old}\""), &format!("\"/{new}\""))?;
    }
    let left = fs::read_dir(dist)?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|name| name != "index.html" && !is_content_named(name))
        .collect::<Vec<_>>();
    if !left.is_empty() {
        bail!("web: bundle files without a content hash (nothing names them yet): {left:?}");
    }
    Ok(())
}

/// `name.ext` → `name.<hash>.ext`; returns the new name.
fn rename(dist: &Path, name: &str) -> Result<String> {
    let path = dist.join(name);
    let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let hashed = hashed_name(name, &bytes);
    fs::rename(&path, dist.join(&hashed)).with_context(|| format!("renaming {name}"))?;
    Ok(hashed)
}

fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    let hash = &hex[..HASH_LEN];
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}

/// Whether `name` is a content-hashed file name (`<stem>.<hash>.<extension>`).
pub fn is_content_named(name: &str) -> bool {
    let Some((rest, _extension)) = name.rsplit_once('.') else { return false };
    let Some((stem, hash)) = rest.rsplit_once('.') else { return false };
    !stem.is_empty()
        && hash.len() == HASH_LEN
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Replaces the one occurrence of `old` in `file` with `new`; fails when it
/// is missing or repeated (a changed wasm-bindgen output must not slip
/// through as a page that cannot load).
fn point(dist: &Path, file: &str, old: &str, new: &str) -> Result<()> {
    let path = dist.join(file);
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    match text.matches(old).count() {
        1 => fs::write(&path, text.replacen(old, new, 1))
            .with_context(|| format!("writing {}", path.display())),
        0 => bail!("web: {file} does not refer to {old}; cannot point it at {new}"),
        n => bail!("web: {file} refers to {old} {n} times; expected once"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_stem_and_extension() {
        let name = hashed_name("baton_web_bg.wasm", b"abc");
        // SHA-256("abc") starts ba7816bf8f01cfea.
        assert_eq!(name, "baton_web_bg.ba7816bf8f01cfea.wasm");
        assert!(is_content_named(&name));
        assert!(!is_content_named("baton.css"));
        assert!(!is_content_named("index.html"));
        assert!(!is_content_named(".ba7816bf8f01cfea.wasm"));
    }

    #[test]
    fn a_reference_must_appear_exactly_once() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("baton-names-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        fs::write(dir.join("a.js"), "import x from './b.js';")?;
        point(&dir, "a.js", "'./b.js'", "'./b.0123456789abcdef.js'")?;
        assert_eq!(
            fs::read_to_string(dir.join("a.js"))?,
            "import x from './b.0123456789abcdef.js';"
        );
        assert!(point(&dir, "a.js", "'./c.js'", "'./d.js'").is_err());
        fs::write(dir.join("a.js"), "'./b.js' './b.js'")?;
        assert!(point(&dir, "a.js", "'./b.js'", "'./d.js'").is_err());
        fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
