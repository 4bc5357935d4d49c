//! The web page: `/api/config` tells it how to draw the base map, and `/` serves the page.

use std::path::Path;

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::reply::Reply;

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
    super::unversioned_json(page.get_ref())
}

/// Mounts the web page at `/`: the files of `static_dir` when it is given and holds an `index.html` (a page built
/// elsewhere), otherwise the page embedded in the binary ([`crate::http::page`]). Paths matching no file get the
/// API's JSON 404, and so does any path that resolves outside `static_dir` (through a symbolic link, say): the
/// directory is all that is served.
pub fn web_routes(cfg: &mut web::ServiceConfig, static_dir: Option<&Path>) {
    let dir = static_dir
        .filter(|dir| dir.join("index.html").is_file())
        .and_then(|dir| dir.canonicalize().ok());
    match dir {
        Some(dir) => {
            let root = dir.clone();
            cfg.service(
                actix_files::Files::new("/", dir)
                    .index_file("index.html")
                    .path_filter(move |path, _| resolves_inside(&root, path))
                    .default_handler(web::to(super::not_found)),
            );
        }
        None => crate::http::page::configure(cfg),
    }
}

/// Whether `relative`, a request path inside `root` (canonical), names something that really is inside it once
/// every symbolic link is followed. A path that does not exist is let through, to be answered 404.
fn resolves_inside(root: &Path, relative: &Path) -> bool {
    match root.join(relative).canonicalize() {
        Ok(resolved) => resolved.starts_with(root),
        Err(_) => true,
    }
}
