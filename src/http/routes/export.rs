//! Downloads for analysts: `/api/export/services.csv`, `/api/export/areas.csv`, `/api/export/services.geojson`.

use actix_web::web;

use super::stored;
use crate::export;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, AreaExportQuery};
use crate::http::reply::{Body, CSV, GEO_JSON, Reply};
use crate::http::state::{AppState, Snapshot};
use crate::http::views::sites::SiteProperties;
use crate::http::views::{Collection, Feature, NoExtra};

fn file_name(snapshot: &Snapshot, stem: &str, extension: &str) -> String {
    format!("gapmap-{stem}-{}.{extension}", snapshot.version())
}

/// Every listing as published, in the listings file's own columns: a confidential site's `lat`/`lon` are its
/// area's representative point.
#[utoipa::path(
    get,
    path = "/api/export/services.csv", operation_id = "export_services_csv",
    tag = "export",
    responses(
        (status = 200, description = "CSV download `gapmap-services-<version>.csv`", content_type = "text/csv",
            body = String),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
    )
)]
pub async fn services_csv(state: web::Data<AppState>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    Ok(stored(&snapshot, snapshot.services_csv(), CSV)?
        .download(file_name(&snapshot, "services", "csv")))
}

/// Coverage, one row per area × type, in the same columns as `gapmap report --format csv`; with `area`, only
/// that area's rows.
#[utoipa::path(
    get,
    path = "/api/export/areas.csv", operation_id = "export_areas_csv",
    tag = "export",
    params(AreaExportQuery),
    responses(
        (status = 200, description = "CSV download `gapmap-areas-<version>.csv`", content_type = "text/csv",
            body = String),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown area, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn areas_csv(
    state: web::Data<AppState>,
    query: web::Query<AreaExportQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let Some(area) = params::area(&snapshot, &query.area)? else {
        return Ok(stored(&snapshot, snapshot.areas_csv(), CSV)?
            .download(file_name(&snapshot, "areas", "csv")));
    };
    let dataset = snapshot.dataset();
    let rows = dataset
        .types()
        .iter()
        .zip(&snapshot.analysis().types)
        .filter_map(|(service_type, result)| result.areas.get(area).map(|a| (service_type, a)));
    let mut bytes = Vec::new();
    export::write_area_csv(rows, &mut bytes)
        .map_err(|e| AppError::Internal(format!("cannot render CSV: {e}")))?;
    let code = dataset.areas()[area].code.to_string();
    Ok(
        Reply::versioned(Body::once(bytes), CSV, snapshot.etag()).download(file_name(
            &snapshot,
            &format!("areas-{code}"),
            "csv",
        )),
    )
}

/// Every site as a GeoJSON point Feature (as `/api/services`), as a download.
#[utoipa::path(
    get,
    path = "/api/export/services.geojson", operation_id = "export_services_geojson",
    tag = "export",
    responses(
        (status = 200, description = "GeoJSON download `gapmap-services-<version>.geojson`",
            content_type = "application/geo+json", body = Collection<Feature<SiteProperties>, NoExtra>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
    )
)]
pub async fn services_geojson(state: web::Data<AppState>) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    Ok(stored(&snapshot, snapshot.services_geojson(), GEO_JSON)?
        .download(file_name(&snapshot, "services", "geojson")))
}
