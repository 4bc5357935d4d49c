//! `gapmap serve` (and a bare `gapmap`): its flags, read into a [`ServeConfig`].

use std::path::PathBuf;

use clap::Args;

use super::DataArgs;
use crate::config::{Config, DEFAULT_BIND, DEFAULT_DATA_DIR, ServeConfig};

/// Arguments of `gapmap serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (host:port).
    #[arg(long, env = "GAPMAP_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// Directory of the live database (`gapmap.db`), created on first start.
    #[arg(long, env = "GAPMAP_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Origins allowed to call the API from a browser (comma-separated, or `*` for any). CORS is off when unset.
    #[arg(long, env = "GAPMAP_CORS_ORIGIN", value_delimiter = ',')]
    pub cors_origin: Vec<String>,
    /// Base-map tile URL template for the web page, e.g. `https://tiles.example.org/{z}/{x}/{y}.png`.
    /// No base map when unset.
    #[arg(long, env = "GAPMAP_TILE_URL")]
    pub tile_url: Option<String>,
    /// Attribution shown with the base map (required by most tile providers).
    #[arg(long, env = "GAPMAP_TILE_ATTRIBUTION")]
    pub tile_attribution: Option<String>,
    /// Serve the web page from this directory (which must hold an `index.html`) instead of the page built into the
    /// binary.
    #[arg(long, env = "GAPMAP_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// Worker threads (default: one per CPU core).
    #[arg(long, env = "GAPMAP_WORKERS")]
    pub workers: Option<usize>,
    /// Months after `last_verified` that a listing is flagged stale.
    #[arg(long, env = "GAPMAP_STALE_MONTHS", default_value_t = crate::domain::DEFAULT_STALE_MONTHS)]
    pub stale_months: u32,
    /// Submissions one account may have awaiting review at once; more are refused (409) until some are decided.
    #[arg(long, env = "GAPMAP_MAX_PENDING", default_value_t = crate::store::DEFAULT_MAX_PENDING)]
    pub max_pending: usize,
    /// Writes (submissions, approvals, rejections) one account may make per minute, in a burst or spread out;
    /// more are answered 429 with `Retry-After`.
    #[arg(long, env = "GAPMAP_WRITES_PER_MINUTE", default_value_t = crate::http::limits::DEFAULT_WRITES_PER_MINUTE)]
    pub writes_per_minute: u32,
    /// The postcode directory for postcode search (`/api/geocode`): gapmap's format (see `gapmap
    /// import-postcodes`) or an ONS Postcode Directory CSV. Default: London's postcodes, bundled.
    #[arg(long, env = "GAPMAP_POSTCODES", default_value = crate::load::postcodes::DEFAULT_POSTCODES)]
    pub postcodes: PathBuf,
    /// The data files; `--services` only seeds an empty database.
    #[command(flatten)]
    pub data: DataArgs,
}

impl ServeArgs {
    /// The configuration these flags describe.
    pub fn config(&self) -> ServeConfig {
        ServeConfig {
            app: Config {
                data_dir: Some(self.data_dir.clone()),
                stale_months: self.stale_months,
                max_pending: self.max_pending,
                ..self.data.config()
            },
            bind: self.bind.clone(),
            cors_origins: self
                .cors_origin
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
            static_dir: self.static_dir.clone(),
            workers: self.workers,
            writes_per_minute: self.writes_per_minute,
            postcodes: self.postcodes.clone(),
            analysis_delay: test_analysis_delay(),
        }
    }
}

/// Test-only: `GAPMAP_TEST_ANALYSIS_DELAY_MS`, milliseconds to hold back a computed first analysis, so that the
/// integration tests can see `/healthz` answer while `/readyz` is 503. Not a flag, and not for production.
fn test_analysis_delay() -> Option<std::time::Duration> {
    std::env::var("GAPMAP_TEST_ANALYSIS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map(std::time::Duration::from_millis)
}
