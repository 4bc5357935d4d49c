//! Backups of the live database.
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

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::files::{
    BackupError, is_live_file, parent_of, sqlite, sync, sync_dir, temporary_beside,
};
use super::verify::{BackupSummary, classify_read, verify};
use super::{BUSY_TIMEOUT, DATABASE_FILE};

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
    // The copy carries the source's WAL flag in its header; a rollback journal keeps it one file. Reading its
    // schema to do so is the first time the copied pages are parsed: a damaged copy is the source's damage.
    dest.pragma_update_and_check(None, "journal_mode", "delete", |row| {
        row.get::<_, String>(0)
    })
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            classify_read(from, e)
        }
        _ => sqlite(named)(e),
    })?;
    dest.close().map_err(|(_, e)| sqlite(named)(e))
}
