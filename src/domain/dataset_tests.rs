//! Tests of [`Dataset`] and of checking one listing against a [`Reference`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{MultiPolygon, polygon};

use super::*;
use crate::domain::{Benchmark, GssCode, LocationPolicy, LocationPrecision, Serves};

fn square_area(code: &str) -> Area {
    let square = MultiPolygon(vec![
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
    ]);
    let basis = BTreeMap::from([("women".to_owned(), 10.0)]);
    Area::new(
        GssCode::parse(code).unwrap(),
        "Square".into(),
        square,
        basis,
        String::new(),
    )
    .unwrap()
}

fn kind(id: &str, basis: &str) -> ServiceType {
    ServiceType {
        id: id.into(),
        label: id.into(),
        benchmark: Some(Benchmark {
            value: 1.0,
            per: 10.0,
            source: "t".into(),
        }),
        basis: basis.into(),
        capacity_unit: "u".into(),
        catchment_km: 1.0,
        location_policy: crate::domain::LocationPolicy::ExactAllowed,
        capacity_max: 1000.0,
        access_decay: crate::domain::planning::Decay::from_catchment(1.0),
        access_max_cost: 1.0,
    }
}

fn site(id: &str, kind: &str, x: f64, serves: Serves, precision: LocationPrecision) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        provider: "p".into(),
        service_type: kind.into(),
        location: Point::new(x, 0.25),
        location_precision: precision,
        serves,
        capacity: Some(1.0),
        specialisms: vec![],
        setting: None,
        phone: String::new(),
        website: String::new(),
        last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        source: String::new(),
    }
}

#[test]
fn every_cross_reference_problem_is_reported() {
    let unknown = GssCode::parse("E09000099").unwrap();
    let problems = Dataset::new(
        vec![square_area("E09000001")],
        vec![kind("rc", "women"), kind("idva", "men")],
        vec![
            site("a", "rc", 0.5, Serves::OwnArea, LocationPrecision::Exact),
            site(
                "a",
                "nope",
                0.5,
                Serves::Areas(vec![unknown]),
                LocationPrecision::Exact,
            ),
            site("c", "rc", 5.0, Serves::OwnArea, LocationPrecision::Exact),
        ],
    )
    .unwrap_err();
    let found: Vec<(Subject, &str)> = problems.iter().map(|p| (p.subject, p.field)).collect();
    assert_eq!(
        found,
        vec![
            (Subject::Service(1), "id"),
            (Subject::Type(1), "benchmark_basis"),
            (Subject::Service(1), "type"),
            (Subject::Service(1), "serves"),
            (Subject::Service(2), "lat"),
        ],
        "{problems:#?}"
    );
    assert!(
        problems[0].message.contains("first used by record 1"),
        "{problems:#?}"
    );
}

#[test]
fn confidential_sites_are_published_at_their_areas_representative_point() {
    let dataset = Dataset::new(
        vec![square_area("E09000001")],
        vec![kind("rc", "women")],
        vec![
            site("open", "rc", 0.1, Serves::OwnArea, LocationPrecision::Exact),
            site(
                "hidden",
                "rc",
                0.9,
                Serves::AllAreas,
                LocationPrecision::Confidential,
            ),
        ],
    )
    .unwrap();
    assert_eq!(dataset.published_point(0), Point::new(0.1, 0.25));
    let published = dataset.published_point(1);
    assert_eq!(published, dataset.areas()[0].representative_point);
    assert_ne!(published, Point::new(0.9, 0.25));
    assert_eq!(
        (dataset.located_in(1), dataset.served_areas(1)),
        (0, &[0][..])
    );
}

#[test]
fn a_type_that_requires_confidentiality_refuses_exact_sites_and_capacity_is_capped() {
    let refuge = ServiceType {
        location_policy: LocationPolicy::ConfidentialRequired,
        capacity_max: 50.0,
        ..kind("refuge", "women")
    };
    let mut exact = site(
        "exposed",
        "refuge",
        0.5,
        Serves::OwnArea,
        LocationPrecision::Exact,
    );
    exact.capacity = Some(1e308);
    let hidden = site(
        "hidden",
        "refuge",
        0.5,
        Serves::OwnArea,
        LocationPrecision::Confidential,
    );
    let problems = Dataset::new(
        vec![square_area("E09000001")],
        vec![refuge.clone()],
        vec![exact, hidden.clone()],
    )
    .unwrap_err();
    let found: Vec<(Subject, &str)> = problems.iter().map(|p| (p.subject, p.field)).collect();
    assert_eq!(
        found,
        vec![
            (Subject::Service(0), "location_precision"),
            (Subject::Service(0), "capacity"),
        ],
        "{problems:#?}"
    );
    assert!(problems[0].message.contains("confidential_required"));
    assert!(Dataset::new(vec![square_area("E09000001")], vec![refuge], vec![hidden]).is_ok());
}

#[test]
fn check_service_reports_each_broken_cross_reference_of_one_listing() {
    let refuge = ServiceType {
        location_policy: LocationPolicy::ConfidentialRequired,
        capacity_max: 50.0,
        ..kind("refuge", "women")
    };
    let reference = Reference::new(vec![square_area("E09000001")], vec![refuge]).unwrap();
    let good = site(
        "hidden",
        "refuge",
        0.5,
        Serves::AllAreas,
        LocationPrecision::Confidential,
    );
    assert_eq!(reference.check_service(&good), vec![]);

    let mut exposed = site(
        "exposed",
        "refuge",
        5.0,
        Serves::Areas(vec![GssCode::parse("E09000099").unwrap()]),
        LocationPrecision::Exact,
    );
    exposed.capacity = Some(51.0);
    let fields: Vec<&str> = reference
        .check_service(&exposed)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(fields, ["location_precision", "capacity", "lat", "serves"]);

    let unknown = site(
        "odd",
        "astrology",
        0.5,
        Serves::OwnArea,
        LocationPrecision::Exact,
    );
    let problems = reference.check_service(&unknown);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "type");
    assert!(problems[0].1.contains("unknown service type `astrology`"));
}

#[test]
fn a_reference_is_checked_once_and_shared_by_the_datasets_built_on_it() {
    let problems = Reference::new(
        vec![square_area("E09000001"), square_area("E09000001")],
        vec![kind("rc", "men")],
    )
    .unwrap_err();
    let found: Vec<(Subject, &str)> = problems.iter().map(|p| (p.subject, p.field)).collect();
    assert_eq!(
        found,
        [
            (Subject::Area(1), "code"),
            (Subject::Type(0), "benchmark_basis")
        ]
    );

    let reference = Arc::new(
        Reference::new(vec![square_area("E09000001")], vec![kind("rc", "women")]).unwrap(),
    );
    assert_eq!(reference.area_position("E09000001"), Some(0));
    assert_eq!(reference.area_position("E09000002"), None);
    assert_eq!(reference.locate(Point::new(0.5, 0.5)), Some(0));
    assert!(reference.service_type("rc").is_some());
    let one = || site("a", "rc", 0.5, Serves::OwnArea, LocationPrecision::Exact);
    let dataset = Dataset::with_reference(Arc::clone(&reference), vec![one()]).unwrap();
    assert!(Arc::ptr_eq(dataset.reference(), &reference));
    assert_eq!(dataset.served_areas(0), &[0]);
    let problems = Dataset::with_reference(reference, vec![one(), one()]).unwrap_err();
    let found: Vec<(Subject, &str)> = problems.iter().map(|p| (p.subject, p.field)).collect();
    assert_eq!(found, [(Subject::Service(1), "id")]);
}
