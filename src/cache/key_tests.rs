use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{Coord, MultiPolygon, Point, polygon};

use super::*;
use crate::domain::{GssCode, LocationPolicy, LocationPrecision, Serves, Setting};

/// One change to the input, named.
type Change = (&'static str, Box<dyn FnOnce(&mut Input)>);

/// Everything a key is made from, to change one thing at a time.
#[derive(Clone)]
struct Input {
    areas: Vec<Area>,
    types: Vec<ServiceType>,
    services: Vec<Service>,
    options: AnalysisOptions,
}

/// A square 0.01° a side with its south-west corner at (x0, 0).
fn area(code: &str, x0: f64) -> Area {
    let square = MultiPolygon(vec![polygon![
        (x: x0, y: 0.0), (x: x0 + 0.01, y: 0.0), (x: x0 + 0.01, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)
    ]]);
    let basis = BTreeMap::from([
        ("women".to_owned(), 100.0),
        ("population".to_owned(), 200.0),
    ]);
    Area::new(
        GssCode::parse(code).unwrap(),
        code.to_owned(),
        square,
        basis,
        "census".into(),
    )
    .unwrap()
}

fn service_type(id: &str) -> ServiceType {
    ServiceType {
        id: id.into(),
        label: id.into(),
        benchmark: Some(Benchmark {
            value: 1.0,
            per: 100_000.0,
            source: "standard".into(),
        }),
        basis: "women".into(),
        capacity_unit: "advisers".into(),
        catchment_km: 5.0,
        location_policy: LocationPolicy::ExactAllowed,
        capacity_max: 100.0,
        access_decay: crate::domain::planning::Decay::from_catchment(5.0),
        access_max_cost: 5.0,
    }
}

fn site(id: &str, at: (f64, f64), precision: LocationPrecision) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        provider: "Trust".into(),
        service_type: "idva".into(),
        location: Point::new(at.0, at.1),
        location_precision: precision,
        serves: Serves::OwnArea,
        capacity: Some(2.0),
        specialisms: vec![],
        setting: None,
        phone: String::new(),
        website: String::new(),
        last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        source: "test".into(),
    }
}

fn input() -> Input {
    Input {
        areas: vec![area("E09000001", 0.0), area("E09000002", 0.01)],
        types: vec![service_type("idva"), service_type("isva")],
        services: vec![
            site("open", (0.004, 0.004), LocationPrecision::Exact),
            site("secret", (0.013, 0.006), LocationPrecision::Confidential),
        ],
        options: AnalysisOptions::default(),
    }
}

fn key(input: Input) -> AnalysisKey {
    let Input {
        areas,
        types,
        services,
        options,
    } = input;
    let dataset = Dataset::new(areas, types, services).expect("a valid dataset");
    AnalysisKey::new(&dataset, &options)
}

/// The key of the input after `change`.
fn changed(change: impl FnOnce(&mut Input)) -> AnalysisKey {
    let mut changed = input();
    change(&mut changed);
    key(changed)
}

#[test]
fn the_key_is_stable_and_32_hex_digits() {
    let first = key(input());
    assert_eq!(first, key(input()));
    assert_eq!(first.as_str().len(), 32);
    assert!(first.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn changing_anything_the_analysis_reads_changes_the_key() {
    let base = key(input());
    let changes: Vec<Change> = vec![
        (
            "grid spacing",
            Box::new(|i| i.options.grid_spacing_km *= 2.0),
        ),
        (
            "boundary",
            Box::new(|i| {
                i.areas[0].boundary.0[0].exterior_mut(|r| r.0[1] = Coord { x: 0.011, y: 0.0 })
            }),
        ),
        (
            "code",
            Box::new(|i| i.areas[1].code = GssCode::parse("E09000003").unwrap()),
        ),
        (
            "area name",
            Box::new(|i| i.areas[0].name = "Renamed".into()),
        ),
        (
            "basis value",
            Box::new(|i| *i.areas[0].basis.get_mut("women").unwrap() = 101.0),
        ),
        (
            "basis column",
            Box::new(|i| {
                i.areas[0].basis.insert("girls".into(), 10.0);
            }),
        ),
        (
            "basis source",
            Box::new(|i| i.areas[0].basis_source = "estimate".into()),
        ),
        ("area order", Box::new(|i| i.areas.swap(0, 1))),
        ("type id", Box::new(|i| i.types[1].id = "refuge".into())),
        ("type label", Box::new(|i| i.types[0].label = "IDVA".into())),
        (
            "benchmark value",
            Box::new(|i| i.types[0].benchmark.as_mut().unwrap().value = 2.0),
        ),
        (
            "benchmark per",
            Box::new(|i| i.types[0].benchmark.as_mut().unwrap().per = 200_000.0),
        ),
        (
            "benchmark source",
            Box::new(|i| i.types[0].benchmark.as_mut().unwrap().source = "other".into()),
        ),
        ("no benchmark", Box::new(|i| i.types[0].benchmark = None)),
        (
            "type basis",
            Box::new(|i| i.types[0].basis = "population".into()),
        ),
        (
            "capacity unit",
            Box::new(|i| i.types[0].capacity_unit = "places".into()),
        ),
        ("catchment", Box::new(|i| i.types[0].catchment_km = 5.5)),
        (
            "location policy",
            Box::new(|i| i.types[1].location_policy = LocationPolicy::ConfidentialRequired),
        ),
        ("capacity max", Box::new(|i| i.types[0].capacity_max = 99.0)),
        (
            "site moved",
            Box::new(|i| i.services[0].location = Point::new(0.004, 0.0040001)),
        ),
        (
            "site moved to another area",
            Box::new(|i| i.services[0].location = Point::new(0.014, 0.004)),
        ),
        (
            "secret site moved to another area",
            Box::new(|i| i.services[1].location = Point::new(0.004, 0.006)),
        ),
        ("capacity", Box::new(|i| i.services[0].capacity = Some(2.5))),
        (
            "capacity unknown",
            Box::new(|i| i.services[0].capacity = None),
        ),
        (
            "serves",
            Box::new(|i| i.services[0].serves = Serves::AllAreas),
        ),
        (
            "site type",
            Box::new(|i| i.services[0].service_type = "isva".into()),
        ),
        (
            "made confidential",
            Box::new(|i| i.services[0].location_precision = LocationPrecision::Confidential),
        ),
        (
            "listing added",
            Box::new(|i| {
                i.services
                    .push(site("more", (0.005, 0.005), LocationPrecision::Exact))
            }),
        ),
        (
            "listing removed",
            Box::new(|i| {
                i.services.pop();
            }),
        ),
        ("listing order", Box::new(|i| i.services.swap(0, 1))),
    ];
    let mut seen = vec![base.clone()];
    for (what, change) in changes {
        let after = changed(change);
        assert!(
            !seen.contains(&after),
            "changing the {what} left the key as it was"
        );
        seen.push(after);
    }
}

#[test]
fn what_the_analysis_never_reads_leaves_the_key_alone() {
    let base = key(input());
    let unread: Vec<Change> = vec![
        (
            "listing id",
            Box::new(|i| i.services[0].id = "renamed".into()),
        ),
        (
            "listing name",
            Box::new(|i| i.services[0].name = "Renamed".into()),
        ),
        (
            "provider",
            Box::new(|i| i.services[0].provider = "Other".into()),
        ),
        (
            "phone",
            Box::new(|i| i.services[0].phone = "020 7946 0000".into()),
        ),
        (
            "website",
            Box::new(|i| i.services[0].website = "https://example.org".into()),
        ),
        (
            "setting",
            Box::new(|i| i.services[0].setting = Some(Setting::Hospital)),
        ),
        (
            "specialisms",
            Box::new(|i| i.services[0].specialisms = vec!["young_people".into()]),
        ),
        (
            "last verified",
            Box::new(|i| {
                i.services[0].last_verified = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            }),
        ),
        (
            "source",
            Box::new(|i| i.services[0].source = "illustrative".into()),
        ),
        // Measured from its area's representative point: moving it within the area changes nothing.
        (
            "secret site moved within its area",
            Box::new(|i| i.services[1].location = Point::new(0.017, 0.002)),
        ),
    ];
    for (what, change) in unread {
        assert_eq!(changed(change), base, "changing the {what} changed the key");
    }
}
