//! Restoring a backup made by [`super::backup()`] as the live database.
//!
//! A restore must not run under a live server. It takes an exclusive lock on the current database first; in WAL
//! mode every open connection holds a shared lock on the database file for as long as it is open, so this fails
//! while any other process has the database open (a running `gapmap serve`, even idle, or another gapmap command)
//! and the restore is refused with [`BackupError::InUse`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::backup::copy;
use super::files::{
    BackupError, SIDE_FILES, file_size, io_error, is_live_file, sqlite, sync, sync_dir,
    temporary_beside, with_suffix,
};
use super::verify::{BackupSummary, check_header, count_rows, verify};
use super::{BUSY_TIMEOUT, DATABASE_FILE};

/// How long `restore` waits for other connections to let go of the live database before concluding that another
/// process (a running server) has it open.
const LOCK_TIMEOUT: Duration = Duration::from_secs(2);

/// What [`restore`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the restored database holds.
    pub summary: BackupSummary,
    /// The database it replaced, as kept beside it (`gapmap.db.before-restore-<UTC time>`); `None` when there was
    /// none.
    pub previous: Option<PathBuf>,
}

/// Replaces the live database in `data_dir` with the backup `file`, after checking that `file` is an intact gapmap
/// database at a schema version no newer than this build's (an older one is migrated on the next open, as usual).
///
/// The backup is copied into a temporary file (mode 0600) in `data_dir`, checked there, flushed to disk and renamed
/// over `gapmap.db`, so the live database is either wholly the old one or wholly the restored one. The current
/// database is first locked exclusively: if another process has it open (a running server), the restore is
/// refused with [`BackupError::InUse`]. While locked, the current database absorbs its WAL, is kept under a new
/// name (see [`Restored::previous`]), and its `-wal`, `-shm` and `-journal` files go with it or are removed, so
/// nothing of the old database is ever replayed onto the restored one. A current database holding listings or
/// submissions, or one that cannot be read, is replaced only with `force`. `data_dir` is created if missing.
pub fn restore(file: &Path, data_dir: &Path, force: bool) -> Result<Restored, BackupError> {
    check_header(file)?;
    let created = !data_dir.exists();
    fs::create_dir_all(data_dir).map_err(io_error("create the data directory", data_dir))?;
    let restored = restore_into(file, data_dir, force);
    if restored.is_err() && created {
        // Refused or failed: leave no trace (removes the directory only if it is still empty).
        let _ = fs::remove_dir(data_dir);
    }
    restored
}

fn restore_into(file: &Path, data_dir: &Path, force: bool) -> Result<Restored, BackupError> {
    let live = data_dir.join(DATABASE_FILE);
    if is_live_file(&live, file) {
        return Err(BackupError::LiveFile {
            path: file.to_owned(),
        });
    }
    let partial = temporary_beside(&live)?;
    {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let source = Connection::open_with_flags(file, flags).map_err(sqlite(file))?;
        source.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(file))?;
        copy(&source, file, &partial, &live)?;
    }
    let mut summary = verify(&partial, file)?;
    sync(&partial)?;

    let current = if live.exists() {
        Some(Current::lock(&live, force)?)
    } else {
        None
    };
    let previous = match &current {
        Some(current) => Some(current.keep_aside(&live)?),
        None => {
            // Side files without their database belong to nothing; left there, a stray WAL would be replayed.
            remove_side_files(&live)?;
            None
        }
    };
    partial.persist(&live).map_err(|e| BackupError::Io {
        action: "put the restored database in place as",
        path: live.clone(),
        source: e.error,
    })?;
    sync_dir(data_dir)?;
    // Closing releases the lock on the old file only now that the restored one is in place.
    drop(current);
    summary.bytes = file_size(&live)?;
    Ok(Restored { summary, previous })
}

/// The current database, held with an exclusive lock (or, when it cannot be read, not held at all).
struct Current {
    /// Holds the lock until dropped; `None` when the file could not be opened as a database.
    _lock: Option<Connection>,
    /// Whether the file is self-contained: its WAL has been folded into it.
    self_contained: bool,
}

impl Current {
    /// Locks `live` exclusively and checks that it may be replaced.
    fn lock(live: &Path, force: bool) -> Result<Self, BackupError> {
        let locked = lock_exclusive(live).and_then(|conn| {
            let held = held_data(&conn).map_err(classify_lock)?;
            Ok((conn, held))
        });
        let (conn, (listings, submissions)) = match locked {
            Ok(locked) => locked,
            Err(Locked::InUse) => {
                return Err(BackupError::InUse {
                    path: live.to_owned(),
                });
            }
            Err(Locked::Unreadable(_)) if force => {
                return Ok(Self {
                    _lock: None,
                    self_contained: false,
                });
            }
            Err(Locked::Unreadable(detail)) => {
                return Err(BackupError::Unreadable {
                    path: live.to_owned(),
                    detail,
                });
            }
            Err(Locked::Failed(source)) => {
                return Err(BackupError::Sqlite {
                    path: live.to_owned(),
                    source,
                });
            }
        };
        if !force && listings + submissions > 0 {
            return Err(BackupError::HasData {
                path: live.to_owned(),
                listings,
                submissions,
            });
        }
        // Folds the WAL into the file and deletes it; under the exclusive lock no one else can add to it.
        let self_contained = conn
            .pragma_update_and_check(None, "journal_mode", "delete", |row| {
                row.get::<_, String>(0)
            })
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        Ok(Self {
            _lock: Some(conn),
            self_contained,
        })
    }

    /// Keeps the current database under a new name beside it (a hard link, so `live` itself stays in place until
    /// the restored file is renamed over it) and moves or removes its side files. Returns the new name.
    fn keep_aside(&self, live: &Path) -> Result<PathBuf, BackupError> {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let mut kept = with_suffix(live, &format!(".before-restore-{stamp}"));
        let mut n = 1;
        loop {
            match fs::hard_link(live, &kept) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => {
                    n += 1;
                    kept = with_suffix(live, &format!(".before-restore-{stamp}-{n}"));
                }
                Err(source) => {
                    return Err(BackupError::Io {
                        action: "keep the current database as",
                        path: kept,
                        source,
                    });
                }
            }
        }
        // It holds the same confidential data as a backup, so it gets the same mode, whatever the old file had.
        #[cfg(unix)]
        fs::set_permissions(&kept, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .map_err(io_error("restrict the permissions of", &kept))?;
        for suffix in SIDE_FILES {
            let side = with_suffix(live, suffix);
            let result = match suffix {
                // The shared-memory index holds nothing durable; whoever opens the database next rebuilds it.
                "-shm" => fs::remove_file(&side),
                // Self-contained, the old file has no WAL left, and its journal is this connection's own, emptied
                // (not hot), which SQLite deletes when it closes.
                "-journal" if self.self_contained => Ok(()),
                "-wal" if self.self_contained => fs::remove_file(&side),
                // Otherwise the WAL or a hot journal is part of the old database: it goes with it.
                _ => fs::rename(&side, with_suffix(&kept, suffix)),
            };
            unless_missing(result, "move aside", &side)?;
        }
        Ok(kept)
    }
}

/// Why the live database could not be locked.
enum Locked {
    /// Another connection has it open.
    InUse,
    /// It is not a readable database.
    Unreadable(String),
    /// Anything else.
    Failed(rusqlite::Error),
}

/// Opens `live` (never creating it) and takes an exclusive lock that lasts as long as the connection. In WAL mode
/// every open connection holds a shared lock on the database file for as long as it is open, so this fails after
/// [`LOCK_TIMEOUT`] whenever another process has the database open, even idle.
fn lock_exclusive(live: &Path) -> Result<Connection, Locked> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(live, flags).map_err(classify_lock)?;
    conn.busy_timeout(LOCK_TIMEOUT).map_err(classify_lock)?;
    // Set before the first read, so the lock, once taken, is kept until the connection closes.
    conn.pragma_update_and_check(None, "locking_mode", "exclusive", |row| {
        row.get::<_, String>(0)
    })
    .map_err(classify_lock)?;
    conn.execute_batch("BEGIN EXCLUSIVE; SELECT count(*) FROM sqlite_schema; COMMIT;")
        .map_err(classify_lock)?;
    Ok(conn)
}

fn classify_lock(error: rusqlite::Error) -> Locked {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Locked::InUse,
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Locked::Unreadable(error.to_string())
        }
        _ => Locked::Failed(error),
    }
}

/// Listings and submissions in a database, 0 for a table it does not have.
fn held_data(conn: &Connection) -> rusqlite::Result<(u64, u64)> {
    let count = |table: &str| -> rusqlite::Result<u64> {
        let exists: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |row| row.get(0),
        )?;
        if !exists {
            return Ok(0);
        }
        count_rows(conn, table)
    };
    Ok((count("listings")?, count("submissions")?))
}

/// Removes `live`'s side files, if any.
fn remove_side_files(live: &Path) -> Result<(), BackupError> {
    for suffix in SIDE_FILES {
        let side = with_suffix(live, suffix);
        unless_missing(fs::remove_file(&side), "remove the stale", &side)?;
    }
    Ok(())
}

/// A file operation's outcome, where the file not being there is no error.
fn unless_missing(
    result: io::Result<()>,
    action: &'static str,
    path: &Path,
) -> Result<(), BackupError> {
    match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error(action, path)(e)),
        _ => Ok(()),
    }
}
