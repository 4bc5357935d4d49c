//! Hub siting: choose k new sites among candidates, existing sites kept open, to maximise demand covered within
//! a radius (MCLP) or minimise demand-weighted cost to the nearest open site (p-median). An exact branch and
//! bound proves optimality at London sizes; a greedy + vertex-substitution heuristic reports a proven bound and
//! its gap at any size. Every answer lists its sites in the order a greedy account adds them.
//!
//! Definitions are in the README ("Planning" → "Hub siting").

mod areas;
mod capacities;
mod exact;
mod floors;
mod flow;
mod heuristic;
mod inputs;
mod instance;
mod state;

pub use areas::{
    AreaAnswer, AreaChange, PlanAreaFigures, area_answers, area_changes, attach_gaps,
    plan_area_changes,
};
pub use inputs::{
    Candidate, CandidateChoice, DEFAULT_MAX_COST_KM, DemandChoice, Inputs, PlanAnswer,
    ServedAnswer, SiteCapacity, StepAnswer, site_inputs,
};
pub use instance::{Instance, Model, SitingProblem};

use heuristic::Found;
use state::State;

/// Which solver answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// Branch and bound: optimal when it finished.
    Exact,
    /// Greedy + vertex substitution, with a proven bound.
    Heuristic,
}

/// One site of the greedy account: the site that adds most to those before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Candidate position.
    pub site: usize,
    /// What it adds: demand newly covered (MCLP, in demand units) or the fall in demand-weighted cost
    /// (p-median, demand × cost units); ≥ 0.
    pub adds: f64,
    /// The objective once it and every site before it are open.
    pub objective: f64,
}

/// A siting answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The chosen candidates, in greedy-account order (see [`Step`]).
    pub steps: Vec<Step>,
    /// The objective with the fixed sites alone open.
    pub base: f64,
    /// The objective with fixed and chosen sites open: demand covered (MCLP) or demand-weighted cost (p-median).
    pub objective: f64,
    /// A proven bound on the best objective any feasible choice reaches: upper for MCLP, lower for p-median.
    pub bound: f64,
    /// |objective − bound| / max(|objective|, |bound|), 0 when both are 0.
    pub gap: f64,
    /// Whether the objective is proven optimal (the search finished, or the gap is within 10⁻⁹).
    pub optimal: bool,
    /// The solver that answered.
    pub solver: Solver,
    /// Branch-and-bound nodes visited (0 for the heuristic).
    pub nodes: u64,
    /// With capacities, per candidate: its capacity and the demand assigned to it (0 where closed), in demand
    /// units; `None` without.
    pub served: Option<Vec<Served>>,
}

/// One candidate's capacity and what the optimal assignment gives it, in demand units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Served {
    /// At most this much demand (`f64::INFINITY`: no limit).
    pub capacity: f64,
    /// Demand assigned to it.
    pub served: f64,
}

/// Solves `instance` with the heuristic: greedy, then the best single swaps while they improve; the bound is the
/// least submodular bound met on the way.
pub fn solve_heuristic(instance: &Instance) -> Plan {
    let found = heuristic::multistart(instance);
    plan(instance, found, Solver::Heuristic, false, 0)
}

/// Solves `instance` exactly by branch and bound from the heuristic's answer, visiting at most `node_limit` nodes;
/// past it, the answer is the best found with the heuristic's bound, and not marked optimal.
pub fn solve_exact(instance: &Instance, node_limit: u64) -> Plan {
    let start = heuristic::multistart(instance);
    let searched = exact::branch_and_bound(instance, start, node_limit);
    plan(
        instance,
        searched.found,
        Solver::Exact,
        searched.complete,
        searched.nodes,
    )
}

/// Most demand points a capacitated question may have, on the command line and over HTTP: each opening
/// re-optimises the assignment by paths that move one demand point at a time, so the 250 m grid (tens of thousands
/// of points, not finished in 300 s for k = 1 on London) is out of reach; area points or a small demand file are not.
pub const CAPACITATED_MAX_DEMAND: usize = 1_000;

/// Free candidates up to which [`SolverChoice::Auto`] tries the exact search.
pub const AUTO_EXACT_MAX_CANDIDATES: usize = 200;
/// Nodes [`SolverChoice::Auto`] lets the exact search visit before answering with the best found.
pub const AUTO_NODE_LIMIT: u64 = 2_000_000;

/// Which solver to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverChoice {
    /// Branch and bound to the end, however long it takes.
    Exact,
    /// The heuristic alone.
    Heuristic,
    /// Branch and bound for at most [`AUTO_EXACT_MAX_CANDIDATES`] free candidates and [`AUTO_NODE_LIMIT`]
    /// nodes (answering with the best found, not marked optimal, when the limit is reached); else the heuristic.
    Auto,
}

/// Solves `instance` with `choice`.
pub fn solve(instance: &Instance, choice: SolverChoice) -> Plan {
    match choice {
        SolverChoice::Exact => solve_exact(instance, u64::MAX),
        SolverChoice::Heuristic => solve_heuristic(instance),
        SolverChoice::Auto if instance.free().len() <= AUTO_EXACT_MAX_CANDIDATES => {
            solve_exact(instance, AUTO_NODE_LIMIT)
        }
        SolverChoice::Auto => solve_heuristic(instance),
    }
}

/// The chosen sites of `found` in greedy-account order: each the one adding most (ties: lower position) to the
/// fixed sites and those before it, with the objective computed directly at each step.
pub fn account(instance: &Instance, chosen: &[usize]) -> (f64, Vec<Step>) {
    let mut open = instance.fixed.clone();
    let mut best = State::fixed(instance);
    let base = instance.objective(&open);
    let mut before = base;
    let mut left: Vec<usize> = chosen.to_vec();
    left.sort_unstable();
    let mut steps = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let mut pick = 0;
        let mut most = f64::NEG_INFINITY;
        for (at, &j) in left.iter().enumerate() {
            let gain = best.gain(instance, j);
            if gain > most {
                (pick, most) = (at, gain);
            }
        }
        let j = left.remove(pick);
        best.open(instance, j);
        open[j] = true;
        let objective = instance.objective(&open);
        let adds = if instance.maximises() {
            objective - before
        } else {
            before - objective
        };
        steps.push(Step {
            site: j,
            adds,
            objective,
        });
        before = objective;
    }
    (base, steps)
}

fn plan(instance: &Instance, found: Found, solver: Solver, complete: bool, nodes: u64) -> Plan {
    let (base, steps) = account(instance, &found.chosen);
    let objective = steps.last().map_or(base, |s| s.objective);
    let bound = if complete {
        objective
    } else if instance.maximises() {
        instance.objective_from_value(found.bound).max(objective)
    } else {
        instance
            .objective_from_value(found.bound)
            .clamp(0.0, objective)
    };
    let scale = objective.abs().max(bound.abs());
    let gap = if scale > 0.0 {
        (objective - bound).abs() / scale
    } else {
        0.0
    };
    Plan {
        steps,
        base,
        objective,
        bound,
        gap,
        optimal: complete || gap <= 1e-9,
        solver,
        nodes,
        served: State::with_chosen(instance, &found.chosen)
            .loads()
            .map(|loads| {
                loads
                    .into_iter()
                    .enumerate()
                    .map(|(j, served)| Served {
                        capacity: instance.capacity_of(j),
                        served,
                    })
                    .collect()
            }),
    }
}

#[cfg(test)]
mod capacity_tests;
#[cfg(test)]
mod tests;
