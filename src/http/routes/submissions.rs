//! `/api/submissions` (providers propose, reviewers decide) and `/api/services/{id}/history` (every approved
//! version). Every store call runs on the blocking pool; an approval swaps in the new snapshot before it answers,
//! so the very next read sees it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;

use super::decision::{Decision, DecisionRefusals, RejectionBody};
use crate::domain::disclosure::View;
use crate::http::auth::{Authenticated, app, json_body, store};
use crate::http::error::{AppError, ErrorBody, InvalidBody};
use crate::http::openapi::SubmissionBody;
use crate::http::state::AppState;
use crate::http::views::history::public_history;
use crate::http::views::submissions::{review_view, submission_view};
use crate::store::{Approval, SubmissionRequest, SubmissionStatus};

/// Longest `Idempotency-Key` accepted, in characters.
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// `?status=` of the submission list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `pending`, `approved` or `rejected`; every status when absent.
    #[param(schema_with = status_schema, example = "pending")]
    pub status: Option<String>,
}

fn status_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["pending", "approved", "rejected"]))
        .build()
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

/// Who a token signs in as: `GET /api/me`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The account's handle, if it has one.
    pub name: Option<String>,
    /// `provider`, `reviewer` or `admin`.
    #[schema(example = "provider")]
    pub role: &'static str,
    /// The account's organisation: always set for a provider.
    pub organisation: Option<String>,
}

/// The account the bearer token belongs to, so that a page can check a token at sign-in and say who is signed in.
#[utoipa::path(
    get,
    path = "/api/me", operation_id = "me",
    tag = "submissions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account", body = Me),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins from this address", body = ErrorBody),
    )
)]
pub async fn me(account: Authenticated) -> HttpResponse {
    let account = account.0;
    HttpResponse::Ok().json(Me {
        name: account.name,
        role: account.role.as_str(),
        organisation: account.organisation,
    })
}

/// Propose a new listing, a change (full or partial) to one of the organisation's listings, or a closure.
#[utoipa::path(
    post,
    path = "/api/submissions", operation_id = "create_submission",
    tag = "submissions",
    request_body(content = SubmissionBody, description = "`kind`, `listing_id`, and `fields` with the CSV \
        columns to set"),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200,
        pattern = r"^[!-~](?:[\t -~]*[!-~])?$",
        description = "Retrying with the same key returns the first submission instead of making another: 1 to \
            200 visible ASCII characters (spaces and tabs only inside)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded, pending review", body = Object),
        (status = 200, description = "A retry: the submission first made with this Idempotency-Key", body = Object),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a provider, or not the organisation's listing", body = ErrorBody),
        (status = 404, description = "No such listing to change or close", body = ErrorBody),
        (status = 409, description = "A new listing whose id is taken, or too many submissions awaiting review", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "Every field problem, or an Idempotency-Key reused for another request", body = InvalidBody),
        (status = 429, description = "Too many writes from this account, or failed sign-ins from this address", body = ErrorBody),
    )
)]
pub async fn create(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    account.charge_write(&req)?;
    let request: SubmissionRequest = json_body(&req, payload).await?;
    let store = store(&req)?;
    let key = idempotency_key(&req)?;
    let snapshot = state.snapshot()?;
    let submitter = account.0.clone();
    let reference = std::sync::Arc::clone(snapshot.dataset().reference());
    let submitted =
        web::block(move || store.submit(&submitter, &request, key.as_deref(), &reference))
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
        .json(submission_view(
            &submitted.submission,
            account.0.reader(),
            View::SubmissionReview,
            snapshot.dataset(),
        )))
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
        (status = 400, description = "Unknown status, an unknown parameter, or a parameter given twice", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins from this address", body = ErrorBody),
    )
)]
pub async fn list(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let status = query
        .status
        .as_deref()
        .map(str::parse::<SubmissionStatus>)
        .transpose()
        .map_err(|e| AppError::invalid("status", e.to_string()))?;
    let viewer = account.0.clone();
    let submissions = web::block(move || store.submissions(&viewer, status)).await??;
    let snapshot = state.snapshot()?;
    let shown: Vec<_> = submissions
        .iter()
        .map(|s| {
            submission_view(
                s,
                account.0.reader(),
                View::SubmissionList,
                snapshot.dataset(),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "submissions": shown })))
}

fn submission_id(id: &str) -> Result<i64, AppError> {
    id.trim()
        .parse()
        .map_err(|_| AppError::NotFound(format!("no submission with id `{id}`")))
}

/// One submission with a field-by-field diff against the current listing and the warnings approving it carries.
#[utoipa::path(
    get,
    path = "/api/submissions/{id}", operation_id = "get_submission",
    tag = "submissions",
    params(("id" = i64, Path, description = "The submission's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`submission`, `diff`, `current_withheld` and `warnings`", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Another organisation's submission", body = ErrorBody),
        (status = 404, description = "No such submission", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins from this address", body = ErrorBody),
    )
)]
pub async fn detail(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let id = submission_id(&id)?;
    let viewer = account.0.clone();
    let review = web::block(move || store.review(&viewer, id)).await??;
    let snapshot = state.snapshot()?;
    Ok(HttpResponse::Ok().json(review_view(&review, account.0.reader(), snapshot.dataset())))
}

async fn decide(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: &str,
    payload: web::Payload,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    account.charge_write(&req)?;
    let decision: Decision = json_body(&req, payload).await?;
    let store = store(&req)?;
    let id = submission_id(id)?;
    let state: Arc<AppState> = state.into_inner();
    let reviewer = account.0.clone();
    let decided_on = Arc::clone(&state);
    let app = app(&req)?;
    let started = std::time::Instant::now();
    let submission = web::block(move || {
        let comment = decision.comment.as_deref();
        if !approve {
            return Ok::<_, AppError>(store.reject(&reviewer, id, comment.unwrap_or_default())?);
        }
        let approval = Approval {
            comment,
            acknowledge_exact_position: decision.acknowledge_exact_position,
        };
        let reference = decided_on.snapshot()?;
        // The next snapshot is built inside the approval's transaction: if it cannot be, nothing is committed.
        let (submission, next) = store.approve_then(
            &reviewer,
            id,
            &approval,
            reference.dataset().reference(),
            Some((reference.revision(), reference.dataset().services())),
            |revision, services| {
                let dataset = app
                    .assemble_after(reference.dataset(), services)
                    .map_err(|e| e.to_string())?;
                decided_on
                    .prepare(dataset, revision)
                    .map_err(|e| e.to_string())
            },
        )?;
        let installed = decided_on.install(next);
        crate::http::startup::cache_in_background(app.config().data_dir.as_deref(), installed);
        Ok(submission)
    })
    .await??;
    tracing::info!(
        submission = submission.id,
        approve,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "submission decided"
    );
    Ok(HttpResponse::Ok().json(submission_view(
        &submission,
        account.0.reader(),
        View::SubmissionReview,
        state.snapshot()?.dataset(),
    )))
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
        DecisionRefusals,
        (status = 409, description = "Already decided, or the listing has changed since", body = ErrorBody),
        (status = 422, description = "The record breaks the rules in force now, or publishes a confidential position without `acknowledge_exact_position`", body = InvalidBody),
    )
)]
pub async fn approve(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(req, account, state, &id, payload, true).await
}

/// Reject a pending submission, saying why.
#[utoipa::path(
    post,
    path = "/api/submissions/{id}/reject", operation_id = "reject_submission",
    tag = "submissions",
    params(("id" = i64, Path, description = "The submission's id")),
    request_body(content = RejectionBody, description = "The reason (required)"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rejected submission", body = Object),
        DecisionRefusals,
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "No comment, or one breaking the rules", body = InvalidBody),
    )
)]
pub async fn reject(
    req: HttpRequest,
    account: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(req, account, state, &id, payload, false).await
}

/// Every approved version of a listing, oldest first, with the submitting and approving organisations. A listing
/// that is or ever was confidential shows every version at its published point.
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
pub async fn history(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let store = store(&req)?;
    let listing = id.trim().to_owned();
    let lookup = listing.clone();
    let versions = web::block(move || store.history(&lookup)).await??;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!(
            "no service with id `{listing}` has ever been listed"
        )));
    }
    let snapshot = state.snapshot()?;
    let dataset = snapshot.dataset();
    let current = dataset
        .service_position(&listing)
        .map(|site| dataset.services()[site].location_precision);
    let versions = public_history(versions, current, dataset);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "listing_id": listing, "versions": versions })))
}
