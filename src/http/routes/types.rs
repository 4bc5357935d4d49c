//! `/api/types`: the taxonomy and its benchmarks.

use actix_web::web;

use super::stored;
use crate::http::error::AppError;
use crate::http::reply::{JSON, Reply};
use crate::http::state::AppState;
use crate::http::views::WithProvenance;
use crate::http::views::areas::{TypeEntry, Types};

/// Every service type with its benchmark (null where no recognised one exists), basis, capacity unit,
/// catchment and number of sites.
#[utoipa::path(
    get,
    path = "/api/types", operation_id = "list_types",
    tag = "services",
    responses(
        (status = 200, description = "The taxonomy", body = WithProvenance<Types<TypeEntry>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
    )
)]
pub async fn types(state: web::Data<AppState>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    stored(&snapshot, snapshot.types_body(), JSON)
}
