//! `/api/export/openreferral.json`: the current listings as Open Referral UK (HSDS) records, for other service
//! directories. Positions are the published ones: a confidential site appears at its area's representative point
//! with a location that names only the area, exactly as in the rest of the API.

use std::collections::BTreeMap;

use actix_web::web;
use serde_json::{Value, json};

use super::computed;
use super::export::Filters;
use crate::domain::LocationPrecision;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::ExportQuery;
use crate::http::reply::{JSON, Reply};
use crate::http::state::{AppState, Snapshot};

/// An identifier-safe slug of an organisation's name.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// The four HSDS arrays, from `snapshot`'s published sites that `filters` keeps.
fn records(snapshot: &Snapshot, filters: &Filters) -> Value {
    let dataset = snapshot.dataset();
    let keep = filters.sites();
    let mut organizations = BTreeMap::new();
    let (mut services, mut locations, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for site in (0..dataset.services().len()).filter(|&site| keep.keeps(snapshot.source(), site)) {
        let p = snapshot.source().site(site);
        let organization_id = format!("org-{}", slug(&p.provider));
        organizations
            .entry(organization_id.clone())
            .or_insert_with(|| json!({"id": organization_id, "name": p.provider}));
        services.push(json!({
            "id": p.id,
            "organization_id": organization_id,
            "name": p.name,
            "description": p.type_label,
            "url": p.website,
            "status": "active",
            "assured_date": p.last_verified,
        }));
        let point = dataset.published_point(site);
        let confidential =
            dataset.services()[site].location_precision == LocationPrecision::Confidential;
        let location_id = format!("location-{}", p.id);
        locations.push(json!({
            "id": location_id,
            "name": if confidential {
                format!("Confidential location in {}", p.located_in_name)
            } else {
                p.name.clone()
            },
            "description": if confidential {
                "Confidential: the point is the area's representative point, not the site"
            } else {
                ""
            },
            "latitude": point.y(),
            "longitude": point.x(),
        }));
        links.push(json!({
            "id": format!("service-at-location-{}", p.id),
            "service_id": p.id,
            "location_id": location_id,
        }));
    }
    json!({
        "organization": organizations.into_values().collect::<Vec<_>>(),
        "service": services,
        "location": locations,
        "service_at_location": links,
    })
}

/// The current listings as Open Referral UK `organization`, `service`, `location` and `service_at_location`
/// records; with `type`, only that type's sites; with `area`, only the sites serving that area (as
/// `/api/export/services.csv`). A confidential site's location is its area's representative point, named only by
/// the area.
#[utoipa::path(
    get,
    path = "/api/export/openreferral.json", operation_id = "export_openreferral",
    tag = "export",
    params(ExportQuery),
    responses(
        (status = 200, description = "Open Referral UK arrays", content_type = "application/json", body = Object),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or area, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn openreferral(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let filters = Filters::parse(&snapshot, &query)?;
    let body = serde_json::to_vec(&records(&snapshot, &filters));
    computed(&snapshot, body, JSON)
}
