//! `gapmap import-boundaries`: TopoJSON or GeoJSON in, repaired RFC 7946 GeoJSON out (short of writing it).
//!
//! Beyond "no panic": a successful import's output is a boundaries file the loader accepts, with as many areas
//! as the summary says, each geometrically valid, and a finite total area.
#![no_main]

use std::path::Path;

use gapmap::boundaries::convert;
use gapmap::load::parse_boundaries;
use geo::Validation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = gapmap_fuzz::text(data) else {
        return;
    };
    // Features with a name and no code look it up here, as the command does in the bundled population file.
    let codes = gapmap_fuzz::bundled_paths().population;
    let input = Path::new("input.json");
    let Ok(imported) = convert(input, text, Some(&codes), &mut std::io::sink()) else {
        return;
    };
    let summary = &imported.summary;
    assert!(
        summary.area_km2.is_finite() && summary.area_km2 >= 0.0,
        "{summary:?}"
    );
    let output = imported.to_geojson().expect("the output renders");
    match parse_boundaries(Path::new("output.geojson"), &output) {
        Ok(areas) => {
            assert_eq!(areas.len(), summary.features);
            for area in &areas {
                if let Err(e) = area.boundary.check_validation() {
                    panic!("{} imported invalid: {e}\n{output}", area.code);
                }
            }
        }
        Err(e) => panic!("the imported file does not load:\n{e}\n{output}"),
    }
});
