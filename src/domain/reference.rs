//! The reference data a listing is checked against: the areas (with their R-tree index) and the service taxonomy,
//! checked once. One listing is checked against it without building a [`super::Dataset`].

use std::collections::HashMap;
use std::fmt;

use geo::{MultiPolygon, Point};

use super::{Area, Serves, Service, ServiceType};
use crate::spatial::AreaIndex;

/// Which record a [`DatasetProblem`] is about; the number is its position in the list given to [`super::Dataset::new`].
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

/// A problem with one field of a listing: `(field, message)`, the field named as in the listings file.
pub type FieldProblem = (&'static str, String);

/// Areas and service types that agree with each other: unique codes and ids, and every type's basis counted
/// positive in every area.
#[derive(Debug, Clone)]
pub struct Reference {
    areas: Vec<Area>,
    types: Vec<ServiceType>,
    boundaries: Vec<MultiPolygon<f64>>,
    area_index: AreaIndex,
    area_positions: HashMap<String, usize>,
    type_positions: HashMap<String, usize>,
    /// The SHA-256 of everything published of the areas and types, computed on first use.
    digest: std::sync::OnceLock<[u8; 32]>,
}

/// Where a listing sits among the reference areas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Placement {
    /// The area its point lies in.
    pub home: Option<usize>,
    /// The areas it serves (sorted, unique); unknown codes are left out.
    pub served: Vec<usize>,
}

impl Reference {
    /// Checks the areas and types against each other and indexes the areas once. Returns every problem found.
    pub fn new(areas: Vec<Area>, types: Vec<ServiceType>) -> Result<Self, Vec<DatasetProblem>> {
        let mut problems = key_problems(&areas, &types);
        problems.extend(basis_problems(&areas, &types));
        if problems.is_empty() {
            Ok(Self::unchecked(areas, types))
        } else {
            Err(problems)
        }
    }

    /// Indexes areas and types without checking them; the caller reports their problems
    /// ([`key_problems`], [`basis_problems`]).
    pub(super) fn unchecked(areas: Vec<Area>, types: Vec<ServiceType>) -> Self {
        let boundaries: Vec<MultiPolygon<f64>> = areas.iter().map(|a| a.boundary.clone()).collect();
        let area_index = AreaIndex::new(&boundaries);
        // The first of duplicate codes or ids wins, as a linear search would find it.
        let mut area_positions = HashMap::with_capacity(areas.len());
        for (i, area) in areas.iter().enumerate() {
            area_positions.entry(area.code.to_string()).or_insert(i);
        }
        let mut type_positions = HashMap::with_capacity(types.len());
        for (i, service_type) in types.iter().enumerate() {
            type_positions.entry(service_type.id.clone()).or_insert(i);
        }
        Self {
            areas,
            types,
            boundaries,
            area_index,
            area_positions,
            type_positions,
            digest: std::sync::OnceLock::new(),
        }
    }

    /// A SHA-256 of everything the API can publish of the areas (codes, names, bases and their source, every
    /// boundary coordinate) and of the taxonomy, computed once: each dataset version hashes it with the listings.
    pub fn digest(&self) -> [u8; 32] {
        *self.digest.get_or_init(|| {
            use sha2::{Digest, Sha256};
            let mut hash = Sha256::new();
            let text = |hash: &mut Sha256, text: &str| {
                hash.update((text.len() as u64).to_le_bytes());
                hash.update(text.as_bytes());
            };
            for area in &self.areas {
                text(&mut hash, area.code.as_str());
                text(&mut hash, &area.name);
                text(&mut hash, &area.basis_source);
                for (column, value) in &area.basis {
                    text(&mut hash, column);
                    hash.update(value.to_le_bytes());
                }
                for polygon in &area.boundary.0 {
                    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                        hash.update((ring.0.len() as u64).to_le_bytes());
                        for c in &ring.0 {
                            hash.update(c.x.to_le_bytes());
                            hash.update(c.y.to_le_bytes());
                        }
                    }
                }
            }
            // Serialising the domain's own types cannot fail: they hold no maps with non-string keys.
            text(
                &mut hash,
                &serde_json::to_string(&self.types).unwrap_or_default(),
            );
            hash.finalize().into()
        })
    }

    /// The areas, in the order given.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The service taxonomy, in the order given.
    pub fn types(&self) -> &[ServiceType] {
        &self.types
    }

    /// The type with this id.
    pub fn service_type(&self, id: &str) -> Option<&ServiceType> {
        self.type_positions.get(id).map(|&t| &self.types[t])
    }

    /// The position of the area with this code.
    pub fn area_position(&self, code: &str) -> Option<usize> {
        self.area_positions.get(code).copied()
    }

    /// The area a point (WGS84 longitude/latitude degrees) lies in: envelope query, then exact point-in-polygon.
    pub fn locate(&self, point: Point<f64>) -> Option<usize> {
        self.area_index.locate(point, &self.boundaries)
    }

    /// What `service` breaks of the reference data: an unknown type, its type's location policy and capacity
    /// limit, a point outside every area, unknown `serves` codes. Empty when it agrees.
    ///
    /// ```
    /// # use std::collections::BTreeMap;
    /// # use chrono::NaiveDate;
    /// # use geo::{MultiPolygon, Point, polygon};
    /// # use gapmap::domain::*;
    /// let square = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)]]);
    /// let basis = BTreeMap::from([("women".to_owned(), 10.0)]);
    /// let area = Area::new(GssCode::parse("E09000001").unwrap(), "A".into(), square, basis, String::new());
    /// let isva = ServiceType {
    ///     id: "isva".into(), label: "ISVA".into(), benchmark: None, basis: "women".into(),
    ///     capacity_unit: "FTE".into(), catchment_km: 5.0, location_policy: LocationPolicy::ExactAllowed,
    ///     capacity_max: 100.0, access_decay: planning::Decay::from_catchment(5.0), access_max_cost: 5.0,
    /// };
    /// let reference = Reference::new(vec![area.unwrap()], vec![isva]).unwrap();
    /// let service = Service {
    ///     id: "far".into(), name: "Far".into(), provider: "P".into(), service_type: "isva".into(),
    ///     location: Point::new(5.0, 5.0), location_precision: LocationPrecision::Exact, serves: Serves::OwnArea,
    ///     capacity: Some(1.0), specialisms: vec![], setting: None, phone: String::new(), website: String::new(),
    ///     last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), source: "s".into(),
    /// };
    /// let problems = reference.check_service(&service);
    /// assert_eq!(problems.len(), 1);
    /// assert_eq!(problems[0].0, "lat");
    /// assert!(problems[0].1.contains("outside every area"));
    /// ```
    pub fn check_service(&self, service: &Service) -> Vec<FieldProblem> {
        self.place(service).1
    }

    /// Where `service` sits, and what it breaks ([`Reference::check_service`]).
    pub(super) fn place(&self, service: &Service) -> (Placement, Vec<FieldProblem>) {
        let mut problems = match self.service_type(&service.service_type) {
            Some(service_type) => type_rule_problems(service, service_type),
            None => vec![(
                "type",
                format!("unknown service type `{}`", service.service_type),
            )],
        };
        let home = self.locate(service.location);
        if home.is_none() {
            problems.push((
                "lat",
                format!(
                    "point (lat {}, lon {}) lies outside every area",
                    service.location.y(),
                    service.location.x()
                ),
            ));
        }
        let served = match &service.serves {
            Serves::OwnArea => home.into_iter().collect(),
            Serves::AllAreas => (0..self.areas.len()).collect(),
            Serves::Areas(codes) => {
                let mut served = Vec::with_capacity(codes.len());
                for code in codes {
                    match self.area_positions.get(code.as_str()) {
                        Some(&index) => served.push(index),
                        None => problems.push(("serves", format!("unknown area code `{code}`"))),
                    }
                }
                served.sort_unstable();
                served.dedup();
                served
            }
        };
        (Placement { home, served }, problems)
    }
}

/// What a site breaks of its type's rules: the location policy and the capacity limit.
fn type_rule_problems(service: &Service, service_type: &ServiceType) -> Vec<FieldProblem> {
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
    policy.into_iter().chain(capacity).collect()
}

/// Area codes and type ids used twice.
pub(super) fn key_problems(areas: &[Area], types: &[ServiceType]) -> Vec<DatasetProblem> {
    let mut problems = Vec::new();
    unique_problems(
        areas.iter().map(|a| a.code.as_str()),
        Subject::Area,
        "code",
        &mut problems,
    );
    unique_problems(
        types.iter().map(|t| t.id.as_str()),
        Subject::Type,
        "type",
        &mut problems,
    );
    problems
}

/// A type whose basis column some area lacks (or counts as zero): its rate could not be computed there.
pub(super) fn basis_problems(areas: &[Area], types: &[ServiceType]) -> Vec<DatasetProblem> {
    types
        .iter()
        .enumerate()
        .filter_map(|(t, service_type)| {
            let area = areas
                .iter()
                .find(|a| a.basis(&service_type.basis).is_none_or(|v| v <= 0.0))?;
            Some(DatasetProblem {
                subject: Subject::Type(t),
                field: "benchmark_basis",
                message: format!(
                    "basis `{}` has no positive count for area {} ({})",
                    service_type.basis, area.code, area.name
                ),
            })
        })
        .collect()
}

/// A problem for every key used a second time, naming the record that used it first.
pub(super) fn unique_problems<'a>(
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
