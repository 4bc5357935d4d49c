//! Reviewers' decisions. Approving makes a submission's record current, appends it to the audit log and bumps the
//! dataset version in one transaction; rejecting records why. Nobody decides on their own organisation's
//! submissions, and a decision is final.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::audit::{self, Entry};
use super::diff::FieldDiff;
use super::listings::{self, Listing, bump_dataset_version};
use super::submissions::{check, id_free_for, submission};
use std::sync::PoisonError;

use super::{
    Account, Store, StoreError, Submission, SubmissionKind, SubmissionStatus, clean_text, now,
};
use crate::domain::{LocationPrecision, Reference, Service};
use crate::load::{ServiceRecord, parse_service};

/// How many times an approval is tried when other approvals or imports change the listings while its next
/// dataset is being analysed.
const APPROVAL_ATTEMPTS: usize = 5;

/// Longest reviewer comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// What a reviewer sends with an approval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Approval<'a> {
    /// Why, optionally (at most [`MAX_COMMENT_CHARS`] characters).
    pub comment: Option<&'a str>,
    /// The reviewer has seen the [`ReviewWarning::ConfidentialToExact`] warning and means to publish the
    /// position; without it such an approval is refused.
    pub acknowledge_exact_position: bool,
}

impl<'a> Approval<'a> {
    /// An approval with an optional comment and no acknowledgement.
    pub fn with_comment(comment: Option<&'a str>) -> Self {
        Self {
            comment,
            acknowledge_exact_position: false,
        }
    }
}

/// Something a reviewer must know before approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReviewWarning {
    /// The submission makes `exact` — public — the position of a listing that is, or once was, confidential.
    ConfidentialToExact {
        /// In plain words, for the reviewer.
        message: String,
    },
}

/// A submission as a reviewer (or its submitter) opens it: the submission, the current listing it would change,
/// and the warnings approving it carries. The caller decides what of it the reader may see
/// ([`crate::domain::disclosure`]).
#[derive(Debug, Clone)]
pub struct Review {
    /// The submission.
    pub submission: Submission,
    /// The listing as it is now; `None` when it does not exist (new, or closed since).
    pub current: Option<Listing>,
    /// What approving it would do that needs acknowledging.
    pub warnings: Vec<ReviewWarning>,
}

impl Store {
    /// Approves a pending submission: in one transaction the listing changes, the audit log gains the new
    /// version, the dataset version goes up and the submission is marked approved. Refused for non-reviewers,
    /// for a reviewer of the submitter's organisation, for a decided submission, (as a conflict) when the
    /// listing has changed since the proposal was made, so an approval never silently undoes another, when the
    /// record breaks the rules of `reference` as they are now (a type's location policy or capacity limit may
    /// have changed since it was submitted), and when it publishes the position of a listing that is or was
    /// confidential without [`Approval::acknowledge_exact_position`].
    pub fn approve(
        &self,
        reviewer: &Account,
        submission_id: i64,
        approval: &Approval<'_>,
        reference: &Reference,
    ) -> Result<Submission, StoreError> {
        self.approve_then(
            reviewer,
            submission_id,
            approval,
            reference,
            None,
            |_, _| Ok(()),
        )
        .map(|(submission, ())| submission)
    }

    /// [`Store::approve`], which before committing gives `next` the revision it will commit and every listing as
    /// it will then be, for it to build what the caller will serve (the next dataset and its analysis). If `next`
    /// fails, nothing is committed and the approval is refused as a conflict: no approval is ever committed that
    /// the server could not serve, or start from. `next` runs without holding the write lock; if the listings
    /// change meanwhile, it runs again on the new ones. `known` is the listings the caller already holds and the
    /// revision they were read at: while that is still the store's revision, they are used instead of reading
    /// every listing again.
    pub fn approve_then<T>(
        &self,
        reviewer: &Account,
        submission_id: i64,
        approval: &Approval<'_>,
        reference: &Reference,
        known: Option<(i64, &[Service])>,
        mut next: impl FnMut(i64, Vec<Service>) -> Result<T, String>,
    ) -> Result<(Submission, T), StoreError> {
        let comment = approval
            .comment
            .filter(|c| !c.trim().is_empty())
            .map(|c| clean_text("comment", c, MAX_COMMENT_CHARS, true))
            .transpose()?;
        // The next listings are analysed outside the write lock, so that submissions never wait on an analysis;
        // the write then commits only if nothing changed the listings meanwhile (else it tries again). Approvals in
        // this process take turns, so only another process (an import) can make one try again.
        let _turn = self
            .approvals
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for _ in 0..APPROVAL_ATTEMPTS {
            let (revision, services, pending) = self.read(|conn| {
                let pending = approvable(conn, reviewer, submission_id, approval, reference)?;
                let revision = listings::revision(conn)?;
                let services = match known {
                    Some((at, held)) if at == revision => held.to_vec(),
                    _ => listings::current_services(conn)?,
                };
                Ok((revision, services, pending))
            })?;
            let after = with_applied(services, &pending)?;
            let prepared = next(revision + 1, after).map_err(|problem| {
                StoreError::Conflict(format!(
                    "approving submission {} would leave listings that cannot be served ({problem}); nothing was \
                     changed and the submission is still pending",
                    pending.id
                ))
            })?;
            let committed = self.write(|tx| {
                if listings::revision(tx)? != revision {
                    return Ok(None);
                }
                let pending = approvable(tx, reviewer, submission_id, approval, reference)?;
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
                decide(
                    tx,
                    pending.id,
                    SubmissionStatus::Approved,
                    reviewer,
                    comment.as_deref(),
                )
                .map(Some)
            })?;
            if let Some(decided) = committed {
                return Ok((decided, prepared));
            }
        }
        Err(StoreError::Conflict(format!(
            "the listings kept changing while submission {submission_id} was being approved; approve it again"
        )))
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

    /// A submission field by field beside the current listing, in CSV column order, unfiltered: for callers that
    /// apply the disclosure rule themselves.
    pub fn diff(&self, submission_id: i64) -> Result<Vec<FieldDiff>, StoreError> {
        let review = self.read(|conn| review(conn, submission_id))?;
        let proposed = (review.submission.kind != SubmissionKind::Closure)
            .then_some(&review.submission.proposed);
        Ok(FieldDiff::between(
            review.current.as_ref().map(|l| &l.record),
            proposed,
        ))
    }

    /// One submission, if `viewer` may see it (see [`Store::submission`]), with the current listing and the
    /// warnings approving it would carry, read together.
    pub fn review(&self, viewer: &Account, submission_id: i64) -> Result<Review, StoreError> {
        self.submission(viewer, submission_id)?;
        self.read(|conn| review(conn, submission_id))
    }
}

fn review(conn: &Connection, submission_id: i64) -> Result<Review, StoreError> {
    let submission = submission(conn, submission_id)?;
    let current = listings::listing(conn, &submission.listing_id)?;
    let warnings = if submission.status == SubmissionStatus::Pending {
        review_warnings(conn, &submission, current.as_ref())?
    } else {
        Vec::new()
    };
    Ok(Review {
        submission,
        current,
        warnings,
    })
}

/// The warnings approving `pending` carries: whether it makes public the position of a listing whose current
/// version, or any earlier one, is confidential.
fn review_warnings(
    conn: &Connection,
    pending: &Submission,
    current: Option<&Listing>,
) -> Result<Vec<ReviewWarning>, StoreError> {
    let confidential = |record: &ServiceRecord| {
        LocationPrecision::parse(&record.location_precision) != Ok(LocationPrecision::Exact)
    };
    if pending.kind == SubmissionKind::Closure || confidential(&pending.proposed) {
        return Ok(Vec::new());
    }
    let now_confidential = current.is_some_and(|l| confidential(&l.record));
    let ever_confidential: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE listing_id = ?1
                        AND json_extract(record, '$.location_precision') IS NOT 'exact')",
        [&pending.listing_id],
        |row| row.get(0),
    )?;
    Ok(if now_confidential || ever_confidential {
        vec![ReviewWarning::ConfidentialToExact {
            message: format!(
                "`{}` is {} confidential: approving this publishes its exact position on the map and in every \
                 export. Approve only if the service has confirmed its address may be public.",
                pending.listing_id,
                if now_confidential { "now" } else { "was once" }
            ),
        }]
    } else {
        Vec::new()
    })
}

/// The pending submission, once every rule for approving it passes: the reviewer rules, the listing unchanged since
/// it was proposed, the record within the rules of `reference`, a new id free, and the acknowledgement a
/// confidential-to-exact change needs.
fn approvable(
    conn: &Connection,
    reviewer: &Account,
    submission_id: i64,
    approval: &Approval<'_>,
    reference: &Reference,
) -> Result<Submission, StoreError> {
    let pending = pending_for(conn, reviewer, submission_id)?;
    let current = listings::listing(conn, &pending.listing_id)?;
    let current_version = current.as_ref().map(|l| l.version);
    if current_version != pending.base_version {
        return Err(StoreError::Conflict(match current_version {
            Some(v) if pending.base_version.is_none() => format!(
                "listing `{}` has been created since (version {v}); reject this submission",
                pending.listing_id
            ),
            Some(v) => format!(
                "listing `{}` is at version {v}, but the submission was made against version {}; reject it and \
                 ask for a new one",
                pending.listing_id,
                pending.base_version.unwrap_or_default()
            ),
            None => format!(
                "listing `{}` has been closed since the submission was made",
                pending.listing_id
            ),
        }));
    }
    if pending.kind != SubmissionKind::Closure {
        check(&pending.proposed, reference)?;
    }
    if pending.kind == SubmissionKind::New {
        id_free_for(conn, &pending.listing_id, &pending.organisation)?;
    }
    let warnings = review_warnings(conn, &pending, current.as_ref())?;
    if !warnings.is_empty() && !approval.acknowledge_exact_position {
        return Err(StoreError::invalid(
            "acknowledge_exact_position",
            format!(
                "approving submission {} publishes the exact position of `{}`, which is or was confidential; if \
                 that is intended, approve again with \"acknowledge_exact_position\": true",
                pending.id, pending.listing_id
            ),
        ));
    }
    Ok(pending)
}

/// The current services as they will be once `pending` is applied, in the order the store keeps them: a change
/// keeps its place, a new listing comes last, a closure leaves.
fn with_applied(
    mut services: Vec<Service>,
    pending: &Submission,
) -> Result<Vec<Service>, StoreError> {
    let position = services.iter().position(|s| s.id == pending.listing_id);
    if pending.kind == SubmissionKind::Closure {
        if let Some(position) = position {
            services.remove(position);
        }
        return Ok(services);
    }
    let service = parse_service(&pending.proposed).map_err(StoreError::Invalid)?;
    match position {
        Some(position) => services[position] = service,
        None => services.push(service),
    }
    Ok(services)
}

/// The submission `reviewer` is about to decide, once the reviewer rules pass.
fn pending_for(
    tx: &Connection,
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
