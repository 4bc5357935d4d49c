//! Reviewers' decisions. Approving makes a submission's record current, appends it to the audit log and bumps the
//! dataset version in one transaction; rejecting records why. Nobody decides on their own organisation's
//! submissions, and a decision is final.

use rusqlite::{Transaction, params};
use serde::Serialize;

use super::audit::{self, Entry};
use super::listings::{self, bump_dataset_version, field_value};
use super::submissions::submission;
use super::{
    Account, Store, StoreError, Submission, SubmissionKind, SubmissionStatus, clean_text, now,
};
use crate::load::SERVICE_COLUMNS;

/// Longest reviewer comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// One field of a submission beside the current listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    /// The CSV column.
    pub field: &'static str,
    /// Its current value; `None` when the listing does not exist (new, or closed since).
    pub current: Option<String>,
    /// The proposed value; `None` for a closure.
    pub proposed: Option<String>,
    /// Whether the two differ.
    pub changed: bool,
}

impl Store {
    /// Approves a pending submission: in one transaction the listing changes, the audit log gains the new
    /// version, the dataset version goes up and the submission is marked approved. Refused for non-reviewers,
    /// for a reviewer of the submitter's organisation, for a decided submission, and (as a conflict) when the
    /// listing has changed since the proposal was made, so an approval never silently undoes another.
    pub fn approve(
        &self,
        reviewer: &Account,
        submission_id: i64,
        comment: Option<&str>,
    ) -> Result<Submission, StoreError> {
        let comment = comment
            .filter(|c| !c.trim().is_empty())
            .map(|c| clean_text("comment", c, MAX_COMMENT_CHARS, true))
            .transpose()?;
        self.write(|tx| {
            let pending = pending_for(tx, reviewer, submission_id)?;
            let current = listings::listing(tx, &pending.listing_id)?;
            let current_version = current.as_ref().map(|l| l.version);
            if current_version != pending.base_version {
                return Err(StoreError::Conflict(match current_version {
                    Some(v) if pending.base_version.is_none() => format!(
                        "listing `{}` has been created since (version {v}); reject this submission",
                        pending.listing_id
                    ),
                    Some(v) => format!(
                        "listing `{}` is at version {v}, but the submission was made against version {}; \
                         reject it and ask for a new one",
                        pending.listing_id,
                        pending.base_version.unwrap_or_default()
                    ),
                    None => format!(
                        "listing `{}` has been closed since the submission was made",
                        pending.listing_id
                    ),
                }));
            }
            listings::apply(tx, pending.kind, &pending.proposed)?;
            audit::append(
                tx,
                &Entry {
                    kind: pending.kind,
                    record: &pending.proposed,
                    submission_id: Some(pending.id),
                    submitted_by: Some(pending.submitted_by),
                    approved_by: Some(reviewer.id),
                    origin: "submission",
                },
            )?;
            bump_dataset_version(tx)?;
            decide(tx, pending.id, SubmissionStatus::Approved, reviewer, comment.as_deref())
        })
    }

    /// Rejects a pending submission with a comment saying why; the listings do not change. The same reviewer
    /// rules as [`Store::approve`] apply.
    pub fn reject(
        &self,
        reviewer: &Account,
        submission_id: i64,
        comment: &str,
    ) -> Result<Submission, StoreError> {
        let comment = clean_text("comment", comment, MAX_COMMENT_CHARS, true)?;
        self.write(|tx| {
            let pending = pending_for(tx, reviewer, submission_id)?;
            decide(
                tx,
                pending.id,
                SubmissionStatus::Rejected,
                reviewer,
                Some(&comment),
            )
        })
    }

    /// A submission field by field beside the current listing, in CSV column order.
    pub fn diff(&self, submission_id: i64) -> Result<Vec<FieldDiff>, StoreError> {
        self.read(|conn| {
            let found = submission(conn, submission_id)?;
            let current = listings::listing(conn, &found.listing_id)?;
            let proposed = (found.kind != SubmissionKind::Closure).then_some(&found.proposed);
            Ok(SERVICE_COLUMNS
                .iter()
                .map(|&field| {
                    let current = current
                        .as_ref()
                        .and_then(|l| field_value(&l.record, field))
                        .map(str::to_owned);
                    let proposed = proposed
                        .and_then(|r| field_value(r, field))
                        .map(str::to_owned);
                    FieldDiff {
                        field,
                        changed: current != proposed,
                        current,
                        proposed,
                    }
                })
                .collect())
        })
    }
}

/// The submission `reviewer` is about to decide, once the reviewer rules pass.
fn pending_for(
    tx: &Transaction<'_>,
    reviewer: &Account,
    submission_id: i64,
) -> Result<Submission, StoreError> {
    if !reviewer.role.reviews() || reviewer.is_revoked() {
        return Err(StoreError::Forbidden(
            "only reviewer and admin accounts decide on submissions".into(),
        ));
    }
    let found = submission(tx, submission_id)?;
    // Case-insensitive, so a differently typed organisation name cannot slip past the rule.
    if reviewer
        .organisation
        .as_deref()
        .is_some_and(|own| own.trim().eq_ignore_ascii_case(found.organisation.trim()))
    {
        return Err(StoreError::Forbidden(format!(
            "submission {submission_id} is from your own organisation; another organisation's reviewer must decide"
        )));
    }
    if found.status != SubmissionStatus::Pending {
        return Err(StoreError::Conflict(format!(
            "submission {submission_id} is already {}",
            found.status.as_str()
        )));
    }
    Ok(found)
}

fn decide(
    tx: &Transaction<'_>,
    id: i64,
    status: SubmissionStatus,
    reviewer: &Account,
    comment: Option<&str>,
) -> Result<Submission, StoreError> {
    tx.execute(
        "UPDATE submissions SET status = ?2, reviewer = ?3, comment = ?4, decided_at = ?5
         WHERE id = ?1 AND status = 'pending'",
        params![id, status.as_str(), reviewer.id, comment, now()],
    )?;
    submission(tx, id)
}
