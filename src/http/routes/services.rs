//! `/api/services` (sites as points) and `/api/services/{id}` (one site).

use actix_web::web;

use super::{computed, stored};
use crate::http::error::{AppError, ErrorBody};
use crate::http::openapi::BboxParam;
use crate::http::params::{self, ServicesQuery};
use crate::http::reply::{GEO_JSON, Reply};
use crate::http::state::AppState;
use crate::http::views::sites::{self, ServicesFilterEcho, SiteFilter, SiteProperties};
use crate::http::views::{Collection, Feature, WithProvenance};

/// Sites as point Features, filtered by type, by an area they serve and by a box around their published point.
/// A confidential site is shown at its area's representative point.
#[utoipa::path(
    get,
    path = "/api/services", operation_id = "list_services",
    tag = "services",
    params(ServicesQuery, BboxParam),
    responses(
        (status = 200, description = "FeatureCollection of sites", content_type = "application/geo+json",
            body = Collection<Feature<SiteProperties>, ServicesFilterEcho>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or area, malformed bbox, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<ServicesQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let filter = SiteFilter {
        service_type: params::service_type(&snapshot, &query.service_type)?,
        serving: params::area(&snapshot, &query.area)?,
        bbox: params::bbox(&query.bbox)?,
    };
    if filter.serving.is_none() && filter.bbox.is_none() {
        stored(
            &snapshot,
            snapshot.services_body(filter.service_type),
            GEO_JSON,
        )
    } else {
        computed(
            &snapshot,
            sites::services(snapshot.source(), &filter),
            GEO_JSON,
        )
    }
}

/// One site's Feature.
#[utoipa::path(
    get,
    path = "/api/services/{id}", operation_id = "get_service",
    tag = "services",
    params(("id" = String, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The site's Feature", content_type = "application/geo+json", body = WithProvenance<Feature<SiteProperties>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 404, description = "No site with this id", body = ErrorBody),
    )
)]
pub async fn detail(state: web::Data<AppState>, id: web::Path<String>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let site = snapshot
        .dataset()
        .service_position(id.trim())
        .ok_or_else(|| {
            AppError::NotFound(format!("no service with id `{id}` (see /api/services)"))
        })?;
    stored(&snapshot, snapshot.service_detail_body(site), GEO_JSON)
}
