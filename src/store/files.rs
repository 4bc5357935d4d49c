//! What a backup and a restore share: why either can fail ([`BackupError`]), and the file handling both need
//! (temporary files beside the target, fsync, sizes, telling the live database's files apart).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

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
pub(super) fn parent_of(path: &Path) -> PathBuf {
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
