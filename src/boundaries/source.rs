//! Reading the input file: a GeoJSON FeatureCollection or a TopoJSON Topology, into plain features whose rings
//! are exactly as the source gave them (unclosed, duplicated or degenerate rings are dealt with by `repair`).

use std::fmt;
use std::path::Path;

use geo::Coord;
use geojson::{FeatureCollection, GeometryValue, feature::Id};
use serde_json::Value;

use super::ImportError;
use super::feature::{Ring, SourceFeature, SourceGeometry};
use super::topojson;

/// Which kind of file the features came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// A GeoJSON FeatureCollection (RFC 7946).
    GeoJson,
    /// A TopoJSON Topology.
    TopoJson,
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GeoJson => "GeoJSON",
            Self::TopoJson => "TopoJSON",
        })
    }
}

/// Reads `path` to text. Errors name the file.
pub(super) fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        file: path.to_owned(),
        source,
    })
}

/// Decodes the text of `path`. Errors name the file.
pub(super) fn parse(
    path: &Path,
    text: &str,
) -> Result<(SourceFormat, Vec<SourceFeature>), ImportError> {
    let file = path.to_owned();
    if text.trim().is_empty() {
        return Err(ImportError::EmptyFile { file });
    }
    let value: Value = serde_json::from_str(text).map_err(|source| ImportError::NotJson {
        file: file.clone(),
        source,
    })?;
    let kind = value.get("type").and_then(Value::as_str).map(str::to_owned);
    let (format, features) = match kind.as_deref() {
        Some("Topology") => {
            let features = topojson::decode(value).map_err(|reason| ImportError::Malformed {
                file: file.clone(),
                reason,
            })?;
            (SourceFormat::TopoJson, features)
        }
        Some("FeatureCollection") => {
            let collection: FeatureCollection =
                serde_json::from_value(value).map_err(|e| ImportError::Malformed {
                    file: file.clone(),
                    reason: format!("not a readable GeoJSON FeatureCollection: {e}"),
                })?;
            (
                SourceFormat::GeoJson,
                from_geojson(collection).map_err(|reason| ImportError::Malformed {
                    file: file.clone(),
                    reason,
                })?,
            )
        }
        other => {
            let found = match other {
                Some(t) => format!("its type is `{t}`"),
                None if value.is_object() => "it has no `type` member".to_owned(),
                None => "it is not a JSON object".to_owned(),
            };
            return Err(ImportError::NotBoundaries { file, found });
        }
    };
    if features.is_empty() {
        return Err(ImportError::NoFeatures { file });
    }
    Ok((format, features))
}

/// Converts GeoJSON features, keeping rings untouched.
fn from_geojson(collection: FeatureCollection) -> Result<Vec<SourceFeature>, String> {
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(index, feature)| {
            let number = index + 1;
            let geometry = match feature.geometry.map(|g| g.value) {
                None => SourceGeometry::Missing,
                Some(GeometryValue::Polygon { coordinates }) => SourceGeometry::Polygons(vec![
                    polygon(&coordinates).map_err(|e| format!("feature {number}: {e}"))?,
                ]),
                Some(GeometryValue::MultiPolygon { coordinates }) => SourceGeometry::Polygons(
                    coordinates
                        .iter()
                        .map(|p| polygon(p))
                        .collect::<Result<_, _>>()
                        .map_err(|e| format!("feature {number}: {e}"))?,
                ),
                Some(other) => SourceGeometry::Other(other.type_name().to_owned()),
            };
            let id = feature.id.map(|id| match id {
                Id::String(s) => s,
                Id::Number(n) => n.to_string(),
            });
            Ok(SourceFeature {
                number,
                id,
                properties: feature.properties.unwrap_or_default(),
                geometry,
            })
        })
        .collect()
}

/// Converts one GeoJSON polygon's rings to coordinates.
fn polygon(rings: &[Vec<geojson::Position>]) -> Result<Vec<Ring>, String> {
    rings
        .iter()
        .map(|ring| {
            ring.iter()
                .map(|position| match position.as_slice() {
                    [x, y, ..] => Ok(Coord { x: *x, y: *y }),
                    _ => Err("a position has fewer than two numbers".to_owned()),
                })
                .collect()
        })
        .collect()
}
