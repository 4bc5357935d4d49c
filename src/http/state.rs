//! What the server shares between requests: one immutable [`Snapshot`] per dataset revision — the published
//! dataset, its analysis, and the bodies of every answer that takes no free-form input, rendered once — behind an
//! [`ArcSwapOption`] that readers load without waiting and writers swap whole. Until the first snapshot is
//! installed there is none, and every reader gets [`NotReady`].

use std::sync::{Arc, Mutex, PoisonError};

use actix_web::http::header::HeaderValue;
use arc_swap::ArcSwapOption;

mod bodies;
mod postcodes;
pub mod scenarios;

use bodies::Stored;
pub use postcodes::{NoPostcodes, Postcodes};

use super::reply::etag;
use super::views::{Shapes, Source};
use crate::domain::analysis::reanalyse;
use crate::domain::{
    Analysis, AnalysisOptions, DEFAULT_STALE_MONTHS, Dataset, Published, Reference, analyse,
};

/// Why a snapshot could not be built: a bug (rendering in memory does not fail on valid data), or a failure a
/// test injected through [`AppState::with_check`].
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A body could not be serialised as JSON.
    #[error("cannot render JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A CSV download could not be written.
    #[error("cannot render CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A body could not be compressed.
    #[error("cannot compress: {0}")]
    Io(#[from] std::io::Error),
    /// The dataset failed the state's check.
    #[error("{0}")]
    Refused(String),
    /// The dataset version cannot be sent as an `ETag` (a bug: versions are hex).
    #[error("the dataset version is not a valid ETag: {0}")]
    Version(#[from] actix_web::http::header::InvalidHeaderValue),
    /// A stored body was asked for by a position the snapshot does not have (a bug in the caller).
    #[error("no stored answer for that {0}")]
    Missing(&'static str),
}

/// No snapshot is installed yet: the server has just started and the data is still being analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the data is still being analysed; try again in a moment")]
pub struct NotReady;

/// One dataset revision and everything derived from it.
#[derive(Debug)]
pub struct Snapshot {
    revision: i64,
    published: Published,
    analysis: Analysis,
    shapes: Shapes,
    stored: Stored,
    etag: HeaderValue,
}

impl Snapshot {
    /// Analyses `dataset` (read at store revision `revision`). CPU-bound (a fraction of a second for London, about
    /// a second at national size): run it off the request path.
    pub fn build(
        dataset: Dataset,
        revision: i64,
        stale_months: u32,
    ) -> Result<Self, SnapshotError> {
        let analysis = analyse(&dataset, &AnalysisOptions::default());
        Self::from_analysis(dataset, analysis, revision, stale_months)
    }

    /// The snapshot of `dataset`, a change from `previous`'s: analysed incrementally ([`reanalyse`]: only the types
    /// whose sites changed, and their access only in the areas within reach of the change).
    pub fn after(
        previous: &Snapshot,
        dataset: Dataset,
        revision: i64,
        stale_months: u32,
    ) -> Result<Self, SnapshotError> {
        let analysis = reanalyse(
            &previous.analysis,
            previous.dataset(),
            &dataset,
            &AnalysisOptions::default(),
        );
        let today = chrono::Utc::now().date_naive();
        let published = Published::after(&previous.published, dataset, today, stale_months);
        let shapes = Shapes::after(&previous.shapes, &previous.published, &published)?;
        Self::assemble(published, analysis, shapes, revision)
    }

    /// The snapshot of `dataset` (read at store revision `revision`) with `analysis`, which must be its analysis
    /// with the default options (as [`Snapshot::build`] computes it, or as read back from the analysis cache).
    /// Bodies are rendered on first use.
    pub fn from_analysis(
        dataset: Dataset,
        analysis: Analysis,
        revision: i64,
        stale_months: u32,
    ) -> Result<Self, SnapshotError> {
        // Staleness is judged on the day the snapshot is built; a data change rebuilds it.
        let published = Published::new(dataset, chrono::Utc::now().date_naive(), stale_months);
        let shapes = Shapes::new(&published)?;
        Self::assemble(published, analysis, shapes, revision)
    }

    fn assemble(
        published: Published,
        analysis: Analysis,
        shapes: Shapes,
        revision: i64,
    ) -> Result<Self, SnapshotError> {
        Ok(Self {
            revision,
            stored: Stored::empty(published.dataset()),
            etag: etag(published.version())?,
            published,
            analysis,
            shapes,
        })
    }

    /// Renders the bodies most answers start with (the map's layers, gaps and lottery for every type, and the
    /// types), so that the first visitors after a change do not wait for them.
    pub fn warm(&self) {
        let per_type = std::iter::once(None).chain((0..self.dataset().types().len()).map(Some));
        for t in per_type {
            let rendered = [
                self.areas_body(t).err(),
                self.gaps_body(t).err(),
                self.lottery_body(t).err(),
            ];
            for error in rendered.into_iter().flatten() {
                tracing::error!(%error, "cannot render a stored answer");
            }
        }
        if let Err(error) = self.types_body() {
            tracing::error!(%error, "cannot render a stored answer");
        }
    }

    /// What the views read.
    pub fn source(&self) -> Source<'_> {
        Source {
            published: &self.published,
            analysis: &self.analysis,
            shapes: &self.shapes,
        }
    }

    /// The store revision the dataset was read at (0 when it did not come from a store).
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        self.published.dataset()
    }

    /// Its published view.
    pub fn published(&self) -> &Published {
        &self.published
    }

    /// Its analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The dataset version (hex), sent as the `ETag`.
    pub fn version(&self) -> &str {
        self.published.version()
    }

    /// The version as the weak `ETag` header value every answer from this snapshot carries.
    pub fn etag(&self) -> &HeaderValue {
        &self.etag
    }

    /// Its rendered shapes.
    pub fn shapes(&self) -> &Shapes {
        &self.shapes
    }
}

/// A check every dataset must pass before a snapshot of it is built. The server has none; tests inject one to
/// make a rebuild fail and show that nothing is committed.
pub type DatasetCheck = Arc<dyn Fn(&Dataset) -> Result<(), String> + Send + Sync>;

/// The server's shared state: the current snapshot, swapped whole when the data changes (none until the first is
/// installed).
pub struct AppState {
    current: ArcSwapOption<Snapshot>,
    /// The areas and types the server was started on; they never change while it runs.
    reference: Arc<Reference>,
    /// Serialises installs, so that a newer revision is never replaced by an older one.
    writer: Mutex<()>,
    /// Age in months past which a listing's `last_verified` makes it stale.
    stale_months: u32,
    check: Option<DatasetCheck>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field(
                "revision",
                &self.current.load().as_ref().map(|s| s.revision),
            )
            .field("stale_months", &self.stale_months)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State serving `dataset` (revision 0), with listings stale after [`DEFAULT_STALE_MONTHS`].
    pub fn new(dataset: Dataset) -> Result<Self, SnapshotError> {
        Self::at_revision(dataset, 0, DEFAULT_STALE_MONTHS)
    }

    /// State serving `dataset`, read at store revision `revision`, with listings stale once `last_verified` is
    /// over `stale_months` months old.
    pub fn at_revision(
        dataset: Dataset,
        revision: i64,
        stale_months: u32,
    ) -> Result<Self, SnapshotError> {
        let reference = Arc::clone(dataset.reference());
        let state = Self::starting(reference, stale_months);
        state.install(Snapshot::build(dataset, revision, stale_months)?);
        Ok(state)
    }

    /// State with no snapshot yet, for a server that answers while its first snapshot, of data on `reference`,
    /// is built: until one is installed, [`AppState::snapshot`] is [`NotReady`].
    pub fn starting(reference: Arc<Reference>, stale_months: u32) -> Self {
        Self {
            current: ArcSwapOption::empty(),
            reference,
            writer: Mutex::new(()),
            stale_months,
            check: None,
        }
    }

    /// The same state, checking every later dataset with `check` before building its snapshot.
    pub fn with_check(self, check: DatasetCheck) -> Self {
        Self {
            check: Some(check),
            ..self
        }
    }

    /// The current snapshot; [`NotReady`] before the first is installed. Readers never wait: a replacement in
    /// progress does not block them, and a request keeps the snapshot it started with to the end.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, NotReady> {
        self.current.load_full().ok_or(NotReady)
    }

    /// Age in months past which a listing's `last_verified` makes it stale.
    pub fn stale_months(&self) -> u32 {
        self.stale_months
    }

    /// The areas and types the server was started on, known before its first snapshot is.
    pub fn reference(&self) -> &Arc<Reference> {
        &self.reference
    }

    /// Builds the snapshot of `dataset` at `revision` without installing it. CPU-bound: from a request handler
    /// call it through `actix_web::web::block`.
    pub fn prepare(&self, dataset: Dataset, revision: i64) -> Result<Snapshot, SnapshotError> {
        if let Some(check) = &self.check {
            check(&dataset).map_err(SnapshotError::Refused)?;
        }
        match self.snapshot() {
            Ok(current) => Snapshot::after(&current, dataset, revision, self.stale_months),
            Err(NotReady) => Snapshot::build(dataset, revision, self.stale_months),
        }
    }

    /// Makes `snapshot` current unless a snapshot of a later revision already is (two writers that finish out of
    /// order never move the map backwards). Returns the snapshot now current.
    pub fn install(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = self.current.load_full()
            && snapshot.revision < current.revision
        {
            return current;
        }
        let snapshot = Arc::new(snapshot);
        self.current.store(Some(Arc::clone(&snapshot)));
        let warming = Arc::clone(&snapshot);
        std::thread::spawn(move || warming.warm());
        tracing::info!(
            version = snapshot.version(),
            revision = snapshot.revision,
            "dataset replaced"
        );
        snapshot
    }

    /// Prepares and installs `dataset` at `revision`; returns the snapshot now current.
    pub fn replace(&self, dataset: Dataset, revision: i64) -> Result<Arc<Snapshot>, SnapshotError> {
        Ok(self.install(self.prepare(dataset, revision)?))
    }
}
