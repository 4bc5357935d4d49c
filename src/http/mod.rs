//! The HTTP API (actix-web). [`serve`] builds the whole server — routes, middleware, error handling — and is what
//! both `gapmap serve` and the integration tests run, so the tests exercise the real app.
//!
//! Data flows one way: the loaded [`Dataset`](crate::domain::Dataset) is analysed and rendered once into a
//! [`Snapshot`]; handlers only read the current snapshot ([`AppState`]), which a data change replaces whole.

pub mod auth;
pub mod error;
pub mod headers;
pub mod limits;
pub mod logging;
pub mod openapi;
pub mod page;
pub mod params;
pub mod reply;
pub mod routes;
pub mod state;
pub mod views;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, http, web};
use tracing_actix_web::TracingLogger;

use crate::config::{SHUTDOWN_TIMEOUT_SECS, ServeArgs};
use crate::domain::Dataset;
use crate::load::{LoadError, load_areas, read_types};
use crate::store::{Store, StoreError};
pub use error::AppError;
pub use limits::Limits;
pub use routes::web::PageConfig;
pub use state::{AppState, Snapshot, SnapshotError};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Seconds a browser may cache a CORS preflight answer.
const CORS_MAX_AGE_SECS: usize = 3600;

/// How the server behaves, apart from the data.
#[derive(Debug, Clone, Default)]
pub struct ServerSettings {
    /// Origins allowed by CORS; empty turns CORS off, `*` allows any origin.
    pub cors_origins: Vec<String>,
    /// What the web page is told through `/api/config`.
    pub page: PageConfig,
    /// Directory of a web page built elsewhere, served at `/` instead of the embedded page when it holds an
    /// `index.html`.
    pub static_dir: Option<PathBuf>,
    /// Worker threads; one per core when `None`.
    pub workers: Option<usize>,
    /// The live store behind the submission routes; without one they answer 503 (read-only servers in tests).
    pub store: Option<Arc<Store>>,
    /// Writes one account may make per minute; [`limits::DEFAULT_WRITES_PER_MINUTE`] when `None`.
    pub writes_per_minute: Option<u32>,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data files did not load.
    #[error("cannot load the data:\n{0}")]
    Load(#[from] LoadError),
    /// The database could not be opened or seeded.
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    /// The stored listings do not fit the areas and types.
    #[error("the stored listings do not fit the areas and types: {0}")]
    Dataset(String),
    /// The loaded data could not be rendered (a bug).
    #[error("cannot prepare the answers: {0}")]
    Snapshot(#[from] SnapshotError),
    /// Binding, or running, the listener failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "OPTIONS", "POST"])
        .allowed_headers([
            http::header::IF_NONE_MATCH,
            http::header::ACCEPT,
            http::header::AUTHORIZATION,
            http::header::CONTENT_TYPE,
            http::header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([http::header::ETAG, http::header::CONTENT_DISPOSITION])
        .max_age(CORS_MAX_AGE_SECS);
    if origins.iter().any(|o| o == "*") {
        cors.allow_any_origin().send_wildcard()
    } else {
        origins
            .iter()
            .fold(cors, |cors, origin| cors.allowed_origin(origin))
    }
}

/// Builds the server on `listener` with every route and middleware: request tracing, CORS (when configured),
/// compression, JSON errors for malformed queries and unknown routes. Await the returned [`Server`] to run it; it
/// stops gracefully on SIGTERM or SIGINT, finishing requests in flight.
pub fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    settings: ServerSettings,
) -> std::io::Result<Server> {
    let state = web::Data::from(state);
    let page = web::Data::new(settings.page.clone());
    let origins = settings.cors_origins.clone();
    let static_dir = settings.static_dir.clone();
    let store = settings.store.clone().map(web::Data::from);
    // One set of limiters for every worker, so a client cannot multiply its budget by the worker count.
    let limits = web::Data::new(Limits::new(
        settings
            .writes_per_minute
            .unwrap_or(limits::DEFAULT_WRITES_PER_MINUTE),
    ));
    let mut server = HttpServer::new(move || {
        let mut app =
            App::new()
                .app_data(state.clone())
                .app_data(page.clone())
                .app_data(limits.clone())
                .app_data(web::QueryConfig::default().error_handler(|error, _req| {
                    AppError::MalformedQuery(error.to_string()).into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|error, _req| AppError::NotFound(error.to_string()).into()),
                );
        if let Some(store) = &store {
            app = app.app_data(store.clone());
        }
        app.wrap(from_fn(headers::head_as_get))
            .wrap(Compress::default())
            .wrap(from_fn(headers::security_headers))
            .wrap(DefaultHeaders::new().add((http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
            .wrap(Condition::new(!origins.is_empty(), cors(&origins)))
            .wrap(TracingLogger::<logging::PrivateRootSpan>::new())
            .configure(routes::api)
            .configure(routes::store_api)
            .configure(|cfg| routes::web::web_routes(cfg, static_dir.as_deref()))
            .default_service(web::to(routes::not_found))
    })
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS);
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}

/// `gapmap serve`: loads the data, analyses it, and serves it until SIGTERM or SIGINT.
pub fn run_server(args: ServeArgs) -> Result<(), String> {
    logging::init_tracing();
    run(args).map_err(|e| e.to_string())
}

fn run(args: ServeArgs) -> Result<(), ServeError> {
    let started = std::time::Instant::now();
    let paths = args.data.paths();
    let store = Arc::new(Store::open(&args.data_dir)?.with_max_pending(args.max_pending));
    if let Some(seeded) = store.seed_if_empty(&paths)? {
        tracing::info!(?seeded, services = %paths.services.display(), "empty database seeded");
    }
    let areas = load_areas(&paths.boundaries, &paths.population);
    let types = read_types(&paths.types);
    let (areas, (types, _)) = match (areas, types) {
        (Ok(areas), Ok(types)) => (areas, types),
        (areas, types) => {
            let problems = [areas.err(), types.err()]
                .into_iter()
                .flatten()
                .flat_map(|e| e.0)
                .collect();
            return Err(LoadError(problems).into());
        }
    };
    let services = store.snapshot()?.services;
    let dataset = Dataset::new(areas, types, services)
        .map_err(|problems| ServeError::Dataset(format!("{problems:?}")))?;
    let state = Arc::new(AppState::with_stale_months(dataset, args.stale_months)?);
    let snapshot = state.snapshot();
    tracing::info!(
        version = snapshot.version(),
        areas = snapshot.dataset().areas().len(),
        services = snapshot.dataset().services().len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "dataset loaded and analysed"
    );
    drop(snapshot);
    let listener = TcpListener::bind(&args.bind).map_err(|source| ServeError::Io {
        context: format!("cannot listen on {}", args.bind),
        source,
    })?;
    let settings = ServerSettings {
        cors_origins: args
            .cors_origin
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect(),
        page: PageConfig {
            tile_url: args.tile_url.clone(),
            tile_attribution: args.tile_attribution.clone(),
        },
        static_dir: args.static_dir.clone(),
        workers: args.workers,
        store: Some(store),
        writes_per_minute: Some(args.writes_per_minute),
    };
    tracing::info!(
        address = %listener.local_addr().map_or_else(|_| args.bind.clone(), |a| a.to_string()),
        data_dir = %args.data_dir.display(),
        cors = ?settings.cors_origins,
        "serving"
    );
    let io = |context: &str| {
        let context = context.to_owned();
        move |source| ServeError::Io { context, source }
    };
    actix_web::rt::System::new().block_on(async move {
        serve(listener, state, settings)
            .map_err(io("cannot start the server"))?
            .await
            .map_err(io("the server stopped with an error"))
    })
}
