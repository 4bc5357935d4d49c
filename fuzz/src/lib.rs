//! What the fuzz targets share: the bundled dataset, against which a fuzzed listing, submission or query is
//! checked exactly as the server checks it, loaded once per fuzzing process.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gapmap::domain::{DEFAULT_STALE_MONTHS, Dataset};
use gapmap::http::Snapshot;
use gapmap::load::{self, DataPaths};

/// The repository root: this crate lives in its `fuzz/` folder.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bundled dataset's files, wherever the fuzzer is started from.
pub fn bundled_paths() -> DataPaths {
    let root = repository();
    let defaults = DataPaths::default();
    DataPaths {
        boundaries: root.join(defaults.boundaries),
        population: root.join(defaults.population),
        types: root.join(defaults.types),
        services: root.join(defaults.services),
        figures: Vec::new(),
    }
}

/// The bundled dataset (London's 33 areas, the taxonomy and the sample listings).
pub fn dataset() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| match load::load_dataset(&bundled_paths()) {
        Ok(dataset) => dataset,
        Err(e) => panic!("the bundled dataset does not load:\n{e}"),
    })
}

/// The server's snapshot of the bundled dataset: analysis and stored answers, as the routes see it.
pub fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(
        || match Snapshot::build(dataset().clone(), 0, DEFAULT_STALE_MONTHS) {
            Ok(snapshot) => snapshot,
            Err(e) => panic!("the bundled dataset does not build a snapshot: {e}"),
        },
    )
}

/// The input as text, as the loaders read files (`read_to_string`): other bytes never reach a parser.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
