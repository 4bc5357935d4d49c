//! The whole analysis of a dataset: coverage of every type in every area, and each type's lottery summary.

use rayon::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::access::{Access, DEFAULT_GRID_SPACING_KM, GridFrame, SampleGrid, Scratch};
use super::coverage::{Provision, Status, provision, standing};
use super::lottery::{AreaRate, Lottery, summarise};
use super::{Dataset, GssCode};
use crate::spatial::SiteCloud;

mod incremental;

pub use incremental::reanalyse;

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
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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

/// What to analyse: which types, and for which areas to measure access. Coverage and the lottery always cover
/// every area, since each area's rate depends on the others through the overall rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Type positions to analyse, in taxonomy order; every type when `None`.
    pub types: Option<Vec<usize>>,
    /// Area positions whose access is measured; every area when `None`. Other areas get `access: None`.
    pub access_areas: Option<Vec<usize>>,
}

/// Runs the whole analysis. Pure: no I/O.
pub fn analyse(dataset: &Dataset, options: &AnalysisOptions) -> Analysis {
    analyse_selected(dataset, options, &Selection::default())
}

/// Runs the analysis of what `selection` asks for, and nothing more.
pub fn analyse_selected(
    dataset: &Dataset,
    options: &AnalysisOptions,
    selection: &Selection,
) -> Analysis {
    let types: Vec<usize> = selection
        .types
        .clone()
        .unwrap_or_else(|| (0..dataset.types().len()).collect());
    let areas: Vec<usize> = selection
        .access_areas
        .clone()
        .unwrap_or_else(|| (0..dataset.areas().len()).collect());
    let mut measured = measure_access(dataset, options, &types, &areas);
    let types = types
        .iter()
        .zip(&mut measured)
        .map(|(&t, by_area)| analyse_type(dataset, t, std::mem::take(by_area)))
        .collect();
    Analysis { types }
}

/// The sites of type `t` at the points distances are measured to (a confidential site at its area's
/// representative point).
pub(crate) fn site_cloud(dataset: &Dataset, t: usize) -> SiteCloud {
    SiteCloud::new(
        (0..dataset.services().len())
            .filter(|&site| dataset.type_of(site) == t)
            .map(|site| (site, dataset.published_point(site))),
    )
}

/// Access of each of `types` (outer) in every area (inner, in dataset order; `None` for areas not in `areas`).
/// Each area's grid is built once and measured against every type, then dropped: nothing per sample point is kept.
pub(crate) fn measure_access(
    dataset: &Dataset,
    options: &AnalysisOptions,
    types: &[usize],
    areas: &[usize],
) -> Vec<Vec<Option<Access>>> {
    let clouds: Vec<SiteCloud> = types.par_iter().map(|&t| site_cloud(dataset, t)).collect();
    let measured: Vec<(usize, Vec<Option<Access>>)> = areas
        .par_iter()
        .map_init(Scratch::default, |scratch, &a| {
            let area = &dataset.areas()[a];
            let grid = SampleGrid::new(
                &area.boundary,
                options.grid_spacing_km,
                area.representative_point,
            );
            let frame = GridFrame::new(&grid, options.grid_spacing_km);
            let by_type = types
                .iter()
                .zip(&clouds)
                .map(|(&t, cloud)| frame.measure(cloud, dataset.types()[t].catchment_km, scratch))
                .collect();
            (a, by_type)
        })
        .collect();
    let mut table = vec![vec![None; dataset.areas().len()]; types.len()];
    for (a, by_type) in measured {
        for (column, access) in table.iter_mut().zip(by_type) {
            column[a] = access;
        }
    }
    table
}

/// Coverage, standing and the lottery of type `t`, with `access` measured per area.
pub(crate) fn analyse_type(
    dataset: &Dataset,
    t: usize,
    access: Vec<Option<Access>>,
) -> TypeAnalysis {
    let service_type = &dataset.types()[t];
    let tally: Vec<Provision> = provision(dataset, t);
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
        .zip(access)
        .zip(&basis)
        .map(|(((area, provision), access), &basis)| {
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
                access,
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

#[cfg(test)]
mod tests;
