//! One module per resource. A handler parses its parameters, asks the current snapshot, and wraps the body in a
//! [`Reply`]; the route table below is the one list both the router and the OpenAPI document are built from.

pub mod access;
pub mod areas;
pub mod decision;
pub mod export;
pub mod gaps;
pub mod geocode;
pub mod health;
pub mod listing_fields;
pub mod nearest;
pub mod openapi;
pub mod openreferral;
pub mod plan;
pub mod scenarios;
pub mod services;
pub mod submissions;
pub mod types;
pub mod web;

use actix_web::{HttpRequest, HttpResponse, web as aw};

use super::error::AppError;
use super::reply::{Body, Reply};
use super::state::{Snapshot, SnapshotError};

/// A stored body of `snapshot` as a versioned reply.
fn stored(
    snapshot: &Snapshot,
    body: Result<&Body, SnapshotError>,
    content_type: &'static str,
) -> Result<Reply, AppError> {
    let body = body.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Reply::versioned(
        body.clone(),
        content_type,
        snapshot.etag(),
    ))
}

/// A body computed for this request from `snapshot` as a versioned reply.
fn computed(
    snapshot: &Snapshot,
    rendered: serde_json::Result<Vec<u8>>,
    content_type: &'static str,
) -> Result<Reply, AppError> {
    let bytes = rendered.map_err(|e| AppError::Internal(format!("cannot render JSON: {e}")))?;
    Ok(Reply::versioned(
        Body::once(bytes),
        content_type,
        snapshot.etag(),
    ))
}

/// `value` as a JSON answer that does not depend on the data (health, configuration, the listing schema).
fn unversioned_json(value: &impl serde::Serialize) -> Result<Reply, AppError> {
    let bytes = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Reply::unversioned(Body::once(bytes), super::reply::JSON))
}

/// JSON 404 for any path no route matches.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound(format!(
        "no route for {} {}; the API is described at /api/openapi.json",
        req.method(),
        req.path()
    )))
}

/// The `Allow` header of a resource answering `methods` (lower case, as registered): `HEAD` goes wherever `GET`
/// does, because [`security_headers`](crate::http::headers::security_headers) answers it.
fn allow_header(methods: &[&str]) -> String {
    let mut allow = Vec::new();
    for method in methods {
        allow.push(method.to_ascii_uppercase());
        if method.eq_ignore_ascii_case("get") {
            allow.push("HEAD".to_owned());
        }
    }
    allow.join(", ")
}

/// The JSON 405, with `Allow`, of a resource answering `methods`, for any other method.
fn method_not_allowed(methods: &[&str]) -> actix_web::Route {
    let allow = allow_header(methods);
    aw::to(move |req: HttpRequest| {
        let allow = allow.clone();
        async move {
            Err::<HttpResponse, _>(AppError::MethodNotAllowed {
                detail: format!(
                    "{} {} answers {allow} only — see /api/openapi.json",
                    req.method(),
                    req.path()
                ),
                allow,
            })
        }
    })
}

/// Declares the route table once: `ROUTES` (what the router registers), `api` (the registration) and
/// `RoutesDoc` (the OpenAPI paths, from each handler's `#[utoipa::path]`).
macro_rules! route_table {
    ($($path:literal => $($handler:ident)::+),* $(,)?) => {
        /// Every path the API answers, as registered.
        pub const ROUTES: &[&str] = &[$($path),*];

        /// Registers every API route (GET only; other methods get a JSON 405).
        pub fn api(cfg: &mut aw::ServiceConfig) {
            $(
                cfg.service(
                    aw::resource($path)
                        .route(aw::get().to($($handler)::+))
                        .default_service(method_not_allowed(&["get"])),
                );
            )*
        }

        /// The OpenAPI paths of every route, generated from the handlers' annotations.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($handler)::+),*))]
        pub struct RoutesDoc;
    };
}

route_table! {
    "/api/areas" => areas::list,
    "/api/areas/{code}" => areas::detail,
    "/api/gaps" => gaps::gaps,
    "/api/lottery" => gaps::lottery,
    "/api/access" => access::areas,
    "/api/access/points.geojson" => access::points,
    "/api/services" => services::list,
    "/api/services/{id}" => services::detail,
    "/api/nearest" => nearest::nearest,
    "/api/geocode" => geocode::geocode,
    "/api/types" => types::types,
    "/api/export/services.csv" => export::services_csv,
    "/api/export/areas.csv" => export::areas_csv,
    "/api/export/services.geojson" => export::services_geojson,
    "/api/export/openreferral.json" => openreferral::openreferral,
    "/api/openapi.json" => openapi::document,
    "/api/config" => web::config,
    "/api/listing-fields" => listing_fields::fields,
    "/healthz" => health::healthz,
    "/readyz" => health::readyz,
}

/// Declares the routes backed by the database (the submissions workflow and listing history), each with its
/// methods: `STORE_ROUTES`, `store_api` and `StoreRoutesDoc`. They answer 503 on a server started without a store.
macro_rules! store_route_table {
    ($($path:literal => $($method:ident $($handler:ident)::+)|+),* $(,)?) => {
        /// Every database-backed path with the methods it answers, as registered.
        pub const STORE_ROUTES: &[(&str, &[&str])] = &[$(($path, &[$(stringify!($method)),+])),*];

        /// Registers every database-backed route (other methods get a JSON 405).
        pub fn store_api(cfg: &mut aw::ServiceConfig) {
            $(
                cfg.service(
                    aw::resource($path)
                        $(.route(aw::$method().to($($handler)::+)))+
                        .default_service(method_not_allowed(&[$(stringify!($method)),+])),
                );
            )*
        }

        /// The OpenAPI paths of the database-backed routes.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($($handler)::+),+),*))]
        pub struct StoreRoutesDoc;
    };
}

store_route_table! {
    "/api/me" => get submissions::me,
    "/api/submissions" => get submissions::list | post submissions::create,
    "/api/submissions/{id}" => get submissions::detail,
    "/api/submissions/{id}/approve" => post submissions::approve,
    "/api/submissions/{id}/reject" => post submissions::reject,
    "/api/services/{id}/history" => get submissions::history,
    "/api/scenarios" => post scenarios::create,
    "/api/scenarios/{id}" => get scenarios::detail,
    "/api/scenarios/{id}/areas" => get scenarios::areas,
    "/api/scenarios/{id}/gaps" => get scenarios::gaps,
    "/api/scenarios/{id}/lottery" => get scenarios::lottery,
}

/// Declares the routes computed per request from a POST body on the current data (no store needed):
/// `COMPUTE_ROUTES`, `compute_api` and `ComputeRoutesDoc`.
macro_rules! compute_route_table {
    ($($path:literal => $($handler:ident)::+),* $(,)?) => {
        /// Every POST path computed per request, with its methods, as registered.
        pub const COMPUTE_ROUTES: &[(&str, &[&str])] = &[$(($path, &["post"])),*];

        /// Registers every computed route (other methods get a JSON 405).
        pub fn compute_api(cfg: &mut aw::ServiceConfig) {
            $(
                cfg.service(
                    aw::resource($path)
                        .route(aw::post().to($($handler)::+))
                        .default_service(method_not_allowed(&["post"])),
                );
            )*
        }

        /// The OpenAPI paths of the computed routes.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($handler)::+),*))]
        pub struct ComputeRoutesDoc;
    };
}

compute_route_table! {
    "/api/plan" => plan::plan,
}
