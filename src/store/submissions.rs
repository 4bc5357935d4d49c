//! Providers' submissions: a new listing, a change (full or partial, merged onto the current listing) or a
//! closure, for the provider's own organisation's listings only. A proposal is checked with the same rules as
//! `gapmap validate` and stored as the full record it would make current, for a reviewer to decide on.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::listings;
use super::status::{SubmissionKind, SubmissionStatus};
use super::{
    Account, ListingFields, Role, Store, StoreError, clean_text, now, optional_timestamp, parsed,
    timestamp,
};
use crate::domain::Reference;
use crate::load::services::MAX_TEXT_CHARS;
use crate::load::{ServiceRecord, entry_rules, parse_entered_service};

/// A provider's proposal, as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// New listing, change or closure.
    pub kind: SubmissionKind,
    /// The listing concerned (for a new listing, its id-to-be).
    pub listing_id: String,
    /// The proposed fields; none for a closure.
    #[serde(default)]
    pub fields: ListingFields,
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    /// Numeric id.
    pub id: i64,
    /// What it proposes.
    pub kind: SubmissionKind,
    /// The listing concerned.
    pub listing_id: String,
    /// The submitter's organisation.
    pub organisation: String,
    /// The submitting account's id.
    pub submitted_by: i64,
    /// The full record it would make current (for a closure, the record it would close), canonical text.
    pub proposed: ServiceRecord,
    /// The listing version it was made against; `None` for a new listing.
    pub base_version: Option<i64>,
    /// Where it is in review.
    pub status: SubmissionStatus,
    /// The deciding account's id.
    pub reviewer: Option<i64>,
    /// The reviewer's comment.
    pub comment: Option<String>,
    /// When it was received.
    pub created_at: DateTime<Utc>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The client's idempotency key, if it sent one.
    pub idempotency_key: Option<String>,
}

/// The outcome of [`Store::submit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The submission.
    pub submission: Submission,
    /// True when the idempotency key matched an earlier submission, which is returned unchanged (no new row).
    pub replayed: bool,
}

const SUBMISSION_COLUMNS: &str = "id, kind, listing_id, organisation, submitted_by, payload, base_version, \
     status, reviewer, comment, created_at, decided_at, idempotency_key";

impl Store {
    /// Records a provider's proposal, checked against the listing rules and, for cross-references (type,
    /// area codes, point inside an area), against `reference`'s areas and types. Refuses with
    /// [`StoreError::Forbidden`] (not a provider, or not its organisation's listing), [`StoreError::NotFound`]
    /// (changing or closing a listing that does not exist), [`StoreError::Conflict`] (a new listing whose id
    /// exists) or [`StoreError::Invalid`] (every field problem). With an idempotency key already used by this
    /// account, returns that earlier submission and stores nothing. Returns only once the row is durable.
    pub fn submit(
        &self,
        account: &Account,
        request: &SubmissionRequest,
        idempotency_key: Option<&str>,
        reference: &Reference,
    ) -> Result<Submitted, StoreError> {
        if account.role != Role::Provider || account.is_revoked() {
            return Err(StoreError::Forbidden(
                "only provider accounts submit listings".into(),
            ));
        }
        let organisation = account.organisation.clone().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "provider account {} has no organisation",
                account.id
            ))
        })?;
        let key = idempotency_key
            .map(|k| clean_text("idempotency_key", k, MAX_TEXT_CHARS, false))
            .transpose()?;
        let listing_id = request.listing_id.trim();
        let request_digest = request_digest(request)?;
        self.write(|tx| {
            if let Some(key) = &key
                && let Some((earlier, earlier_digest)) = by_idempotency_key(tx, account.id, key)?
            {
                // Rows from before digests were kept are matched on what they recorded.
                let same = earlier_digest.map_or(
                    earlier.kind == request.kind && earlier.listing_id == listing_id,
                    |d| d == request_digest,
                );
                if !same {
                    return Err(StoreError::invalid(
                        "Idempotency-Key",
                        format!(
                            "this key was used for submission {} with a different request; use a new key for a \
                             new request",
                            earlier.id
                        ),
                    ));
                }
                return Ok(Submitted {
                    submission: earlier,
                    replayed: true,
                });
            }
            let pending = pending_count(tx, account.id)?;
            if pending >= self.max_pending {
                return Err(StoreError::TooManyPending(format!(
                    "this account has {pending} submissions awaiting review, the most it may have at once; \
                     wait for a reviewer to decide on some"
                )));
            }
            if request.kind == SubmissionKind::New {
                id_free_for(tx, listing_id, &organisation)?;
            }
            let current = listings::listing(tx, listing_id)?;
            let (proposed, base_version) = match (request.kind, current) {
                (SubmissionKind::New, Some(_)) => {
                    return Err(StoreError::Conflict(format!(
                        "listing `{listing_id}` already exists; submit a change instead"
                    )));
                }
                (SubmissionKind::Change | SubmissionKind::Closure, None) => {
                    return Err(StoreError::NotFound(format!(
                        "no current listing `{listing_id}`"
                    )));
                }
                (SubmissionKind::New, None) => {
                    let mut record = ServiceRecord {
                        id: listing_id.to_owned(),
                        ..ServiceRecord::default()
                    };
                    request.fields.apply_to(&mut record);
                    if request.fields.provider.is_none() {
                        record.provider.clone_from(&organisation);
                    }
                    (record, None)
                }
                (SubmissionKind::Change | SubmissionKind::Closure, Some(current)) => {
                    if current.record.provider != organisation {
                        return Err(StoreError::Forbidden(format!(
                            "listing `{listing_id}` belongs to `{}`, not `{organisation}`",
                            current.record.provider
                        )));
                    }
                    let mut record = current.record.clone();
                    request.fields.apply_to(&mut record);
                    if request.kind == SubmissionKind::Closure && !request.fields.is_empty() {
                        return Err(StoreError::invalid(
                            "fields",
                            "a closure proposes no field values",
                        ));
                    }
                    if request.kind == SubmissionKind::Change && record == current.record {
                        return Err(StoreError::invalid(
                            "fields",
                            "the change proposes no new value",
                        ));
                    }
                    (record, Some(current.version))
                }
            };
            if proposed.provider.trim() != organisation {
                return Err(StoreError::Forbidden(format!(
                    "a listing from `{organisation}` must name it as provider, not `{}`",
                    proposed.provider.trim()
                )));
            }
            let proposed = match request.kind {
                SubmissionKind::Closure => proposed,
                SubmissionKind::New | SubmissionKind::Change => check(&proposed, reference)?,
            };
            let payload =
                serde_json::to_string(&proposed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let id: i64 = tx.query_row(
                "INSERT INTO submissions (kind, listing_id, organisation, submitted_by, payload,
                                          base_version, created_at, idempotency_key, request_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                params![
                    request.kind.as_str(),
                    listing_id,
                    organisation,
                    account.id,
                    payload,
                    base_version,
                    now(),
                    key,
                    request_digest,
                ],
                |row| row.get(0),
            )?;
            Ok(Submitted {
                submission: submission(tx, id)?,
                replayed: false,
            })
        })
    }

    /// One submission, if `viewer` may see it: reviewers and admins see all, providers their organisation's.
    pub fn submission(&self, viewer: &Account, id: i64) -> Result<Submission, StoreError> {
        let found = self.read(|conn| submission(conn, id))?;
        if viewer.role.reviews() || viewer.organisation.as_deref() == Some(&found.organisation) {
            Ok(found)
        } else {
            Err(StoreError::Forbidden(format!(
                "submission {id} is not from your organisation"
            )))
        }
    }

    /// The submissions `viewer` may see (reviewers and admins: all; providers: their organisation's), optionally
    /// only those with one status, oldest first.
    pub fn submissions(
        &self,
        viewer: &Account,
        status: Option<SubmissionStatus>,
    ) -> Result<Vec<Submission>, StoreError> {
        let organisation = if viewer.role.reviews() {
            None
        } else {
            Some(viewer.organisation.clone().unwrap_or_default())
        };
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions
                 WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR organisation = ?2)
                 ORDER BY id"
            ))?;
            let found = stmt
                .query_map(
                    params![status.map(SubmissionStatus::as_str), organisation],
                    submission_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(found)
        })
    }
}

/// Refuses (409) a new listing whose id is or was used by another organisation's listing, so that an id can
/// neither be squatted nor taken over with its history. An organisation may reopen its own closed listing.
pub(super) fn id_free_for(
    conn: &Connection,
    listing_id: &str,
    organisation: &str,
) -> Result<(), StoreError> {
    if let Some(current) = listings::listing(conn, listing_id)? {
        return Err(StoreError::Conflict(
            if current.record.provider == organisation {
                format!("listing `{listing_id}` already exists; submit a change instead")
            } else {
                format!("listing id `{listing_id}` is taken; choose another id")
            },
        ));
    }
    let others: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE listing_id = ?1
                        AND json_extract(record, '$.provider') IS NOT ?2)",
        params![listing_id, organisation],
        |row| row.get(0),
    )?;
    if others {
        return Err(StoreError::Conflict(format!(
            "listing id `{listing_id}` was used by another organisation's listing and cannot be reused; choose \
             another id"
        )));
    }
    Ok(())
}

/// A stable fingerprint of a request (SHA-256 of its JSON, whose field order is fixed by the type).
fn request_digest(request: &SubmissionRequest) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(request).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn pending_count(conn: &Connection, account: i64) -> Result<usize, StoreError> {
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM submissions WHERE submitted_by = ?1 AND status = 'pending'",
        [account],
        |row| row.get(0),
    )?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Checks a proposed record as `gapmap validate` would (every field as it is entered today, then the one row
/// against `reference`) and returns it in canonical text.
pub(super) fn check(
    record: &ServiceRecord,
    reference: &Reference,
) -> Result<ServiceRecord, StoreError> {
    let service = parse_entered_service(record, &entry_rules()).map_err(StoreError::Invalid)?;
    let problems = reference.check_service(&service);
    if problems.is_empty() {
        Ok(ServiceRecord::from_service(&service))
    } else {
        Err(StoreError::Invalid(problems))
    }
}

pub(super) fn submission(conn: &Connection, id: i64) -> Result<Submission, StoreError> {
    conn.query_row(
        &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1"),
        [id],
        submission_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("no submission {id}")))
}

/// The submission this account made with this idempotency key, with its request digest.
fn by_idempotency_key(
    conn: &Connection,
    account: i64,
    key: &str,
) -> Result<Option<(Submission, Option<String>)>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {SUBMISSION_COLUMNS}, request_digest FROM submissions
                 WHERE submitted_by = ?1 AND idempotency_key = ?2"
            ),
            params![account, key],
            |row| Ok((submission_from_row(row)?, row.get("request_digest")?)),
        )
        .optional()?)
}

fn submission_from_row(row: &Row<'_>) -> rusqlite::Result<Submission> {
    let payload: String = row.get("payload")?;
    let proposed = serde_json::from_str(&payload).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Submission {
        id: row.get("id")?,
        kind: parsed(row, "kind")?,
        listing_id: row.get("listing_id")?,
        organisation: row.get("organisation")?,
        submitted_by: row.get("submitted_by")?,
        proposed,
        base_version: row.get("base_version")?,
        status: parsed(row, "status")?,
        reviewer: row.get("reviewer")?,
        comment: row.get("comment")?,
        created_at: timestamp(row, "created_at")?,
        decided_at: optional_timestamp(row, "decided_at")?,
        idempotency_key: row.get("idempotency_key")?,
    })
}
