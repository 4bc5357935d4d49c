//! Writing the imported areas: an RFC 7946 FeatureCollection, one feature per line so diffs stay readable,
//! replaced atomically so a failed import never leaves a half-written file.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use geo::{LineString, MultiPolygon, Polygon};
use serde::Serialize;

use crate::domain::GssCode;

/// One area ready to write.
#[derive(Debug, Clone)]
pub(super) struct ImportedArea {
    pub code: GssCode,
    pub name: String,
    /// Valid polygons in WGS84 longitude/latitude degrees, already rounded.
    pub shape: MultiPolygon<f64>,
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Properties<'a>,
    geometry: Geometry,
}

#[derive(Serialize)]
struct Properties<'a> {
    code: &'a str,
    name: &'a str,
}

/// RFC 7946 positions are `[longitude, latitude]`.
type Rings = Vec<Vec<[f64; 2]>>;

#[derive(Serialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Rings),
    MultiPolygon(Vec<Rings>),
}

/// The FeatureCollection text for `areas`, in the order given. A single polygon is written as a Polygon.
pub(super) fn feature_collection(areas: &[ImportedArea]) -> serde_json::Result<String> {
    let lines = areas
        .iter()
        .map(|area| {
            let geometry = match &area.shape.0[..] {
                [single] => Geometry::Polygon(rings(single)),
                many => Geometry::MultiPolygon(many.iter().map(rings).collect()),
            };
            serde_json::to_string(&Feature {
                kind: "Feature",
                properties: Properties {
                    code: area.code.as_str(),
                    name: &area.name,
                },
                geometry,
            })
        })
        .collect::<serde_json::Result<Vec<_>>>()?;
    Ok(format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        lines.join(",\n")
    ))
}

fn rings(polygon: &Polygon<f64>) -> Rings {
    let ring = |line: &LineString<f64>| line.0.iter().map(|c| [c.x, c.y]).collect();
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring)
        .collect()
}

/// Writes `contents` to a temporary file beside `path`, then renames it over `path`, so readers see either the
/// old file or the whole new one. On failure the temporary file is removed and `path` is untouched.
pub(super) fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the output path names no file")
    })?;
    // Same directory, so the rename cannot cross file systems.
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn one_polygon_is_written_as_a_polygon_with_code_and_name_only() {
        let area = ImportedArea {
            code: GssCode::parse("E09000001").unwrap(),
            name: "City of London".into(),
            shape: MultiPolygon(vec![
                polygon![(x: -0.1, y: 51.5), (x: -0.09, y: 51.5), (x: -0.09, y: 51.52), (x: -0.1, y: 51.5)],
            ]),
        };
        let text = feature_collection(&[area]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let feature = &value["features"][0];
        assert_eq!(feature["geometry"]["type"], "Polygon");
        assert_eq!(
            feature["geometry"]["coordinates"][0][2],
            serde_json::json!([-0.09, 51.52])
        );
        assert_eq!(
            feature["properties"],
            serde_json::json!({"code": "E09000001", "name": "City of London"})
        );
    }

    #[test]
    fn failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("out.geojson");
        assert!(write_atomically(&missing, b"{}").is_err());
        let ok = dir.path().join("out.geojson");
        write_atomically(&ok, b"{}").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.geojson"]);
    }
}
