//! The whole analysis of a dataset: coverage of every type in every area, and each type's lottery summary.

use geo::Point;
use serde::Serialize;

use super::access::{Access, DEFAULT_GRID_SPACING_KM, access, sample_grid};
use super::coverage::{Provision, Status, provision, standing};
use super::lottery::{AreaRate, Lottery, summarise};
use super::{Dataset, GssCode};
use crate::spatial::SiteIndex;

/// Tuning of the analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisOptions {
    /// Spacing of the access sample grid, in kilometres.
    pub grid_spacing_km: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            grid_spacing_km: DEFAULT_GRID_SPACING_KM,
        }
    }
}

/// Coverage of one type in one area: every figure the README defines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCoverage {
    /// The area's GSS code.
    pub code: GssCode,
    /// The area's name.
    pub name: String,
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// Sites of the type whose point lies in the area.
    pub located: usize,
    /// Sites of the type whose `serves` covers the area.
    pub serving: usize,
    /// Serving sites with unknown capacity.
    pub serving_unknown_capacity: usize,
    /// Apportioned capacity, in the type's unit.
    pub capacity_share: f64,
    /// The area's basis population for this type.
    pub basis_population: f64,
    /// Capacity share per `rate_per` of the basis.
    pub rate: f64,
    /// The population size the rate is per.
    pub rate_per: f64,
    /// The area's rate over the overall (all-area) rate; `None` when the overall rate is zero.
    pub relative_rate: Option<f64>,
    /// Capacity the benchmark requires; `None` without a benchmark.
    pub required: Option<f64>,
    /// Capacity missing against the benchmark; `None` without a benchmark.
    pub shortfall: Option<f64>,
    /// `none`, `below`, `meets` or `no_benchmark`.
    pub status: Status,
    /// Distance to the nearest site of the type; `None` when there is no site of the type anywhere.
    pub access: Option<Access>,
}

/// One type across all areas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeAnalysis {
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// All capacity of the type over the total basis population of all areas, per `rate_per`.
    pub overall_rate: f64,
    /// Coverage per area, in the dataset's area order.
    pub areas: Vec<AreaCoverage>,
    /// The postcode-lottery summary; `None` only for a dataset without areas.
    pub lottery: Option<Lottery>,
}

/// The analysis of a whole dataset, one entry per type in taxonomy order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Per-type results.
    pub types: Vec<TypeAnalysis>,
}

impl Analysis {
    /// The results for one type.
    pub fn for_type(&self, id: &str) -> Option<&TypeAnalysis> {
        self.types.iter().find(|t| t.service_type == id)
    }
}

/// Runs the whole analysis. Pure: no I/O.
pub fn analyse(dataset: &Dataset, options: &AnalysisOptions) -> Analysis {
    let grids: Vec<Vec<Point<f64>>> = dataset
        .areas()
        .iter()
        .map(|area| {
            sample_grid(
                &area.boundary,
                options.grid_spacing_km,
                area.representative_point,
            )
        })
        .collect();
    let types = dataset
        .types()
        .iter()
        .map(|service_type| analyse_type(dataset, service_type, &grids))
        .collect();
    Analysis { types }
}

fn analyse_type(
    dataset: &Dataset,
    service_type: &super::ServiceType,
    grids: &[Vec<Point<f64>>],
) -> TypeAnalysis {
    let tally: Vec<Provision> = provision(dataset, service_type);
    let sites = SiteIndex::new(
        dataset
            .services()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.service_type == service_type.id)
            .map(|(site, _)| (site, dataset.published_point(site))),
    );
    let rate_per = service_type.rate_per();
    let basis: Vec<f64> = dataset
        .areas()
        .iter()
        .map(|a| a.basis(&service_type.basis).unwrap_or(0.0))
        .collect();
    let total_capacity: f64 = tally.iter().map(|p| p.capacity_share).sum();
    let total_basis: f64 = basis.iter().sum();
    let overall_rate = if total_basis > 0.0 {
        total_capacity / total_basis * rate_per
    } else {
        0.0
    };

    let areas: Vec<AreaCoverage> = dataset
        .areas()
        .iter()
        .zip(&tally)
        .zip(grids)
        .zip(&basis)
        .map(|(((area, provision), grid), &basis)| {
            let standing = standing(provision, basis, service_type);
            AreaCoverage {
                code: area.code.clone(),
                name: area.name.clone(),
                service_type: service_type.id.clone(),
                located: provision.located,
                serving: provision.serving,
                serving_unknown_capacity: provision.serving_unknown_capacity,
                capacity_share: provision.capacity_share,
                basis_population: basis,
                rate: standing.rate,
                rate_per,
                relative_rate: (overall_rate > 0.0).then(|| standing.rate / overall_rate),
                required: standing.required,
                shortfall: standing.shortfall,
                status: standing.status,
                access: access(grid, &sites, service_type.catchment_km),
            }
        })
        .collect();
    let rates: Vec<AreaRate> = areas
        .iter()
        .map(|a| AreaRate {
            rate: a.rate,
            basis: a.basis_population,
            in_gap: a.status.is_gap(),
            none: a.status == Status::None,
        })
        .collect();
    TypeAnalysis {
        service_type: service_type.id.clone(),
        overall_rate,
        lottery: summarise(&rates),
        areas,
    }
}
