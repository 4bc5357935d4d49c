//! Reads the area boundaries file: an RFC 7946 FeatureCollection whose features carry `code` and `name`.
//! (Other formats and property names are handled by `gapmap import-boundaries`, which writes this one.)

use std::path::Path;

use geo::{CoordsIter, MultiPolygon};
use geojson::{GeoJson, GeometryValue};

use super::{LoadError, LoadProblem, read_text};
use crate::domain::GssCode;

/// One area's shape as read from the boundaries file.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// GSS code from the `code` property.
    pub code: GssCode,
    /// Name from the `name` property.
    pub name: String,
    /// The polygon(s), WGS84 lon/lat.
    pub boundary: MultiPolygon<f64>,
}

/// Reads and checks a boundaries GeoJSON file.
pub fn read_boundaries(path: &Path) -> Result<Vec<Boundary>, LoadError> {
    parse_boundaries(path, &read_text(path)?)
}

/// Parses boundaries GeoJSON `text` as [`read_boundaries`] does; `path` only names the file in problems.
pub fn parse_boundaries(path: &Path, text: &str) -> Result<Vec<Boundary>, LoadError> {
    let geojson: GeoJson = text
        .parse()
        .map_err(|e| LoadProblem::file(path, format!("not valid GeoJSON: {e}")))?;
    let GeoJson::FeatureCollection(collection) = geojson else {
        return Err(LoadProblem::file(path, "expected a GeoJSON FeatureCollection").into());
    };
    if collection.features.is_empty() {
        return Err(LoadProblem::file(path, "the FeatureCollection has no features").into());
    }
    let mut problems = Vec::new();
    let mut boundaries = Vec::with_capacity(collection.features.len());
    for (number, feature) in collection.features.iter().enumerate() {
        let label = format!("feature {}", number + 1);
        let property = |key: &str| {
            feature
                .property(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let name = property("name").unwrap_or_default();
        let who = if name.is_empty() {
            label.clone()
        } else {
            format!("{label} ({name})")
        };
        let code = match property("code").map(|c| GssCode::parse(&c)) {
            Some(Ok(code)) => code,
            Some(Err(message)) => {
                problems.push(LoadProblem::field(
                    path,
                    None,
                    "code",
                    format!("{who}: {message}"),
                ));
                continue;
            }
            None => {
                problems.push(LoadProblem::field(
                    path,
                    None,
                    "code",
                    format!("{who} has no `code` property"),
                ));
                continue;
            }
        };
        if name.trim().is_empty() {
            problems.push(LoadProblem::field(
                path,
                None,
                "name",
                format!("{who} has no `name` property"),
            ));
        }
        let boundary = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(value @ (GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. })) => {
                match geo::Geometry::<f64>::try_from(value) {
                    Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
                    Ok(geo::Geometry::MultiPolygon(m)) => m,
                    Ok(_) | Err(_) => {
                        problems.push(LoadProblem::field(
                            path,
                            None,
                            "geometry",
                            format!("{who}: unreadable polygon"),
                        ));
                        continue;
                    }
                }
            }
            _ => {
                problems.push(LoadProblem::field(
                    path,
                    None,
                    "geometry",
                    format!("{who}: geometry must be a Polygon or MultiPolygon"),
                ));
                continue;
            }
        };
        let in_range = boundary.coords_iter().all(|c| {
            c.x.is_finite()
                && c.y.is_finite()
                && (-180.0..=180.0).contains(&c.x)
                && (-90.0..=90.0).contains(&c.y)
        });
        if !in_range {
            problems.push(LoadProblem::field(
                path,
                None,
                "geometry",
                format!("{who}: coordinates must be finite WGS84 longitude/latitude degrees"),
            ));
            continue;
        }
        boundaries.push(Boundary {
            code,
            name,
            boundary,
        });
    }
    if problems.is_empty() {
        Ok(boundaries)
    } else {
        Err(LoadError(problems))
    }
}

