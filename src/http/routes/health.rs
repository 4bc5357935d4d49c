//! `/healthz` (the process answers, from the moment it starts) and `/readyz` (a dataset is loaded and analysed).

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::unversioned_json;
use crate::http::error::{AppError, ErrorBody};
use crate::http::reply::Reply;
use crate::http::state::AppState;

/// Liveness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// Readiness answer: what is being served.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: &'static str,
    /// The dataset version being served.
    pub version: String,
    /// Number of areas.
    pub areas: usize,
    /// Number of service types.
    pub types: usize,
    /// Number of service sites.
    pub services: usize,
}

/// Liveness: the process is up and answering.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> Result<Reply, AppError> {
    unversioned_json(&Health { status: "ok" })
}

/// Readiness: a dataset is loaded and analysed, so every endpoint can answer.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "No areas loaded, or the data is still being analysed after a start (with `Retry-After`)", body = ErrorBody),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let dataset = snapshot.dataset();
    if dataset.areas().is_empty() {
        return Err(AppError::Unavailable("no areas are loaded".into()));
    }
    unversioned_json(&Readiness {
        status: "ready",
        version: snapshot.version().to_owned(),
        areas: dataset.areas().len(),
        types: dataset.types().len(),
        services: dataset.services().len(),
    })
}
