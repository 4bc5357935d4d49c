//! `gapmap import-boundaries`: TopoJSON / GeoJSON boundaries in, validated RFC 7946 GeoJSON out.
//!
//! STUB — replaced by the importer implementation.

use std::io::Write;
use std::path::Path;

/// What went wrong with an import; nothing is written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Placeholder until the importer lands.
    #[error("{0}")]
    Other(String),
}

/// What an import produced.
#[derive(Debug)]
pub struct ImportSummary {
    /// Features written.
    pub features: usize,
}

/// Reads `input` (TopoJSON or GeoJSON), attaches GSS codes by name from `codes` (a CSV with `code,name`)
/// where the source has none, validates and repairs geometries, reports every problem to `report`, and
/// writes `output` atomically. On error nothing is written.
pub fn run(
    input: &Path,
    output: &Path,
    codes: Option<&Path>,
    report: &mut dyn Write,
) -> Result<ImportSummary, ImportError> {
    let _ = (input, output, codes, report);
    Err(ImportError::Other("not implemented".into()))
}
