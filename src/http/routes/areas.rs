//! `/api/areas` (the choropleth layer) and `/api/areas/{code}` (one area in detail).

use actix_web::web;

use super::stored;
use crate::domain::AreaCoverage;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, TypeQuery};
use crate::http::reply::{GEO_JSON, Reply};
use crate::http::state::AppState;
use crate::http::views::areas::{AreaProperties, AreaTypeDetail, FilterMember};
use crate::http::views::sites::TypeEcho;
use crate::http::views::{Collection, Feature, WithProvenance};

/// Every area with its coverage of every type (or only `type`).
#[utoipa::path(
    get,
    path = "/api/areas", operation_id = "list_areas",
    tag = "coverage",
    params(TypeQuery),
    responses(
        (status = 200, description = "FeatureCollection of every area, each with `coverage` per type id",
            content_type = "application/geo+json", body = Collection<Feature<AreaProperties<AreaCoverage>>, FilterMember<TypeEcho>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<TypeQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let t = params::service_type(&snapshot, &query.service_type)?;
    stored(&snapshot, snapshot.areas_body(t), GEO_JSON)
}

/// One area: its Feature and, per type, its coverage, the sites serving it (with the share of their capacity
/// apportioned to it) and the nearest sites located outside it.
#[utoipa::path(
    get,
    path = "/api/areas/{code}", operation_id = "get_area",
    tag = "coverage",
    params(("code" = String, Path, description = "GSS code of the area, e.g. E09000028")),
    responses(
        (status = 200, description = "The area's Feature", content_type = "application/geo+json", body = WithProvenance<Feature<AreaProperties<AreaTypeDetail>>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 404, description = "No area with this code", body = ErrorBody),
    )
)]
pub async fn detail(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let area = snapshot
        .dataset()
        .area_position(code.trim())
        .ok_or_else(|| {
            AppError::NotFound(format!("no area with code `{code}` (see /api/areas)"))
        })?;
    stored(&snapshot, snapshot.area_detail_body(area), GEO_JSON)
}
