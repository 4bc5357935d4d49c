//! `/api/submissions` (providers propose, reviewers decide) and `/api/services/{id}/history` (every approved
//! version). Every store call runs on the blocking pool; an approval swaps in the new snapshot before it answers,
//! so the very next read sees it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::{Deserialize, Serialize};

use crate::domain::Dataset;
use crate::http::auth::{Authenticated, store};
use crate::http::error::{AppError, ErrorBody, InvalidBody};
use crate::http::state::AppState;
use crate::store::{Store, SubmissionRequest, SubmissionStatus, Version};

/// Longest `Idempotency-Key` accepted, in characters.
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// `?status=` of the submission list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `pending`, `approved` or `rejected`; every status when absent.
    #[param(example = "pending")]
    pub status: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Why; required to reject, optional to approve (at most 2000 characters).
    #[serde(default)]
    pub comment: Option<String>,
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS {
        return Err(AppError::Unprocessable(vec![(
            "Idempotency-Key".into(),
            format!("must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} visible characters"),
        )]));
    }
    Ok(Some(key.to_owned()))
}

/// Propose a new listing, a change (full or partial) to one of the organisation's listings, or a closure.
#[utoipa::path(
    post,
    path = "/api/submissions", operation_id = "create_submission",
    tag = "submissions",
    request_body(content = Object, description = "`kind` (new, change, close), `listing_id`, and `fields` with the \
        CSV columns to set"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key returns the \
        first submission instead of making another")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded, pending review", body = Object),
        (status = 200, description = "A retry: the submission first made with this Idempotency-Key", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a provider, or not the organisation's listing", body = ErrorBody),
        (status = 404, description = "No such listing to change or close", body = ErrorBody),
        (status = 409, description = "A new listing whose id is taken", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 422, description = "Every field problem", body = InvalidBody),
    )
)]
pub async fn create(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    body: web::Json<SubmissionRequest>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let key = idempotency_key(&req)?;
    let snapshot = state.snapshot();
    let request = body.into_inner();
    let submitted =
        web::block(move || store.submit(&account.0, &request, key.as_deref(), snapshot.dataset()))
            .await??;
    let status = if submitted.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    tracing::info!(
        submission = submitted.submission.id,
        replayed = submitted.replayed,
        "submission received"
    );
    Ok(HttpResponse::build(status)
        .insert_header((
            header::LOCATION,
            format!("/api/submissions/{}", submitted.submission.id),
        ))
        .json(submitted.submission))
}

/// Submissions the caller may see: a reviewer every one, a provider its organisation's.
#[utoipa::path(
    get,
    path = "/api/submissions", operation_id = "list_submissions",
    tag = "submissions",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submissions, oldest first", body = Object),
        (status = 400, description = "Unknown status", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn list(
    req: HttpRequest,
    account: Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let status = query
        .status
        .as_deref()
        .map(str::parse::<SubmissionStatus>)
        .transpose()
        .map_err(|e| AppError::invalid("status", e.to_string()))?;
    let submissions = web::block(move || store.submissions(&account.0, status)).await??;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "submissions": submissions })))
}

fn submission_id(id: &str) -> Result<i64, AppError> {
    id.trim()
        .parse()
        .map_err(|_| AppError::NotFound(format!("no submission with id `{id}`")))
}

/// One submission with a field-by-field diff against the current listing.
#[utoipa::path(
    get,
    path = "/api/submissions/{id}", operation_id = "get_submission",
    tag = "submissions",
    params(("id" = i64, Path, description = "The submission's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`submission` and `diff`", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Another organisation's submission", body = ErrorBody),
        (status = 404, description = "No such submission", body = ErrorBody),
    )
)]
pub async fn detail(
    req: HttpRequest,
    account: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let id = submission_id(&id)?;
    let (submission, diff) = web::block(move || {
        let submission = store.submission(&account.0, id)?;
        Ok::<_, crate::store::StoreError>((submission, store.diff(id)?))
    })
    .await??;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "submission": submission, "diff": diff })))
}

/// The dataset of `state`'s areas and types with the store's current listings.
fn rebuild(store: &Store, state: &AppState) -> Result<(), AppError> {
    let services = store.snapshot()?.services;
    let current = state.snapshot();
    let dataset = Dataset::new(
        current.dataset().areas().to_vec(),
        current.dataset().types().to_vec(),
        services,
    )
    .map_err(|problems| {
        AppError::Internal(format!(
            "the approved listings do not form a dataset: {problems:?}"
        ))
    })?;
    state.replace(dataset)?;
    Ok(())
}

async fn decide(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: &str,
    decision: Decision,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let id = submission_id(id)?;
    let state: Arc<AppState> = state.into_inner();
    let submission = web::block(move || {
        let comment = decision.comment.as_deref();
        if approve {
            let submission = store.approve(&account.0, id, comment)?;
            rebuild(&store, &state)?;
            Ok::<_, AppError>(submission)
        } else {
            Ok(store.reject(&account.0, id, comment.unwrap_or_default())?)
        }
    })
    .await??;
    tracing::info!(submission = submission.id, approve, "submission decided");
    Ok(HttpResponse::Ok().json(submission))
}

/// Approve a pending submission: the listing changes at once and the map is recomputed before this answers.
#[utoipa::path(
    post,
    path = "/api/submissions/{id}/approve", operation_id = "approve_submission",
    tag = "submissions",
    params(("id" = i64, Path, description = "The submission's id")),
    request_body(content = Decision, description = "An optional comment"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The approved submission", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a reviewer, or a reviewer of the submitter's organisation", body = ErrorBody),
        (status = 404, description = "No such submission", body = ErrorBody),
        (status = 409, description = "Already decided, or the listing has changed since", body = ErrorBody),
    )
)]
pub async fn approve(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Decision>,
) -> Result<HttpResponse, AppError> {
    decide(req, account, state, &id, body.into_inner(), true).await
}

/// Reject a pending submission, saying why.
#[utoipa::path(
    post,
    path = "/api/submissions/{id}/reject", operation_id = "reject_submission",
    tag = "submissions",
    params(("id" = i64, Path, description = "The submission's id")),
    request_body(content = Decision, description = "The reason (required)"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rejected submission", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a reviewer, or a reviewer of the submitter's organisation", body = ErrorBody),
        (status = 404, description = "No such submission", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "No comment", body = InvalidBody),
    )
)]
pub async fn reject(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Decision>,
) -> Result<HttpResponse, AppError> {
    decide(req, account, state, &id, body.into_inner(), false).await
}

/// Who took part in a version, by organisation only: personal names stay private.
#[derive(Debug, Serialize)]
struct Party {
    organisation: Option<String>,
}

/// One approved version as published.
#[derive(Debug, Serialize)]
struct PublicVersion {
    version: i64,
    kind: crate::store::SubmissionKind,
    record: crate::load::services::ServiceRecord,
    origin: String,
    approved_at: chrono::DateTime<chrono::Utc>,
    submitted_by: Option<Party>,
    approved_by: Option<Party>,
}

impl From<Version> for PublicVersion {
    fn from(version: Version) -> Self {
        let mut record = version.record;
        // A confidential site's position is never published, in any version.
        if record
            .location_precision
            .trim()
            .eq_ignore_ascii_case("confidential")
        {
            record.lat.clear();
            record.lon.clear();
        }
        let party = |actor: Option<crate::store::Actor>| {
            actor.map(|a| Party {
                organisation: a.organisation,
            })
        };
        Self {
            version: version.version,
            kind: version.kind,
            record,
            origin: version.origin,
            approved_at: version.approved_at,
            submitted_by: party(version.submitted_by),
            approved_by: party(version.approved_by),
        }
    }
}

/// Every approved version of a listing, oldest first, with the submitting and approving organisations. A
/// confidential site's coordinates are left blank.
#[utoipa::path(
    get,
    path = "/api/services/{id}/history", operation_id = "service_history",
    tag = "services",
    params(("id" = String, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "`listing_id` and its `versions`", body = Object),
        (status = 404, description = "Never listed", body = ErrorBody),
    )
)]
pub async fn history(req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let listing = id.trim().to_owned();
    let lookup = listing.clone();
    let versions = web::block(move || store.history(&lookup)).await??;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!(
            "no service with id `{listing}` has ever been listed"
        )));
    }
    let versions: Vec<PublicVersion> = versions.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "listing_id": listing, "versions": versions })))
}
