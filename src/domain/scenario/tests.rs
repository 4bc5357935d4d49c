//! Scenario edits on a hand-checkable dataset: two areas, one type with a benchmark.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{MultiPolygon, Point, polygon};

use super::*;
use crate::domain::coverage::Status;
use crate::domain::{Area, GssCode, LocationPolicy, Serves, analyse};

const A: &str = "E09000001";
const B: &str = "E09000002";

/// A square 0.01° a side with its south-west corner at (x0, 0), holding `women` women.
fn area(code: &str, x0: f64, women: f64) -> Area {
    let square = MultiPolygon(vec![polygon![
        (x: x0, y: 0.0), (x: x0 + 0.01, y: 0.0), (x: x0 + 0.01, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)
    ]]);
    let basis = BTreeMap::from([("women".to_owned(), women)]);
    Area::new(
        GssCode::parse(code).unwrap(),
        code.into(),
        square,
        basis,
        "t".into(),
    )
    .unwrap()
}

fn site(id: &str, at: (f64, f64), capacity: f64, precision: LocationPrecision) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        provider: "p".into(),
        service_type: "rc".into(),
        location: Point::new(at.0, at.1),
        location_precision: precision,
        serves: Serves::OwnArea,
        capacity: Some(capacity),
        specialisms: vec![],
        setting: None,
        phone: String::new(),
        website: String::new(),
        last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        source: "t".into(),
    }
}

/// A (100 women) holds one site of capacity 1 serving A; B (300 women) has none. Benchmark 1 per 50 women, so A
/// requires 2 (shortfall 1) and B 6 (status none). `rc` sites must be confidential.
fn live() -> (Dataset, Analysis) {
    let rc = ServiceType {
        id: "rc".into(),
        label: "rc".into(),
        benchmark: Some(Benchmark {
            value: 1.0,
            per: 50.0,
            source: "t".into(),
        }),
        basis: "women".into(),
        capacity_unit: "centres".into(),
        catchment_km: 1.0,
        location_policy: LocationPolicy::ConfidentialRequired,
        capacity_max: 5.0,
        access_decay: crate::domain::planning::Decay::from_catchment(1.0),
        access_max_cost: 1.0,
    };
    let dataset = Dataset::new(
        vec![area(A, 0.0, 100.0), area(B, 0.01, 300.0)],
        vec![rc],
        vec![site(
            "a1",
            (0.005, 0.005),
            1.0,
            LocationPrecision::Confidential,
        )],
    )
    .unwrap();
    let analysis = analyse(&dataset, &AnalysisOptions::default());
    (dataset, analysis)
}

fn scenario(edits: &[Edit]) -> (Applied, Analysis, Analysis) {
    let (dataset, analysis) = live();
    let applied = apply(&dataset, edits);
    let after = analyse_applied(&dataset, &analysis, &applied, &AnalysisOptions::default());
    assert_eq!(
        after,
        analyse(&applied.dataset, &AnalysisOptions::default()),
        "the scenario's analysis is the full analysis of its dataset"
    );
    (applied, analysis, after)
}

#[test]
fn adding_a_site_in_a_gap_changes_that_area_by_its_capacity() {
    let added = site("b1", (0.013, 0.004), 2.0, LocationPrecision::Confidential);
    let (applied, before, after) = scenario(&[Edit::Add(Box::new(added))]);
    assert!(applied.problems.is_empty(), "{:?}", applied.problems);
    let (areas, types) = differences(&before, &after);
    assert_eq!(areas.len(), 1, "{areas:?}");
    let b = &areas[0];
    assert_eq!((b.code.as_str(), b.service_type.as_str()), (B, "rc"));
    assert_eq!((b.before.serving, b.after.serving), (0, 1));
    assert_eq!((b.before.located, b.after.located), (0, 1));
    assert_eq!(
        (b.before.capacity_share, b.after.capacity_share),
        (0.0, 2.0)
    );
    // required 300 / 50 = 6: shortfall 6 before, 4 after.
    assert_eq!(
        (b.before.shortfall, b.after.shortfall),
        (Some(6.0), Some(4.0))
    );
    assert_eq!(
        (b.before.status, b.after.status),
        (Status::None, Status::Below)
    );
    assert!((b.after.rate - 2.0 / 300.0 * 50.0).abs() < 1e-12);
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].before.overall_rate, 1.0 / 400.0 * 50.0);
    assert_eq!(types[0].after.overall_rate, 3.0 / 400.0 * 50.0);
}

#[test]
fn an_added_confidential_site_is_kept_at_its_areas_representative_point_only() {
    let added = site("b1", (0.013, 0.004), 2.0, LocationPrecision::Confidential);
    let (applied, _, _) = scenario(&[Edit::Add(Box::new(added))]);
    let Edit::Add(kept) = &applied.edits[0] else {
        panic!("{:?}", applied.edits)
    };
    let point = applied.dataset.areas()[1].representative_point;
    assert_eq!(kept.location, point);
    assert_ne!(kept.location, Point::new(0.013, 0.004));
    assert!(
        applied
            .dataset
            .services()
            .iter()
            .all(|s| s.location != Point::new(0.013, 0.004))
    );
}

#[test]
fn an_exact_site_of_a_confidential_required_type_is_refused() {
    let added = site("b1", (0.013, 0.004), 2.0, LocationPrecision::Exact);
    let (applied, before, after) = scenario(&[Edit::Add(Box::new(added))]);
    assert_eq!(applied.problems.len(), 1, "{:?}", applied.problems);
    assert_eq!(applied.problems[0].edit, 0);
    assert_eq!(applied.problems[0].field, "service.location_precision");
    assert_eq!(before, after);
}

#[test]
fn remove_resize_and_benchmark_apply_in_order() {
    let added = site("b1", (0.013, 0.004), 2.0, LocationPrecision::Confidential);
    let (applied, before, after) = scenario(&[
        Edit::Add(Box::new(added)),
        Edit::Resize {
            id: "b1".into(),
            capacity: Some(3.0),
        },
        Edit::Remove { id: "a1".into() },
        Edit::Benchmark {
            service_type: "rc".into(),
            value: 1.0,
            per: 100.0,
        },
    ]);
    assert!(applied.problems.is_empty(), "{:?}", applied.problems);
    let (areas, _) = differences(&before, &after);
    let a = areas.iter().find(|d| d.code.as_str() == A).unwrap();
    // A: required 100 / 100 = 1, nothing serves it now.
    assert_eq!((a.after.serving, a.after.capacity_share), (0, 0.0));
    assert_eq!(
        (a.after.required, a.after.shortfall),
        (Some(1.0), Some(1.0))
    );
    assert_eq!(a.after.status, Status::None);
    let b = areas.iter().find(|d| d.code.as_str() == B).unwrap();
    // B: capacity 3, required 300 / 100 = 3: meets.
    assert_eq!((b.after.capacity_share, b.after.required), (3.0, Some(3.0)));
    assert_eq!(
        (b.after.shortfall, b.after.status),
        (Some(0.0), Status::Meets)
    );
    assert!((b.after.rate - 1.0).abs() < 1e-12);
}

#[test]
fn every_bad_edit_is_named_by_its_position_and_the_others_still_apply() {
    let (applied, _, _) = scenario(&[
        Edit::Remove { id: "nope".into() },
        Edit::Resize {
            id: "a1".into(),
            capacity: Some(6.0),
        },
        Edit::Benchmark {
            service_type: "isva".into(),
            value: 1.0,
            per: 1.0,
        },
        Edit::Benchmark {
            service_type: "rc".into(),
            value: -1.0,
            per: 0.0,
        },
        Edit::Add(Box::new(site(
            "a1",
            (0.005, 0.005),
            1.0,
            LocationPrecision::Confidential,
        ))),
        Edit::Add(Box::new(site(
            "far",
            (5.0, 5.0),
            1.0,
            LocationPrecision::Confidential,
        ))),
        Edit::Resize {
            id: "a1".into(),
            capacity: Some(2.0),
        },
    ]);
    let named: Vec<(usize, &str)> = applied
        .problems
        .iter()
        .map(|p| (p.edit, p.field.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (0, "id"),
            (1, "capacity"),
            (2, "type"),
            (3, "value"),
            (3, "per"),
            (4, "service.id"),
            (5, "service.lat"),
        ]
    );
    assert_eq!(applied.edits.len(), 1);
    assert_eq!(applied.dataset.services()[0].capacity, Some(2.0));
}

#[test]
fn the_live_dataset_is_left_as_it_was() {
    let (dataset, analysis) = live();
    let applied = apply(&dataset, &[Edit::Remove { id: "a1".into() }]);
    assert!(applied.dataset.services().is_empty());
    assert_eq!(dataset.services().len(), 1);
    assert_eq!(analysis, analyse(&dataset, &AnalysisOptions::default()));
}
