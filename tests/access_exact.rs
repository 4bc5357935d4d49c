//! The analysis's fast access figures against the README's exact definition, on the bundled London data at the
//! default 250 m grid: an exact geodesic (Karney) from every sample point to its nearest site, for every area and
//! type. The same sample points, the same share within the catchment, and distances within the stated bound.

use gapmap::domain::access::{exact_access, sample_grid};
use gapmap::domain::published::site_index;
use gapmap::domain::{AnalysisOptions, analyse};
use gapmap::load::{DataPaths, load_dataset};
use gapmap::spatial::ellipsoid::FAST_DISTANCE_MAX_RELATIVE_ERROR;

#[test]
fn london_access_equals_the_exact_definition_within_the_bound() {
    let dataset = load_dataset(&DataPaths::default()).expect("bundled data loads");
    let options = AnalysisOptions::default();
    let analysis = analyse(&dataset, &options);
    let mut compared = 0;
    let mut worst = 0.0f64;
    for (t, result) in analysis.types.iter().enumerate() {
        let sites = site_index(&dataset, Some(t));
        let catchment = dataset.types()[t].catchment_km;
        for (area, coverage) in dataset.areas().iter().zip(&result.areas) {
            let samples = sample_grid(
                &area.boundary,
                options.grid_spacing_km,
                area.representative_point,
            );
            let exact = exact_access(&samples, &sites, catchment);
            let (Some(fast), Some(exact)) = (coverage.access, exact) else {
                assert_eq!(
                    coverage.access, exact,
                    "{} {}",
                    area.code, result.service_type
                );
                continue;
            };
            assert_eq!(fast.sample_points, exact.sample_points, "{}", area.code);
            assert_eq!(
                fast.within_catchment, exact.within_catchment,
                "{} {}",
                area.code, result.service_type
            );
            for (f, e) in [
                (fast.mean_km, exact.mean_km),
                (fast.p90_km, exact.p90_km),
                (fast.max_km, exact.max_km),
            ] {
                let relative = (f - e).abs() / e;
                worst = worst.max(relative);
                assert!(
                    relative <= FAST_DISTANCE_MAX_RELATIVE_ERROR,
                    "{} {}: {fast:?} vs {exact:?}",
                    area.code,
                    result.service_type
                );
            }
            compared += 1;
        }
    }
    // Every type with sites, in every one of the 33 areas.
    assert!(compared >= 33 * 4, "compared {compared}");
    assert!(
        worst > 0.0,
        "the fast path should not be silently the exact one"
    );
}
