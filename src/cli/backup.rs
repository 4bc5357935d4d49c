//! `gapmap backup` and `gapmap restore`: a consistent copy of the live database, and putting one back.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::DataDirArgs;
use crate::store;

/// Arguments of `gapmap backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (one self-contained SQLite file, mode 0600).
    pub file: PathBuf,
    /// Replace <FILE> if it already exists.
    #[arg(long)]
    pub force: bool,
    /// Where the database is.
    #[command(flatten)]
    pub store: DataDirArgs,
}

/// Arguments of `gapmap restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (made by `gapmap backup`).
    pub file: PathBuf,
    /// Replace a database that holds listings or submissions, or that cannot be read (it is kept beside it).
    #[arg(long)]
    pub force: bool,
    /// Where the database is.
    #[command(flatten)]
    pub store: DataDirArgs,
}

/// Runs `gapmap backup`: prints `<file>: <what it holds>` once the copy is verified and in place.
pub fn run_backup(args: &BackupArgs, out: &mut dyn Write) -> Result<(), String> {
    let summary = store::backup(&args.store.data_dir, &args.file, args.force)
        .map_err(|e| format!("backup failed, nothing written: {e}"))?;
    writeln!(out, "{}: {summary}", args.file.display()).map_err(|e| e.to_string())
}

/// Runs `gapmap restore`: prints what the restored database holds, and where the one it replaced is kept.
pub fn run_restore(args: &RestoreArgs, out: &mut dyn Write) -> Result<(), String> {
    let data_dir = &args.store.data_dir;
    let restored = store::restore(&args.file, data_dir, args.force)
        .map_err(|e| format!("restore failed, nothing changed: {e}"))?;
    if let Some(previous) = &restored.previous {
        eprintln!(
            "gapmap: the database it replaced is kept as {}; delete it when no longer needed (it holds the same \
             confidential data)",
            previous.display()
        );
    }
    writeln!(
        out,
        "restored {} into {}: {}",
        args.file.display(),
        data_dir.join(store::DATABASE_FILE).display(),
        restored.summary
    )
    .map_err(|e| e.to_string())
}
