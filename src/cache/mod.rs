//! The analysis cache: the [`Analysis`] of a dataset kept in the data directory as
//! `<data-dir>/cache/analysis-<key>.cbor`, so that a restart on unchanged data need not analyse it again. The key
//! ([`AnalysisKey`]) is a hash of everything the analysis reads. Nothing here is a reason to stop: the caller
//! treats a file that cannot be read, or does not fit its dataset, as a miss, and a failed write as a warning.

mod key;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::{Analysis, Dataset};
pub use key::{AnalysisKey, CACHE_FORMAT};

/// The cache's folder inside the data directory.
pub const CACHE_DIR: &str = "cache";

/// How many analyses are kept: the one just written and the most recent before it, so that going back to the
/// listings of a moment ago restarts fast too.
const KEEP: usize = 3;

/// The file name of the entry for `key`; every entry matches `analysis-*.cbor`.
fn file_name(key: &AnalysisKey) -> String {
    format!("analysis-{}.cbor", key.as_str())
}

fn is_entry(name: &str) -> bool {
    name.starts_with("analysis-") && name.ends_with(".cbor")
}

/// Why the cache could not be read or written. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Reading, writing, renaming or listing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// The file is not an analysis in this format, or not the one its name says.
    #[error("{}: not a cached analysis of this dataset ({detail})", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
}

/// One file (CBOR): the analysis with its format number and key, so that a file renamed or written by another format is
/// recognised as such.
#[derive(Serialize, Deserialize)]
struct Entry<A> {
    format: u32,
    key: String,
    analysis: A,
}

/// The cache in one data directory.
#[derive(Debug, Clone)]
pub struct AnalysisCache {
    dir: PathBuf,
}

impl AnalysisCache {
    /// The cache of the data directory `data_dir` (its `cache/` folder, created on the first write).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(CACHE_DIR),
        }
    }

    /// The file holding the analysis named `key`.
    pub fn path(&self, key: &AnalysisKey) -> PathBuf {
        self.dir.join(file_name(key))
    }

    /// The analysis of `dataset` named `key`, if the cache holds it: `Ok(None)` when there is no such file, an
    /// error when there is one that cannot be read or does not fit `dataset` (its types and areas, in order).
    pub fn read(
        &self,
        key: &AnalysisKey,
        dataset: &Dataset,
    ) -> Result<Option<Analysis>, CacheError> {
        let path = self.path(key);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Io { path, source }),
        };
        let corrupt = |detail: String| CacheError::Corrupt {
            path: path.clone(),
            detail,
        };
        let entry: Entry<Analysis> =
            ciborium::from_reader(bytes.as_slice()).map_err(|e| corrupt(e.to_string()))?;
        if entry.format != CACHE_FORMAT || entry.key != key.as_str() {
            return Err(corrupt(format!(
                "format {} and key {}",
                entry.format, entry.key
            )));
        }
        if !fits(&entry.analysis, dataset) {
            return Err(corrupt(
                "its types or areas are not the dataset's".to_owned(),
            ));
        }
        Ok(Some(entry.analysis))
    }

    /// Writes `analysis` as the entry for `key`: to a temporary file beside it, renamed into place, so that a
    /// reader never sees half a file. Then deletes all but the [`KEEP`] most recent entries.
    pub fn write(&self, key: &AnalysisKey, analysis: &Analysis) -> Result<PathBuf, CacheError> {
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| CacheError::Io { path, source }
        };
        // Owner only, like the data directory around it; the entries themselves are created 0600.
        let mut folder = fs::DirBuilder::new();
        folder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
        folder.create(&self.dir).map_err(io_error(&self.dir))?;
        let path = self.path(key);
        let temporary = tempfile::Builder::new()
            .prefix(".analysis-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io_error(&self.dir))?;
        let entry = Entry {
            format: CACHE_FORMAT,
            key: key.as_str().to_owned(),
            analysis,
        };
        let mut writer = BufWriter::new(temporary.as_file());
        ciborium::into_writer(&entry, &mut writer)
            .map_err(|e| match e {
                ciborium::ser::Error::Io(e) => e,
                ciborium::ser::Error::Value(e) => io::Error::other(e),
            })
            .and_then(|()| writer.flush())
            .map_err(io_error(temporary.path()))?;
        drop(writer);
        temporary
            .persist(&path)
            .map_err(|e| io_error(&path)(e.error))?;
        self.prune(&path)?;
        Ok(path)
    }

    /// Deletes every entry but `kept` and the most recent others, up to [`KEEP`] in all.
    fn prune(&self, kept: &Path) -> Result<(), CacheError> {
        let listing = fs::read_dir(&self.dir).map_err(|source| CacheError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let mut others: Vec<(std::time::SystemTime, PathBuf)> = listing
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(is_entry))
            .filter(|e| e.path() != kept)
            .map(|e| {
                let modified = e.metadata().and_then(|m| m.modified());
                (modified.unwrap_or(std::time::UNIX_EPOCH), e.path())
            })
            .collect();
        others.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        for (_, path) in others.into_iter().skip(KEEP - 1) {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(CacheError::Io { path, source }),
            }
        }
        Ok(())
    }
}

/// Whether `analysis` has `dataset`'s types and, for each, its areas, in order: what the answers are rendered by.
/// The key already says so; this also catches a file edited by hand.
fn fits(analysis: &Analysis, dataset: &Dataset) -> bool {
    analysis.types.len() == dataset.types().len()
        && analysis
            .types
            .iter()
            .zip(dataset.types())
            .all(|(result, service_type)| {
                result.service_type == service_type.id
                    && result.areas.len() == dataset.areas().len()
                    && result
                        .areas
                        .iter()
                        .zip(dataset.areas())
                        .all(|(coverage, area)| coverage.code == area.code)
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AnalysisOptions;

    fn key(spacing: f64, dataset: &Dataset) -> AnalysisKey {
        AnalysisKey::new(
            dataset,
            &AnalysisOptions {
                grid_spacing_km: spacing,
            },
        )
    }

    #[test]
    fn an_entry_reads_back_and_only_the_latest_few_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AnalysisCache::new(dir.path());
        let dataset = Dataset::new(vec![], vec![], vec![]).unwrap();
        let analysis = Analysis { types: vec![] };
        assert!(cache.read(&key(1.0, &dataset), &dataset).unwrap().is_none());
        for spacing in 1..=5 {
            cache
                .write(&key(f64::from(spacing), &dataset), &analysis)
                .unwrap();
        }
        let mut left: Vec<String> = fs::read_dir(dir.path().join(CACHE_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut newest: Vec<String> = (3..=5)
            .map(|s| file_name(&key(f64::from(s), &dataset)))
            .collect();
        newest.sort();
        assert_eq!(left, newest, "the three latest entries and nothing else");
        let latest = key(5.0, &dataset);
        assert_eq!(cache.read(&latest, &dataset).unwrap(), Some(analysis));
    }

    #[test]
    fn a_damaged_or_misnamed_entry_is_an_error_not_an_analysis() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AnalysisCache::new(dir.path());
        let dataset = Dataset::new(vec![], vec![], vec![]).unwrap();
        let (one, two) = (key(1.0, &dataset), key(2.0, &dataset));
        let written = cache.write(&one, &Analysis { types: vec![] }).unwrap();
        fs::copy(&written, cache.path(&two)).unwrap();
        assert!(matches!(
            cache.read(&two, &dataset),
            Err(CacheError::Corrupt { .. })
        ));
        fs::write(&written, b"{\"format\": 1, \"key\": ").unwrap();
        assert!(matches!(
            cache.read(&one, &dataset),
            Err(CacheError::Corrupt { .. })
        ));
    }
}
