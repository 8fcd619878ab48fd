//! The browser bundle's sizes as shipped: raw, gzip and brotli.
use std::{io::Write, path::Path};

/// The size of `bytes` gzipped at the best level.
pub fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("in-memory write");
    encoder.finish().expect("in-memory write").len()
}

/// The size of `bytes` brotli-compressed at quality 11, as served precompressed.
pub fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("in-memory write");
    out.len()
}

/// Prints a table of every .wasm, .js and .css file in `pkg`.
pub fn report(pkg: &Path) -> Result<(), String> {
    let mut files: Vec<_> = std::fs::read_dir(pkg)
        .map_err(|e| format!("{}: {e} (build the release first: cargo xtask build)", pkg.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css")))
        .collect();
    files.sort();
    println!("{:<24} {:>12} {:>12} {:>12}", "bundle file", "raw B", "gzip B", "brotli B");
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<24} {:>12} {:>12} {:>12}", bytes.len(), gzip(&bytes), brotli(&bytes));
    }
    Ok(())
}
