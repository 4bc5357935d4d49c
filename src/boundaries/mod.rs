//! `gapmap import-boundaries`: TopoJSON / GeoJSON boundaries in, validated RFC 7946 GeoJSON out.
//!
//! The steps, one module each: `source` reads the file (with `topojson` decoding Topologies), `naming`
//! recognises each feature's GSS code and name, `ring`, `repair` and `renode` make each geometry valid or say
//! why they cannot, and `output` writes the result atomically. Every repair is reported; any problem that cannot
//! be repaired safely stops the import before anything is written.

mod error;
mod feature;
mod findings;
mod naming;
mod output;
mod renode;
mod repair;
mod ring;
mod source;
mod topojson;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use geo::GeodesicArea;

pub use error::{FeatureError, ImportError};
pub use findings::{GeometryProblem, MAX_AREA_CHANGE_PERCENT, Repair, RingPlace};
pub use ring::DECIMALS;
pub use source::SourceFormat;

use crate::domain::GssCode;
use feature::{SourceFeature, SourceGeometry};
use naming::{CodeBook, Identity};
use output::ImportedArea;

/// Features between progress lines in the report.
const PROGRESS_EVERY: usize = 100;

/// What an import produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// The kind of file read.
    pub format: SourceFormat,
    /// Features written (one per area).
    pub features: usize,
    /// Repairs made, over all features (each [`Repair`] counts once).
    pub repairs: usize,
    /// Features whose GSS code was found by name in the codes CSV.
    pub codes_by_name: usize,
    /// Total geodesic area of the written features, in square kilometres (WGS84 ellipsoid).
    pub area_km2: f64,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} areas from {} ({} repair(s), {} code(s) found by name); total area {:.1} km²",
            self.features, self.format, self.repairs, self.codes_by_name, self.area_km2
        )
    }
}

/// Reads `input` (TopoJSON or GeoJSON), attaches GSS codes by name from `codes` (a CSV with `code,name`;
/// [`crate::load::DEFAULT_POPULATION`] when `None`) where the source has none, validates and repairs
/// geometries, reports progress and every repair to `report`, and writes `output` atomically. On error
/// nothing is written.
pub fn run(
    input: &Path,
    output: &Path,
    codes: Option<&Path>,
    report: &mut dyn Write,
) -> Result<ImportSummary, ImportError> {
    let imported = convert(input, &source::read(input)?, codes, report)?;
    let write_error = |source| ImportError::Write {
        file: output.to_owned(),
        source,
    };
    let text = imported
        .to_geojson()
        .map_err(|e| write_error(io::Error::other(e)))?;
    output::write_atomically(output, text.as_bytes()).map_err(write_error)?;
    say(
        report,
        format_args!(
            "wrote {} feature(s) to {}",
            imported.summary.features,
            output.display()
        ),
    )?;
    Ok(imported.summary)
}

/// The outcome of [`convert`]: what [`run`] writes, before it is written.
#[derive(Debug, Clone)]
pub struct Imported {
    /// What the import produced.
    pub summary: ImportSummary,
    areas: Vec<ImportedArea>,
}

impl Imported {
    /// The RFC 7946 FeatureCollection [`run`] writes.
    pub fn to_geojson(&self) -> serde_json::Result<String> {
        output::feature_collection(&self.areas)
    }
}

/// Does what [`run`] does to `text`, the contents of `input` (named in messages and the report), short of
/// writing the output.
pub fn convert(
    input: &Path,
    text: &str,
    codes: Option<&Path>,
    report: &mut dyn Write,
) -> Result<Imported, ImportError> {
    let (format, features) = source::parse(input, text)?;
    let total = features.len();
    say(
        report,
        format_args!(
            "read {total} feature(s) from {} ({format})",
            input.display()
        ),
    )?;
    let pair = naming::ons_pair(&features);
    if let Some(pair) = &pair {
        say(
            report,
            format_args!("codes and names from properties {pair}"),
        )?;
    }
    let identities: Vec<Identity> = features
        .iter()
        .map(|f| naming::identity(f, pair.as_ref()))
        .collect();
    check_lon_lat(input, &features, &identities)?;

    // Only needed, and so only read, when some feature lacks a code or a name.
    let book = if identities
        .iter()
        .any(|i| i.code.is_none() || i.name.is_none())
    {
        Some(CodeBook::read(
            codes.unwrap_or(Path::new(crate::load::DEFAULT_POPULATION)),
        )?)
    } else {
        None
    };

    let mut problems = Vec::new();
    let mut areas = Vec::with_capacity(total);
    let (mut repairs, mut codes_by_name) = (0, 0);
    let mut reoriented: Vec<(String, usize)> = Vec::new();
    for (done, (feature, identity)) in features.into_iter().zip(identities).enumerate() {
        let label = identity.label(feature.number);
        match import_feature(feature, identity, book.as_ref()) {
            Ok((area, made, by_name)) => {
                for repair in &made {
                    match repair {
                        // Whole files use the other convention (TopoJSON from d3 does), so one line says it.
                        Repair::Reoriented { rings } => reoriented.push((label.clone(), *rings)),
                        _ => say(report, format_args!("{label}: repaired: {repair}"))?,
                    }
                }
                repairs += made.len();
                codes_by_name += usize::from(by_name);
                areas.push((label, area));
            }
            Err(problem) => problems.push(problem),
        }
        if (done + 1) % PROGRESS_EVERY == 0 {
            say(
                report,
                format_args!("checked {} of {total} features", done + 1),
            )?;
        }
    }
    if !reoriented.is_empty() {
        say(
            report,
            format_args!("{}", orientation_line(&reoriented, total)),
        )?;
    }
    areas.sort_by(|(_, a), (_, b)| a.code.cmp(&b.code));
    for pair in areas.windows(2) {
        if let [(first, a), (second, b)] = pair
            && a.code == b.code
        {
            problems.push(FeatureError::DuplicateCode {
                code: a.code.to_string(),
                first: first.clone(),
                second: second.clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Features {
            file: input.to_owned(),
            problems,
        });
    }

    let areas: Vec<ImportedArea> = areas.into_iter().map(|(_, area)| area).collect();
    let area_km2 = areas
        .iter()
        .map(|a| a.shape.geodesic_area_unsigned())
        .sum::<f64>()
        / 1e6;
    let summary = ImportSummary {
        format,
        features: areas.len(),
        repairs,
        codes_by_name,
        area_km2,
    };
    Ok(Imported { summary, areas })
}

/// Names, codes and repairs one feature. Also returns its repairs and whether its code came from the CSV.
fn import_feature(
    feature: SourceFeature,
    identity: Identity,
    book: Option<&CodeBook>,
) -> Result<(ImportedArea, Vec<Repair>, bool), FeatureError> {
    let label = identity.label(feature.number);
    let (code, by_name) = match (&identity.code, &identity.name) {
        (Some(code), _) => (
            GssCode::parse(code).map_err(|reason| FeatureError::BadCode {
                feature: label.clone(),
                reason,
            })?,
            false,
        ),
        (None, Some(name)) => match book.and_then(|b| b.code_for(name)) {
            Some(code) => (code.clone(), true),
            None => {
                let codes = book.map(|b| b.file.clone()).unwrap_or_default();
                return Err(FeatureError::UnknownName {
                    feature: label,
                    codes,
                });
            }
        },
        (None, None) => return Err(FeatureError::NoIdentity { feature: label }),
    };
    let name = match identity.name {
        Some(name) => name,
        None => match book.and_then(|b| b.name_for(&code)) {
            Some(name) => name.to_owned(),
            None => {
                let codes = book.map(|b| b.file.clone()).unwrap_or_default();
                return Err(FeatureError::NoName {
                    feature: label,
                    codes,
                });
            }
        },
    };
    let polygons = match feature.geometry {
        SourceGeometry::Polygons(polygons) => polygons,
        SourceGeometry::Missing => vec![],
        SourceGeometry::Other(kind) => {
            return Err(FeatureError::NotPolygon {
                feature: label,
                kind,
            });
        }
    };
    let repaired = repair::repair(polygons).map_err(|problem| FeatureError::Geometry {
        feature: label,
        problem,
    })?;
    Ok((
        ImportedArea {
            code,
            name,
            shape: repaired.shape,
        },
        repaired.repairs,
        by_name,
    ))
}

/// Stops at the first finite coordinate outside longitude ±180°, latitude ±90°: such a file is in some other
/// coordinate system, and every feature would be wrong in the same way.
fn check_lon_lat(
    file: &Path,
    features: &[SourceFeature],
    identities: &[Identity],
) -> Result<(), ImportError> {
    for (feature, identity) in features.iter().zip(identities) {
        let SourceGeometry::Polygons(polygons) = &feature.geometry else {
            continue;
        };
        let outside = polygons.iter().flatten().flatten().find(|c| {
            c.x.is_finite() && c.y.is_finite() && (c.x.abs() > 180.0 || c.y.abs() > 90.0)
        });
        if let Some(c) = outside {
            return Err(ImportError::NotLonLat {
                file: file.to_owned(),
                feature: identity.label(feature.number),
                x: c.x,
                y: c.y,
            });
        }
    }
    Ok(())
}

/// One report line for every feature whose rings were reversed: names listed when there are only a few.
fn orientation_line(reoriented: &[(String, usize)], total: usize) -> String {
    const NAMED: usize = 5;
    let rings: usize = reoriented.iter().map(|(_, r)| r).sum();
    let which = match reoriented.len() {
        n if n == total => format!("all {n} feature(s)"),
        n if n <= NAMED => reoriented
            .iter()
            .map(|(label, _)| label.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        n => format!("{n} of {total} features"),
    };
    format!(
        "{which}: repaired: reversed {rings} ring(s) to RFC 7946 orientation (exterior counter-clockwise, holes clockwise)"
    )
}

/// Writes one line to the report.
fn say(report: &mut dyn Write, line: fmt::Arguments<'_>) -> Result<(), ImportError> {
    writeln!(report, "{line}").map_err(ImportError::Report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` squares 0.001° on a side in a row along 51.5° N, codes E05000001…, none needing repair.
    fn squares(count: usize) -> String {
        let features: Vec<String> = (1..=count)
            .map(|i| {
                let (x, y) = (i as f64 * 0.002, 51.5);
                let ring = [
                    (x, y),
                    (x + 0.001, y),
                    (x + 0.001, y + 0.001),
                    (x, y + 0.001),
                    (x, y),
                ];
                let ring: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| [x, y]).collect();
                serde_json::json!({
                    "type": "Feature",
                    "properties": {"code": format!("E05{i:06}"), "name": format!("Square {i}")},
                    "geometry": {"type": "Polygon", "coordinates": [ring]}
                })
                .to_string()
            })
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn progress_and_summary_for_a_long_import() {
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.geojson"),
            dir.path().join("out.geojson"),
        );
        std::fs::write(&input, squares(120)).unwrap();
        let mut report = Vec::new();
        let summary = run(&input, &output, None, &mut report).unwrap();
        let report = String::from_utf8(report).unwrap();
        assert!(report.contains("checked 100 of 120 features"), "{report}");
        assert!(!report.contains("repaired"), "{report}");
        assert_eq!(
            (summary.features, summary.repairs, summary.codes_by_name),
            (120, 0, 0)
        );
        // One square: 0.001° of latitude ≈ 111.25 m by 0.001° of longitude at 51.5° N ≈ 69.6 m.
        let expected = 120.0 * 0.11125 * 0.0696;
        assert!(
            (summary.area_km2 / expected - 1.0).abs() < 0.01,
            "{} km²",
            summary.area_km2
        );
        assert!(output.exists());
    }
}
