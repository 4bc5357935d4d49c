//! Configuration as plain values: the built-in defaults (named constants) and the structs the command line fills
//! in. Precedence (defaults < `GAPMAP_*` environment < flags) is applied by [`crate::cli`], which is the only
//! module that knows clap; everything below it takes these structs. The log filter comes from `RUST_LOG` (default
//! [`DEFAULT_LOG_FILTER`]).

use std::path::PathBuf;

use crate::load::DataPaths;

/// Default address the server listens on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Default directory of the live database (`<data-dir>/gapmap.db`), relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// Log filter used when `RUST_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// Seconds the server waits for requests in flight to finish after SIGTERM or SIGINT.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// Milliseconds between the server's checks of the store's revision, which is how a change made by another
/// process (`gapmap import-services`) reaches a running server.
pub const DEFAULT_WATCH_INTERVAL_MS: u64 = 1000;

/// Where the listings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingsSource {
    /// The live store in this data directory (`<dir>/gapmap.db`).
    Store(PathBuf),
    /// A listings CSV file, read as it is.
    File(PathBuf),
}

/// What every command that reads the data needs: the reference files, where the listings are, and the rules
/// applied to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The data files. `services` is read only when the listings come from a file, or to seed an empty store.
    pub paths: DataPaths,
    /// Whether the listings file was named explicitly (flag or environment) rather than left at its default.
    pub services_given: bool,
    /// The live store, when one is used.
    pub data_dir: Option<PathBuf>,
    /// Months after `last_verified` that a listing is flagged stale.
    pub stale_months: u32,
    /// Submissions one account may have awaiting review at once.
    pub max_pending: usize,
}

impl Config {
    /// The bundled data, read from its files, with every default.
    pub fn bundled() -> Self {
        Self {
            paths: DataPaths::default(),
            services_given: false,
            data_dir: None,
            stale_months: crate::domain::DEFAULT_STALE_MONTHS,
            max_pending: crate::store::DEFAULT_MAX_PENDING,
        }
    }

    /// Where the listings are read from: the store when a data directory is given, else the listings file.
    pub fn listings_source(&self) -> ListingsSource {
        match &self.data_dir {
            Some(dir) => ListingsSource::Store(dir.clone()),
            None => ListingsSource::File(self.paths.services.clone()),
        }
    }
}

/// How `gapmap serve` behaves, apart from the data.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The data (its `data_dir` is always set for a server).
    pub app: Config,
    /// Address to listen on (host:port).
    pub bind: String,
    /// Origins allowed to call the API from a browser; empty turns CORS off, `*` allows any.
    pub cors_origins: Vec<String>,
    /// Base-map tile URL template for the web page; no base map when unset.
    pub tile_url: Option<String>,
    /// Attribution shown with the base map.
    pub tile_attribution: Option<String>,
    /// Serve the web page from this directory instead of the built-in page.
    pub static_dir: Option<PathBuf>,
    /// Worker threads (one per core when unset).
    pub workers: Option<usize>,
    /// Writes one account may make per minute.
    pub writes_per_minute: u32,
    /// The postcode directory behind `/api/geocode` (gapmap's format or an ONS Postcode Directory CSV).
    pub postcodes: PathBuf,
    /// Test-only (`GAPMAP_TEST_ANALYSIS_DELAY_MS`): how long to hold back the first analysis when it is computed
    /// rather than read from the cache, so that tests can watch a server that is not ready yet.
    pub analysis_delay: Option<std::time::Duration>,
}
