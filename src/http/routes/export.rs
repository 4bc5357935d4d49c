//! Downloads for analysts: `/api/export/services.csv`, `/api/export/areas.csv`, `/api/export/services.geojson`,
//! each with the same `type` and `area` filters (an unknown value is 400 naming it). Unfiltered, each is the
//! snapshot's stored body; filtered, it is rendered for the request.

use actix_web::web;

use super::{computed, stored};
use crate::export;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, ExportQuery};
use crate::http::reply::{Body, CSV, GEO_JSON, Reply};
use crate::http::state::{AppState, Snapshot};
use crate::http::views::sites::{self, SiteFilter, SiteProperties};
use crate::http::views::{Collection, Feature, NoExtra};

/// The filters of an export, checked: positions of the type and the area.
pub(super) struct Filters {
    service_type: Option<usize>,
    area: Option<usize>,
}

impl Filters {
    pub(super) fn parse(snapshot: &Snapshot, query: &ExportQuery) -> Result<Self, AppError> {
        Ok(Self {
            service_type: params::service_type(snapshot, &query.service_type)?,
            area: params::area(snapshot, &query.area)?,
        })
    }

    pub(super) fn any(&self) -> bool {
        self.service_type.is_some() || self.area.is_some()
    }

    pub(super) fn sites(&self) -> SiteFilter {
        SiteFilter {
            service_type: self.service_type,
            serving: self.area,
            bbox: None,
        }
    }

    /// `gapmap-<stem>[-<type>][-<area code>]-<version>.<extension>`.
    fn file_name(&self, snapshot: &Snapshot, stem: &str, extension: &str) -> String {
        let dataset = snapshot.dataset();
        let mut name = format!("gapmap-{stem}");
        if let Some(t) = self.service_type {
            name.push('-');
            name.push_str(&dataset.types()[t].id);
        }
        if let Some(a) = self.area {
            name.push('-');
            name.push_str(dataset.areas()[a].code.as_str());
        }
        format!("{name}-{}.{extension}", snapshot.version())
    }
}

fn render_failed(e: csv::Error) -> AppError {
    AppError::Internal(format!("cannot render CSV: {e}"))
}

/// Listings as published, in the listings file's own columns: a confidential site's `lat`/`lon` are its area's
/// representative point. With `type`, only that type; with `area`, only the sites serving that area. When any
/// listing is sample data, the first line is the notice as a comment (`# SAMPLE DATA: …`).
#[utoipa::path(
    get,
    path = "/api/export/services.csv", operation_id = "export_services_csv",
    tag = "export",
    params(ExportQuery),
    responses(
        (status = 200, description = "CSV download `gapmap-services[-<type>][-<area>]-<version>.csv`",
            content_type = "text/csv", body = String),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or area, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn services_csv(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let filters = Filters::parse(&snapshot, &query)?;
    let name = filters.file_name(&snapshot, "services", "csv");
    if !filters.any() {
        return Ok(stored(&snapshot, snapshot.services_csv(), CSV)?.download(name));
    }
    let source = snapshot.source();
    let keep = filters.sites();
    let sites = (0..snapshot.dataset().services().len()).filter(|&site| keep.keeps(source, site));
    let mut bytes = Vec::new();
    export::write_services_csv(
        snapshot.dataset(),
        sites,
        source.published.sample_data(),
        &mut bytes,
    )
    .map_err(render_failed)?;
    Ok(Reply::versioned(Body::once(bytes), CSV, snapshot.etag()).download(name))
}

/// Coverage, one row per area × type, in the same columns as `gapmap report --format csv`; with `type`, only that
/// type's rows; with `area`, only that area's. When any listing is sample data, the first line is the notice as a
/// comment (`# SAMPLE DATA: …`).
#[utoipa::path(
    get,
    path = "/api/export/areas.csv", operation_id = "export_areas_csv",
    tag = "export",
    params(ExportQuery),
    responses(
        (status = 200, description = "CSV download `gapmap-areas[-<type>][-<area>]-<version>.csv`",
            content_type = "text/csv", body = String),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or area, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn areas_csv(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let filters = Filters::parse(&snapshot, &query)?;
    let name = filters.file_name(&snapshot, "areas", "csv");
    if !filters.any() {
        return Ok(stored(&snapshot, snapshot.areas_csv(), CSV)?.download(name));
    }
    let dataset = snapshot.dataset();
    let rows = dataset
        .types()
        .iter()
        .zip(&snapshot.analysis().types)
        .enumerate()
        .filter(|(t, _)| filters.service_type.is_none_or(|only| only == *t))
        .flat_map(|(_, (service_type, result))| {
            result
                .areas
                .iter()
                .enumerate()
                .filter(|(a, _)| filters.area.is_none_or(|only| only == *a))
                .map(move |(_, coverage)| (service_type, coverage))
        });
    let mut bytes = Vec::new();
    export::write_area_csv(rows, snapshot.source().published.sample_data(), &mut bytes)
        .map_err(render_failed)?;
    Ok(Reply::versioned(Body::once(bytes), CSV, snapshot.etag()).download(name))
}

/// Sites as GeoJSON point Features (as `/api/services`), as a download; with `type` and `area` as the services
/// CSV (the answer then also carries `filter`, as `/api/services` does).
#[utoipa::path(
    get,
    path = "/api/export/services.geojson", operation_id = "export_services_geojson",
    tag = "export",
    params(ExportQuery),
    responses(
        (status = 200, description = "GeoJSON download `gapmap-services[-<type>][-<area>]-<version>.geojson`",
            content_type = "application/geo+json", body = Collection<Feature<SiteProperties>, NoExtra>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or area, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn services_geojson(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let filters = Filters::parse(&snapshot, &query)?;
    let name = filters.file_name(&snapshot, "services", "geojson");
    if !filters.any() {
        return Ok(stored(&snapshot, snapshot.services_geojson(), GEO_JSON)?.download(name));
    }
    Ok(computed(
        &snapshot,
        sites::services(snapshot.source(), &filters.sites()),
        GEO_JSON,
    )?
    .download(name))
}
