//! A dataset: areas, the service taxonomy and service sites, cross-checked and linked once.

use std::collections::HashMap;
use std::fmt;

use geo::{MultiPolygon, Point};

use super::disclosure::{Reader, View, may_see_position};
use super::{Area, GssCode, Serves, Service, ServiceType};
use crate::spatial::AreaIndex;

/// Which record a [`DatasetProblem`] is about; the number is its position in the list given to [`Dataset::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// An area.
    Area(usize),
    /// A service type.
    Type(usize),
    /// A service site.
    Service(usize),
}

/// A cross-reference that does not hold: an unknown type or code, a site outside every area, a duplicate id.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetProblem {
    /// The record at fault.
    pub subject: Subject,
    /// The field at fault, as named in the files (`type`, `serves`, `lat`…).
    pub field: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for DatasetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} field `{}`: {}",
            self.subject, self.field, self.message
        )
    }
}

/// Areas, types and services that are known to agree with each other.
#[derive(Debug, Clone)]
pub struct Dataset {
    areas: Vec<Area>,
    types: Vec<ServiceType>,
    services: Vec<Service>,
    area_index: AreaIndex,
    boundaries: Vec<MultiPolygon<f64>>,
    /// For each service, the index of the area its point lies in.
    located_in: Vec<usize>,
    /// For each service, the indexes of the areas it serves (sorted, unique).
    served_areas: Vec<Vec<usize>>,
}

impl Dataset {
    /// Checks every cross-reference and links services to areas. Returns every problem found, not just the first.
    pub fn new(
        areas: Vec<Area>,
        types: Vec<ServiceType>,
        services: Vec<Service>,
    ) -> Result<Self, Vec<DatasetProblem>> {
        let mut problems = Vec::new();
        check_unique(
            areas.iter().map(|a| a.code.as_str()),
            Subject::Area,
            "code",
            &mut problems,
        );
        check_unique(
            types.iter().map(|t| t.id.as_str()),
            Subject::Type,
            "type",
            &mut problems,
        );
        check_unique(
            services.iter().map(|s| s.id.as_str()),
            Subject::Service,
            "id",
            &mut problems,
        );
        for (t, service_type) in types.iter().enumerate() {
            if let Some(area) = areas
                .iter()
                .find(|a| a.basis(&service_type.basis).is_none_or(|v| v <= 0.0))
            {
                problems.push(DatasetProblem {
                    subject: Subject::Type(t),
                    field: "benchmark_basis",
                    message: format!(
                        "basis `{}` has no positive count for area {} ({})",
                        service_type.basis, area.code, area.name
                    ),
                });
            }
        }

        let boundaries: Vec<MultiPolygon<f64>> = areas.iter().map(|a| a.boundary.clone()).collect();
        let area_index = AreaIndex::new(&boundaries);
        let position: HashMap<&GssCode, usize> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (&a.code, i))
            .collect();
        let types_by_id: HashMap<&str, &ServiceType> =
            types.iter().map(|t| (t.id.as_str(), t)).collect();
        let mut located_in = Vec::with_capacity(services.len());
        let mut served_areas = Vec::with_capacity(services.len());
        for (s, service) in services.iter().enumerate() {
            match types_by_id.get(service.service_type.as_str()) {
                Some(service_type) => {
                    problems.extend(type_rule_problems(service, service_type).map(
                        |(field, message)| DatasetProblem {
                            subject: Subject::Service(s),
                            field,
                            message,
                        },
                    ))
                }
                None => problems.push(DatasetProblem {
                    subject: Subject::Service(s),
                    field: "type",
                    message: format!("unknown service type `{}`", service.service_type),
                }),
            }
            let home = area_index.locate(service.location, &boundaries);
            if home.is_none() {
                problems.push(DatasetProblem {
                    subject: Subject::Service(s),
                    field: "lat",
                    message: format!(
                        "point (lat {}, lon {}) lies outside every area",
                        service.location.y(),
                        service.location.x()
                    ),
                });
            }
            let served = match &service.serves {
                Serves::OwnArea => home.into_iter().collect(),
                Serves::AllAreas => (0..areas.len()).collect(),
                Serves::Areas(codes) => {
                    let mut served = Vec::with_capacity(codes.len());
                    for code in codes {
                        match position.get(code) {
                            Some(&index) => served.push(index),
                            None => problems.push(DatasetProblem {
                                subject: Subject::Service(s),
                                field: "serves",
                                message: format!("unknown area code `{code}`"),
                            }),
                        }
                    }
                    served.sort_unstable();
                    served.dedup();
                    served
                }
            };
            located_in.push(home.unwrap_or(0));
            served_areas.push(served);
        }

        if problems.is_empty() {
            Ok(Self {
                areas,
                types,
                services,
                area_index,
                boundaries,
                located_in,
                served_areas,
            })
        } else {
            Err(problems)
        }
    }

    /// The areas, in the order given.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The service taxonomy, in the order given.
    pub fn types(&self) -> &[ServiceType] {
        &self.types
    }

    /// The service sites, in the order given.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The type with this id.
    pub fn service_type(&self, id: &str) -> Option<&ServiceType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The position of the area with this code.
    pub fn area_position(&self, code: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.code.as_str() == code)
    }

    /// The position of the service with this id.
    pub fn service_position(&self, id: &str) -> Option<usize> {
        self.services.iter().position(|s| s.id == id)
    }

    /// The area a point lies in (envelope query, then exact point-in-polygon).
    pub fn locate(&self, point: Point<f64>) -> Option<usize> {
        self.area_index.locate(point, &self.boundaries)
    }

    /// The area service `site` lies in.
    pub fn located_in(&self, site: usize) -> usize {
        self.located_in[site]
    }

    /// The areas service `site` serves (sorted positions).
    pub fn served_areas(&self, site: usize) -> &[usize] {
        &self.served_areas[site]
    }

    /// The point that may be published for a site, and that every distance to it is measured from: its own
    /// location when exact, its area's representative point when confidential.
    pub fn published_point(&self, site: usize) -> Point<f64> {
        let service = &self.services[site];
        if may_see_position(
            Reader::Public,
            View::Public,
            &service.provider,
            service.location_precision,
        ) {
            service.location
        } else {
            self.areas[self.located_in[site]].representative_point
        }
    }

    /// The fraction (0–1) of site `site`'s capacity apportioned to area `area` when rates are taken against basis
    /// column `basis` ([`super::coverage::apportioned_fraction`]). Zero when the site does not serve the area.
    pub fn capacity_fraction(&self, site: usize, area: usize, basis: &str) -> f64 {
        let served = self.served_areas(site);
        if !served.contains(&area) {
            return 0.0;
        }
        let of = |a: usize| self.areas[a].basis(basis).unwrap_or(0.0);
        let total: f64 = served.iter().map(|&a| of(a)).sum();
        super::coverage::apportioned_fraction(of(area), total)
    }

    /// Whether any listing is invented sample data.
    pub fn has_illustrative_listings(&self) -> bool {
        self.services.iter().any(Service::is_illustrative)
    }
}

/// What a site breaks of its type's rules: the location policy and the capacity limit, as `(field, message)`.
fn type_rule_problems(
    service: &Service,
    service_type: &ServiceType,
) -> impl Iterator<Item = (&'static str, String)> {
    let policy = (!service_type
        .location_policy
        .allows(service.location_precision))
    .then(|| {
        (
            "location_precision",
            format!(
                "a `{}` site must be `confidential`: the type's location_policy is {} (services/types.csv), \
                 because its address must never be published",
                service_type.id,
                service_type.location_policy.as_str()
            ),
        )
    });
    let capacity = service
        .capacity
        .filter(|&c| c > service_type.capacity_max)
        .map(|c| {
            (
                "capacity",
                format!(
                    "{c} {} is more than one `{}` site can have (capacity_max {} in services/types.csv)",
                    service_type.capacity_unit, service_type.id, service_type.capacity_max
                ),
            )
        });
    policy.into_iter().chain(capacity)
}

fn check_unique<'a>(
    keys: impl Iterator<Item = &'a str>,
    subject: fn(usize) -> Subject,
    field: &'static str,
    problems: &mut Vec<DatasetProblem>,
) {
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    for (index, key) in keys.enumerate() {
        let first = *first_use.entry(key).or_insert(index);
        if first != index {
            problems.push(DatasetProblem {
                subject: subject(index),
                field,
                message: format!("duplicate `{key}` (first used by record {})", first + 1),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use geo::polygon;

    use super::*;
    use crate::domain::{Benchmark, LocationPolicy, LocationPrecision};

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
}
