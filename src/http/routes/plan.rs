//! `POST /api/plan`: where k new hubs of a type would do most good, on the current data. Work is bounded: an
//! instance larger than the limits below is refused with 422 naming the limit.

use actix_web::{HttpRequest, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::AnalysisOptions;
use crate::domain::planning::SupplySite;
use crate::domain::planning::siting::{
    AUTO_EXACT_MAX_CANDIDATES, AUTO_NODE_LIMIT, CAPACITATED_MAX_DEMAND, CandidateChoice,
    DEFAULT_MAX_COST_KM, DemandChoice, Model, PlanAnswer, SolverChoice, attach_gaps, site_inputs,
    solve, solve_exact,
};
use crate::domain::scenario::{hub_edits, hub_gaps};
use crate::http::auth::json_body;
use crate::http::error::{AppError, ErrorBody};
use crate::http::state::AppState;

/// Most new sites one request may ask for.
pub const MAX_PLAN_K: usize = 50;
/// Most demand points × candidates one request may make (the dense size, before the cost limit thins it).
pub const MAX_PLAN_MATRIX: usize = 5_000_000;
/// Most candidates a request may list inline.
pub const MAX_PLAN_CANDIDATES: usize = 5_000;
/// Most demand points a capacitated request may have ([`CAPACITATED_MAX_DEMAND`]).
pub const MAX_PLAN_CAPACITATED_DEMAND: usize = CAPACITATED_MAX_DEMAND;

/// `mclp` or `pmedian`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanModelName {
    /// Maximise demand within `radius` of an open site.
    Mclp,
    /// Minimise demand-weighted cost to the nearest open site, capped at `max_cost`.
    Pmedian,
}

/// `exact`, `heuristic` or `auto`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanSolverName {
    /// Branch and bound (at most the node limit; not marked optimal if it stops there).
    Exact,
    /// Greedy + vertex substitution with a proven bound.
    Heuristic,
    /// Exact for small instances, else the heuristic.
    Auto,
}

/// A candidate place given inline.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPlace {
    /// Identifier, unique among the candidates.
    pub id: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Its capacity in the type's capacity unit (as listings, e.g. FTE advisers); ≥ 0. Implies `capacitated`.
    pub capacity: Option<f64>,
}

/// Candidates: keywords joined by commas (`existing`, `areas`, `demand`), or places.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum PlanCandidates {
    /// e.g. `"existing,areas"`.
    Kinds(String),
    /// Places that may open.
    Places(Vec<PlanPlace>),
}

/// The question: the same inputs as `gapmap plan`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"type": "idva", "k": 3, "model": "mclp"}))]
pub struct PlanRequest {
    /// Service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// New sites to choose (1..=50).
    #[schema(minimum = 1, maximum = 50)]
    pub k: usize,
    /// What to optimise.
    pub model: PlanModelName,
    /// MCLP radius in km (default: the type's catchment).
    pub radius: Option<f64>,
    /// p-median maximum cost in km (default 60).
    pub max_cost: Option<f64>,
    /// Default `"existing,areas"`.
    pub candidates: Option<PlanCandidates>,
    /// `grid` (default) or `areas`.
    pub demand: Option<String>,
    /// Keep the type's existing sites open (default true).
    pub keep_existing: Option<bool>,
    /// Default `auto`.
    pub solver: Option<PlanSolverName>,
    /// At least this many open sites located in every area.
    pub min_per_area: Option<usize>,
    /// Capacitated siting (default false; implied by a place's `capacity`): each open site serves at most its
    /// capacity turned into demand at the type's benchmark rate (capacity × benchmark_per / benchmark_value, e.g.
    /// one IDVA adviser at 4 per 100,000 women serves 25,000 women): an existing site its listing's capacity, a
    /// place its `capacity`, a new hub without one `hub_capacity`, else no limit. Needs a benchmark.
    pub capacitated: Option<bool>,
    /// Capacity of each new hub, in the type's capacity unit (as listings, e.g. FTE advisers; at most its
    /// `capacity_max`). With it, each area also gets its gap figures (`capacity_share`, `shortfall`, `status`) on
    /// the live data and with every chosen site not already listed added as a site of this capacity serving the
    /// area it lies in (analysed as a what-if scenario, nothing stored); with `capacitated`, it also limits what
    /// each new hub serves.
    #[schema(minimum = 0)]
    pub hub_capacity: Option<f64>,
}

fn unprocessable(field: &str, message: impl Into<String>) -> AppError {
    AppError::Unprocessable(vec![(field.to_owned(), message.into())])
}

/// Chooses `k` new sites of a type, existing sites kept open unless `keep_existing` is false: the chosen ids in
/// the order a greedy account adds them, each with what it adds, the objective, a proven bound and the gap.
/// Confidential sites enter at their area's representative point only.
#[utoipa::path(
    post,
    path = "/api/plan", operation_id = "plan",
    tag = "planning",
    request_body = PlanRequest,
    responses(
        (status = 200, description = "The chosen sites and the greedy account", body = PlanAnswer),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "The body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 422, description = "A field is wrong, or the instance is over a limit (k ≤ 50, demand points × candidates ≤ 5,000,000, ≤ 5,000 inline candidates, exact ≤ 200 free candidates, ≤ 1,000 demand points with capacities)", body = ErrorBody),
    )
)]
pub async fn plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<web::Json<PlanAnswer>, AppError> {
    let request: PlanRequest = json_body(&req, payload).await?;
    let snapshot = state.snapshot()?;
    let answer = web::block(move || answer(&snapshot, request))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(web::Json(answer))
}

fn answer(
    snapshot: &crate::http::state::Snapshot,
    request: PlanRequest,
) -> Result<PlanAnswer, AppError> {
    let dataset = snapshot.dataset();
    let Some(service_type) = dataset.service_type(&request.service_type) else {
        return Err(unprocessable(
            "type",
            format!("unknown service type `{}`", request.service_type),
        ));
    };
    if request.k == 0 || request.k > MAX_PLAN_K {
        return Err(unprocessable(
            "k",
            format!("k must be 1..={MAX_PLAN_K} (the limit of one request)"),
        ));
    }
    if let Some(c) = request.hub_capacity
        && !(c.is_finite() && c >= 0.0)
    {
        return Err(unprocessable("hub_capacity", "must be a finite number ≥ 0"));
    }
    let model = match request.model {
        PlanModelName::Mclp => Model::Mclp {
            radius: request.radius.unwrap_or(service_type.catchment_km),
        },
        PlanModelName::Pmedian => Model::PMedian {
            max_cost: request.max_cost.unwrap_or(DEFAULT_MAX_COST_KM),
        },
    };
    let demand = match request.demand.as_deref().unwrap_or("grid") {
        "grid" => DemandChoice::Grid,
        "areas" => DemandChoice::Areas,
        other => {
            return Err(unprocessable(
                "demand",
                format!("`{other}` is not `grid` or `areas`"),
            ));
        }
    };
    let mut choice = CandidateChoice::default();
    match request
        .candidates
        .unwrap_or(PlanCandidates::Kinds("existing,areas".into()))
    {
        PlanCandidates::Kinds(text) => {
            for word in text.split(',').map(str::trim) {
                match word {
                    "existing" => choice.existing = true,
                    "areas" => choice.areas = true,
                    "demand" => choice.demand = true,
                    other => {
                        return Err(unprocessable(
                            "candidates",
                            format!("`{other}` is not `existing`, `areas` or `demand`"),
                        ));
                    }
                }
            }
        }
        PlanCandidates::Places(places) => {
            if places.len() > MAX_PLAN_CANDIDATES {
                return Err(unprocessable(
                    "candidates",
                    format!("at most {MAX_PLAN_CANDIDATES} candidates may be given"),
                ));
            }
            for place in places {
                if !(place.lat.abs() <= 90.0 && place.lon.abs() <= 180.0) || place.id.is_empty() {
                    return Err(unprocessable(
                        "candidates",
                        format!(
                            "candidate `{}` needs an id and lat/lon in degrees",
                            place.id
                        ),
                    ));
                }
                if let Some(c) = place.capacity.filter(|c| !(c.is_finite() && *c >= 0.0)) {
                    return Err(unprocessable(
                        "candidates",
                        format!(
                            "candidate `{}` has capacity {c}: a capacity must be a finite number ≥ 0",
                            place.id
                        ),
                    ));
                }
                choice.given_capacity.push(place.capacity);
                choice.given.push(SupplySite {
                    id: place.id,
                    point: Some(geo::Point::new(place.lon, place.lat)),
                    capacity: 0.0,
                });
            }
        }
    }
    let capacitated =
        request.capacitated.unwrap_or(false) || choice.given_capacity.iter().any(Option::is_some);
    let inputs = site_inputs(
        dataset,
        &request.service_type,
        demand,
        choice,
        request.keep_existing.unwrap_or(true),
    )
    .map_err(|e| unprocessable("type", e.to_string()))?;
    let size = inputs.demand.len().saturating_mul(inputs.candidates.len());
    if size > MAX_PLAN_MATRIX {
        return Err(unprocessable(
            "candidates",
            format!(
                "{} demand points × {} candidates = {size} is over the limit of {MAX_PLAN_MATRIX}",
                inputs.demand.len(),
                inputs.candidates.len()
            ),
        ));
    }
    let field = if matches!(model, Model::Mclp { .. }) {
        "radius"
    } else {
        "max_cost"
    };
    let limit = model.limit();
    if !(limit.is_finite() && limit >= 0.0) {
        return Err(unprocessable(field, "must be a finite number ≥ 0"));
    }
    let costs = inputs
        .geodesic_costs(limit)
        .map_err(|e| unprocessable("candidates", e.to_string()))?;
    let mut instance = inputs
        .instance(dataset, model, &costs, request.k, request.min_per_area)
        .map_err(|e| unprocessable("k", e.to_string()))?;
    if capacitated {
        if inputs.demand.len() > MAX_PLAN_CAPACITATED_DEMAND {
            return Err(unprocessable(
                "demand",
                format!(
                    "{} demand points is over the limit of {MAX_PLAN_CAPACITATED_DEMAND} with capacities; use \
                     `\"demand\": \"areas\"`",
                    inputs.demand.len()
                ),
            ));
        }
        instance = inputs
            .capacities(service_type, request.hub_capacity)
            .and_then(|capacities| instance.with_capacities(capacities))
            .map_err(|e| unprocessable("capacitated", e.to_string()))?;
    }
    let plan = match request.solver.unwrap_or(PlanSolverName::Auto) {
        PlanSolverName::Exact => {
            let free = instance.free().len();
            if free > AUTO_EXACT_MAX_CANDIDATES {
                return Err(unprocessable(
                    "solver",
                    format!(
                        "the exact solver takes at most {AUTO_EXACT_MAX_CANDIDATES} free candidates here ({free} given); use `heuristic`"
                    ),
                ));
            }
            solve_exact(&instance, AUTO_NODE_LIMIT)
        }
        PlanSolverName::Heuristic => solve(&instance, SolverChoice::Heuristic),
        PlanSolverName::Auto => solve(&instance, SolverChoice::Auto),
    };
    let mut answer = inputs.answer(dataset, &instance, &request.service_type, &plan);
    if let Some(capacity) = request.hub_capacity {
        let hubs = inputs.new_hub_points(dataset, &request.service_type, &plan);
        let today = chrono::Utc::now().date_naive();
        let edits = hub_edits(dataset, &request.service_type, &hubs, capacity, today);
        let options = AnalysisOptions::default();
        let gaps = hub_gaps(
            dataset,
            snapshot.analysis(),
            &options,
            &request.service_type,
            &edits,
        )
        .map_err(|problems| {
            let field = |f: &str| {
                if f.contains("capacity") {
                    "hub_capacity"
                } else {
                    "candidates"
                }
            };
            AppError::Unprocessable(
                problems
                    .into_iter()
                    .map(|p| {
                        (
                            field(&p.field).to_owned(),
                            format!("a chosen hub: {}", p.message),
                        )
                    })
                    .collect(),
            )
        })?;
        attach_gaps(&mut answer.areas, dataset, gaps);
    }
    Ok(answer)
}
