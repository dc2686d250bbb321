//! What the bundle costs to download: brotli and gzip copies written beside
//! each file at build time (the backend serves whichever the browser
//! accepts), and the size of each file as served, raw, gzip and brotli,
//! against the first-load budget.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use flate2::{Compression, write::GzEncoder};

/// The whole first load, compressed, in bytes (issue 6: ≤ 250 KB). Every
/// file of the bundle is fetched on a first visit.
pub const FIRST_LOAD_BUDGET: u64 = 250_000;

/// A 4 MiB brotli window: more than any release file here.
const BROTLI_WINDOW_BITS: u32 = 22;

/// How hard to compress: the release bundle is compressed once and
/// downloaded often; a debug bundle (several MB of wasm) is rebuilt often
/// and best-quality brotli on it takes minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effort {
    Best,
    Quick,
}

impl Effort {
    fn brotli_quality(self) -> u32 {
        match self {
            Effort::Best => 11,
            Effort::Quick => 4,
        }
    }

    fn gzip_level(self) -> Compression {
        match self {
            Effort::Best => Compression::best(),
            Effort::Quick => Compression::fast(),
        }
    }
}

/// One served file: name, raw bytes, gzip bytes, brotli bytes.
pub type FileSize = (String, u64, u64, u64);

/// Writes `<file>.br` and `<file>.gz` beside every file of `dist`, each
/// only when it is smaller than the file itself (the server then sends the
/// file as it is).
pub(super) fn precompress(dist: &Path, effort: Effort) -> Result<()> {
    for path in served_files(dist)? {
        let raw = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        for (extension, packed) in [("br", brotli(&raw, effort)?), ("gz", gzip(&raw, effort)?)] {
            let copy = with_extension(&path, extension);
            if packed.len() < raw.len() {
                fs::write(&copy, packed).with_context(|| format!("writing {}", copy.display()))?;
            }
        }
    }
    Ok(())
}

/// Each file of the bundle as served: (file, raw, gzip, brotli) bytes,
/// `index.html` first, then by name. A file without a smaller compressed
/// copy counts at its raw size.
pub fn size_report(dist: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    for path in served_files(dist)? {
        let size = |path: &Path| fs::metadata(path).map(|meta| meta.len());
        let raw = size(&path).with_context(|| format!("reading {}", path.display()))?;
        let gzip = size(&with_extension(&path, "gz")).unwrap_or(raw);
        let brotli = size(&with_extension(&path, "br")).unwrap_or(raw);
        let name = path.strip_prefix(dist).unwrap_or(&path).to_string_lossy().into_owned();
        files.push((name, raw, gzip, brotli));
    }
    files.sort_by(|a, b| (a.0 != "index.html", &a.0).cmp(&(b.0 != "index.html", &b.0)));
    Ok(files)
}

/// Prints the breakdown and the first load against [`FIRST_LOAD_BUDGET`]
/// (KB = 1000 bytes); returns the first load's brotli bytes.
pub fn print_size_report(files: &[FileSize]) -> u64 {
    let kb = |bytes: u64| format!("{:.1} KB", bytes as f64 / 1000.0);
    let row = |name: &str, raw, gzip, brotli| {
        println!("  {name:<40} {:>10} {:>10} {:>10}", kb(raw), kb(gzip), kb(brotli));
    };
    println!("SPA bundle, bytes as served");
    println!("  {:<40} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    for (name, raw, gzip, brotli) in files {
        row(name, *raw, *gzip, *brotli);
    }
    let total = |column: fn(&FileSize) -> u64| files.iter().map(column).sum::<u64>();
    let (raw, gzip, brotli) = (total(|f| f.1), total(|f| f.2), total(|f| f.3));
    row("first load (every file)", raw, gzip, brotli);
    let verdict = |bytes| if bytes <= FIRST_LOAD_BUDGET { "within" } else { "OVER" };
    println!(
        "  first load: brotli {} ({} budget), gzip {} ({} budget); budget {}",
        kb(brotli),
        verdict(brotli),
        kb(gzip),
        verdict(gzip),
        kb(FIRST_LOAD_BUDGET),
    );
    brotli
}

/// The files a browser may fetch: everything but the compressed copies.
fn served_files(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dist).with_context(|| format!("listing {}", dist.display()))? {
        let path = entry?.path();
        let copy = path.extension().is_some_and(|ext| ext == "br" || ext == "gz");
        if path.is_file() && !copy {
            files.push(path);
        }
    }
    Ok(files)
}

fn with_extension(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn brotli(bytes: &[u8], effort: Effort) -> Result<Vec<u8>> {
    let quality = effort.brotli_quality();
    let mut writer =
        brotli::CompressorWriter::new(Vec::new(), 64 * 1024, quality, BROTLI_WINDOW_BITS);
    writer.write_all(bytes).context("brotli compression failed")?;
    writer.flush().context("brotli compression failed")?;
    Ok(writer.into_inner())
}

fn gzip(bytes: &[u8], effort: Effort) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), effort.gzip_level());
    encoder.write_all(bytes).context("gzip compression failed")?;
    encoder.finish().context("gzip compression failed")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn compressed_copies_decompress_to_the_original() -> Result<()> {
        let text = "let a = 'repeated text, repeated text, repeated text';\n".repeat(50);
        for effort in [Effort::Best, Effort::Quick] {
            let mut unpacked = Vec::new();
            let packed = brotli(text.as_bytes(), effort)?;
            brotli::Decompressor::new(&packed[..], 4096).read_to_end(&mut unpacked)?;
            assert_eq!(unpacked, text.as_bytes());
            let mut unpacked = String::new();
            let packed = gzip(text.as_bytes(), effort)?;
            flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut unpacked)?;
            assert_eq!(unpacked, text);
        }
        Ok(())
    }

    #[test]
    fn the_report_counts_what_is_served() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("baton-sizes-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        fs::write(dir.join("index.html"), "<!doctype html>".repeat(100))?;
        fs::write(dir.join("a.0123456789abcdef.js"), "x")?;
        precompress(&dir, Effort::Best)?;
        let report = size_report(&dir)?;
        fs::remove_dir_all(&dir)?;
        let names: Vec<_> = report.iter().map(|file| file.0.as_str()).collect();
        assert_eq!(names, ["index.html", "a.0123456789abcdef.js"]);
        let (_, raw, gzip, brotli) = report[0];
        assert!(gzip < raw && brotli < raw, "{report:?}");
        // One byte does not compress: it is served, and counted, as it is.
        assert_eq!(report[1], ("a.0123456789abcdef.js".to_owned(), 1, 1, 1));
        Ok(())
    }
}
