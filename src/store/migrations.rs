//! The schema, as numbered migrations. `PRAGMA user_version` records how many have run; each runs once, in order,
//! and all pending ones run in the same transaction, so a database is never left half-migrated.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`. Append only: never edit one that has shipped.
const MIGRATIONS: &[&str] = &[V1_INITIAL, V2_REQUEST_DIGEST, V3_SCENARIOS];

/// Accounts, current listings, submissions, the audit log and the dataset version.
const V1_INITIAL: &str = "
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('provider', 'reviewer', 'admin')),
    organisation TEXT,
    -- argon2id PHC string of the token's secret; the secret itself is never stored
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CHECK (role <> 'provider' OR organisation IS NOT NULL)
);

-- One row per current listing, the fields exactly as in the listings CSV (canonical text).
CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    service_type TEXT NOT NULL,
    lat TEXT NOT NULL,
    lon TEXT NOT NULL,
    location_precision TEXT NOT NULL,
    serves TEXT NOT NULL,
    capacity TEXT NOT NULL,
    specialisms TEXT NOT NULL,
    setting TEXT NOT NULL,
    phone TEXT NOT NULL,
    website TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    source TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    updated_at TEXT NOT NULL
);
CREATE INDEX listings_by_provider ON listings (provider);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('new', 'change', 'closure')),
    listing_id TEXT NOT NULL,
    organisation TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES accounts (id),
    -- the proposed full record as JSON (for a closure: the record being closed)
    payload TEXT NOT NULL,
    -- the listing version the proposal was made against; NULL for a new listing
    base_version INTEGER,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewer INTEGER REFERENCES accounts (id),
    comment TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    idempotency_key TEXT,
    UNIQUE (submitted_by, idempotency_key),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX submissions_by_status ON submissions (status, id);
CREATE INDEX submissions_by_organisation ON submissions (organisation, id);

-- A decision is final and nothing submitted is ever lost.
CREATE TRIGGER submissions_decided_are_final BEFORE UPDATE ON submissions
    WHEN OLD.status <> 'pending'
    BEGIN SELECT RAISE(ABORT, 'a decided submission cannot change'); END;
CREATE TRIGGER submissions_are_kept BEFORE DELETE ON submissions
    BEGIN SELECT RAISE(ABORT, 'submissions are never deleted'); END;

-- Every approved version of every listing (imports included).
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    listing_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    kind TEXT NOT NULL CHECK (kind IN ('new', 'change', 'closure')),
    record TEXT NOT NULL,
    submission_id INTEGER REFERENCES submissions (id),
    submitted_by INTEGER REFERENCES accounts (id),
    approved_by INTEGER REFERENCES accounts (id),
    origin TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    UNIQUE (listing_id, version)
);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- One row: bumped by every change to the listings, so readers know when to rebuild.
CREATE TABLE dataset (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO dataset (id, version) VALUES (1, 0);
";

/// A fingerprint of each submission's request, so that an `Idempotency-Key` reused with a different body is
/// refused instead of silently answered with the first submission. Rows from before it have none.
const V2_REQUEST_DIGEST: &str = "
ALTER TABLE submissions ADD COLUMN request_digest TEXT;
";

/// What-if scenarios: a name, the edits (JSON, as checked when the scenario was made) and the live dataset they
/// were made on. Never changed once written; the id is 128 random bits in hex, so it can be shared as a link.
const V3_SCENARIOS: &str = "
CREATE TABLE scenarios (
    id TEXT PRIMARY KEY CHECK (length(id) = 32),
    name TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES accounts (id),
    created_at TEXT NOT NULL,
    -- the store revision and dataset version (ETag) of the live data the edits were checked against
    based_on_revision INTEGER NOT NULL,
    based_on_version TEXT NOT NULL,
    edits TEXT NOT NULL
);
CREATE INDEX scenarios_by_account ON scenarios (created_by);
CREATE TRIGGER scenarios_are_unchanging BEFORE UPDATE ON scenarios
    BEGIN SELECT RAISE(ABORT, 'a scenario does not change once made'); END;
";

/// The schema version this build writes.
pub(super) fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every pending migration in one transaction. Safe to call on every open, from several processes.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > latest() {
        return Err(StoreError::TooNew {
            found,
            known: latest(),
        });
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", done as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, latest());
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM dataset", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
