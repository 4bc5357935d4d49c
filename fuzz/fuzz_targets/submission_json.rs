//! The body of `POST /api/submissions`, read as the route reads it (`serde_json` into `SubmissionRequest`, after
//! the 64 KiB limit) and checked as `Store::submit` checks it, without a database: the proposed fields applied to
//! an empty record (a new listing) or to a bundled listing (a change), validated field by field, then
//! cross-checked against the bundled areas and types.
//!
//! Beyond "no panic": an accepted proposal's canonical record (what the store keeps and a reviewer approves)
//! validates again to the same record, and is still accepted by the cross-check.
#![no_main]

use gapmap::domain::Dataset;
use gapmap::http::MAX_BODY_BYTES;
use gapmap::load::{ServiceRecord, parse_service};
use gapmap::store::{SubmissionKind, SubmissionRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_BODY_BYTES {
        return;
    }
    let Ok(request) = serde_json::from_slice::<SubmissionRequest>(data) else {
        return;
    };
    let reference = gapmap_fuzz::dataset();
    let listing_id = request.listing_id.trim();
    let mut record = match request.kind {
        SubmissionKind::New => ServiceRecord {
            id: listing_id.to_owned(),
            provider: "Fuzz Provider".to_owned(),
            ..ServiceRecord::default()
        },
        SubmissionKind::Change | SubmissionKind::Closure => {
            let Some(site) = reference.service_position(listing_id) else {
                return;
            };
            ServiceRecord::from_service(&reference.services()[site])
        }
    };
    request.fields.apply_to(&mut record);
    if request.kind == SubmissionKind::Closure {
        return;
    }
    let Ok(service) = parse_service(&record) else {
        return;
    };
    let canonical = ServiceRecord::from_service(&service);
    let again = match parse_service(&canonical) {
        Ok(again) => again,
        Err(problems) => panic!("canonical record {canonical:?} does not validate: {problems:?}"),
    };
    assert_eq!(ServiceRecord::from_service(&again), canonical);
    let check = |service| {
        Dataset::new(
            reference.areas().to_vec(),
            reference.types().to_vec(),
            vec![service],
        )
        .is_ok()
    };
    assert_eq!(
        check(service),
        check(again),
        "the canonical record checks differently"
    );
});
