//! From a dataset and a request to a siting instance: the demand points, the candidates (which are fixed open),
//! the costs, and the answer with ids.

use std::collections::HashSet;

use geo::Point;
use serde::Serialize;
use utoipa::ToSchema;

use super::super::{CostMatrix, DemandPoint, SupplySite, grid_demand, type_supply};
use super::{AreaAnswer, Instance, Model, Plan, SitingProblem, Solver, area_answers};
use crate::domain::Dataset;
use crate::domain::access::DEFAULT_GRID_SPACING_KM;

/// p-median's default maximum cost M with geodesic costs, in km: the span of London, so that London's p-median
/// is the plain (uncapped) one.
pub const DEFAULT_MAX_COST_KM: f64 = 60.0;

/// Where demand is counted.
#[derive(Debug, Clone)]
pub enum DemandChoice {
    /// Each area's basis spread evenly over its 250 m access sample grid ([`grid_demand`]).
    Grid,
    /// Each area's representative point, weighted by the area's whole basis; id the area code.
    Areas,
    /// Given points (a demand file).
    Given(Vec<DemandPoint>),
}

/// Which places may open, beside the existing sites kept open.
#[derive(Debug, Clone, Default)]
pub struct CandidateChoice {
    /// The type's existing sites, at their published points (free when not kept open).
    pub existing: bool,
    /// Every area's representative point; id the area code.
    pub areas: bool,
    /// Every demand point; id the demand point's.
    pub demand: bool,
    /// Given places (a candidates file).
    pub given: Vec<SupplySite>,
    /// The capacity of `given[n]` in demand units, where given (a candidates file's `capacity` column); a missing
    /// entry is none.
    pub given_capacity: Vec<Option<f64>>,
}

/// Where a candidate's capacity comes from, before it is turned into demand units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SiteCapacity {
    /// An existing site: its listing's capacity in the type's `capacity_unit` (0 where unknown).
    Listing(f64),
    /// Given in the type's `capacity_unit` (a candidates file's `capacity`, an inline place's).
    Given(f64),
    /// None given: the hub capacity when one is set, else unlimited.
    Unset,
}

/// A place that may open (or is open).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Listing id, area code, demand id or the file's id.
    pub id: String,
    /// Published position in WGS84 degrees, when known.
    pub point: Option<Point<f64>>,
    /// The area it lies in, when known.
    pub area: Option<usize>,
    /// Whether it is kept open (an existing site, unless `--no-keep-existing`).
    pub fixed: bool,
    /// Its capacity, as listed or given.
    pub capacity: SiteCapacity,
}

/// The demand points and candidates of one siting question.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Demand points with weights.
    pub demand: Vec<DemandPoint>,
    /// Candidates, fixed ones first.
    pub candidates: Vec<Candidate>,
}

/// The demand and candidates for type `type_id` of `dataset`. With `keep_existing`, the type's existing sites are
/// candidates fixed open whatever `choice` says; a candidate whose id is already a candidate is that candidate.
pub fn site_inputs(
    dataset: &Dataset,
    type_id: &str,
    demand: DemandChoice,
    choice: CandidateChoice,
    keep_existing: bool,
) -> Result<Inputs, SitingProblem> {
    let service_type = dataset
        .service_type(type_id)
        .ok_or_else(|| SitingProblem::Shape(format!("unknown service type `{type_id}`")))?;
    let demand = match demand {
        DemandChoice::Grid => grid_demand(
            dataset.reference(),
            &service_type.basis,
            DEFAULT_GRID_SPACING_KM,
        ),
        DemandChoice::Areas => dataset
            .areas()
            .iter()
            .enumerate()
            .map(|(a, area)| DemandPoint {
                id: area.code.as_str().to_owned(),
                point: Some(area.representative_point),
                weight: area.basis(&service_type.basis).unwrap_or(0.0),
                area: Some(a),
            })
            .collect(),
        DemandChoice::Given(points) => points,
    };
    let mut candidates = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |id: &str,
                   point: Option<Point<f64>>,
                   area: Option<usize>,
                   fixed: bool,
                   capacity: SiteCapacity| {
        if seen.insert(id.to_owned()) {
            candidates.push(Candidate {
                id: id.to_owned(),
                point,
                area,
                fixed,
                capacity,
            });
        }
    };
    let locate = |point: Option<Point<f64>>| point.and_then(|p| dataset.locate(p));
    if keep_existing || choice.existing {
        for site in type_supply(dataset, type_id) {
            let capacity = SiteCapacity::Listing(site.capacity);
            add(
                &site.id,
                site.point,
                locate(site.point),
                keep_existing,
                capacity,
            );
        }
    }
    if choice.areas {
        for (a, area) in dataset.areas().iter().enumerate() {
            add(
                area.code.as_str(),
                Some(area.representative_point),
                Some(a),
                false,
                SiteCapacity::Unset,
            );
        }
    }
    if choice.demand {
        for point in &demand {
            add(
                &point.id,
                point.point,
                point.area.or(locate(point.point)),
                false,
                SiteCapacity::Unset,
            );
        }
    }
    for (n, site) in choice.given.into_iter().enumerate() {
        let capacity = match choice.given_capacity.get(n) {
            Some(Some(c)) => SiteCapacity::Given(*c),
            _ => SiteCapacity::Unset,
        };
        add(&site.id, site.point, locate(site.point), false, capacity);
    }
    Ok(Inputs { demand, candidates })
}

impl Inputs {
    /// Geodesic km from every demand point to every candidate within `limit_km`; refused when a position is
    /// missing (demand or candidates given by id alone need a cost file).
    pub fn geodesic_costs(&self, limit_km: f64) -> Result<CostMatrix, SitingProblem> {
        let missing = |id: &str| {
            SitingProblem::Shape(format!(
                "`{id}` has no position: give lat and lon, or a cost file"
            ))
        };
        let origins = self
            .demand
            .iter()
            .map(|d| d.point.ok_or_else(|| missing(&d.id)))
            .collect::<Result<Vec<_>, _>>()?;
        let destinations = self
            .candidates
            .iter()
            .map(|c| c.point.ok_or_else(|| missing(&c.id)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CostMatrix::geodesic_km(
            &origins,
            &destinations,
            limit_km,
            &[],
        ))
    }

    /// The instance choosing `k` sites under `model` over `costs` (demand × candidates), with at least
    /// `min_per_area` open sites located in each of `dataset`'s areas when given.
    pub fn instance(
        &self,
        dataset: &Dataset,
        model: Model,
        costs: &CostMatrix,
        k: usize,
        min_per_area: Option<usize>,
    ) -> Result<Instance, SitingProblem> {
        let weights = self.demand.iter().map(|d| d.weight).collect();
        let fixed = self.candidates.iter().map(|c| c.fixed).collect();
        let instance = Instance::new(model, weights, costs, fixed, k)?;
        match min_per_area {
            Some(floor) if floor > 0 => {
                let labels: Vec<String> = dataset
                    .areas()
                    .iter()
                    .map(|a| format!("{} ({})", a.name, a.code.as_str()))
                    .collect();
                instance.with_floors(
                    self.candidates.iter().map(|c| c.area).collect(),
                    vec![floor; labels.len()],
                    &labels,
                )
            }
            _ => Ok(instance),
        }
    }

    /// The points of `plan`'s chosen sites that are not already sites of `type_id` in `dataset` (a listed site
    /// chosen when existing sites are free is counted once), in greedy-account order.
    pub fn new_hub_points(&self, dataset: &Dataset, type_id: &str, plan: &Plan) -> Vec<Point<f64>> {
        let listed = |id: &str| {
            dataset
                .services()
                .iter()
                .any(|s| s.id == id && s.service_type == type_id)
        };
        plan.steps
            .iter()
            .map(|s| &self.candidates[s.site])
            .filter(|c| !listed(&c.id))
            .filter_map(|c| c.point)
            .collect()
    }

    /// The answer to `plan` on `instance` (built from these inputs) with candidate ids, areas named from
    /// `dataset`.
    pub fn answer(
        &self,
        dataset: &Dataset,
        instance: &Instance,
        service_type: &str,
        plan: &Plan,
    ) -> PlanAnswer {
        let (model, k) = (instance.model(), instance.k());
        let id = |j: usize| self.candidates[j].id.clone();
        let (radius, max_cost) = match model {
            Model::Mclp { radius } => (Some(radius), None),
            Model::PMedian { max_cost } => (None, Some(max_cost)),
        };
        PlanAnswer {
            service_type: service_type.to_owned(),
            model: model.name(),
            k,
            radius,
            max_cost,
            chosen: plan.steps.iter().map(|s| id(s.site)).collect(),
            fixed: self
                .candidates
                .iter()
                .filter(|c| c.fixed)
                .map(|c| c.id.clone())
                .collect(),
            objective: plan.objective,
            bound: plan.bound,
            gap: plan.gap,
            optimal: plan.optimal,
            solver: plan.solver,
            base: plan.base,
            demand_total: self.demand.iter().map(|d| d.weight).sum(),
            demand_points: self.demand.len(),
            candidates: self.candidates.len(),
            nodes: plan.nodes,
            served: self.served(plan),
            steps: plan
                .steps
                .iter()
                .map(|s| StepAnswer {
                    id: id(s.site),
                    adds: s.adds,
                    objective: s.objective,
                })
                .collect(),
            areas: area_answers(
                dataset,
                instance,
                &self.demand.iter().map(|d| d.area).collect::<Vec<_>>(),
                &self.candidates.iter().map(|c| c.area).collect::<Vec<_>>(),
                plan,
            ),
        }
    }
}

/// An open site's capacity and the demand the optimal assignment gives it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServedAnswer {
    /// The site's id.
    pub id: String,
    /// At most this much demand (demand units, e.g. women); `null` for no limit.
    pub capacity: Option<f64>,
    /// Demand assigned to it (demand units).
    pub served: f64,
}

/// One step of the greedy account.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StepAnswer {
    /// The candidate's id.
    pub id: String,
    /// Demand newly covered (MCLP) or the fall in demand-weighted cost (p-median) it brings to those before it.
    pub adds: f64,
    /// The objective once it and every site before it are open.
    pub objective: f64,
}

/// A siting answer, as `gapmap plan` prints it and `POST /api/plan` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanAnswer {
    /// The service type.
    #[serde(rename = "type")]
    pub service_type: String,
    /// `mclp` or `pmedian`.
    pub model: &'static str,
    /// New sites chosen.
    pub k: usize,
    /// MCLP coverage radius (cost units; km for geodesic costs).
    pub radius: Option<f64>,
    /// p-median maximum cost M (cost units).
    pub max_cost: Option<f64>,
    /// Chosen candidate ids, in greedy-account order.
    pub chosen: Vec<String>,
    /// Ids of the sites kept open.
    pub fixed: Vec<String>,
    /// Demand covered (MCLP, demand units) or demand-weighted cost (p-median, demand × cost units).
    pub objective: f64,
    /// Proven bound on the best objective: upper (MCLP) or lower (p-median).
    pub bound: f64,
    /// |objective − bound| / max(|objective|, |bound|).
    pub gap: f64,
    /// Whether the objective is proven optimal.
    pub optimal: bool,
    /// `exact` or `heuristic`.
    pub solver: Solver,
    /// The objective with the fixed sites alone.
    pub base: f64,
    /// Σ of the demand weights.
    pub demand_total: f64,
    /// Number of demand points.
    pub demand_points: usize,
    /// Number of candidates, fixed ones included.
    pub candidates: usize,
    /// Branch-and-bound nodes visited (0 for the heuristic).
    pub nodes: u64,
    /// The greedy account, one step per chosen site.
    pub steps: Vec<StepAnswer>,
    /// Per area with demand, in area order: its demand and the model's figure before and after (README,
    /// "Planning" → "Per area"). Σ `after.covered` is `objective` (MCLP), Σ `demand` × `after.mean_cost` is
    /// `objective` (p-median), and likewise `before` and `base`, when every demand point lies in an area.
    pub areas: Vec<AreaAnswer>,
    /// With capacities only: every open site with its capacity and the demand assigned to it. The objective is
    /// then over the assignment: demand assigned (MCLP), or Σ assigned demand × cost + M × demand unassigned
    /// (p-median).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served: Option<Vec<ServedAnswer>>,
}
