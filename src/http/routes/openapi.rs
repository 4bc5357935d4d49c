//! `/api/openapi.json`: the OpenAPI 3.1 description of this API, generated from the handlers, with the values
//! the loaded data accepts.

use actix_web::web;

use crate::http::error::AppError;
use crate::http::reply::{Body, JSON, Reply};
use crate::http::state::AppState;

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "openapi", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub async fn document(state: web::Data<AppState>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot();
    let bytes = crate::http::openapi::document_for(snapshot.dataset())
        .and_then(|document| serde_json::to_vec(&document))
        .map_err(|e| AppError::Internal(format!("cannot render the OpenAPI document: {e}")))?;
    Ok(Reply::unversioned(Body::once(bytes), JSON))
}
