//! Accessibility by floating catchment: the enhanced two-step floating catchment (E2SFCA, Luo & Qi 2009) as PySAL
//! `access.enhanced_two_stage_fca` computes it, and the plain two-step (2SFCA, W ≡ 1). Definitions: README,
//! "Planning" → "Accessibility (E2SFCA)".

mod areas;
#[cfg(test)]
mod tests;
mod weight;

pub use areas::{AreaAccess, BELOW_TOLERANCE, by_area};

use geo::Point;
use rayon::prelude::*;

use super::{CostMatrix, Decay, DemandPoint, SupplySite, grid_demand, type_supply};
use crate::domain::Dataset;

/// Which floating catchment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FcaModel {
    /// Enhanced: each pair weighted by the decay W(c).
    E2sfca,
    /// Plain: every pair within the max cost weighs 1.
    #[serde(rename = "2sfca")]
    TwoStep,
}

impl FcaModel {
    /// The model's name as written on the command line and in JSON: `e2sfca` or `2sfca`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::E2sfca => "e2sfca",
            Self::TwoStep => "2sfca",
        }
    }
}

/// A catchment: the decay, the max cost M (inclusive) and the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Catchment {
    /// W(c), used by [`FcaModel::E2sfca`].
    pub decay: Decay,
    /// M, in the cost's unit: pairs with c ≤ M are in the catchment.
    pub max_cost: f64,
    /// E2SFCA or 2SFCA.
    pub model: FcaModel,
}

impl Catchment {
    /// The weight of a pair at cost `cost`: 0 beyond M; else W(c) for E2SFCA and 1 for 2SFCA.
    pub fn weight(&self, cost: f64) -> f64 {
        if cost > self.max_cost {
            0.0
        } else {
            match self.model {
                FcaModel::E2sfca => self.decay.weight(cost),
                FcaModel::TwoStep => 1.0,
            }
        }
    }

    /// Geodesic km from every demand point to every site within M (exact at M and at the decay's band bounds);
    /// `None` when a point or a site has no position.
    pub fn geodesic_costs(
        &self,
        demand: &[DemandPoint],
        supply: &[SupplySite],
    ) -> Option<CostMatrix> {
        let origins: Option<Vec<Point<f64>>> = demand.iter().map(|d| d.point).collect();
        let sites: Option<Vec<Point<f64>>> = supply.iter().map(|s| s.point).collect();
        Some(CostMatrix::geodesic_km(
            &origins?,
            &sites?,
            self.max_cost,
            &self.decay.thresholds(),
        ))
    }
}

/// The two steps' results.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessibility {
    /// R_j per site, in capacity per unit of demand weight: S_j / Σ_{i: c_ij ≤ M} P_i·W(c_ij); 0 for a site
    /// with no weighted demand in its catchment.
    pub ratio: Vec<f64>,
    /// A_i per demand point, in capacity per unit of demand weight (e.g. FTE advisers per woman):
    /// Σ_{j: c_ij ≤ M} W(c_ij)·R_j; 0 for a point that reaches no site.
    pub access: Vec<f64>,
}

/// Demand points per block of step 1's sums.
const DEMAND_BLOCK: usize = 4096;

/// The floating catchment of `demand` (rows of `costs`) and `supply` (its columns). Sums run in a fixed order
/// (step 1 by blocks of demand points, each in demand order, then the blocks in order; step 2 in site order), so
/// the result is the same on any number of threads.
///
/// ```
/// use gapmap::domain::planning::{CostMatrix, Decay};
/// use gapmap::domain::planning::fca::{Catchment, FcaModel, floating_catchment};
/// // Two people 0 and 15 km from one site of capacity 3; W = 1 up to 10, 0.5 up to 20.
/// let costs = CostMatrix::from_entries(2, 1, &[(0, 0, 0.0), (1, 0, 15.0)], 20.0).unwrap();
/// let catchment = Catchment { decay: Decay::parse("step:10=1,20=0.5").unwrap(), max_cost: 20.0,
///                             model: FcaModel::E2sfca };
/// let result = floating_catchment(&[1.0, 1.0], &[3.0], &costs, &catchment);
/// assert_eq!(result.ratio, [2.0]); // 3 / (1·1 + 1·0.5)
/// assert_eq!(result.access, [2.0, 1.0]);
/// ```
pub fn floating_catchment(
    weights: &[f64],
    capacities: &[f64],
    costs: &CostMatrix,
    catchment: &Catchment,
) -> Accessibility {
    let sites = capacities.len();
    let pair_weight = weight::PairWeight::new(catchment);
    // Step 1's sums, by fixed blocks of demand points (so the same on any number of threads): each block adds
    // its points' weighted demand into its own per-site sums, and the blocks are added up in order.
    let blocks: Vec<Vec<f64>> = (0..costs.origins().div_ceil(DEMAND_BLOCK))
        .into_par_iter()
        .map(|block| {
            let mut sums = vec![0.0; sites];
            let first = block * DEMAND_BLOCK;
            let last = (first + DEMAND_BLOCK).min(costs.origins());
            for (i, &weight) in weights.iter().enumerate().take(last).skip(first) {
                for (j, cost) in costs.row(i) {
                    sums[j] += weight * pair_weight.at(cost);
                }
            }
            sums
        })
        .collect();
    let mut demand = vec![0.0; sites];
    for sums in &blocks {
        for (total, part) in demand.iter_mut().zip(sums) {
            *total += part;
        }
    }
    let ratio: Vec<f64> = demand
        .iter()
        .zip(capacities)
        .map(
            |(&demand, &capacity)| {
                if demand > 0.0 { capacity / demand } else { 0.0 }
            },
        )
        .collect();
    let access = (0..costs.origins())
        .into_par_iter()
        .map(|i| {
            costs
                .row(i)
                .map(|(j, cost)| pair_weight.at(cost) * ratio[j])
                // From +0: an empty `sum` of f64 is −0, which would print as `-0`.
                .fold(0.0, |total, term| total + term)
        })
        .collect();
    Accessibility { ratio, access }
}

/// [`floating_catchment`] of demand points and supply sites.
pub fn accessibility(
    demand: &[DemandPoint],
    supply: &[SupplySite],
    costs: &CostMatrix,
    catchment: &Catchment,
) -> Accessibility {
    let weights: Vec<f64> = demand.iter().map(|d| d.weight).collect();
    let capacities: Vec<f64> = supply.iter().map(|s| s.capacity).collect();
    floating_catchment(&weights, &capacities, costs, catchment)
}

/// A type's accessibility with every default: demand [`grid_demand`] of its basis at `spacing_km`, supply its
/// listings at their published points ([`type_supply`]), geodesic km, its own decay and max cost.
#[derive(Debug, Clone)]
pub struct TypeAccess {
    /// The demand points.
    pub demand: Vec<DemandPoint>,
    /// The catchment used.
    pub catchment: Catchment,
    /// R_j and A_i.
    pub accessibility: Accessibility,
    /// Per area, by area position.
    pub areas: Vec<AreaAccess>,
}

impl TypeAccess {
    /// Computes type `t` of `dataset` with `model`.
    pub fn compute(dataset: &Dataset, t: usize, model: FcaModel, spacing_km: f64) -> Self {
        let service_type = &dataset.types()[t];
        let catchment = Catchment {
            decay: service_type.access_decay.clone(),
            max_cost: service_type.access_max_cost,
            model,
        };
        let demand = grid_demand(dataset.reference(), &service_type.basis, spacing_km);
        let supply = type_supply(dataset, &service_type.id);
        // Grid points and published points always have positions.
        let origins: Vec<Point<f64>> = demand.iter().filter_map(|d| d.point).collect();
        let sites: Vec<Point<f64>> = supply.iter().filter_map(|s| s.point).collect();
        let costs = CostMatrix::geodesic_km(
            &origins,
            &sites,
            catchment.max_cost,
            &catchment.decay.thresholds(),
        );
        let accessibility = accessibility(&demand, &supply, &costs, &catchment);
        let areas = by_area(
            &demand,
            &accessibility.access,
            dataset.areas().len(),
            service_type.benchmark.as_ref(),
        );
        Self {
            demand,
            catchment,
            accessibility,
            areas,
        }
    }
}
