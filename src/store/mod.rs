//! The live store: an embedded SQLite database holding the current listings, the accounts that may change them,
//! providers' submissions and the append-only audit log of every approved version.
//!
//! One file, `<data-dir>/gapmap.db`, in WAL mode with `synchronous=FULL`: a write returns only once its
//! transaction is durable, so whatever the caller acknowledges survives a crash. A [`Store`] is `Send + Sync`;
//! writes in this process are serialised on one connection, reads use a small pool of their own connections, and
//! other processes (the CLI while the server runs) coordinate through SQLite's locks. Every call blocks: an async
//! caller runs it on a blocking thread.

mod accounts;
mod audit;
mod backup;
mod diff;
mod fields;
mod files;
mod listings;
mod migrations;
mod restore;
mod review;
mod scenarios;
mod status;
mod submissions;
mod tokens;
mod verify;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::{Connection, Row, Transaction, TransactionBehavior};

use crate::load::LoadError;
use crate::load::services::FieldProblem;

pub use accounts::{Account, NewAccount, Role};
pub use audit::{Actor, Version};
pub use backup::backup;
pub use diff::FieldDiff;
pub use fields::ListingFields;
pub use files::BackupError;
pub use listings::{DEFAULT_STALE_MONTHS, ImportSummary, Listing, Snapshot, field_value, is_stale};
pub use restore::{Restored, restore};
pub use review::{Approval, MAX_COMMENT_CHARS, Review, ReviewWarning};
pub use scenarios::{
    MAX_SCENARIO_NAME_CHARS, MAX_SCENARIOS_PER_ACCOUNT, SCENARIO_ID_CHARS, SCENARIO_PROVIDER,
    ScenarioRequest, StoredEdit, StoredScenario, is_scenario_id, parse_edits,
};
pub use status::{SubmissionKind, SubmissionStatus};
pub use submissions::{Submission, SubmissionRequest, Submitted};
pub use tokens::{AuthError, Token};
pub use verify::BackupSummary;

/// Default directory of the database, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "./data";
/// The database's file name inside the data directory.
pub const DATABASE_FILE: &str = "gapmap.db";
/// How long a write waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 4;
/// How many submissions one account may have awaiting review at once, unless configured otherwise.
pub const DEFAULT_MAX_PENDING: usize = 50;

/// Everything that can go wrong in the store. The HTTP layer maps each variant to one status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory cannot be created.
    #[error("cannot create the data directory {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// There is no database where one was expected.
    #[error(
        "no gapmap database at {}: check --data-dir (or GAPMAP_DATA_DIR); `gapmap serve` or `gapmap \
         import-services` creates one",
        .0.display()
    )]
    NoDatabase(PathBuf),
    /// SQLite failed (I/O, a full disk, a locked file…): a server fault.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer gapmap.
    #[error("the database is at schema version {found}, newer than this gapmap knows ({known})")]
    TooNew {
        /// The database's `user_version`.
        found: i64,
        /// The newest migration this build has.
        known: i64,
    },
    /// A stored row cannot be read back: a bug or a hand-edited database.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// A dataset file for seeding or import is invalid.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// The input breaks the listing rules; every problem, as `(field, message)`.
    #[error("invalid: {}", describe(.0))]
    Invalid(Vec<FieldProblem>),
    /// The account's role or organisation does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such listing, submission or account.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request clashes with the current state (the id exists, already decided, the listing has moved on).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The account already has as many pending submissions as it may.
    #[error("too many pending submissions: {0}")]
    TooManyPending(String),
}

fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|(field, message)| format!("{field}: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl StoreError {
    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![(field, message.into())])
    }
}

/// A handle on the database; share it behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Held through an approval, from reading the listings to committing, so that approvals take turns.
    approvals: Mutex<()>,
    max_pending: usize,
}

impl Store {
    /// Opens (creating if needed) `<data_dir>/gapmap.db` and brings its schema up to date, in one transaction.
    /// A data directory it creates is readable by its owner only (0700), and so is a database file it creates
    /// (0600; SQLite gives the WAL and shared-memory files the database file's permissions): the database holds
    /// confidential positions and token digests.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let data_dir_error = |source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        };
        create_private_dir(data_dir).map_err(data_dir_error)?;
        let path = data_dir.join(DATABASE_FILE);
        create_private_file(&path).map_err(data_dir_error)?;
        let mut writer = connect(&path)?;
        migrations::migrate(&mut writer)?;
        Ok(Self {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            approvals: Mutex::new(()),
            max_pending: DEFAULT_MAX_PENDING,
        })
    }

    /// Opens the database in `data_dir` only if it exists: for commands that read or change an existing store
    /// (listing accounts, revoking one, exporting), so that a mistyped `--data-dir` is an error rather than a
    /// new, empty database.
    pub fn open_existing(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join(DATABASE_FILE);
        if !path.is_file() {
            return Err(StoreError::NoDatabase(path));
        }
        Self::open(data_dir)
    }

    /// The same store, letting each account have at most `max_pending` submissions awaiting review.
    pub fn with_max_pending(self, max_pending: usize) -> Self {
        Self {
            max_pending,
            ..self
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SQLite's own consistency check: `"ok"` when the file is sound, otherwise its list of problems.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let lines = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(lines.join("\n"))
        })
    }

    /// Runs `work` in one write transaction (`BEGIN IMMEDIATE`, so it never has to upgrade a read lock and
    /// SQLite's busy timeout applies), committing only when it succeeds: an error leaves the database unchanged.
    fn write<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        // A panic inside `work` rolled its transaction back while unwinding, so the connection is still sound.
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `work` on a read connection inside one read transaction, so it sees a single consistent snapshot.
    fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let result = {
            let tx = conn.transaction()?;
            work(&tx).and_then(|value| {
                tx.commit()?;
                Ok(value)
            })
        };
        let mut idle = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

/// Creates `dir` and its missing parents, the last with mode 0700 (owner only). An existing directory is left as
/// it is.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty `path` with mode 0600 (owner only) if it does not exist, so that SQLite opens a file with
/// those permissions instead of creating one under the process's umask.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens one connection with the settings every connection needs.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "{} refuses WAL mode (journal_mode is {mode})",
            path.display()
        )));
    }
    // FULL: in WAL mode a commit is fsynced before it returns, so an acknowledged write survives power loss.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Now, as stored: RFC 3339 in UTC with milliseconds, so text order is time order.
fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a timestamp column written by [`now`].
fn timestamp(row: &Row<'_>, column: &str) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(column)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| conversion_error(column, e))
}

/// Reads a nullable timestamp column.
fn optional_timestamp(row: &Row<'_>, column: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get::<_, Option<String>>(column)? {
        None => Ok(None),
        Some(_) => timestamp(row, column).map(Some),
    }
}

/// Reads a text column holding one of an enum's names.
fn parsed<T>(row: &Row<'_>, column: &str) -> rusqlite::Result<T>
where
    T: FromStr<Err = UnknownName>,
{
    let text: String = row.get(column)?;
    text.parse().map_err(|e| conversion_error(column, e))
}

fn conversion_error(
    column: &str,
    error: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        Type::Text,
        format!("column {column}: {error}").into(),
    )
}

/// A name that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not one of {expected}")]
pub struct UnknownName {
    /// What was given.
    pub given: String,
    /// The accepted names, for the message.
    pub expected: &'static str,
}

/// Checks a free-text field from a caller: trimmed, non-empty, at most `max` characters, no control characters
/// other than line breaks and tabs when `multiline`.
fn clean_text(
    field: &'static str,
    text: &str,
    max: usize,
    multiline: bool,
) -> Result<String, StoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(StoreError::invalid(
            field,
            format!("longer than {max} characters"),
        ));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(StoreError::invalid(field, "contains control characters"));
    }
    Ok(text.to_owned())
}
