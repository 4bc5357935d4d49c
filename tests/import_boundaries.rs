//! `gapmap import-boundaries` through the real binary, on the fixtures in `tests/fixtures/import/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::{GeodesicArea, MultiPolygon, Validation};
use geojson::{FeatureCollection, GeometryValue};

/// The repository root: the binary resolves the default `--codes` path against it.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/import").join(name)
}

/// One import run: the process output and where it was told to write.
struct Run {
    output: Output,
    written: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Fails the test, with the report, unless the import succeeded.
    fn assert_success(&self) {
        assert!(
            self.output.status.success(),
            "import failed:\n{}",
            self.stderr()
        );
    }

    /// Fails the test unless the import failed and left no output file.
    fn assert_failure_writes_nothing(&self) {
        assert!(
            !self.output.status.success(),
            "import should have failed:\n{}",
            self.stderr()
        );
        assert!(
            !self.written.exists(),
            "a failed import wrote {}",
            self.written.display()
        );
        let leftovers: Vec<_> = std::fs::read_dir(self._dir.path()).unwrap().collect();
        assert!(
            leftovers.is_empty(),
            "a failed import left files behind: {leftovers:?}"
        );
    }

    /// The written features as (code, name, shape), in file order.
    fn features(&self) -> Vec<(String, String, MultiPolygon<f64>)> {
        let text = std::fs::read_to_string(&self.written).unwrap();
        let collection: FeatureCollection = text.parse().unwrap();
        collection
            .features
            .into_iter()
            .map(|feature| {
                let properties = feature.properties.clone().unwrap_or_default();
                let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
                assert_eq!(
                    keys,
                    ["code", "name"],
                    "properties must be exactly code and name"
                );
                let text = |key: &str| properties[key].as_str().unwrap().to_owned();
                let value = &feature.geometry.as_ref().unwrap().value;
                assert!(
                    matches!(
                        value,
                        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }
                    ),
                    "{value:?}"
                );
                let shape = match geo::Geometry::<f64>::try_from(value).unwrap() {
                    geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                    geo::Geometry::MultiPolygon(m) => m,
                    other => panic!("unexpected geometry {other:?}"),
                };
                (text("code"), text("name"), shape)
            })
            .collect()
    }
}

fn import(input: &Path, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("out.geojson");
    let output = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .current_dir(root())
        .arg("import-boundaries")
        .arg(input)
        .arg("-o")
        .arg(&written)
        .args(extra)
        .output()
        .unwrap();
    Run {
        output,
        written,
        _dir: dir,
    }
}

fn km2(shape: &MultiPolygon<f64>) -> f64 {
    shape.geodesic_area_unsigned() / 1e6
}

#[test]
fn ons_lad22_geojson_imports_with_its_codes_sorted() {
    let run = import(&fixture("ons-lad22.geojson"), &[]);
    run.assert_success();
    let features = run.features();
    let names: Vec<(&str, &str)> = features
        .iter()
        .map(|(c, n, _)| (c.as_str(), n.as_str()))
        .collect();
    assert_eq!(names, [("E09000007", "Camden"), ("E09000019", "Islington")]);
    let camden = &features[0].2;
    assert_eq!(
        camden.0.len(),
        2,
        "Camden is written as a MultiPolygon of two parts"
    );
    assert_eq!(camden.0[0].interiors().len(), 1, "Camden keeps its hole");
    assert!(features.iter().all(|(_, _, shape)| shape.is_valid()));
    assert!(run.stderr().contains("LAD22CD/LAD22NM"), "{}", run.stderr());
}

#[test]
fn names_only_topojson_gets_codes_from_the_default_csv() {
    let run = import(&fixture("names-only.topojson"), &[]);
    run.assert_success();
    let features = run.features();
    let names: Vec<(&str, &str)> = features
        .iter()
        .map(|(c, n, _)| (c.as_str(), n.as_str()))
        .collect();
    // Names are kept as the source writes them; codes come from boundaries/london-population.csv.
    assert_eq!(
        names,
        [
            ("E09000013", "Hammersmith & Fulham"),
            ("E09000020", "KENSINGTON AND CHELSEA")
        ]
    );
    // Both squares are 0.1° × 0.1° from 51.45° N: about 7 km × 11 km.
    for (_, name, shape) in &features {
        assert!(
            (75.0..80.0).contains(&km2(shape)),
            "{name}: {} km²",
            km2(shape)
        );
        // The shared arc, decoded forwards for one and reversed for the other, lands on the same line.
        assert!(
            shape.0[0]
                .exterior()
                .0
                .iter()
                .any(|c| (c.x - -0.15).abs() < 1e-9),
            "{name}"
        );
    }
}

#[test]
fn codes_csv_can_be_given_and_must_contain_every_name() {
    let dir = tempfile::tempdir().unwrap();
    let codes = dir.path().join("codes.csv");
    std::fs::write(&codes, "code,name\nE09000013,Hammersmith and Fulham\n").unwrap();
    let run = import(
        &fixture("names-only.topojson"),
        &["--codes", codes.to_str().unwrap()],
    );
    run.assert_failure_writes_nothing();
    let stderr = run.stderr();
    assert!(
        stderr.contains("KENSINGTON AND CHELSEA") && stderr.contains("codes.csv"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Hammersmith & Fulham:"),
        "a matched name is not an error:\n{stderr}"
    );
}

#[test]
fn small_self_intersection_is_repaired_and_reported() {
    let run = import(&fixture("bowtie.geojson"), &[]);
    run.assert_success();
    let stderr = run.stderr();
    assert!(stderr.contains("Twisted Corner: repaired:"), "{stderr}");
    assert!(
        stderr.contains("self-intersection") && stderr.contains("area changed by"),
        "{stderr}"
    );
    let features = run.features();
    assert_eq!(features.len(), 1);
    assert!(features[0].2.is_valid());
}

#[test]
fn unrepairable_geometry_fails_and_writes_nothing() {
    let run = import(&fixture("broken.geojson"), &[]);
    run.assert_failure_writes_nothing();
    let stderr = run.stderr();
    assert!(
        stderr.contains("Symmetric Bowtie") && stderr.contains("self-intersection"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Camden:"),
        "the valid feature is not blamed:\n{stderr}"
    );
}

#[test]
fn not_a_feature_collection_is_refused_naming_the_file() {
    let run = import(&fixture("not-a-collection.geojson"), &[]);
    run.assert_failure_writes_nothing();
    let stderr = run.stderr();
    assert!(stderr.contains("not-a-collection.geojson"), "{stderr}");
    assert!(
        stderr.contains("not a GeoJSON FeatureCollection or a TopoJSON Topology"),
        "{stderr}"
    );
}

#[test]
fn empty_file_is_refused_naming_the_file() {
    let run = import(&fixture("empty.geojson"), &[]);
    run.assert_failure_writes_nothing();
    assert!(
        run.stderr().contains("empty.geojson is empty"),
        "{}",
        run.stderr()
    );
}

#[test]
fn not_json_is_refused_naming_the_file() {
    let run = import(&fixture("README.md"), &[]);
    run.assert_failure_writes_nothing();
    assert!(
        run.stderr().contains("README.md is not JSON"),
        "{}",
        run.stderr()
    );
}

#[test]
fn british_national_grid_coordinates_are_recognised() {
    let run = import(&fixture("british-national-grid.geojson"), &[]);
    run.assert_failure_writes_nothing();
    let stderr = run.stderr();
    assert!(
        stderr.contains("not WGS84 longitude/latitude") && stderr.contains("British National Grid"),
        "{stderr}"
    );
    assert!(stderr.contains("Camden"), "{stderr}");
}

#[test]
fn every_feature_problem_is_listed_by_name() {
    let run = import(&fixture("feature-problems.geojson"), &[]);
    run.assert_failure_writes_nothing();
    let stderr = run.stderr();
    for expected in [
        "Atlantis: has no code, and its name is not in",
        "Camden: geometry is a LineString",
        "Islington: the geometry is empty",
        "both have code E09000020",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn vega_london_boroughs_import_with_their_defects_named() {
    let run = import(&fixture("london-boroughs-vega.topojson"), &[]);
    run.assert_success();
    let features = run.features();
    assert_eq!(features.len(), 33);
    let codes: Vec<&str> = features.iter().map(|(c, _, _)| c.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "features sorted by code, none repeated");
    assert!(codes.iter().all(|c| c.starts_with("E09")), "{codes:?}");
    for (code, name, shape) in &features {
        assert!(
            shape.is_valid(),
            "{code} {name}: {:?}",
            shape.validation_errors()
        );
    }
    let total: f64 = features.iter().map(|(_, _, shape)| km2(shape)).sum();
    assert!((1500.0..1650.0).contains(&total), "total area {total} km²");
    let stderr = run.stderr();
    assert!(
        stderr.contains("Richmond upon Thames: repaired:") && stderr.contains("self-intersection"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Newham: repaired: dropped degenerate"),
        "{stderr}"
    );
}
