//! The checks a database file must pass before gapmap trusts it: a backup just copied by [`super::backup()`], or
//! a file offered to [`super::restore()`]. It must be a SQLite database, intact (SQLite's integrity and
//! foreign-key checks), and a gapmap database at a schema version this build knows.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::files::{BackupError, file_size, io_error, sqlite};
use super::migrations;

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// The tables every gapmap database has had since schema version 1.
const GAPMAP_TABLES: [&str; 5] = ["accounts", "listings", "submissions", "audit", "dataset"];
/// What a verified backup (or a restored database) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    /// Current listings.
    pub listings: u64,
    /// Submissions of any status.
    pub submissions: u64,
    /// Rows of the audit log (approved versions of listings).
    pub audit_entries: u64,
    /// Accounts, revoked ones included.
    pub accounts: u64,
    /// The file's size in bytes.
    pub bytes: u64,
    /// The schema version (`PRAGMA user_version`) it was written at.
    pub schema_version: i64,
}

impl fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {}, {} (schema version {})",
            count(self.listings, "listing", "listings"),
            count(self.submissions, "submission", "submissions"),
            count(self.audit_entries, "audit entry", "audit entries"),
            count(self.accounts, "account", "accounts"),
            count(self.bytes, "byte", "bytes"),
            self.schema_version
        )
    }
}

/// Checks a finished copy, `file`, read-only: SQLite's integrity and foreign-key checks, then that it is a gapmap
/// database this build can open. Errors name `named`, the file the user gave.
pub(super) fn verify(file: &Path, named: &Path) -> Result<BackupSummary, BackupError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(file, flags).map_err(sqlite(named))?;
    let integrity =
        text_rows(&conn, "PRAGMA integrity_check").map_err(|e| classify_read(named, e))?;
    if integrity != ["ok"] {
        return Err(BackupError::Damaged {
            path: named.to_owned(),
            problems: integrity.join("\n"),
        });
    }
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sqlite(named))?;
    let known = migrations::latest();
    if found > known {
        return Err(BackupError::TooNew {
            path: named.to_owned(),
            found,
            known,
        });
    }
    let tables = text_rows(&conn, "SELECT name FROM sqlite_schema WHERE type = 'table'")
        .map_err(sqlite(named))?;
    let missing: Vec<&str> = GAPMAP_TABLES
        .into_iter()
        .filter(|t| !tables.iter().any(|name| name == t))
        .collect();
    if found < 1 || !missing.is_empty() {
        let detail = if missing.is_empty() {
            format!("schema version {found}")
        } else {
            format!("no table {}", missing.join(", "))
        };
        return Err(BackupError::NotGapmap {
            path: named.to_owned(),
            detail,
        });
    }
    let violations = text_rows(
        &conn,
        "SELECT format('row %s of %s refers to a missing row of %s', quote(rowid), \"table\", parent)
         FROM pragma_foreign_key_check",
    )
    .map_err(sqlite(named))?;
    if !violations.is_empty() {
        return Err(BackupError::Damaged {
            path: named.to_owned(),
            problems: violations.join("\n"),
        });
    }
    let count = |table: &str| count_rows(&conn, table).map_err(sqlite(named));
    Ok(BackupSummary {
        listings: count("listings")?,
        submissions: count("submissions")?,
        audit_entries: count("audit")?,
        accounts: count("accounts")?,
        bytes: file_size(file)?,
        schema_version: found,
    })
}

/// The number of rows in `table` (a name from this module, never user input).
pub(super) fn count_rows(conn: &Connection, table: &str) -> rusqlite::Result<u64> {
    let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// The first column of every row `sql` returns, as text.
fn text_rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    rows.collect()
}

/// Refuses a file that does not start with SQLite's header, before SQLite opens it.
pub(super) fn check_header(file: &Path) -> Result<(), BackupError> {
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    File::open(file)
        .and_then(|f| f.take(SQLITE_HEADER.len() as u64).read_to_end(&mut header))
        .map_err(io_error("read", file))?;
    if header.as_slice() == SQLITE_HEADER {
        return Ok(());
    }
    let detail = if header.is_empty() {
        "the file is empty".to_owned()
    } else {
        "it does not start with SQLite's header".to_owned()
    };
    Err(BackupError::NotSqlite {
        path: file.to_owned(),
        detail,
    })
}

/// SQLite's error reading `file`, as the most specific refusal.
pub(super) fn classify_read(file: &Path, error: rusqlite::Error) -> BackupError {
    let path = file.to_owned();
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => BackupError::NotSqlite {
            path,
            detail: error.to_string(),
        },
        Some(ErrorCode::DatabaseCorrupt) => BackupError::Damaged {
            path,
            problems: error.to_string(),
        },
        _ => BackupError::Sqlite {
            path,
            source: error,
        },
    }
}
