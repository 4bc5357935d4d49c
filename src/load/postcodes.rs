//! Reads and writes postcode directories. gapmap's own format is a brotli-compressed CSV,
//! `postcode,area,easting,northing,terminated`, whose `#` comment lines name the source and licence; the ONS
//! Postcode Directory's CSV (columns `pcd`/`pcds`/`pcd7`, `laua` or `ladNNcd`, `oseast1m`/`east1m`,
//! `osnrth1m`/`north1m`, optionally `doterm`) is read too, so `gapmap import-postcodes` converts one to the other.

use std::io::{Read, Write};
use std::path::Path;

use super::{LoadError, LoadProblem};
use crate::domain::postcode::{Postcode, PostcodeDirectory, PostcodeEntry};

/// Postcodes bundled with gapmap: London's, from the ONS Postcode Directory (November 2025).
pub const DEFAULT_POSTCODES: &str = "postcodes/london-postcodes.csv.br";

/// Largest decompressed size of a postcode file read, bytes (the whole UK in gapmap's format is about 90 MB).
const MAX_DECOMPRESSED_BYTES: u64 = 1 << 30;

/// Reads a postcode directory: gapmap's brotli-compressed format (a name ending `.br`) or a plain CSV in either
/// column layout.
pub fn read_postcodes(path: &Path) -> Result<PostcodeDirectory, LoadError> {
    let bytes =
        std::fs::read(path).map_err(|e| LoadProblem::file(path, format!("cannot read: {e}")))?;
    let text = if path.extension().is_some_and(|e| e == "br") {
        let mut text = String::new();
        brotli::Decompressor::new(bytes.as_slice(), 64 * 1024)
            .take(MAX_DECOMPRESSED_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| {
                LoadProblem::file(path, format!("not a brotli-compressed text file: {e}"))
            })?;
        text
    } else {
        String::from_utf8(bytes).map_err(|_| LoadProblem::file(path, "not UTF-8 text"))?
    };
    parse_postcodes(path, &text)
}

/// Parses postcode CSV `text` as [`read_postcodes`] does; `path` only names the file in problems.
pub fn parse_postcodes(path: &Path, text: &str) -> Result<PostcodeDirectory, LoadError> {
    let source = text
        .lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| line.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ");
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadProblem::file(path, format!("unreadable header: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim()) || names.iter().any(|n| lad_column(n, h)))
    };
    let column = |names: &[&str], what: &str| {
        find(names).ok_or_else(|| {
            LoadProblem::file(path, format!("missing column `{}` ({what})", names[0]))
        })
    };
    let postcode_at = column(&["postcode", "pcd", "pcds", "pcd7"], "the postcode")?;
    let area_at = column(
        &["area", "laua", "ladNNcd"],
        "the local authority's GSS code",
    )?;
    let east_at = column(&["easting", "oseast1m", "east1m"], "grid easting, metres")?;
    let north_at = column(
        &["northing", "osnrth1m", "north1m"],
        "grid northing, metres",
    )?;
    let terminated_at = find(&["terminated", "doterm"]);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(LoadProblem::malformed(path, &e));
                continue;
            }
        };
        let line = record.position().map(|p| p.line());
        let field = |at: usize| record.get(at).unwrap_or_default().trim();
        let postcode = match Postcode::parse(field(postcode_at)) {
            Ok(postcode) => postcode,
            Err(message) => {
                problems.push(LoadProblem::field(path, line, "postcode", message));
                continue;
            }
        };
        let metres = |at: usize| field(at).parse::<f64>().ok().filter(|v| v.is_finite());
        let grid = match (metres(east_at), metres(north_at)) {
            (Some(e), Some(n))
                if (0.0..=800_000.0).contains(&e) && (0.0..=1_400_000.0).contains(&n) =>
            {
                Some((e, n))
            }
            _ => None,
        };
        entries.push(PostcodeEntry {
            postcode,
            area_code: field(area_at).to_owned(),
            grid,
            terminated: terminated_at.and_then(|at| month(field(at))),
        });
        if problems.len() > 20 {
            break;
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    if entries.is_empty() {
        return Err(LoadProblem::file(path, "no postcodes").into());
    }
    Ok(PostcodeDirectory::new(entries, source))
}

/// Whether header `h` is the ONS Postcode Directory's district column for some year (`lad25cd`) when `name` asks
/// for one (`ladNNcd`).
fn lad_column(name: &str, h: &str) -> bool {
    let h = h.trim();
    name == "ladNNcd"
        && h.len() == 7
        && h.starts_with("lad")
        && h.ends_with("cd")
        && h[3..5].bytes().all(|b| b.is_ascii_digit())
}

/// `2019-05` from the directory's `201905` (or from `2019-05`); `None` when empty or not a year and month.
fn month(raw: &str) -> Option<String> {
    let digits = raw.split('.').next()?.replace('-', "");
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}", &digits[..4], &digits[4..]))
}

/// Writes `directory` in gapmap's format (brotli-compressed CSV), its source on the first comment line.
pub fn write_postcodes(directory: &PostcodeDirectory, path: &Path) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut out = brotli::CompressorWriter::new(file, 64 * 1024, 9, 22);
    for line in directory.source().lines() {
        writeln!(out, "# {line}")?;
    }
    writeln!(out, "postcode,area,easting,northing,terminated")?;
    for entry in directory.entries() {
        let (east, north) = entry.grid.map_or((String::new(), String::new()), |(e, n)| {
            (e.to_string(), n.to_string())
        });
        let terminated = entry.terminated.as_deref().unwrap_or_default();
        writeln!(
            out,
            "{},{},{east},{north},{terminated}",
            entry.postcode.as_str(),
            entry.area_code
        )?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_read_alike() {
        let ours = "# ONS Postcode Directory\npostcode,area,easting,northing,terminated\nSW1A1AA,E09000033,529090,179645,\nE16AN,E09000030,,,2001-02\n";
        let onspd = "pcd,doterm,oseast1m,osnrth1m,lad25cd\nSW1A 1AA,,529090,179645,E09000033\nE1  6AN,200102,,,E09000030\n";
        let a = parse_postcodes(Path::new("a.csv"), ours).unwrap();
        let b = parse_postcodes(Path::new("b.csv"), onspd).unwrap();
        assert_eq!(a.entries(), b.entries());
        assert_eq!(a.source(), "ONS Postcode Directory");
        let e16an = &a.entries()[0];
        assert_eq!(
            (e16an.grid, e16an.terminated.as_deref()),
            (None, Some("2001-02"))
        );
    }

    #[test]
    fn a_written_directory_reads_back() {
        let text = "# Source line\npostcode,area,easting,northing,terminated\nSW1A1AA,E09000033,529090,179645,\n";
        let directory = parse_postcodes(Path::new("a.csv"), text).unwrap();
        let file = tempfile::Builder::new()
            .suffix(".csv.br")
            .tempfile()
            .unwrap();
        write_postcodes(&directory, file.path()).unwrap();
        let back = read_postcodes(file.path()).unwrap();
        assert_eq!(back.entries(), directory.entries());
        assert_eq!(back.source(), "Source line");
    }

    #[test]
    fn a_bad_postcode_is_named_with_its_line() {
        let problems = parse_postcodes(
            Path::new("a.csv"),
            "pcd,laua,oseast1m,osnrth1m\nXX,E09000001,1,1\n",
        )
        .unwrap_err()
        .0;
        assert_eq!(
            (problems[0].line, problems[0].field.as_deref()),
            (Some(2), Some("postcode"))
        );
        assert!(parse_postcodes(Path::new("a.csv"), "pcd,laua\nSW1A1AA,E0\n").is_err());
    }
}
