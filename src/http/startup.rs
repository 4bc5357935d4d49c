//! The first snapshot of `gapmap serve`, built on a thread of its own while the server already answers
//! (`/healthz` at once, everything computed from the data with 503 until this is done): the analysis is read from
//! the data directory's cache when the data is unchanged since it was written, and computed, then cached,
//! otherwise.

use std::time::{Duration, Instant};

use std::sync::Arc;

use super::ServeError;
use super::state::{AppState, Snapshot};
use crate::app::App;
use crate::cache::{AnalysisCache, AnalysisKey};
use crate::domain::{Analysis, AnalysisOptions, Dataset, analyse};

/// Where an analysis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read back from the cache.
    Cache,
    /// Computed now.
    Computed,
}

/// What the first snapshot is made from.
#[derive(Debug)]
pub struct FirstSnapshot {
    /// The opened data and store: the listings are read from it, and its configuration gives the stale age and
    /// the data directory (whose analysis cache is used; none without one).
    pub app: Arc<App>,
    /// Test-only: how long to hold back an analysis that is computed (not one read from the cache).
    pub delay: Option<Duration>,
    /// When the server started, for the log.
    pub started: Instant,
}

/// The analysis of `dataset` with the default options: the cache's when it holds the analysis of exactly this
/// input, otherwise computed and written to the cache. A cache that cannot be read or written costs a warning and
/// a computation, never the start.
pub fn analysis(
    dataset: &Dataset,
    cache: Option<&AnalysisCache>,
    delay: Option<Duration>,
) -> (Analysis, Origin) {
    let options = AnalysisOptions::default();
    let key = cache.map(|_| AnalysisKey::new(dataset, &options));
    if let (Some(cache), Some(key)) = (cache, &key) {
        match cache.read(key, dataset) {
            Ok(Some(analysis)) => return (analysis, Origin::Cache),
            Ok(None) => tracing::info!("no cached analysis of this data; analysing it"),
            Err(error) => {
                tracing::warn!(%error, "the cached analysis cannot be used; analysing the data again");
            }
        }
    }
    if let Some(delay) = delay {
        std::thread::sleep(delay);
    }
    let analysis = analyse(dataset, &options);
    if let (Some(cache), Some(key)) = (cache, &key) {
        match cache.write(key, &analysis) {
            Ok(path) => tracing::info!(file = %path.display(), "analysis cached"),
            Err(error) => tracing::warn!(%error, "the analysis could not be cached"),
        }
    }
    (analysis, Origin::Computed)
}

/// Reads and links the listings, builds the first snapshot and installs it in `state` (unless a later revision got
/// there first).
pub fn install_first(state: &AppState, first: FirstSnapshot) -> Result<(), ServeError> {
    let FirstSnapshot {
        app,
        delay,
        started,
    } = first;
    let (revision, dataset) = app.dataset()?;
    tracing::info!(
        revision,
        areas = dataset.areas().len(),
        services = dataset.services().len(),
        listings = %app.listings_source(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "dataset loaded and checked"
    );
    let config = app.config();
    let cache = config.data_dir.as_deref().map(AnalysisCache::new);
    let begun = Instant::now();
    let (analysis, origin) = analysis(&dataset, cache.as_ref(), delay);
    let analysed_ms = begun.elapsed().as_millis() as u64;
    let snapshot = Snapshot::from_analysis(dataset, analysis, revision, config.stale_months)?;
    let installed = state.install(snapshot);
    let origin = match origin {
        Origin::Cache => "cache",
        Origin::Computed => "computed",
    };
    tracing::info!(
        version = installed.version(),
        revision = installed.revision(),
        analysis = origin,
        analysed_ms,
        rendered_ms = begun.elapsed().as_millis() as u64 - analysed_ms,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "ready"
    );
    Ok(())
}

/// Writes `snapshot`'s analysis to the data directory's cache on a thread of its own, so that a restart after a
/// change (an approval, an import) is ready as fast as one on unchanged data. Without a data directory, nothing.
pub fn cache_in_background(data_dir: Option<&std::path::Path>, snapshot: std::sync::Arc<Snapshot>) {
    let Some(cache) = data_dir.map(AnalysisCache::new) else {
        return;
    };
    std::thread::spawn(move || {
        let key = AnalysisKey::new(snapshot.dataset(), &AnalysisOptions::default());
        if let Err(error) = cache.write(&key, snapshot.analysis()) {
            tracing::warn!(%error, "the analysis could not be cached");
        }
    });
}
