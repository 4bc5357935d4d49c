//! Per-area coverage of one service type: located, serving, capacity share, rate, required, shortfall, status.
//!
//! Definitions are in the README ("Coverage"); this module computes exactly those.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Dataset, ServiceType};

/// An area's standing against its type's benchmark.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No site of the type serves the area.
    None,
    /// Served, but capacity share is below the benchmark's requirement.
    Below,
    /// Served, with capacity share at or above the requirement.
    Meets,
    /// Served, and the type has no recognised benchmark.
    NoBenchmark,
}

impl Status {
    /// The value as written in JSON, CSV and query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Below => "below",
            Self::Meets => "meets",
            Self::NoBenchmark => "no_benchmark",
        }
    }

    /// Parses one of the four status names.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::None, Self::Below, Self::Meets, Self::NoBenchmark]
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    /// Whether the area is in gap: `none`, or `below` a benchmark.
    pub fn is_gap(self) -> bool {
        matches!(self, Self::None | Self::Below)
    }
}

/// Capacity figures of one type in one area, before the rate is taken.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Provision {
    /// Sites of the type whose point lies in the area.
    pub located: usize,
    /// Sites of the type whose `serves` covers the area.
    pub serving: usize,
    /// Of the serving sites, those whose capacity is unknown (they add nothing to `capacity_share`).
    pub serving_unknown_capacity: usize,
    /// Sum over serving sites of capacity × (area's basis ÷ total basis of the areas the site serves).
    pub capacity_share: f64,
}

/// The fraction (0–1) of a site's capacity that falls to one area it serves: the area's basis population over
/// the total basis of all the areas the site serves; 0 when that total is 0.
///
/// ```
/// // A site serving areas of 100 and 300 women gives a quarter of its capacity to the first.
/// assert_eq!(gapmap::domain::coverage::apportioned_fraction(100.0, 400.0), 0.25);
/// ```
pub fn apportioned_fraction(area_basis: f64, served_basis: f64) -> f64 {
    if served_basis > 0.0 {
        area_basis / served_basis
    } else {
        0.0
    }
}

/// Tallies located, serving and apportioned capacity of type `t` (its position in the taxonomy) for every area of
/// `dataset`, indexed like `dataset.areas()`.
///
/// A site's capacity is split over the areas it serves in proportion to each area's basis population,
/// so the shares of one site always add up to its capacity.
pub fn provision(dataset: &Dataset, t: usize) -> Vec<Provision> {
    let service_type = &dataset.types()[t];
    let areas = dataset.areas();
    let basis: Vec<f64> = areas
        .iter()
        .map(|a| a.basis(&service_type.basis).unwrap_or(0.0))
        .collect();
    let mut tally = vec![Provision::default(); areas.len()];
    for (site, service) in dataset.services().iter().enumerate() {
        if dataset.type_of(site) != t {
            continue;
        }
        tally[dataset.located_in(site)].located += 1;
        let served = dataset.served_areas(site);
        let served_basis: f64 = served.iter().map(|&a| basis[a]).sum();
        for &area in served {
            let entry = &mut tally[area];
            entry.serving += 1;
            match service.capacity {
                Some(capacity) => {
                    entry.capacity_share +=
                        capacity * apportioned_fraction(basis[area], served_basis)
                }
                None => entry.serving_unknown_capacity += 1,
            }
        }
    }
    tally
}

/// Rate, requirement and status of one area for one type.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Standing {
    /// Capacity share per `rate_per` people of the basis.
    pub rate: f64,
    /// Capacity the benchmark requires for the area's basis; `None` without a benchmark.
    pub required: Option<f64>,
    /// `max(0, required − capacity_share)`; `None` without a benchmark.
    pub shortfall: Option<f64>,
    /// The area's status.
    pub status: Status,
}

/// Relative tolerance when comparing a capacity share with a requirement, so that apportioning a capacity that
/// exactly meets the benchmark does not fall short by a rounding error.
const MEETS_TOLERANCE: f64 = 1e-9;

/// Computes an area's standing from its provision and basis population (which must be positive).
///
/// ```
/// use gapmap::domain::{Benchmark, LocationPolicy, ServiceType, coverage::{standing, Provision, Status}};
/// // 1 centre per 200,000 women; an area of 300,000 women served by a 0.75 share of a centre.
/// let rape_crisis = ServiceType {
///     id: "rape_crisis".into(), label: "Rape crisis centres".into(),
///     benchmark: Some(Benchmark { value: 1.0, per: 200_000.0, source: "CoE".into() }),
///     basis: "women".into(), capacity_unit: "centres".into(), catchment_km: 10.0,
///     location_policy: LocationPolicy::ConfidentialRequired, capacity_max: 10.0,
///     access_decay: gapmap::domain::planning::Decay::from_catchment(10.0), access_max_cost: 10.0,
/// };
/// let p = Provision { located: 0, serving: 1, serving_unknown_capacity: 0, capacity_share: 0.75 };
/// let s = standing(&p, 300_000.0, &rape_crisis);
/// assert_eq!(s.rate, 0.5);
/// assert_eq!(s.required, Some(1.5));
/// assert_eq!(s.shortfall, Some(0.75));
/// assert_eq!(s.status, Status::Below);
/// ```
pub fn standing(provision: &Provision, basis: f64, service_type: &ServiceType) -> Standing {
    let rate = provision.capacity_share / basis * service_type.rate_per();
    let required = service_type
        .benchmark
        .as_ref()
        .map(|b| b.value * basis / b.per);
    let status = match required {
        _ if provision.serving == 0 => Status::None,
        None => Status::NoBenchmark,
        Some(r) if provision.capacity_share >= r * (1.0 - MEETS_TOLERANCE) => Status::Meets,
        Some(_) => Status::Below,
    };
    let shortfall = required.map(|r| {
        if status == Status::Meets {
            0.0
        } else {
            (r - provision.capacity_share).max(0.0)
        }
    });
    Standing {
        rate,
        required,
        shortfall,
        status,
    }
}

/// The fraction (0–1) of site `site`'s capacity apportioned to area `area` when rates are taken against basis
/// column `basis` ([`apportioned_fraction`]). Zero when the site does not serve the area.
pub fn capacity_fraction(dataset: &Dataset, site: usize, area: usize, basis: &str) -> f64 {
    let served = dataset.served_areas(site);
    if !served.contains(&area) {
        return 0.0;
    }
    let of = |a: usize| dataset.areas()[a].basis(basis).unwrap_or(0.0);
    let total: f64 = served.iter().map(|&a| of(a)).sum();
    apportioned_fraction(of(area), total)
}

/// An area's gap figures for one type (README, "Coverage").
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GapFigures {
    /// Apportioned capacity, in the type's unit.
    pub capacity_share: f64,
    /// Capacity missing against the benchmark; `None` without a benchmark.
    pub shortfall: Option<f64>,
    /// `none`, `below`, `meets` or `no_benchmark`.
    pub status: Status,
}

/// An area's gap figures before and after a change (a plan's hubs added as sites).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GapChange {
    /// On the live data.
    pub before: GapFigures,
    /// With the change.
    pub after: GapFigures,
}
