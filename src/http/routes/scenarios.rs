//! `/api/scenarios` (make a what-if scenario) and `/api/scenarios/{id}` with `/areas`, `/gaps` and `/lottery`
//! (read one: public to anyone with its id). A scenario's answers are the live answers' shapes, computed from the
//! live data plus its edits, with a `scenario` member saying which scenario and that it is not live.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, http::header, web};

use crate::domain::AreaCoverage;
use crate::domain::gaps::DEFAULT_GAP_STATUSES;
use crate::domain::scenario::{EditProblem, apply};
use crate::http::auth::{Authenticated, json_body, store};
use crate::http::error::{AppError, ErrorBody, InvalidBody};
use crate::http::openapi::ScenarioBody;
use crate::http::params::{self, GapsQuery, TypeQuery};
use crate::http::reply::{Body, GEO_JSON, JSON, Reply};
use crate::http::state::AppState;
use crate::http::state::scenarios::{ScenarioAnswers, ScenarioCache};
use crate::http::views::areas::{
    self as area_views, AreaProperties, FilterMember, GapFilter, GapProperties, TypeLottery, Types,
};
use crate::http::views::scenarios::{InScenario, ScenarioDetail, ScenarioFacts, in_scenario};
use crate::http::views::sites::TypeEcho;
use crate::http::views::{Collection, Feature, WithProvenance};
use crate::store::{ScenarioRequest, is_scenario_id, parse_edits};

/// A 422 naming each problem's edit: `edits[2].service.lat`.
fn edit_problems(problems: Vec<EditProblem>) -> AppError {
    AppError::Unprocessable(
        problems
            .into_iter()
            .map(|p| {
                let field = if p.field.is_empty() {
                    format!("edits[{}]", p.edit)
                } else {
                    format!("edits[{}].{}", p.edit, p.field)
                };
                (field, p.message)
            })
            .collect(),
    )
}

fn facts(answers: &ScenarioAnswers) -> ScenarioFacts<'_> {
    let scenario = &answers.scenario;
    ScenarioFacts {
        id: &scenario.id,
        name: &scenario.name,
        created_at: scenario.created_at,
        based_on: (scenario.based_on_revision, &scenario.based_on_version),
        computed_on: (answers.live_revision, &answers.live_version),
        not_applied: &answers.not_applied,
    }
}

fn detail_body(answers: &ScenarioAnswers) -> Result<Vec<u8>, AppError> {
    crate::http::views::scenarios::detail(
        answers.source().provenance(),
        facts(answers),
        &answers.applied,
        &answers.area_differences,
        &answers.type_differences,
    )
    .map_err(|e| AppError::Internal(format!("cannot render JSON: {e}")))
}

/// Make a what-if scenario: the live data with edits, analysed beside it. Nothing live changes.
#[utoipa::path(
    post,
    path = "/api/scenarios", operation_id = "create_scenario",
    tag = "scenarios",
    request_body(content = ScenarioBody, description = "`name` and `edits`, applied in order"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Made; `Location` is its address", body = WithProvenance<ScenarioDetail>),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A revoked account", body = ErrorBody),
        (status = 409, description = "The account keeps as many scenarios as it may", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "Every problem, each naming its edit (`edits[2].service.lat`)", body = InvalidBody),
        (status = 429, description = "Too many writes from this account, or failed sign-ins from this address", body = ErrorBody),
    )
)]
pub async fn create(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    cache: web::Data<ScenarioCache>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    account.charge_write(&req)?;
    let request: ScenarioRequest = json_body(&req, payload).await?;
    let store = store(&req)?;
    let live = state.snapshot()?;
    let stale_months = state.stale_months();
    let answers = web::block(move || -> Result<ScenarioAnswers, AppError> {
        if request.edits.is_empty() {
            return Err(AppError::Unprocessable(vec![(
                "edits".into(),
                "a scenario needs at least one edit".into(),
            )]));
        }
        let edits = parse_edits(&request.edits).map_err(edit_problems)?;
        let applied = apply(live.dataset(), &edits);
        if !applied.problems.is_empty() {
            return Err(edit_problems(applied.problems));
        }
        let scenario = store.create_scenario(
            &account.0,
            &request.name,
            &applied.edits,
            live.revision(),
            live.version(),
        )?;
        Ok(ScenarioAnswers::from_applied(
            scenario,
            &live,
            applied,
            stale_months,
        )?)
    })
    .await??;
    let answers = Arc::new(answers);
    cache.insert(Arc::clone(&answers));
    tracing::info!(scenario = %answers.scenario.id, "scenario made");
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/scenarios/{}", answers.scenario.id),
        ))
        .insert_header((header::ETAG, format!("W/\"{}\"", answers.version())))
        .content_type(JSON)
        .body(detail_body(&answers)?))
}

/// The answers of scenario `id` over the current live snapshot: kept, or computed now (and kept).
async fn answers(
    req: &HttpRequest,
    state: &AppState,
    cache: &web::Data<ScenarioCache>,
    id: &str,
) -> Result<Arc<ScenarioAnswers>, AppError> {
    let id = id.trim();
    if !is_scenario_id(id) {
        return Err(AppError::invalid(
            "id",
            format!("`{id}` is not a scenario id (32 lowercase hex digits)"),
        ));
    }
    let live = state.snapshot()?;
    if let Some(kept) = cache.get(id, live.version()) {
        return Ok(kept);
    }
    let store = store(req)?;
    let stale_months = state.stale_months();
    let id = id.to_owned();
    let computed = web::block(move || -> Result<ScenarioAnswers, AppError> {
        let scenario = store.scenario(&id)?;
        Ok(ScenarioAnswers::compute(scenario, &live, stale_months)?)
    })
    .await??;
    let computed = Arc::new(computed);
    cache.insert(Arc::clone(&computed));
    Ok(computed)
}

fn reply(
    answers: &ScenarioAnswers,
    rendered: serde_json::Result<Vec<u8>>,
    content_type: &'static str,
) -> Result<Reply, AppError> {
    let bytes = rendered
        .and_then(|body| in_scenario(facts(answers), body))
        .map_err(|e| AppError::Internal(format!("cannot render JSON: {e}")))?;
    Ok(Reply::versioned(
        Body::once(bytes),
        content_type,
        &scenario_etag(answers)?,
    ))
}

/// One scenario: its edits, and every area × type (and type summary) whose figures differ from the live data.
#[utoipa::path(
    get,
    path = "/api/scenarios/{id}", operation_id = "get_scenario",
    tag = "scenarios",
    params(("id" = String, Path, description = "The scenario's id: 32 lowercase hex digits",
        pattern = "^[0-9a-f]{32}$")),
    responses(
        (status = 200, description = "The scenario and its differences from the live data", body = WithProvenance<ScenarioDetail>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Not a scenario id", body = ErrorBody),
        (status = 404, description = "No scenario with this id", body = ErrorBody),
    )
)]
pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    cache: web::Data<ScenarioCache>,
    id: web::Path<String>,
) -> Result<Reply, AppError> {
    let answers = answers(&req, &state, &cache, &id).await?;
    Ok(Reply::versioned(
        Body::once(detail_body(&answers)?),
        JSON,
        &scenario_etag(&answers)?,
    ))
}

/// A scenario's `/api/areas`: every area with its coverage under the scenario.
#[utoipa::path(
    get,
    path = "/api/scenarios/{id}/areas", operation_id = "list_scenario_areas",
    tag = "scenarios",
    params(("id" = String, Path, description = "The scenario's id", pattern = "^[0-9a-f]{32}$"), TypeQuery),
    responses(
        (status = 200, description = "As `/api/areas`, with `scenario`", content_type = "application/geo+json",
            body = InScenario<Collection<Feature<AreaProperties<AreaCoverage>>, FilterMember<TypeEcho>>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Not a scenario id, an unknown type, or a parameter given twice", body = ErrorBody),
        (status = 404, description = "No scenario with this id", body = ErrorBody),
    )
)]
pub async fn areas(
    req: HttpRequest,
    state: web::Data<AppState>,
    cache: web::Data<ScenarioCache>,
    id: web::Path<String>,
    query: web::Query<TypeQuery>,
) -> Result<Reply, AppError> {
    let t = params::service_type(&*state.snapshot()?, &query.service_type)?;
    let answers = answers(&req, &state, &cache, &id).await?;
    reply(&answers, area_views::areas(answers.source(), t), GEO_JSON)
}

/// A scenario's `/api/gaps`: area × type pairs in gap under the scenario, worst first.
#[utoipa::path(
    get,
    path = "/api/scenarios/{id}/gaps", operation_id = "list_scenario_gaps",
    tag = "scenarios",
    params(("id" = String, Path, description = "The scenario's id", pattern = "^[0-9a-f]{32}$"), GapsQuery),
    responses(
        (status = 200, description = "As `/api/gaps`, with `scenario`", content_type = "application/geo+json",
            body = InScenario<Collection<Feature<GapProperties>, FilterMember<GapFilter>>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Not a scenario id, an unknown type or status, or a parameter given twice", body = ErrorBody),
        (status = 404, description = "No scenario with this id", body = ErrorBody),
    )
)]
pub async fn gaps(
    req: HttpRequest,
    state: web::Data<AppState>,
    cache: web::Data<ScenarioCache>,
    id: web::Path<String>,
    query: web::Query<GapsQuery>,
) -> Result<Reply, AppError> {
    let t = params::service_type(&*state.snapshot()?, &query.service_type)?;
    let statuses = params::statuses(&query.status, &DEFAULT_GAP_STATUSES)?;
    let answers = answers(&req, &state, &cache, &id).await?;
    reply(
        &answers,
        area_views::gaps(answers.source(), t, &statuses),
        GEO_JSON,
    )
}

/// A scenario's `/api/lottery`: per type, the overall rate and lottery summary under the scenario.
#[utoipa::path(
    get,
    path = "/api/scenarios/{id}/lottery", operation_id = "get_scenario_lottery",
    tag = "scenarios",
    params(("id" = String, Path, description = "The scenario's id", pattern = "^[0-9a-f]{32}$"), TypeQuery),
    responses(
        (status = 200, description = "As `/api/lottery`, with `scenario`",
            body = InScenario<WithProvenance<Types<TypeLottery>>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Not a scenario id, an unknown type, or a parameter given twice", body = ErrorBody),
        (status = 404, description = "No scenario with this id", body = ErrorBody),
    )
)]
pub async fn lottery(
    req: HttpRequest,
    state: web::Data<AppState>,
    cache: web::Data<ScenarioCache>,
    id: web::Path<String>,
    query: web::Query<TypeQuery>,
) -> Result<Reply, AppError> {
    let t = params::service_type(&*state.snapshot()?, &query.service_type)?;
    let answers = answers(&req, &state, &cache, &id).await?;
    reply(&answers, area_views::lottery(answers.source(), t), JSON)
}

/// The weak `ETag` of a scenario's answers (its version).
fn scenario_etag(
    answers: &ScenarioAnswers,
) -> Result<actix_web::http::header::HeaderValue, AppError> {
    crate::http::reply::etag(&answers.version())
        .map_err(|e| AppError::Internal(format!("cannot make an ETag: {e}")))
}
