//! Basis populations CSV (`--population`, and the codes CSV of `gapmap import-boundaries`). Beyond "no panic":
//! every accepted row has a distinct code and only finite positive counts.
#![no_main]

use std::collections::HashSet;
use std::path::Path;

use gapmap::load::parse_population;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = gapmap_fuzz::text(data) else {
        return;
    };
    let Ok(rows) = parse_population(Path::new("population.csv"), text) else {
        return;
    };
    assert!(!rows.is_empty());
    let mut codes = HashSet::new();
    for row in &rows {
        assert!(codes.insert(row.code.clone()), "duplicate {}", row.code);
        assert!(
            row.values.values().all(|v| v.is_finite() && *v > 0.0),
            "{row:?}"
        );
    }
});
