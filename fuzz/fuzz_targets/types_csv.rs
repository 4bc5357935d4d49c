//! The service taxonomy CSV (`--types`). Beyond "no panic": every accepted type has a slug id, a named basis, a
//! finite positive catchment, and a benchmark that is either absent or two finite positive numbers with a source.
#![no_main]

use std::path::Path;

use gapmap::load::parse_types;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = gapmap_fuzz::text(data) else {
        return;
    };
    let Ok((types, lines)) = parse_types(Path::new("types.csv"), text) else {
        return;
    };
    assert_eq!(types.len(), lines.len());
    for t in &types {
        assert!(!t.id.is_empty() && !t.basis.is_empty(), "{t:?}");
        assert!(t.catchment_km.is_finite() && t.catchment_km > 0.0, "{t:?}");
        if let Some(b) = &t.benchmark {
            assert!(b.value.is_finite() && b.value > 0.0, "{t:?}");
            assert!(b.per.is_finite() && b.per > 0.0, "{t:?}");
            assert!(!b.source.is_empty(), "{t:?}");
        }
        assert!(t.rate_per().is_finite() && t.rate_per() > 0.0, "{t:?}");
    }
});
