//! The import layer's errors: whole-file problems stop at once; feature problems are collected so that every
//! one is listed.

use std::io;
use std::path::PathBuf;

use super::findings::GeometryProblem;

/// What went wrong with an import; nothing is written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input could not be read.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        /// The input file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The input is empty or only white space.
    #[error("{} is empty", file.display())]
    EmptyFile {
        /// The input file.
        file: PathBuf,
    },
    /// The input is not JSON.
    #[error("{} is not JSON: {source}", file.display())]
    NotJson {
        /// The input file.
        file: PathBuf,
        /// Where and why parsing failed.
        source: serde_json::Error,
    },
    /// The input is JSON but neither a FeatureCollection nor a Topology.
    #[error("{} is not a GeoJSON FeatureCollection or a TopoJSON Topology: {found}", file.display())]
    NotBoundaries {
        /// The input file.
        file: PathBuf,
        /// What it is instead.
        found: String,
    },
    /// The input has the right type but a broken structure.
    #[error("{}: {reason}", file.display())]
    Malformed {
        /// The input file.
        file: PathBuf,
        /// What is broken.
        reason: String,
    },
    /// The input holds no features.
    #[error("{} has no features", file.display())]
    NoFeatures {
        /// The input file.
        file: PathBuf,
    },
    /// Coordinates are outside the ranges of WGS84 longitude/latitude, so the file is in another
    /// coordinate reference system.
    #[error(
        "{}: coordinates are not WGS84 longitude/latitude degrees: {feature} has ({x}, {y}){hint}. \
         Reproject to WGS84 (EPSG:4326) first, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`",
        file.display(),
        hint = crs_hint(*x, *y)
    )]
    NotLonLat {
        /// The input file.
        file: PathBuf,
        /// The first feature found with such a coordinate.
        feature: String,
        /// The coordinate's first value.
        x: f64,
        /// The coordinate's second value.
        y: f64,
    },
    /// The codes CSV could not be used.
    #[error("{}{}: {reason}", file.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Codes {
        /// The CSV file.
        file: PathBuf,
        /// 1-based line, where the problem is on one line.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// One or more features could not be imported; every one is listed.
    #[error("{}: {} feature(s) could not be imported:\n  {}", file.display(), problems.len(), list(problems))]
    Features {
        /// The input file.
        file: PathBuf,
        /// Each feature's problem.
        problems: Vec<FeatureError>,
    },
    /// The output could not be written.
    #[error("cannot write {}: {source}", file.display())]
    Write {
        /// The output file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The report could not be written.
    #[error("cannot write the import report: {0}")]
    Report(#[source] io::Error),
}

/// Why one feature cannot be imported. Each names the feature (its name, else its code, else its position).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    /// No code or name anywhere in the feature.
    #[error(
        "{feature}: has neither a code nor a name (looked for `code`/`name`, ONS `<PREFIX><yy>CD`/`<PREFIX><yy>NM` properties and the `id`)"
    )]
    NoIdentity {
        /// The feature.
        feature: String,
    },
    /// The code in the source is not a GSS code.
    #[error("{feature}: {reason}")]
    BadCode {
        /// The feature.
        feature: String,
        /// Why the code is not valid.
        reason: String,
    },
    /// No code in the source, and the name is not in the codes CSV.
    #[error("{feature}: has no code, and its name is not in {} (names match ignoring case, spacing and `&`/`and`)", codes.display())]
    UnknownName {
        /// The feature.
        feature: String,
        /// The codes CSV.
        codes: PathBuf,
    },
    /// A code but no name, and the code is not in the codes CSV either.
    #[error("{feature}: has no name, and its code is not in {}", codes.display())]
    NoName {
        /// The feature.
        feature: String,
        /// The codes CSV.
        codes: PathBuf,
    },
    /// The geometry is not a Polygon or MultiPolygon.
    #[error("{feature}: geometry is a {kind}; only Polygon and MultiPolygon are supported")]
    NotPolygon {
        /// The feature.
        feature: String,
        /// The geometry type found.
        kind: String,
    },
    /// The geometry is unusable.
    #[error("{feature}: {problem}")]
    Geometry {
        /// The feature.
        feature: String,
        /// What is wrong.
        problem: GeometryProblem,
    },
    /// Two features share a code.
    #[error("features `{first}` and `{second}` both have code {code}")]
    DuplicateCode {
        /// The shared code.
        code: String,
        /// One feature.
        first: String,
        /// The other.
        second: String,
    },
}

fn list(problems: &[FeatureError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// Why coordinates outside ±180/±90 are probably in some other system.
fn crs_hint(x: f64, y: f64) -> &'static str {
    if (0.0..=700_000.0).contains(&x) && (0.0..=1_300_000.0).contains(&y) {
        ", which looks like British National Grid eastings/northings in metres (EPSG:27700)"
    } else if x.abs() <= 90.0 && y.abs() <= 180.0 {
        ", which looks like latitude/longitude in the wrong order (GeoJSON wants longitude first)"
    } else {
        ", which looks like a projected coordinate system (e.g. metres), not degrees"
    }
}
