//! The HTTP API (actix-web). [`serve`] builds the whole server — routes, middleware, error handling — and is what
//! both `gapmap serve` and the integration tests run, so the tests exercise the real app.
//!
//! Data flows one way: the [`App`] puts the dataset together, which is analysed and rendered once into a
//! [`Snapshot`]; handlers only read the current snapshot ([`AppState`]), which a data change replaces whole.
//! `gapmap serve` answers before its first snapshot is ready ([`startup`]), with 503 for what needs it.

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
pub mod startup;
pub mod state;
pub mod views;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App as WebApp, HttpServer, http, web};
use tracing_actix_web::TracingLogger;

use crate::app::{App, OpenError, StoreMode};
use crate::config::{DEFAULT_WATCH_INTERVAL_MS, SHUTDOWN_TIMEOUT_SECS, ServeConfig};
pub use error::AppError;
pub use limits::Limits;
pub use routes::web::PageConfig;
pub use state::{AppState, DatasetCheck, NotReady, Postcodes, Snapshot, SnapshotError};

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
    /// The data behind the submission routes, with its live store; without one they answer 503 (read-only
    /// servers in tests). With a store, the server also watches its revision and picks up changes other processes
    /// make (`gapmap import-services`).
    pub app: Option<Arc<App>>,
    /// Writes one account may make per minute; [`limits::DEFAULT_WRITES_PER_MINUTE`] when `None`.
    pub writes_per_minute: Option<u32>,
    /// The postcode directory behind `/api/geocode`; without one, postcode search answers 503 (area names
    /// still work).
    pub postcodes: Option<Postcodes>,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data or the database could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
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
    if let Some(app) = &settings.app
        && app.store().is_some()
    {
        watch(
            Arc::clone(app),
            Arc::downgrade(&state),
            Duration::from_millis(DEFAULT_WATCH_INTERVAL_MS),
        );
    }
    let state = web::Data::from(state);
    let page = web::Data::new(settings.page.clone());
    let postcodes = web::Data::new(settings.postcodes.clone().unwrap_or_else(|| {
        Postcodes::none("this server was started without a postcode directory")
    }));
    let origins = settings.cors_origins.clone();
    let static_dir = settings.static_dir.clone();
    let app_data = settings.app.clone().map(web::Data::from);
    let store = settings
        .app
        .as_ref()
        .and_then(|app| app.store().cloned())
        .map(web::Data::from);
    // One set of limiters for every worker, so a client cannot multiply its budget by the worker count.
    let limits = web::Data::new(Limits::new(
        settings
            .writes_per_minute
            .unwrap_or(limits::DEFAULT_WRITES_PER_MINUTE),
    ));
    let scenarios = web::Data::new(state::scenarios::ScenarioCache::default());
    let mut server = HttpServer::new(move || {
        let mut app =
            WebApp::new()
                .app_data(state.clone())
                .app_data(page.clone())
                .app_data(limits.clone())
                .app_data(postcodes.clone())
                .app_data(scenarios.clone())
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
        if let Some(data) = &app_data {
            app = app.app_data(data.clone());
        }
        // Without request logging, no request span or id is made at all: the id lives only in the log line.
        app.wrap(Compress::default())
            .wrap(from_fn(headers::security_headers))
            .wrap(Condition::new(!origins.is_empty(), cors(&origins)))
            .wrap(Condition::new(
                logging::requests_logged(),
                TracingLogger::<logging::PrivateRootSpan>::new(),
            ))
            .configure(routes::api)
            .configure(routes::store_api)
            .configure(routes::compute_api)
            .configure(|cfg| routes::web::web_routes(cfg, static_dir.as_deref()))
            .default_service(web::to(routes::not_found))
    })
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS);
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}

/// Checks the store's revision every `interval`, and rebuilds and installs the snapshot when another process
/// (`gapmap import-services`) has changed the listings. Stops when the server's state is dropped.
fn watch(app: Arc<App>, state: Weak<AppState>, interval: Duration) {
    std::thread::spawn(move || {
        while let Some(state) = state.upgrade() {
            // Before the first snapshot is installed there is nothing to compare with: wait for it.
            let seen = state.snapshot().map(|s| s.revision());
            let newer = app
                .store()
                .and_then(|store| store.dataset_version().ok())
                .is_some_and(|revision| seen.is_ok_and(|seen| revision > seen));
            if newer {
                let rebuilt = app
                    .dataset()
                    .map_err(|e| e.to_string())
                    .and_then(|(revision, dataset)| {
                        state.replace(dataset, revision).map_err(|e| e.to_string())
                    })
                    .map(|installed| {
                        startup::cache_in_background(app.config().data_dir.as_deref(), installed)
                    });
                if let Err(error) = rebuilt {
                    tracing::error!(%error, "the store changed but its listings cannot be served; keeping the last good ones");
                }
            }
            drop(state);
            std::thread::sleep(interval);
        }
    });
}

/// `gapmap serve`: loads and checks the reference data, starts serving, reads the listings and analyses them in the
/// background (or reads the analysis from the cache), and serves until SIGTERM or SIGINT.
pub fn run_server(config: &ServeConfig) -> Result<(), String> {
    logging::init_tracing();
    run(config).map_err(|e| e.to_string())
}

fn run(config: &ServeConfig) -> Result<(), ServeError> {
    let started = std::time::Instant::now();
    // The reference files are read and checked, and the store opened (and seeded from `--services` when empty),
    // before the port is bound: a bad boundary or population file stops the start with its error. Reading and
    // linking the listings, the analysis and the first answers then run in the background while `/healthz`
    // answers; if they fail, the server stops and the start fails with their error.
    let app = Arc::new(App::open(&config.app, StoreMode::Serve)?);
    let state = Arc::new(AppState::starting(
        Arc::clone(app.reference()),
        config.app.stale_months,
    ));
    let first = startup::FirstSnapshot {
        app: Arc::clone(&app),
        delay: config.analysis_delay,
        started,
    };
    let listener = TcpListener::bind(&config.bind).map_err(|source| ServeError::Io {
        context: format!("cannot listen on {}", config.bind),
        source,
    })?;
    let settings = ServerSettings {
        cors_origins: config.cors_origins.clone(),
        page: PageConfig {
            tile_url: config.tile_url.clone(),
            tile_attribution: config.tile_attribution.clone(),
        },
        static_dir: config.static_dir.clone(),
        workers: config.workers,
        app: Some(app),
        writes_per_minute: Some(config.writes_per_minute),
        postcodes: Some(Postcodes::read_in_background(config.postcodes.clone())),
    };
    tracing::info!(
        address = %listener.local_addr().map_or_else(|_| config.bind.clone(), |a| a.to_string()),
        cors = ?settings.cors_origins,
        "serving"
    );
    let io = |context: &str| {
        let context = context.to_owned();
        move |source| ServeError::Io { context, source }
    };
    actix_web::rt::System::new().block_on(async move {
        let server =
            serve(listener, Arc::clone(&state), settings).map_err(io("cannot start the server"))?;
        let handle = server.handle();
        let (failed, failure) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            if let Err(error) = startup::install_first(&state, first) {
                tracing::error!(%error, "the data cannot be served; stopping");
                let _ = failed.send(error);
                // The stop is sent when called; its future only waits for it to complete.
                drop(handle.stop(false));
            }
        });
        server
            .await
            .map_err(io("the server stopped with an error"))?;
        match failure.try_recv() {
            Ok(error) => Err(error),
            Err(_) => Ok(()),
        }
    })
}
