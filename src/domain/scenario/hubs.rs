//! A plan's hubs as a what-if scenario: each chosen hub a new site of the type at its point, serving the area it
//! lies in, with a given capacity; the type's gap figures per area compared before (live) and after (live plus
//! the hubs). Nothing is stored: the scenario is applied and analysed in memory.

use super::{Edit, EditProblem, SCENARIO_BENCHMARK_SOURCE, analyse_applied, apply};
use crate::domain::coverage::{GapChange, GapFigures};
use crate::domain::{
    Analysis, AnalysisOptions, AreaCoverage, Dataset, LocationPolicy, LocationPrecision, Serves,
    Service,
};
use chrono::NaiveDate;
use geo::Point;

/// The edits adding a hub of type `type_id` at each of `hubs` (WGS84 points), ids `plan-hub-1`, `plan-hub-2`, …
/// in order, each serving the area it lies in with `capacity` (the type's unit), listed as `what-if scenario`
/// and verified `today`. A hub of a type whose sites must be confidential is confidential (kept at its area's
/// representative point, as every confidential site is).
pub fn hub_edits(
    live: &Dataset,
    type_id: &str,
    hubs: &[Point<f64>],
    capacity: f64,
    today: NaiveDate,
) -> Vec<Edit> {
    let precision = match live.service_type(type_id).map(|t| t.location_policy) {
        Some(LocationPolicy::ConfidentialRequired) => LocationPrecision::Confidential,
        _ => LocationPrecision::Exact,
    };
    hubs.iter()
        .enumerate()
        .map(|(n, &point)| {
            Edit::Add(Box::new(Service {
                id: format!("plan-hub-{}", n + 1),
                name: format!("Planned hub {}", n + 1),
                provider: SCENARIO_BENCHMARK_SOURCE.into(),
                service_type: type_id.to_owned(),
                location: point,
                location_precision: precision,
                serves: Serves::OwnArea,
                capacity: Some(capacity),
                specialisms: Vec::new(),
                setting: None,
                phone: String::new(),
                website: String::new(),
                last_verified: today,
                source: SCENARIO_BENCHMARK_SOURCE.into(),
            }))
        })
        .collect()
}

/// Per area of `live` (in area order), type `type_id`'s gap figures in `live_analysis` (the analysis of `live`
/// with `options`) and with [`hub_edits`] applied. Refused with the edits' problems when a hub cannot be added
/// (a point outside every area, a capacity over the type's `capacity_max`).
pub fn hub_gaps(
    live: &Dataset,
    live_analysis: &Analysis,
    options: &AnalysisOptions,
    type_id: &str,
    edits: &[Edit],
) -> Result<Vec<GapChange>, Vec<EditProblem>> {
    let applied = apply(live, edits);
    if !applied.problems.is_empty() {
        return Err(applied.problems);
    }
    let after = analyse_applied(live, live_analysis, &applied, options);
    let (Some(before), Some(after)) = (live_analysis.for_type(type_id), after.for_type(type_id))
    else {
        return Err(vec![EditProblem::new(
            0,
            "type",
            format!("unknown service type `{type_id}`"),
        )]);
    };
    Ok(before
        .areas
        .iter()
        .zip(&after.areas)
        .map(|(b, a)| GapChange {
            before: gap_figures(b),
            after: gap_figures(a),
        })
        .collect())
}

fn gap_figures(coverage: &AreaCoverage) -> GapFigures {
    GapFigures {
        capacity_share: coverage.capacity_share,
        shortfall: coverage.shortfall,
        status: coverage.status,
    }
}
