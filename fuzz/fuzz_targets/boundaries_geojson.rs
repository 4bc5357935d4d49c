//! The boundaries GeoJSON (`--boundaries`): parsed, then made into areas and indexed as `load_dataset` does.
//!
//! Beyond "no panic": every accepted coordinate is finite WGS84 degrees; every area with a representative point has
//! it on its own boundary or inside; and the area index finds each valid area at its representative point.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use gapmap::domain::{Area, Dataset};
use gapmap::load::parse_boundaries;
use geo::{CoordsIter, Intersects, Validation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = gapmap_fuzz::text(data) else {
        return;
    };
    let Ok(boundaries) = parse_boundaries(Path::new("boundaries.geojson"), text) else {
        return;
    };
    let mut areas = Vec::with_capacity(boundaries.len());
    for shape in boundaries {
        assert!(!shape.name.trim().is_empty());
        assert!(
            shape.boundary.coords_iter().all(|c| c.x.is_finite()
                && c.y.is_finite()
                && c.x.abs() <= 180.0
                && c.y.abs() <= 90.0),
            "{} has coordinates outside WGS84 degrees",
            shape.code
        );
        let basis = BTreeMap::from([("population".to_owned(), 1000.0)]);
        let Some(area) = Area::new(shape.code, shape.name, shape.boundary, basis, String::new())
        else {
            return;
        };
        assert!(
            area.boundary.intersects(&area.representative_point),
            "{}: representative point {:?} is off the area",
            area.code,
            area.representative_point
        );
        areas.push(area);
    }
    let valid: Vec<bool> = areas.iter().map(|a| a.boundary.is_valid()).collect();
    let points: Vec<_> = areas.iter().map(|a| a.representative_point).collect();
    let Ok(dataset) = Dataset::new(areas, Vec::new(), Vec::new()) else {
        return;
    };
    for (index, point) in points.into_iter().enumerate() {
        // Valid areas may still overlap each other, so only ask that the point be found in some area.
        if valid[index] {
            let found = dataset.locate(point);
            assert!(
                found.is_some(),
                "area {index}'s representative point lies in no area"
            );
        }
    }
});
