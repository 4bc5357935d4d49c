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
    let problem = |field: &str, message: String| LoadProblem::field(path, None, field, message);
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
                problems.push(problem("code", format!("{who}: {message}")));
                continue;
            }
            None => {
                problems.push(problem("code", format!("{who} has no `code` property")));
                continue;
            }
        };
        if name.trim().is_empty() {
            problems.push(problem("name", format!("{who} has no `name` property")));
        }
        let boundary = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(value) if has_short_position(value) => {
                problems.push(problem(
                    "geometry",
                    format!("{who}: a position has fewer than two numbers"),
                ));
                continue;
            }
            Some(value @ (GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. })) => {
                match geo::Geometry::<f64>::try_from(value) {
                    Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
                    Ok(geo::Geometry::MultiPolygon(m)) => m,
                    Ok(_) | Err(_) => {
                        problems.push(problem("geometry", format!("{who}: unreadable polygon")));
                        continue;
                    }
                }
            }
            _ => {
                problems.push(problem(
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
            problems.push(problem(
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

/// Whether a Polygon or MultiPolygon has a position of fewer than two numbers: `geojson` reads them, but its
/// conversion to `geo` indexes the second number unchecked and panics (georust/geojson#224).
fn has_short_position(value: &GeometryValue) -> bool {
    let short =
        |rings: &[Vec<geojson::Position>]| rings.iter().flatten().any(|p| p.as_slice().len() < 2);
    match value {
        GeometryValue::Polygon { coordinates } => short(coordinates),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().any(|p| short(p)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(geometry: &str) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature",
                "properties":{{"code":"E09000001","name":"City of London"}},"geometry":{geometry}}}]}}"#
        )
    }

    /// Found by the `boundaries_geojson` fuzz target: this used to panic inside `geojson`.
    #[test]
    fn a_position_with_fewer_than_two_numbers_is_a_problem_not_a_panic() {
        for geometry in [
            r#"{"type":"Polygon","coordinates":[[[0.0,51.5],[0.1],[0.1,51.6],[0.0,51.5]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[0.0,51.5],[0.1,51.5],[],[0.0,51.5]]]]}"#,
        ] {
            let err = parse_boundaries(Path::new("b.geojson"), &feature(geometry)).unwrap_err();
            assert!(
                err.to_string()
                    .contains("City of London): a position has fewer than two numbers"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_square_reads_with_its_code_and_name() {
        let square =
            r#"{"type":"Polygon","coordinates":[[[0.0,51.5],[0.1,51.5],[0.1,51.6],[0.0,51.5]]]}"#;
        let read = parse_boundaries(Path::new("b.geojson"), &feature(square)).unwrap();
        assert_eq!(
            (read[0].code.as_str(), read[0].name.as_str()),
            ("E09000001", "City of London")
        );
    }
}
