//! `/api/access`: a type's E2SFCA accessibility per area, and `/api/access/points.geojson` per demand point.

use actix_web::web;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::planning::fca::FcaModel;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params;
use crate::http::reply::{Body, GEO_JSON, JSON, Reply};
use crate::http::state::{AppState, Snapshot};
use crate::http::views::access::{AccessAreas, AccessPointProperties, AccessPointsOf};
use crate::http::views::{Collection, Feature, WithProvenance};

/// Query of `/api/access` and `/api/access/points.geojson`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessQuery {
    /// The service type (an id from `/api/types`, e.g. `idva`); required.
    #[serde(rename = "type")]
    #[param(value_type = String, required = true, example = "idva")]
    pub service_type: Option<String>,
    /// `e2sfca` (default: weighted by the type's decay) or `2sfca` (W ≡ 1 within the max cost).
    #[param(value_type = Option<String>, pattern = "^(e2sfca|2sfca)?$", example = "e2sfca")]
    pub model: Option<String>,
}

fn parse(snapshot: &Snapshot, query: &AccessQuery) -> Result<(usize, FcaModel), AppError> {
    let t = params::service_type(snapshot, &query.service_type)?.ok_or_else(|| {
        AppError::invalid(
            "type",
            "give the service type, e.g. ?type=idva (see /api/types)",
        )
    })?;
    let model = match query.model.as_deref().map(str::trim) {
        None | Some("") | Some("e2sfca") => FcaModel::E2sfca,
        Some("2sfca") => FcaModel::TwoStep,
        Some(other) => {
            return Err(AppError::invalid(
                "model",
                format!("`{other}` is not a model (e2sfca or 2sfca)"),
            ));
        }
    };
    Ok((t, model))
}

/// The stored access answer `body` gives for the query's type and model. The first request for a type computes it
/// (milliseconds in London), so it runs off the async workers.
async fn stored_access<E: std::fmt::Display + Send + 'static>(
    state: &AppState,
    query: &AccessQuery,
    content_type: &'static str,
    body: impl FnOnce(&Snapshot, usize, FcaModel) -> Result<Body, E> + Send + 'static,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let (t, model) = parse(&snapshot, query)?;
    let computing = snapshot.clone();
    let body = web::block(move || body(&computing, t, model))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Reply::versioned(body, content_type, snapshot.etag()))
}

/// E2SFCA accessibility of one type per area: demand is each area's basis population spread over its 250 m
/// sample grid, supply the type's sites at their published points, cost geodesic km, with the type's decay and
/// max cost (README, "Accessibility (E2SFCA)").
#[utoipa::path(
    get,
    path = "/api/access", operation_id = "get_access",
    tag = "coverage",
    params(AccessQuery),
    responses(
        (status = 200, description = "Per area: demand-weighted mean, minimum, share below the benchmark",
            body = WithProvenance<AccessAreas>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Missing or unknown type, unknown model, or a parameter given twice",
            body = ErrorBody),
    )
)]
pub async fn areas(
    state: web::Data<AppState>,
    query: web::Query<AccessQuery>,
) -> Result<Reply, AppError> {
    stored_access(&state, &query, JSON, |snapshot, t, model| {
        snapshot.access_body(t, model).cloned()
    })
    .await
}

/// The same accessibility per demand point, as GeoJSON Points (a map layer): each grid sample point with its
/// weight P_i and access A_i.
#[utoipa::path(
    get,
    path = "/api/access/points.geojson", operation_id = "get_access_points",
    tag = "coverage",
    params(AccessQuery),
    responses(
        (status = 200, description = "FeatureCollection of demand points",
            content_type = "application/geo+json",
            body = Collection<Feature<AccessPointProperties>, AccessPointsOf>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Missing or unknown type, unknown model, or a parameter given twice",
            body = ErrorBody),
    )
)]
pub async fn points(
    state: web::Data<AppState>,
    query: web::Query<AccessQuery>,
) -> Result<Reply, AppError> {
    stored_access(&state, &query, GEO_JSON, |snapshot, t, model| {
        snapshot.access_points_body(t, model).cloned()
    })
    .await
}
