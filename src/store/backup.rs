//! Backups of the live database, and the file handling a backup and a restore share.
//!
//! [`backup`] copies `<data-dir>/gapmap.db` with SQLite's online backup API while `gapmap serve` keeps running and
//! writing. The copy is one self-contained file (rollback-journal mode, no `-wal` or `-shm` beside it), made with
//! mode 0600 because it holds account token hashes and confidential sites' coordinates.
//! [`restore`](super::restore()) puts such a file back as the live database; both check the file with
//! [`super::verify`].
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! let data_dir = dir.path().join("data");
//! gapmap::store::Store::open(&data_dir)?; // an empty live database
//! let file = dir.path().join("gapmap-backup.db");
//! let saved = gapmap::store::backup(&data_dir, &file, false)?;
//! assert_eq!((saved.listings, saved.submissions), (0, 0));
//! let restored = gapmap::store::restore(&file, &dir.path().join("elsewhere"), false)?;
//! assert_eq!(restored.summary.audit_entries, saved.audit_entries);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use tempfile::TempPath;

use super::verify::{BackupSummary, classify_read, verify};
use super::{BUSY_TIMEOUT, DATABASE_FILE};

/// The files SQLite may keep beside a database, by suffix.
pub(super) const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Why a backup or a restore was refused or failed. Each message names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The data directory has no database to back up.
    #[error("no gapmap database at {}: check --data-dir (a backup never creates one)", path.display())]
    NoDatabase {
        /// Where the database was expected.
        path: PathBuf,
    },
    /// The target exists and replacing it was not asked for.
    #[error("{} already exists; choose another name, or pass --force to replace it", path.display())]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// The target is the live database or one of SQLite's files beside it.
    #[error("{} is the live database (or one of its files); refusing to write over it", path.display())]
    LiveFile {
        /// The path given.
        path: PathBuf,
    },
    /// The file is not a SQLite database at all.
    #[error("{} is not a SQLite database ({detail})", path.display())]
    NotSqlite {
        /// The file.
        path: PathBuf,
        /// What it looks like instead.
        detail: String,
    },
    /// The file is a SQLite database, but not one gapmap wrote.
    #[error("{} is a SQLite database but not a gapmap database ({detail})", path.display())]
    NotGapmap {
        /// The file.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// The file was written by a newer gapmap.
    #[error(
        "{} is at schema version {found}, newer than this gapmap knows ({known}); use the gapmap that wrote it",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest schema version this build has.
        known: i64,
    },
    /// SQLite's integrity or foreign-key check found problems.
    #[error("{} is damaged; SQLite's integrity check says: {problems}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// SQLite's report, one problem per line.
        problems: String,
    },
    /// Another process has the live database open: most likely a running `gapmap serve`.
    #[error(
        "{} is in use by another process (a running `gapmap serve`?); stop the server first, then restore",
        path.display()
    )]
    InUse {
        /// The live database.
        path: PathBuf,
    },
    /// The live database holds data and replacing it was not asked for.
    #[error(
        "{} already holds {listings} listings and {submissions} submissions; pass --force to replace it \
         (it is kept beside the restored one)",
        path.display()
    )]
    HasData {
        /// The live database.
        path: PathBuf,
        /// Its current listings.
        listings: u64,
        /// Its submissions, of any status.
        submissions: u64,
    },
    /// The live database cannot be read, so whether it holds data is unknown.
    #[error(
        "{} cannot be read ({detail}); pass --force to replace it anyway (it is kept beside the restored one)",
        path.display()
    )]
    Unreadable {
        /// The live database.
        path: PathBuf,
        /// SQLite's reason.
        detail: String,
    },
    /// A file operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done, as a verb phrase.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// SQLite failed while reading or writing the file.
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
}

/// Copies the live database in `data_dir` to `target` while a server may be using it, and verifies the copy.
///
/// The copy is taken in a single step of SQLite's online backup API, inside one read transaction: it is the
/// database exactly as it was when the copy began, and in WAL mode the server's writes carry on meanwhile. It is
/// written to a temporary file (mode 0600) beside `target`, checked (SQLite's integrity and foreign-key checks, a
/// gapmap schema this build knows), flushed to disk and only then renamed to `target`, so an interrupted backup
/// never leaves a file under the final name. An existing `target` is refused unless `force`; a `data_dir` without
/// a database is refused, never created.
pub fn backup(data_dir: &Path, target: &Path, force: bool) -> Result<BackupSummary, BackupError> {
    let live = data_dir.join(DATABASE_FILE);
    if !live.is_file() {
        return Err(BackupError::NoDatabase { path: live });
    }
    if is_live_file(&live, target) {
        return Err(BackupError::LiveFile {
            path: target.to_owned(),
        });
    }
    if !force && fs::symlink_metadata(target).is_ok() {
        return Err(BackupError::Exists {
            path: target.to_owned(),
        });
    }
    let partial = temporary_beside(target)?;
    {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let source = Connection::open_with_flags(&live, flags).map_err(sqlite(&live))?;
        source.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(&live))?;
        copy(&source, &live, &partial, target)?;
    }
    // What the copy holds is what the live database held: problems found in it are the live database's.
    let summary = verify(&partial, &live)?;
    sync(&partial)?;
    let persisted = if force {
        partial.persist(target).map_err(|e| e.error)
    } else {
        partial.persist_noclobber(target).map_err(|e| e.error)
    };
    persisted.map_err(|source| match source.kind() {
        io::ErrorKind::AlreadyExists => BackupError::Exists {
            path: target.to_owned(),
        },
        _ => BackupError::Io {
            action: "write the backup to",
            path: target.to_owned(),
            source,
        },
    })?;
    sync_dir(&parent_of(target))?;
    Ok(summary)
}

/// Copies `source` (the file `from`) into the empty file `into` in one backup step, retrying while the source is
/// locked for up to [`BUSY_TIMEOUT`], and leaves the copy in rollback-journal mode so it needs no side files.
/// Errors reading name `from`; errors writing name `named`, the file the copy is for.
pub(super) fn copy(
    source: &Connection,
    from: &Path,
    into: &Path,
    named: &Path,
) -> Result<(), BackupError> {
    let mut dest = Connection::open(into).map_err(sqlite(named))?;
    {
        let backup = Backup::new(source, &mut dest).map_err(sqlite(named))?;
        let deadline = Instant::now() + BUSY_TIMEOUT;
        loop {
            // -1: every page in one step, so one read transaction and one consistent snapshot.
            match backup.step(-1).map_err(|e| classify_read(from, e))? {
                StepResult::Done => break,
                StepResult::More => {}
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                _ => {
                    return Err(BackupError::Sqlite {
                        path: from.to_owned(),
                        source: rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some(format!("still locked after {} s", BUSY_TIMEOUT.as_secs())),
                        ),
                    });
                }
            }
        }
    }
    // The copy carries the source's WAL flag in its header; a rollback journal keeps it one file.
    dest.pragma_update_and_check(None, "journal_mode", "delete", |row| {
        row.get::<_, String>(0)
    })
    .map_err(sqlite(named))?;
    dest.close().map_err(|(_, e)| sqlite(named)(e))
}

/// Whether `path` is the live database or one of its side files (compared by directory and name, as `path` may
/// not exist yet).
pub(super) fn is_live_file(live: &Path, path: &Path) -> bool {
    let place = |p: &Path| {
        let dir = fs::canonicalize(parent_of(p)).ok()?;
        Some((dir, p.file_name()?.to_owned()))
    };
    let (Some((live_dir, live_name)), Some((dir, name))) = (place(live), place(path)) else {
        return false;
    };
    dir == live_dir
        && std::iter::once("")
            .chain(SIDE_FILES)
            .any(|suffix| with_suffix(Path::new(&live_name), suffix).as_os_str() == name)
}

/// An empty temporary file beside `target`, mode 0600 from the start; deleted when dropped unless persisted.
pub(super) fn temporary_beside(target: &Path) -> Result<TempPath, BackupError> {
    let dir = parent_of(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder
        .tempfile_in(&dir)
        .map(tempfile::NamedTempFile::into_temp_path)
        .map_err(io_error("create a temporary file in", &dir))
}

/// `path` with `suffix` appended to its file name.
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The directory a file is in (`.` for a bare file name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

pub(super) fn file_size(file: &Path) -> Result<u64, BackupError> {
    fs::metadata(file)
        .map(|m| m.len())
        .map_err(io_error("read the size of", file))
}

/// Flushes a file's contents to disk.
pub(super) fn sync(file: &Path) -> Result<(), BackupError> {
    File::open(file)
        .and_then(|f| f.sync_all())
        .map_err(io_error("flush", file))
}

/// Flushes a directory, so a rename in it survives a crash.
pub(super) fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error("flush the directory", dir))
}

pub(super) fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> BackupError {
    let path = path.to_owned();
    move |source| BackupError::Io {
        action,
        path,
        source,
    }
}

pub(super) fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError {
    let path = path.to_owned();
    move |source| BackupError::Sqlite {
        path: path.clone(),
        source,
    }
}
