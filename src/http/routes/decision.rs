//! What a reviewer sends to decide on a submission, and what deciding can answer, as the OpenAPI document
//! describes them: the approval body ([`Decision`]), the rejection body (the same with a required comment) and the
//! refusals both share.

use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::http::error::ErrorBody;
use crate::http::openapi::comment_schema;

/// A reviewer's decision: the body of an approval (schema `ApprovalBody`) and of a rejection (schema
/// `RejectionBody` below, which requires the comment).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ApprovalBody, description = "A reviewer's approval.")]
pub struct Decision {
    /// Why; required to reject, optional to approve (at most 2000 characters).
    #[serde(default)]
    #[schema(schema_with = crate::http::openapi::approval_comment)]
    pub comment: Option<String>,
    /// To approve a submission that makes public the position of a listing that is or was confidential (the
    /// review's `confidential_to_exact` warning): `true` says the reviewer has confirmed the address may be
    /// public. Ignored when rejecting.
    #[serde(default)]
    pub acknowledge_exact_position: bool,
}

/// The refusals approving and rejecting share.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Its variants exist for their documentation; the refusals themselves are `AppError`s.
pub enum DecisionRefusals {
    /// The body is not JSON.
    #[response(status = 400)]
    NotJson(ErrorBody),
    /// No valid token.
    #[response(status = 401)]
    NoToken(ErrorBody),
    /// Not a reviewer, or a reviewer of the submitter's organisation.
    #[response(status = 403)]
    NotYours(ErrorBody),
    /// No such submission.
    #[response(status = 404)]
    NoSuchSubmission(ErrorBody),
    /// Body over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not `Content-Type: application/json`.
    #[response(status = 415)]
    NotJsonType(ErrorBody),
    /// Too many writes from this account, or failed sign-ins from this address.
    #[response(status = 429)]
    TooMany(ErrorBody),
}

fn rejection_comment() -> Object {
    comment_schema(
        true,
        "Why, required. At most 2000 characters; no control characters but tab and line breaks.",
    )
}

/// The body of a rejection: the [`Decision`] an approval takes (schema `ApprovalBody`), but the comment is required
/// and must say something.
pub struct RejectionBody;

impl PartialSchema for RejectionBody {
    fn schema() -> RefOr<Schema> {
        let mut schema = Decision::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.description = Some("A reviewer's rejection.".into());
            object
                .properties
                .insert("comment".into(), rejection_comment().into());
            object.required.push("comment".into());
        }
        schema
    }
}

impl ToSchema for RejectionBody {}
