//! The web page: `/api/config` tells it how to draw the base map, and `/` serves its built files when present.

use std::path::Path;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::reply::{Body, JSON, Reply};

/// Settings the web page reads at start.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PageConfig {
    /// Base-map tile URL template (`{z}/{x}/{y}`); null for no base map.
    pub tile_url: Option<String>,
    /// Attribution to show with the base map.
    pub tile_attribution: Option<String>,
}

/// The web page's settings.
#[utoipa::path(get, path = "/api/config", operation_id = "page_config", tag = "operations",
    responses((status = 200, description = "Settings for the web page", body = PageConfig)))]
pub async fn config(page: web::Data<PageConfig>) -> Result<Reply, AppError> {
    let bytes =
        serde_json::to_vec(page.get_ref()).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Reply::unversioned(Body::once(bytes), JSON))
}

/// Mounts the web page: the files of `static_dir` at `/` when it holds an `index.html`, otherwise a small JSON
/// pointer to the API at `/`. Paths matching no file get the API's JSON 404.
pub fn web_routes(cfg: &mut web::ServiceConfig, static_dir: Option<&Path>) {
    match static_dir.filter(|dir| dir.join("index.html").is_file()) {
        Some(dir) => {
            cfg.service(
                actix_files::Files::new("/", dir)
                    .index_file("index.html")
                    .default_handler(web::to(super::not_found)),
            );
        }
        None => {
            cfg.route("/", web::get().to(pointer));
        }
    }
}

async fn pointer() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "name": "gapmap",
        "about": "Coverage of specialist support for violence against women and girls, and where the gaps are.",
        "api": "/api/openapi.json",
        "map": "the web page is not built on this server (no web/dist/index.html)",
    }))
}
