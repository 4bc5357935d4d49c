//! The audit log: every approved version of every listing, who proposed it, who approved it and when. Rows are
//! only ever added; triggers in the schema make SQLite refuse any UPDATE or DELETE.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, Transaction, params};
use serde::Serialize;

use super::{Store, StoreError, SubmissionKind, now, parsed, timestamp};
use crate::load::ServiceRecord;

/// An account as named in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// Account id.
    pub account: i64,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Its organisation, if it has one.
    pub organisation: Option<String>,
}

/// One approved version of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    /// The listing.
    pub listing_id: String,
    /// 1 for its first version, then one more for each approved change (closures included).
    pub version: i64,
    /// What this version did.
    pub kind: SubmissionKind,
    /// The full record of this version (for a closure, the record that was closed).
    pub record: ServiceRecord,
    /// The submission approved, when it came from one (not from a CSV import).
    pub submission_id: Option<i64>,
    /// Who submitted it; `None` for an import.
    pub submitted_by: Option<Actor>,
    /// Who approved it; `None` for an import.
    pub approved_by: Option<Actor>,
    /// Where it came from: `submission`, or `seed <file>` / `import <file>`.
    pub origin: String,
    /// When it became current.
    pub approved_at: DateTime<Utc>,
}

/// What an audit row records; its version is the listing's next.
pub(super) struct Entry<'a> {
    pub kind: SubmissionKind,
    pub record: &'a ServiceRecord,
    pub submission_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub origin: &'a str,
}

impl Store {
    /// Every approved version of a listing, oldest first; empty when the id was never listed.
    pub fn history(&self, listing_id: &str) -> Result<Vec<Version>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT audit.*,
                        sub.name AS sub_name, sub.organisation AS sub_org,
                        app.name AS app_name, app.organisation AS app_org
                 FROM audit
                 LEFT JOIN accounts sub ON sub.id = audit.submitted_by
                 LEFT JOIN accounts app ON app.id = audit.approved_by
                 WHERE audit.listing_id = ?1
                 ORDER BY audit.version",
            )?;
            let versions = stmt
                .query_map([listing_id], version_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(versions)
        })
    }
}

/// The version a listing's next audit entry gets: one past its last, or 1.
pub(super) fn next_version(conn: &Connection, listing_id: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM audit WHERE listing_id = ?1",
        [listing_id],
        |row| row.get(0),
    )
}

/// Appends one entry at the listing's next version, which is returned.
pub(super) fn append(tx: &Transaction<'_>, entry: &Entry<'_>) -> Result<i64, StoreError> {
    let version = next_version(tx, &entry.record.id)?;
    let record =
        serde_json::to_string(entry.record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO audit (listing_id, version, kind, record, submission_id, submitted_by,
                            approved_by, origin, approved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            entry.record.id,
            version,
            entry.kind.as_str(),
            record,
            entry.submission_id,
            entry.submitted_by,
            entry.approved_by,
            entry.origin,
            now(),
        ],
    )?;
    Ok(version)
}

fn actor(row: &Row<'_>, id: &str, name: &str, org: &str) -> rusqlite::Result<Option<Actor>> {
    Ok(match row.get::<_, Option<i64>>(id)? {
        Some(account) => Some(Actor {
            account,
            name: row.get(name)?,
            organisation: row.get(org)?,
        }),
        None => None,
    })
}

fn version_from_row(row: &Row<'_>) -> rusqlite::Result<Version> {
    let record: String = row.get("record")?;
    let record = serde_json::from_str(&record).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Version {
        listing_id: row.get("listing_id")?,
        version: row.get("version")?,
        kind: parsed(row, "kind")?,
        record,
        submission_id: row.get("submission_id")?,
        submitted_by: actor(row, "submitted_by", "sub_name", "sub_org")?,
        approved_by: actor(row, "approved_by", "app_name", "app_org")?,
        origin: row.get("origin")?,
        approved_at: timestamp(row, "approved_at")?,
    })
}
