//! The map page at `/`: the files of `web/` and the Leaflet files it loads, embedded in the binary.
//!
//! `build.rs` installs the libraries pinned by `web/package-lock.json`; `rust-embed` puts the files into release
//! builds (debug builds read them from `web/` at run time, so a page edit needs no rebuild). Every answer carries
//! an `ETag` (the file's SHA-256) and honours `If-None-Match`. The page is sent with a Content-Security-Policy that
//! lets it load scripts, styles and data only from this server: nothing leaves the user's machine unless the
//! server is configured with a tile URL (`img-src https:`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::{Embed, EmbeddedFile};

use super::headers::CONTENT_SECURITY_POLICY;

/// gapmap's own page files.
#[derive(Embed)]
#[folder = "web/"]
#[include = "*.html"]
#[include = "css/*.css"]
#[include = "js/*.js"]
#[exclude = "node_modules/*"]
struct Page;

/// The third-party library files the page loads, as installed by `build.rs`; served under `/vendor/`.
#[derive(Embed)]
#[folder = "web/node_modules/"]
#[include = "leaflet/dist/leaflet.js"]
#[include = "leaflet/dist/leaflet.css"]
#[include = "leaflet.markercluster/dist/leaflet.markercluster.js"]
#[include = "leaflet.markercluster/dist/MarkerCluster.css"]
struct Vendor;

/// Registers the map (`/`), the other pages (`/providers.html`) and their assets (`/css/…`, `/js/…`, `/vendor/…`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/{page}.html", web::get().to(page_asset))
        .route("/css/{file}", web::get().to(page_asset))
        .route("/js/{file}", web::get().to(page_asset))
        .route("/vendor/{path:.*}", web::get().to(vendor_asset));
}

async fn index(req: HttpRequest) -> HttpResponse {
    match Page::get("index.html") {
        Some(file) => reply(&req, &file, "index.html"),
        None => not_found("index.html"),
    }
}

async fn page_asset(req: HttpRequest) -> HttpResponse {
    // The routes mirror `web/`, so the request path minus its leading slash is the file's path there.
    let path = req.path().trim_start_matches('/');
    match Page::get(path) {
        Some(file) => reply(&req, &file, path),
        None => not_found(path),
    }
}

async fn vendor_asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    match Vendor::get(&path) {
        Some(file) => reply(&req, &file, &path),
        None => not_found(&path),
    }
}

fn reply(req: &HttpRequest, file: &EmbeddedFile, path: &str) -> HttpResponse {
    let etag: String = file
        .metadata
        .sha256_hash()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{etag}\"");
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        // Revalidate every time: a new binary may carry a new page, and a 304 costs almost nothing.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if path.ends_with(".html") {
        response.insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    }
    if fresh {
        return response.finish();
    }
    response
        .content_type(file.metadata.mimetype())
        .body(file.data.clone().into_owned())
}

fn not_found(path: &str) -> HttpResponse {
    HttpResponse::NotFound().json(serde_json::json!({
        "error": "not found",
        "detail": format!("no page file `{path}`"),
    }))
}
