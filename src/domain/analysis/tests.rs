//! Tests of the analysis: coverage, access and the incremental re-analysis against the full one.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{MultiPolygon, Point, polygon};

use super::*;
use crate::domain::{Area, Benchmark, LocationPrecision, Serves, Service, ServiceType};

/// A square 0.01° a side with its south-west corner at (x0, 0), holding `women` women.
fn area(code: &str, x0: f64, women: f64) -> Area {
    let square = MultiPolygon(vec![polygon![
        (x: x0, y: 0.0), (x: x0 + 0.01, y: 0.0), (x: x0 + 0.01, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)
    ]]);
    let basis = BTreeMap::from([
        ("women".to_owned(), women),
        ("population".to_owned(), 2.0 * women),
    ]);
    Area::new(
        GssCode::parse(code).unwrap(),
        code.to_owned(),
        square,
        basis,
        "test".into(),
    )
    .unwrap()
}

fn service_type(id: &str, benchmark: Option<(f64, f64)>) -> ServiceType {
    ServiceType {
        id: id.into(),
        label: id.into(),
        benchmark: benchmark.map(|(value, per)| Benchmark {
            value,
            per,
            source: "test".into(),
        }),
        basis: "women".into(),
        capacity_unit: "units".into(),
        catchment_km: 1.0,
        location_policy: crate::domain::LocationPolicy::ExactAllowed,
        capacity_max: 1000.0,
        access_decay: crate::domain::planning::Decay::from_catchment(1.0),
        access_max_cost: 1.0,
    }
}

fn site(id: &str, kind: &str, at: (f64, f64), serves: Serves, capacity: Option<f64>) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        provider: "p".into(),
        service_type: kind.into(),
        location: Point::new(at.0, at.1),
        location_precision: LocationPrecision::Exact,
        serves,
        capacity,
        specialisms: vec![],
        setting: None,
        phone: String::new(),
        website: String::new(),
        last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        source: "test".into(),
    }
}

/// Two areas side by side: A (100 women) and B (300 women). An `rc` site in A with capacity 4 serves both;
/// an `rc` site in A with unknown capacity serves A only. Benchmark: 1 unit per 50 women.
fn two_areas() -> Analysis {
    let a = GssCode::parse("E09000001").unwrap();
    let b = GssCode::parse("E09000002").unwrap();
    let dataset = Dataset::new(
        vec![area(a.as_str(), 0.0, 100.0), area(b.as_str(), 0.01, 300.0)],
        vec![
            service_type("rc", Some((1.0, 50.0))),
            service_type("isva", None),
        ],
        vec![
            site(
                "big",
                "rc",
                (0.005, 0.005),
                Serves::Areas(vec![a, b]),
                Some(4.0),
            ),
            site("unknown", "rc", (0.002, 0.002), Serves::OwnArea, None),
        ],
    )
    .unwrap();
    analyse(&dataset, &AnalysisOptions::default())
}

#[test]
fn capacity_is_apportioned_by_basis_and_rates_follow() {
    let analysis = two_areas();
    let rc = analysis.for_type("rc").unwrap();
    let (a, b) = (&rc.areas[0], &rc.areas[1]);
    assert_eq!(
        (a.located, a.serving, a.serving_unknown_capacity),
        (2, 2, 1)
    );
    assert_eq!(
        (b.located, b.serving, b.serving_unknown_capacity),
        (0, 1, 0)
    );
    // 4 × 100/400 = 1 and 4 × 300/400 = 3.
    assert!((a.capacity_share - 1.0).abs() < 1e-12 && (b.capacity_share - 3.0).abs() < 1e-12);
    // Rate per 50 women: 1/100×50 = 0.5 in both; overall 4/400×50 = 0.5, so relative rate 1.
    assert!((a.rate - 0.5).abs() < 1e-12 && (b.rate - 0.5).abs() < 1e-12);
    assert!((rc.overall_rate - 0.5).abs() < 1e-12);
    assert!((a.relative_rate.unwrap() - 1.0).abs() < 1e-12);
    // Required 100/50 = 2 and 300/50 = 6; shortfalls 1 and 3; both below.
    assert_eq!((a.required, a.shortfall), (Some(2.0), Some(1.0)));
    assert_eq!((b.required, b.shortfall), (Some(6.0), Some(3.0)));
    assert_eq!((a.status, b.status), (Status::Below, Status::Below));
    let lottery = rc.lottery.as_ref().unwrap();
    assert_eq!((lottery.areas_none, lottery.areas_below), (0, 2));
    assert_eq!(lottery.basis_share_in_gap, 1.0);
    assert_eq!(lottery.gini, Some(0.0));
    assert_eq!(lottery.max_min_ratio, Some(1.0));
}

#[test]
fn a_type_with_no_sites_is_none_everywhere_without_access_figures() {
    let analysis = two_areas();
    let isva = analysis.for_type("isva").unwrap();
    for a in &isva.areas {
        assert_eq!(
            (a.status, a.serving, a.rate, a.required, a.access),
            (Status::None, 0, 0.0, None, None)
        );
        assert_eq!(a.rate_per, 100_000.0);
    }
    let lottery = isva.lottery.as_ref().unwrap();
    assert_eq!(
        (
            lottery.areas_none,
            lottery.gini,
            lottery.coefficient_of_variation
        ),
        (2, None, None)
    );
    assert_eq!(isva.areas[0].relative_rate, None);
}

#[test]
fn access_is_measured_to_the_nearest_site() {
    let analysis = two_areas();
    let rc = analysis.for_type("rc").unwrap();
    let (a, b) = (rc.areas[0].access.unwrap(), rc.areas[1].access.unwrap());
    // Both sites are in A, so B's residents are further away; B's far edge is about 1.6 km from "big".
    assert!(a.mean_km < b.mean_km, "{a:?} {b:?}");
    assert!(b.p90_km > 1.0 && b.p90_km < 1.8, "{b:?}");
    assert_eq!(a.within_catchment, 1.0, "all of A is within 1 km of a site");
    assert!(b.within_catchment < 0.6, "{b:?}");
    assert_eq!(a.sample_points, 16);
}

/// Twelve areas in a row with 30 `rc` sites scattered over them; `isva` has none.
fn row_of_areas() -> Dataset {
    let areas = (0..12)
        .map(|i| {
            area(
                &format!("E09{:06}", i + 1),
                0.01 * i as f64,
                100.0 + 10.0 * i as f64,
            )
        })
        .collect();
    let mut seed = 0x1234_5678u64;
    let mut next = move || crate::spatial::test_uniform(&mut seed);
    let sites = (0..30)
        .map(|i| {
            let at = (0.001 + 0.118 * next(), 0.001 + 0.008 * next());
            site(
                &format!("s{i}"),
                "rc",
                at,
                Serves::OwnArea,
                Some(1.0 + (i % 3) as f64),
            )
        })
        .collect();
    Dataset::new(
        areas,
        vec![
            service_type("rc", Some((1.0, 50.0))),
            service_type("isva", None),
        ],
        sites,
    )
    .unwrap()
}

#[test]
fn reanalysis_after_a_change_equals_the_full_analysis() {
    let options = AnalysisOptions::default();
    let before = row_of_areas();
    let previous = analyse(&before, &options);
    type Change = Box<dyn Fn(&mut Vec<Service>)>;
    let changes: Vec<Change> = vec![
        Box::new(|s| s[3].location = Point::new(0.115, 0.005)), // moved across the row
        Box::new(|s| s[7].capacity = Some(9.0)),                // capacity only: access is reused
        Box::new(|s| {
            s.remove(11);
        }),
        Box::new(|s| {
            s.push(site(
                "new-isva",
                "isva",
                (0.055, 0.005),
                Serves::OwnArea,
                None,
            ))
        }),
        Box::new(|s| s[0].serves = Serves::AllAreas),
        Box::new(|_| {}), // nothing changed
    ];
    for (n, change) in changes.iter().enumerate() {
        let mut services = before.services().to_vec();
        change(&mut services);
        let after = Dataset::with_reference(before.reference().clone(), services).unwrap();
        assert_eq!(
            reanalyse(&previous, &before, &after, &options),
            analyse(&after, &options),
            "change {n}"
        );
    }
}

#[test]
fn a_selection_analyses_only_what_it_names() {
    let dataset = row_of_areas();
    let options = AnalysisOptions::default();
    let full = analyse(&dataset, &options);
    let only = analyse_selected(
        &dataset,
        &options,
        &Selection {
            types: Some(vec![0]),
            access_areas: Some(vec![4]),
        },
    );
    assert_eq!(only.types.len(), 1);
    assert_eq!(only.types[0].areas[4], full.types[0].areas[4]);
    assert_eq!(only.types[0].lottery, full.types[0].lottery);
    assert!(only.types[0].areas[3].access.is_none() && full.types[0].areas[3].access.is_some());
}
