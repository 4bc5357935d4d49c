//! `/api/openapi.json`: the OpenAPI 3.1 description of this API, generated from the handlers, with the values
//! the loaded data accepts.

use actix_web::web;

use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;

use crate::domain::Reference;
use crate::http::error::AppError;
use crate::http::reply::{Body, JSON, Reply};
use crate::http::state::AppState;

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "openapi", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub async fn document(state: web::Data<AppState>) -> Result<Reply, AppError> {
    // Answered while the first analysis runs too: the areas and types are known from the start.
    let snapshot = state.snapshot().ok();
    let listing = snapshot
        .as_ref()
        .and_then(|s| s.dataset().services().first())
        .map(|s| s.id.as_str());
    let bytes = document_for(state.reference(), listing)
        .and_then(|document| serde_json::to_vec(&document))
        .map_err(|e| AppError::Internal(format!("cannot render the OpenAPI document: {e}")))?;
    Ok(Reply::unversioned(Body::once(bytes), JSON))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gapmap",
        description = "Coverage of specialist support for violence against women and girls, area by area, and \
                       where the gaps are. GeoJSON is RFC 7946 (WGS84 lon/lat). Answers carry the dataset version \
                       as a weak ETag and honour If-None-Match. A confidential site is published only at its \
                       area's representative point, and every distance to it is measured from that point.",
    ),
    tags(
        (name = "coverage", description = "Coverage, gaps and inequality per area and type"),
        (name = "services", description = "Service sites and the taxonomy"),
        (name = "export", description = "Downloads for analysts"),
        (name = "planning", description = "Where new hubs would do most good"),
        (name = "operations", description = "Health, readiness, configuration and this document"),
        (name = "submissions", description = "Providers propose listing changes; reviewers approve or reject \
                                              them (`Authorization: Bearer <token>`)"),
        (name = "scenarios", description = "What-if scenarios: the live data with edits, analysed beside it; \
                                            made with a token, read by anyone with the id"),
    ),
    modifiers(&BearerScheme)
)]
struct Info;

/// Declares the `bearer` security scheme the submission routes require.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut Document) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("A token printed by `gapmap accounts add`"))
                        .build(),
                ),
            );
        }
    }
}

/// The OpenAPI document of a server serving data on `reference`: [`whole_document`] with the values its query
/// parameters accept — the type ids for `type`, the GSS codes for `area` — as enums (an empty value counts as absent,
/// so `""` is one of them where the parameter is optional), and an area's code and `listing` (a listing's id, once the listings are served) as the
/// examples of the path parameters. Areas and types never change while a server runs, so neither do the enums.
pub fn document_for(
    reference: &Reference,
    listing: Option<&str>,
) -> Result<Value, serde_json::Error> {
    let mut document = serde_json::to_value(whole_document())?;
    let types: Vec<&str> = reference.types().iter().map(|t| t.id.as_str()).collect();
    let codes: Vec<String> = reference
        .areas()
        .iter()
        .map(|a| a.code.to_string())
        .collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(document);
    };
    for (path, item) in paths.iter_mut() {
        let parameters = item
            .as_object_mut()
            .into_iter()
            .flat_map(|item| item.values_mut())
            .filter_map(|operation| operation.get_mut("parameters")?.as_array_mut())
            .flatten();
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap_or_default();
            match (parameter["in"].as_str(), name) {
                (Some("query"), "type" | "area") => {
                    let values = if name == "type" { &types } else { &codes };
                    // An empty value is absent: allowed only where the parameter is optional.
                    let empty = (parameter["required"] != json!(true)).then_some("");
                    let values: Vec<&str> =
                        empty.into_iter().chain(values.iter().copied()).collect();
                    parameter["schema"] = json!({ "type": "string", "enum": values });
                }
                (Some("path"), "code") => parameter["example"] = json!(codes.first()),
                (Some("path"), "id") if path.starts_with("/api/services/") && listing.is_some() => {
                    parameter["example"] = json!(listing);
                }
                _ => {}
            }
        }
    }
    document_not_ready(paths);
    Ok(document)
}

/// The paths that answer from the moment the server starts, before its first analysis is ready (`/readyz`
/// documents its own 503).
const ANSWERED_WHILE_STARTING: &[&str] = &[
    "/api/openapi.json",
    "/api/config",
    "/api/listing-fields",
    "/healthz",
    "/readyz",
];

/// Adds to every other operation the 503 it answers while the server's first analysis runs.
fn document_not_ready(paths: &mut serde_json::Map<String, Value>) {
    let not_ready = json!({
        "description": "Not ready: the server has just started and is still analysing the data",
        "headers": { "Retry-After": {
            "description": "Seconds to wait before asking again",
            "schema": { "type": "integer" },
        }},
        "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/ErrorBody" },
        }},
    });
    let operations = paths
        .iter_mut()
        .filter(|(path, _)| !ANSWERED_WHILE_STARTING.contains(&path.as_str()))
        .filter_map(|(_, item)| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut());
    for responses in operations {
        responses.entry("503").or_insert_with(|| not_ready.clone());
    }
}

/// The whole OpenAPI document.
pub fn whole_document() -> Document {
    let mut document = Info::openapi();
    document.merge(super::RoutesDoc::openapi());
    document.merge(super::StoreRoutesDoc::openapi());
    document.merge(super::ComputeRoutesDoc::openapi());
    document.info.version = env!("CARGO_PKG_VERSION").into();
    document
}
