//! A plan area by area: the demand in each area and the model's figure for it with the fixed sites alone open
//! (before) and with the chosen sites open too (after). The figures of all areas add up to the London-wide
//! objective: Σ covered = the MCLP objective, Σ demand × mean cost = the p-median objective.
//!
//! Definitions are in the README ("Planning" → "Hub siting" → "Per area").

use serde::Serialize;
use utoipa::ToSchema;

use super::flow::Flow;
use super::{Instance, Model, Plan};
use crate::domain::coverage::GapChange;
use crate::domain::{Dataset, GssCode};

/// One area's demand and its figure before and after a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaChange {
    /// The area's position.
    pub area: usize,
    /// Σ of the demand weights of the points whose area it is (demand units); > 0.
    pub demand: f64,
    /// The figure with the fixed sites alone open (see [`area_figure`]).
    pub before: f64,
    /// The figure with the fixed and chosen sites open.
    pub after: f64,
}

/// What demand point `i` contributes to the objective with `open` sites open: its weight wᵢ if an open site is at
/// cost ≤ R, else 0 (MCLP); wᵢ·min(M, min_{j open} cᵢⱼ) (p-median). Σᵢ of it is [`Instance::objective`].
fn point_objective(instance: &Instance, i: usize, open: &[bool]) -> f64 {
    let w = instance.weights[i];
    let range = instance.row_starts[i]..instance.row_starts[i + 1];
    let mut reached = instance.row_site[range.clone()]
        .iter()
        .zip(&instance.row_cost[range])
        .filter(|(j, _)| open[**j as usize])
        .map(|(_, &c)| c);
    match instance.model() {
        Model::Mclp { .. } => {
            if reached.next().is_some() {
                w
            } else {
                0.0
            }
        }
        Model::PMedian { max_cost } => w * reached.fold(max_cost, f64::min),
    }
}

/// An area's figure from the Σ of its points' contributions and its demand: MCLP, the demand covered (the sum
/// itself); p-median, the demand-weighted mean cost capped at M (the sum over the demand).
fn area_figure(model: Model, total: f64, demand: f64) -> f64 {
    match model {
        Model::Mclp { .. } => total,
        Model::PMedian { .. } => total / demand,
    }
}

/// Per area with demand (Σ weights > 0), in area order: its demand and its figure with `before` open and with
/// `after` open (open flags per candidate). `demand_area[i]` is the area demand point `i` lies in; a point in no
/// area is in no row. `demand_area` must have one entry per demand point of `instance`.
///
/// ```
/// use gapmap::domain::planning::CostMatrix;
/// use gapmap::domain::planning::siting::{Instance, Model, area_changes};
/// // Two demand points, weights 1 and 3, in areas 0 and 1; one candidate 2 km from the first, 9 km from the second.
/// let costs = CostMatrix::from_entries(2, 1, &[(0, 0, 2.0), (1, 0, 9.0)], f64::INFINITY).unwrap();
/// let instance = Instance::new(Model::Mclp { radius: 5.0 }, vec![1.0, 3.0], &costs, vec![false], 1).unwrap();
/// let rows = area_changes(&instance, &[Some(0), Some(1)], &[false], &[true]);
/// assert_eq!((rows[0].demand, rows[0].before, rows[0].after), (1.0, 0.0, 1.0));
/// assert_eq!((rows[1].demand, rows[1].before, rows[1].after), (3.0, 0.0, 0.0));
/// ```
pub fn area_changes(
    instance: &Instance,
    demand_area: &[Option<usize>],
    before: &[bool],
    after: &[bool],
) -> Vec<AreaChange> {
    let areas = demand_area
        .iter()
        .flatten()
        .map(|a| a + 1)
        .max()
        .unwrap_or(0);
    let (mut demand, mut sum_before, mut sum_after) =
        (vec![0.0; areas], vec![0.0; areas], vec![0.0; areas]);
    // With capacities a point's part is what the optimal assignment gives it, not its best open site.
    let assigned = instance.is_capacitated().then(|| {
        (
            Flow::with_open(instance, before),
            Flow::with_open(instance, after),
        )
    });
    for (i, area) in demand_area.iter().enumerate().take(instance.weights.len()) {
        if let Some(a) = *area {
            demand[a] += instance.weights[i];
            let (then, now) = match &assigned {
                Some((then, now)) => (
                    then.point_objective(instance, i),
                    now.point_objective(instance, i),
                ),
                None => (
                    point_objective(instance, i, before),
                    point_objective(instance, i, after),
                ),
            };
            sum_before[a] += then;
            sum_after[a] += now;
        }
    }
    let model = instance.model();
    (0..areas)
        .filter(|&a| demand[a] > 0.0)
        .map(|a| AreaChange {
            area: a,
            demand: demand[a],
            before: area_figure(model, sum_before[a], demand[a]),
            after: area_figure(model, sum_after[a], demand[a]),
        })
        .collect()
}

/// [`area_changes`] for `plan`: before, the fixed sites of `instance`; after, those and the plan's chosen sites.
pub fn plan_area_changes(
    instance: &Instance,
    demand_area: &[Option<usize>],
    plan: &Plan,
) -> Vec<AreaChange> {
    let before = instance.fixed.clone();
    let mut after = before.clone();
    for step in &plan.steps {
        after[step.site] = true;
    }
    area_changes(instance, demand_area, &before, &after)
}

/// An area's figure under the plan's model, as answered. MCLP gives `covered` and `share`; p-median gives
/// `mean_cost`; the others are absent.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanAreaFigures {
    /// MCLP: Σ wᵢ over the area's demand points with an open site at cost ≤ R (demand units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered: Option<f64>,
    /// MCLP: `covered` / the area's demand, 0..=1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// p-median: Σ wᵢ·min(M, cost to the nearest open site) / Σ wᵢ over the area's demand points (cost units; km
    /// for geodesic costs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_cost: Option<f64>,
}

impl PlanAreaFigures {
    fn of(model: Model, figure: f64, demand: f64) -> Self {
        match model {
            Model::Mclp { .. } => Self {
                covered: Some(figure),
                share: Some(figure / demand),
                mean_cost: None,
            },
            Model::PMedian { .. } => Self {
                covered: None,
                share: None,
                mean_cost: Some(figure),
            },
        }
    }
}

/// One area of a plan's answer: its demand, and its figure before (fixed sites alone) and after (fixed and
/// chosen sites).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaAnswer {
    /// The area's GSS code.
    #[schema(value_type = String)]
    pub code: GssCode,
    /// The area's name.
    pub name: String,
    /// Σ of the demand weights of the demand points lying in the area (demand units).
    pub demand: f64,
    /// With the fixed sites alone open.
    pub before: PlanAreaFigures,
    /// With the fixed and the chosen sites open.
    pub after: PlanAreaFigures,
    /// Whether a chosen site lies in the area.
    pub chosen_here: bool,
    /// With `hub_capacity` only: the type's gap figures on the live data and with the chosen sites added as
    /// sites of that capacity serving the area they lie in (README, "Planning" → "Per area").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gaps: Option<GapChange>,
}

/// The per-area answer to `plan` on `instance`, areas named from `dataset`: `demand_area[i]` is the area demand
/// point `i` lies in, `candidate_area[j]` the area candidate `j` lies in.
pub fn area_answers(
    dataset: &Dataset,
    instance: &Instance,
    demand_area: &[Option<usize>],
    candidate_area: &[Option<usize>],
    plan: &Plan,
) -> Vec<AreaAnswer> {
    let chosen: Vec<Option<usize>> = plan.steps.iter().map(|s| candidate_area[s.site]).collect();
    let model = instance.model();
    plan_area_changes(instance, demand_area, plan)
        .into_iter()
        .filter_map(|row| {
            let area = dataset.areas().get(row.area)?;
            Some(AreaAnswer {
                code: area.code.clone(),
                name: area.name.clone(),
                demand: row.demand,
                before: PlanAreaFigures::of(model, row.before, row.demand),
                after: PlanAreaFigures::of(model, row.after, row.demand),
                chosen_here: chosen.contains(&Some(row.area)),
                gaps: None,
            })
        })
        .collect()
}

/// Gives each of `areas` its gap figures from `gaps`, one per area of `dataset` in its order.
pub fn attach_gaps(areas: &mut [AreaAnswer], dataset: &Dataset, gaps: Vec<GapChange>) {
    let mut by_code: std::collections::HashMap<&str, GapChange> = dataset
        .areas()
        .iter()
        .map(|a| a.code.as_str())
        .zip(gaps)
        .collect();
    for area in areas {
        area.gaps = by_code.remove(area.code.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::super::solve_exact;
    use super::*;
    use crate::domain::planning::CostMatrix;

    /// Demand weights 1, 2 in area 0 and 3, 4 in area 1; candidate A fixed open, B and C free; k = 1.
    fn hand_built(model: Model) -> Instance {
        let rows: [[f64; 3]; 4] = [
            [1.0, 5.0, 9.0],
            [4.0, 2.0, 8.0],
            [9.0, 3.0, 2.0],
            [12.0, 9.0, 3.0],
        ];
        let mut entries = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                entries.push((i, j, c));
            }
        }
        let costs = CostMatrix::from_entries(4, 3, &entries, f64::INFINITY).unwrap();
        let fixed = vec![true, false, false];
        Instance::new(model, vec![1.0, 2.0, 3.0, 4.0], &costs, fixed, 1).unwrap()
    }

    const AREAS: [Option<usize>; 4] = [Some(0), Some(0), Some(1), Some(1)];

    #[test]
    fn mclp_per_area_by_hand_adds_up_to_the_objective() {
        // R = 3 (inclusive). A covers the first point alone. C covers the 3 (c = 2) and the 4 (c = 3, the edge):
        // 7, more than B's 2 + 3, so C is chosen. Area 0: 1 → 1 of 3; area 1: 0 → 7 of 7.
        let instance = hand_built(Model::Mclp { radius: 3.0 });
        let plan = solve_exact(&instance, u64::MAX);
        assert_eq!(plan.steps[0].site, 2);
        let rows = plan_area_changes(&instance, &AREAS, &plan);
        let want = [(0, 3.0, 1.0, 1.0), (1, 7.0, 0.0, 7.0)];
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.area, r.demand, r.before, r.after))
            .collect();
        assert_eq!(got, want);
        let after: f64 = rows.iter().map(|r| r.after).sum();
        let before: f64 = rows.iter().map(|r| r.before).sum();
        assert_eq!((before, after), (plan.base, plan.objective));
    }

    #[test]
    fn pmedian_per_area_by_hand_adds_up_to_the_objective() {
        // M = 10 caps the last point's 12 km to A. Before (A): area 0 (1·1 + 2·4)/3 = 3, area 1 (3·9 + 4·10)/7
        // = 67/7. C (total 1 + 8 + 6 + 12 = 27) beats B (1 + 4 + 9 + 36 = 50); after: area 0 still 3, area 1
        // (3·2 + 4·3)/7 = 18/7.
        let instance = hand_built(Model::PMedian { max_cost: 10.0 });
        let plan = solve_exact(&instance, u64::MAX);
        assert_eq!(plan.steps[0].site, 2);
        assert_eq!(plan.objective, 27.0);
        let rows = plan_area_changes(&instance, &AREAS, &plan);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].demand, rows[0].before, rows[0].after),
            (3.0, 3.0, 3.0)
        );
        assert_eq!(rows[1].demand, 7.0);
        assert!((rows[1].before - 67.0 / 7.0).abs() < 1e-12);
        assert!((rows[1].after - 18.0 / 7.0).abs() < 1e-12);
        let total = |f: fn(&AreaChange) -> f64| rows.iter().map(|r| r.demand * f(r)).sum::<f64>();
        assert!((total(|r| r.before) - plan.base).abs() < 1e-9);
        assert!((total(|r| r.after) - plan.objective).abs() < 1e-9);
    }

    #[test]
    fn demand_in_no_area_and_areas_without_demand_have_no_row() {
        let instance = hand_built(Model::Mclp { radius: 3.0 });
        let open = [true, false, true];
        let rows = area_changes(&instance, &[None, Some(2), Some(2), None], &open, &open);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].area, rows[0].demand, rows[0].after), (2, 5.0, 3.0));
    }
}
