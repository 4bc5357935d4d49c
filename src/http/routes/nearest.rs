//! `/api/nearest`: the nearest sites to a point, and the area the point lies in.

use actix_web::web;

use super::computed;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, NearestQuery};
use crate::http::reply::{GEO_JSON, Reply};
use crate::http::state::AppState;
use crate::http::views::sites::{self, NearProperties, NearestMembers};
use crate::http::views::{Collection, Feature};

/// The `k` sites of a type nearest to a point, nearest first, with geodesic distances in kilometres to their
/// published points; and the area the point lies in with the sites of that type serving it (`area` is null
/// outside every area).
#[utoipa::path(
    get,
    path = "/api/nearest", operation_id = "nearest",
    tag = "services",
    params(NearestQuery),
    responses(
        (status = 200, description = "FeatureCollection of the nearest sites", content_type = "application/geo+json",
            body = Collection<Feature<NearProperties>, NearestMembers>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "lat/lon missing, not numbers or out of range; k out of 1..=50; unknown type; a parameter given twice",
            body = ErrorBody),
    )
)]
pub async fn nearest(
    state: web::Data<AppState>,
    query: web::Query<NearestQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let from = query.point()?;
    let k = query.k()?;
    let t = params::service_type(&snapshot, &query.service_type)?;
    computed(
        &snapshot,
        sites::nearest(snapshot.source(), from, t, k),
        GEO_JSON,
    )
}
