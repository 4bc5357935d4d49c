//! Listings CSV (`--services`, `gapmap validate`, `gapmap import-services`): parsed, cross-checked against the
//! bundled areas and types as `gapmap validate` does, and, when valid, published and read back.
//!
//! Beyond "no panic": every accepted listing has a finite point in range and a finite non-negative capacity; its
//! canonical record (what the store keeps) validates again to the same record; and the published CSV export of a
//! valid file is itself a valid listings file with the same ids.
#![no_main]

use std::path::Path;

use gapmap::domain::Dataset;
use gapmap::export::write_services_csv;
use gapmap::load::{ServiceRecord, parse_service, parse_services};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = gapmap_fuzz::text(data) else {
        return;
    };
    let file = Path::new("listings.csv");
    let Ok((services, lines)) = parse_services(file, text) else {
        return;
    };
    assert_eq!(services.len(), lines.len());
    for service in &services {
        let (lon, lat) = service.location.x_y();
        assert!(lon.is_finite() && lon.abs() <= 180.0, "lon {lon}");
        assert!(lat.is_finite() && lat.abs() <= 90.0, "lat {lat}");
        assert!(
            service.capacity.is_none_or(|c| c.is_finite() && c >= 0.0),
            "capacity {:?}",
            service.capacity
        );
        let record = ServiceRecord::from_service(service);
        match parse_service(&record) {
            Ok(again) => assert_eq!(ServiceRecord::from_service(&again), record),
            Err(problems) => panic!("canonical record {record:?} does not validate: {problems:?}"),
        }
    }
    let reference = gapmap_fuzz::dataset();
    let Ok(dataset) = Dataset::new(
        reference.areas().to_vec(),
        reference.types().to_vec(),
        services,
    ) else {
        return;
    };
    let mut export = Vec::new();
    // With a sample-data notice, as the downloads carry one: the export still reads back whole.
    let sites = 0..dataset.services().len();
    write_services_csv(&dataset, sites, Some("SAMPLE DATA: fuzz"), &mut export)
        .expect("the export writes to memory");
    let export = String::from_utf8(export).expect("the export is UTF-8");
    match parse_services(file, &export) {
        Ok((published, _)) => {
            let ids = |services: &[gapmap::domain::Service]| {
                services.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
            };
            assert_eq!(ids(&published), ids(dataset.services()));
        }
        // A file of valid listings publishes at least one row, so its export is never `no data rows`.
        Err(e) => panic!("the published export does not load:\n{e}\n{export}"),
    }
});
