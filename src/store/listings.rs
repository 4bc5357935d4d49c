//! The current listings: one row per service, its fields as canonical CSV text, its version and when it changed.
//! Seeded once from the bundled CSV, then changed only by approvals and imports, each of which bumps the dataset
//! version.

use std::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};

pub use crate::domain::{DEFAULT_STALE_MONTHS, is_stale};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params_from_iter};
use serde::Serialize;

use super::audit::{self, Entry};
use super::{Store, StoreError, SubmissionKind, now, timestamp};
use crate::domain::{Dataset, LISTING_FIELDS, Service};
use crate::load::{self, DataPaths, ServiceRecord, parse_service};

/// A current listing as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// Its fields, as in the CSV.
    pub record: ServiceRecord,
    /// How many versions it has had (its latest audit entry's version).
    pub version: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The current services and the dataset version they belong to, read together.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Bumped by every approval and import that changes a listing.
    pub version: i64,
    /// The current services, in the order they were first listed.
    pub services: Vec<Service>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Listings that did not exist.
    pub added: usize,
    /// Listings whose fields differed.
    pub changed: usize,
    /// Listings already exactly as in the file.
    pub unchanged: usize,
}

/// The value of one CSV column of a record, by its column name (see [`load::SERVICE_COLUMNS`]).
pub fn field_value<'a>(record: &'a ServiceRecord, field: &str) -> Option<&'a str> {
    record.field(field)
}

/// The columns of a listing row: each schema field's column ([`LISTING_FIELDS`]), then `version, updated_at`.
const LISTING_COLUMNS: ListingColumns = ListingColumns;

/// Writes [`LISTING_COLUMNS`] as an SQL column list.
struct ListingColumns;

impl fmt::Display for ListingColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for field in &LISTING_FIELDS {
            write!(f, "{}, ", field.column)?;
        }
        f.write_str("version, updated_at")
    }
}

/// Inserts a listing row ([`LISTING_COLUMNS`], in order), or updates every column but the id of the one there.
static UPSERT_LISTING: LazyLock<String> = LazyLock::new(|| {
    let count = LISTING_FIELDS.len() + 2;
    let values: Vec<String> = (1..=count).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = LISTING_FIELDS
        .iter()
        .map(|field| field.column)
        .chain(["version", "updated_at"])
        .filter(|&column| column != "id")
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    format!(
        "INSERT INTO listings ({LISTING_COLUMNS}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
});

impl Store {
    /// Whether nothing has ever been listed (no audit entry at all): the one time the bundled CSV is imported.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        self.read(|conn| Ok(never_listed(conn)?))
    }

    /// On a database that has never held a listing, imports the dataset at `paths` (checked exactly as
    /// `gapmap validate` checks it). Does nothing, and reads no file, once anything has been listed.
    pub fn seed_if_empty(&self, paths: &DataPaths) -> Result<Option<ImportSummary>, StoreError> {
        if !self.is_empty()? {
            return Ok(None);
        }
        let dataset = load::load_dataset(paths)?;
        let origin = format!("seed {}", paths.services.display());
        self.write(|tx| {
            // Another process may have seeded since the check above.
            if !never_listed(tx)? {
                return Ok(None);
            }
            import(tx, &dataset, &origin).map(Some)
        })
    }

    /// Adds or updates every listing of `imported` (a dataset, so already fully checked), recording a new version
    /// for each that differs, in one transaction. Listings not in `imported` are left as they are.
    pub fn import_services(
        &self,
        imported: &Dataset,
        origin: &str,
    ) -> Result<ImportSummary, StoreError> {
        let origin = format!("import {origin}");
        self.write(|tx| import(tx, imported, &origin))
    }

    /// The current services, to build a [`Dataset`] from.
    pub fn current_services(&self) -> Result<Vec<Service>, StoreError> {
        Ok(self.snapshot()?.services)
    }

    /// The dataset version: bumped by every approval and every import that changes a listing.
    pub fn dataset_version(&self) -> Result<i64, StoreError> {
        self.read(|conn| Ok(dataset_version(conn)?))
    }

    /// The current services with the dataset version they belong to, read in one transaction.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        self.read(|conn| {
            Ok(Snapshot {
                services: current_services(conn)?,
                version: dataset_version(conn)?,
            })
        })
    }

    /// One current listing.
    pub fn listing(&self, id: &str) -> Result<Option<Listing>, StoreError> {
        self.read(|conn| listing(conn, id))
    }

    /// Every current listing, in the order they were first listed (for export).
    pub fn listings(&self) -> Result<Vec<Listing>, StoreError> {
        self.read(all_listings)
    }
}

/// Every current listing as a service, in listing order.
pub(super) fn current_services(conn: &Connection) -> Result<Vec<Service>, StoreError> {
    all_listings(conn)?
        .into_iter()
        .map(|listing| {
            parse_service(&listing.record).map_err(|problems| {
                StoreError::Corrupt(format!("listing `{}`: {problems:?}", listing.record.id))
            })
        })
        .collect()
}

fn never_listed(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM audit)", [], |row| {
        row.get(0)
    })
}

fn import(
    tx: &Transaction<'_>,
    imported: &Dataset,
    origin: &str,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    for service in imported.services() {
        let record = ServiceRecord::from_service(service);
        let kind = match listing(tx, &record.id)? {
            Some(current) if current.record == record => {
                summary.unchanged += 1;
                continue;
            }
            Some(_) => {
                summary.changed += 1;
                SubmissionKind::Change
            }
            None => {
                summary.added += 1;
                SubmissionKind::New
            }
        };
        apply(tx, kind, &record)?;
        audit::append(
            tx,
            &Entry {
                kind,
                record: &record,
                submission_id: None,
                submitted_by: None,
                approved_by: None,
                origin,
            },
        )?;
    }
    if summary.added + summary.changed > 0 {
        bump_dataset_version(tx)?;
    }
    Ok(summary)
}

/// Makes `record` current (`New`, `Change`) or removes it (`Closure`), at the listing's next version, which is
/// returned. The caller appends the matching audit entry in the same transaction.
pub(super) fn apply(
    tx: &Transaction<'_>,
    kind: SubmissionKind,
    record: &ServiceRecord,
) -> Result<i64, StoreError> {
    let version = audit::next_version(tx, &record.id)?;
    let changed = match kind {
        SubmissionKind::Closure => {
            tx.execute("DELETE FROM listings WHERE id = ?1", [&record.id])?
        }
        SubmissionKind::New | SubmissionKind::Change => tx.execute(
            &UPSERT_LISTING,
            params_from_iter(
                record
                    .cells()
                    .map(ToSqlOutput::from)
                    .chain([ToSqlOutput::from(version), ToSqlOutput::from(now())]),
            ),
        )?,
    };
    if changed != 1 {
        return Err(StoreError::Corrupt(format!(
            "applying a {kind} to listing `{}` touched {changed} rows",
            record.id
        )));
    }
    Ok(version)
}

pub(super) fn bump_dataset_version(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "UPDATE dataset SET version = version + 1 WHERE id = 1 RETURNING version",
        [],
        |row| row.get(0),
    )
}

/// The revision counter (the dataset version), as `conn` sees it.
pub(super) fn revision(conn: &Connection) -> Result<i64, StoreError> {
    Ok(dataset_version(conn)?)
}

fn dataset_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT version FROM dataset WHERE id = 1", [], |row| {
        row.get(0)
    })
}

pub(super) fn listing(conn: &Connection, id: &str) -> Result<Option<Listing>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {LISTING_COLUMNS} FROM listings WHERE id = ?1"),
            [id],
            listing_from_row,
        )
        .optional()?)
}

fn all_listings(conn: &Connection) -> Result<Vec<Listing>, StoreError> {
    // rowid order is the order listings were first added; updates keep their place.
    let mut stmt = conn.prepare(&format!(
        "SELECT {LISTING_COLUMNS} FROM listings ORDER BY rowid"
    ))?;
    let listings = stmt
        .query_map([], listing_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listings)
}

fn listing_from_row(row: &Row<'_>) -> rusqlite::Result<Listing> {
    Ok(Listing {
        record: ServiceRecord::try_from_columns(|column| row.get(column))?,
        version: row.get("version")?,
        updated_at: timestamp(row, "updated_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_csv_column_has_a_value() {
        let record = ServiceRecord::default();
        for column in load::SERVICE_COLUMNS {
            assert!(field_value(&record, column).is_some(), "{column}");
        }
        assert_eq!(field_value(&record, "nope"), None);
    }
}
