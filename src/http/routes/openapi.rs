//! `/api/openapi.json`: the OpenAPI 3.1 description of this API, generated from the handlers.

use crate::http::error::AppError;
use crate::http::reply::{Body, JSON, Reply};

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "openapi", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub async fn document() -> Result<Reply, AppError> {
    let bytes = crate::http::openapi::document()
        .to_json()
        .map_err(|e| AppError::Internal(format!("cannot render the OpenAPI document: {e}")))?;
    Ok(Reply::unversioned(Body::once(bytes.into_bytes()), JSON))
}
