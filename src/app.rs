//! The composition root: [`App::open`] reads the reference data (areas, population, taxonomy), opens the live
//! store when there is one, and is the one place that puts a [`Dataset`] together. `gapmap serve`, every CLI
//! command and the tests build their data through it, so they all read listings the same way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ListingsSource};
use crate::domain::{Dataset, DatasetProblem, Reference, Service, ServiceType, Subject};
use crate::load::{self, LoadError, LoadProblem};
use crate::store::{ImportSummary, Store, StoreError};

/// Why the data could not be put together. Each variant names the file or database it is about.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A data file is missing or invalid.
    #[error("cannot load the data:\n{0}{hint}", hint = relative_hint(.0))]
    Load(#[from] LoadError),
    /// The database could not be opened, created or read.
    #[error("{}: {source}", path.display())]
    Store {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        source: StoreError,
    },
    /// `--services` was given for a store that already holds listings: it would be silently ignored.
    #[error(
        "the database {} already holds listings, so --services {} would be ignored (it only seeds an empty \
         database). To load that file into the live listings run `gapmap import-services {} --data-dir {}` \
         (a running server picks it up); to start afresh from it, use an empty --data-dir",
        database.display(), services.display(), services.display(), data_dir.display()
    )]
    ServicesIgnored {
        /// The database.
        database: PathBuf,
        /// Its data directory.
        data_dir: PathBuf,
        /// The listings file given.
        services: PathBuf,
    },
    /// The listings do not fit the areas and types.
    #[error("the listings of {source_name} do not fit the areas and types:\n{}", lines(.problems))]
    Mismatch {
        /// Where the listings came from.
        source_name: String,
        /// Every problem, each naming the listing.
        problems: Vec<String>,
    },
}

fn lines(problems: &[String]) -> String {
    problems.join("\n")
}

/// A hint for a missing bundled file: the defaults are relative to the working directory.
fn relative_hint(error: &LoadError) -> &'static str {
    let bundled = [
        load::DEFAULT_BOUNDARIES,
        load::DEFAULT_POPULATION,
        load::DEFAULT_TYPES,
        load::DEFAULT_SERVICES,
    ];
    let missing_default = error.0.iter().any(|p| {
        p.message.starts_with("cannot read") && bundled.iter().any(|d| p.file == Path::new(d))
    });
    if missing_default {
        "\n(the bundled data files are found relative to the working directory: run gapmap from its checkout, \
         or name each file with --boundaries, --population, --types and --services)"
    } else {
        ""
    }
}

/// The current listings and the store revision they were read at (0 for a file).
#[derive(Debug, Clone)]
pub struct Listings {
    /// The store's revision counter, bumped by every approval and import that changes a listing.
    pub revision: i64,
    /// The services, in listing order.
    pub services: Vec<Service>,
}

/// How a command opens the live store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreMode {
    /// `gapmap serve`: create the database if needed and seed it from the listings file when it has never held
    /// a listing; refuse an explicit listings file for a database that already holds listings.
    Serve,
    /// Create the database if needed, never seed it (`import-services`).
    Create,
    /// The database must exist (`report`, `validate --against-live`).
    Existing,
}

/// The data a command works on: reference data read once, and where the listings live.
#[derive(Debug)]
pub struct App {
    config: Config,
    reference: Arc<Reference>,
    store: Option<Arc<Store>>,
}

impl App {
    /// Reads the reference files and, with a data directory, opens the live store as `mode` says. The reference
    /// files are read first, so a bad boundary file is reported as such, whatever the state of the database.
    pub fn open(config: &Config, mode: StoreMode) -> Result<Self, OpenError> {
        let reference = Arc::new(read_reference(config)?);
        let store = match &config.data_dir {
            None => None,
            Some(dir) => Some(Arc::new(open_store(config, dir, mode)?)),
        };
        Ok(Self {
            config: config.clone(),
            reference,
            store,
        })
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The live store, when the listings come from one.
    pub fn store(&self) -> Option<&Arc<Store>> {
        self.store.as_ref()
    }

    /// The reference data: the areas (boundaries with their populations) and the service taxonomy.
    pub fn reference(&self) -> &Arc<Reference> {
        &self.reference
    }

    /// Where the listings are read from, in words: the listings file's path, or "the live store <database>".
    pub fn listings_source(&self) -> String {
        match self.config.listings_source() {
            ListingsSource::Store(dir) => {
                format!(
                    "the live store {}",
                    dir.join(crate::store::DATABASE_FILE).display()
                )
            }
            ListingsSource::File(file) => file.display().to_string(),
        }
    }

    /// The current listings: the store's, read in one transaction with its revision, or the listings file's.
    pub fn listings(&self) -> Result<Listings, OpenError> {
        match &self.store {
            Some(store) => {
                let snapshot = store
                    .snapshot()
                    .map_err(|source| store_error(store, source))?;
                Ok(Listings {
                    revision: snapshot.version,
                    services: snapshot.services,
                })
            }
            None => {
                let (services, _) = load::read_services(&self.config.paths.services)?;
                Ok(Listings {
                    revision: 0,
                    services,
                })
            }
        }
    }

    /// The current dataset and the revision it was read at.
    pub fn dataset(&self) -> Result<(i64, Dataset), OpenError> {
        match &self.store {
            Some(_) => {
                let listings = self.listings()?;
                let dataset = self.assemble(listings.services)?;
                Ok((listings.revision, dataset))
            }
            // Read through the loader, so that problems carry the listings file's line numbers.
            None => Ok((0, load::load_dataset(&self.config.paths)?)),
        }
    }

    /// Links `services` to the reference data, naming every listing that does not fit.
    pub fn assemble(&self, services: Vec<Service>) -> Result<Dataset, OpenError> {
        self.assemble_with(&self.reference, services)
    }

    /// Links `services` to `reference` (the one in force, which a server may have been given), naming every
    /// listing that does not fit.
    pub fn assemble_with(
        &self,
        reference: &Arc<Reference>,
        services: Vec<Service>,
    ) -> Result<Dataset, OpenError> {
        let ids: Vec<String> = services.iter().map(|s| s.id.clone()).collect();
        Dataset::with_reference(Arc::clone(reference), services).map_err(|problems| {
            OpenError::Mismatch {
                source_name: self.listings_source(),
                problems: describe(&problems, &ids, reference.types()),
            }
        })
    }

    /// [`App::assemble_with`] for a change from `previous`: unchanged listings keep their checked links
    /// ([`Dataset::changed_from`]).
    pub fn assemble_after(
        &self,
        previous: &Dataset,
        services: Vec<Service>,
    ) -> Result<Dataset, OpenError> {
        let ids: Vec<String> = services.iter().map(|s| s.id.clone()).collect();
        Dataset::changed_from(previous, services).map_err(|problems| OpenError::Mismatch {
            source_name: self.listings_source(),
            problems: describe(&problems, &ids, previous.types()),
        })
    }

    /// Imports a listings file into the store (checked as `gapmap validate` checks it; each change audited).
    /// Without a store, nothing is imported and the file is only checked.
    pub fn import_services(&self, file: &Path) -> Result<Option<ImportSummary>, OpenError> {
        let mut paths = self.config.paths.clone();
        paths.services = file.to_owned();
        let dataset = load::load_dataset(&paths)?;
        let Some(store) = &self.store else {
            return Ok(None);
        };
        store
            .import_services(&dataset, &file.display().to_string())
            .map(Some)
            .map_err(|source| store_error(store, source))
    }
}

fn read_reference(config: &Config) -> Result<Reference, OpenError> {
    Ok(load::load_reference(&config.paths)?)
}

fn open_store(config: &Config, dir: &Path, mode: StoreMode) -> Result<Store, OpenError> {
    let database = dir.join(crate::store::DATABASE_FILE);
    let failed = |source| OpenError::Store {
        path: database.clone(),
        source,
    };
    let opened = match mode {
        StoreMode::Existing => Store::open_existing(dir),
        StoreMode::Serve | StoreMode::Create => Store::open(dir),
    };
    let store = opened.map_err(failed)?.with_max_pending(config.max_pending);
    if mode == StoreMode::Serve {
        let empty = store.is_empty().map_err(failed)?;
        if !empty && config.services_given {
            return Err(OpenError::ServicesIgnored {
                database,
                data_dir: dir.to_owned(),
                services: config.paths.services.clone(),
            });
        }
        if let Some(seeded) = store.seed_if_empty(&config.paths).map_err(|e| match e {
            StoreError::Load(load) => OpenError::Load(load),
            other => failed(other),
        })? {
            tracing::info!(?seeded, services = %config.paths.services.display(), "empty database seeded");
        }
    }
    Ok(store)
}

fn store_error(store: &Store, source: StoreError) -> OpenError {
    OpenError::Store {
        path: store.path().to_owned(),
        source,
    }
}

/// Each problem in words, naming the listing (or type) by id rather than by position.
fn describe(problems: &[DatasetProblem], ids: &[String], types: &[ServiceType]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let subject = match p.subject {
                Subject::Service(i) => format!("listing `{}`", ids.get(i).map_or("?", |s| s)),
                Subject::Type(i) => format!("type `{}`", types.get(i).map_or("?", |t| &t.id)),
                Subject::Area(i) => format!("area {}", i + 1),
            };
            format!("{subject}, field `{}`: {}", p.field, p.message)
        })
        .collect()
}

impl From<LoadProblem> for OpenError {
    fn from(problem: LoadProblem) -> Self {
        Self::Load(problem.into())
    }
}
