//! The postcode directory behind `/api/geocode`, read once in the background when the server starts so that
//! start-up is not delayed by it; until it is in, postcode search answers 503.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::domain::postcode::PostcodeDirectory;

/// The postcode directory, once read, or why it could not be.
#[derive(Debug, Clone, Default)]
pub struct Postcodes {
    directory: Arc<OnceLock<Result<PostcodeDirectory, String>>>,
}

impl Postcodes {
    /// Postcodes already in memory (tests, tools).
    pub fn ready(directory: PostcodeDirectory) -> Self {
        let postcodes = Self::default();
        let _ = postcodes.directory.set(Ok(directory));
        postcodes
    }

    /// Postcode search switched off: every search answers 503 saying so.
    pub fn none(reason: &str) -> Self {
        let postcodes = Self::default();
        let _ = postcodes.directory.set(Err(reason.to_owned()));
        postcodes
    }

    /// Reads `path` on a background thread; searches answer 503 until it is read. A file that cannot be read is
    /// logged, and searches then answer 503 saying postcode search is unavailable.
    pub fn read_in_background(path: PathBuf) -> Self {
        let postcodes = Self::default();
        let slot = Arc::clone(&postcodes.directory);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let read = crate::load::postcodes::read_postcodes(&path);
            match &read {
                Ok(directory) => tracing::info!(
                    postcodes = directory.len(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    file = %path.display(),
                    "postcode directory read"
                ),
                Err(error) => {
                    tracing::error!(%error, "postcode search is off: cannot read the postcode file")
                }
            }
            let _ =
                slot.set(read.map_err(|_| "the postcode directory could not be read".to_owned()));
        });
        postcodes
    }

    /// The directory, or why there is none (yet).
    pub fn directory(&self) -> Result<&PostcodeDirectory, NoPostcodes> {
        match self.directory.get() {
            None => Err(NoPostcodes::Reading),
            Some(Ok(directory)) => Ok(directory),
            Some(Err(reason)) => Err(NoPostcodes::Unavailable(reason.clone())),
        }
    }
}

/// Why postcode search cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoPostcodes {
    /// The directory is still being read (the server has just started).
    #[error("the postcode directory is still being read; try again in a moment")]
    Reading,
    /// There is no directory: none was configured, or it could not be read.
    #[error("postcode search is unavailable: {0}")]
    Unavailable(String),
}
