//! The one place errors become HTTP: every client mistake is a 4xx with `{"error","detail"}`, every server fault a
//! 500 whose body says nothing about the cause (the cause is logged, inside the request's span and its id).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::state::SnapshotError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A query parameter is present but wrong (unknown type or area code, malformed bbox, number out of range…).
    #[error("invalid parameter `{parameter}`")]
    InvalidParameter {
        /// The parameter, as named in the URL.
        parameter: &'static str,
        /// What is wrong with it, in plain words.
        detail: String,
    },
    /// A required query parameter is absent.
    #[error("missing parameter `{parameter}`")]
    MissingParameter {
        /// The parameter, as named in the URL.
        parameter: &'static str,
        /// What it should hold.
        detail: String,
    },
    /// The query string could not be read at all (e.g. a parameter given twice).
    #[error("malformed query string")]
    MalformedQuery(String),
    /// No such route, or no such area or site.
    #[error("not found")]
    NotFound(String),
    /// The route exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// The server cannot answer yet (no data loaded).
    #[error("unavailable")]
    Unavailable(String),
    /// A bug or an environment fault; the message is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// An invalid value of `parameter`.
    pub fn invalid(parameter: &'static str, detail: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter,
            detail: detail.into(),
        }
    }
}

impl From<SnapshotError> for AppError {
    fn from(error: SnapshotError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, naming the parameter when one is at fault, e.g. "invalid parameter `lat`".
    pub error: String,
    /// Details a client can act on, e.g. "`91` is out of range (−90 to 90 degrees)".
    pub detail: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidParameter { .. }
            | Self::MissingParameter { .. }
            | Self::MalformedQuery(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let detail = match self {
            Self::InvalidParameter { detail, .. } | Self::MissingParameter { detail, .. } => {
                detail.clone()
            }
            Self::MalformedQuery(detail)
            | Self::NotFound(detail)
            | Self::MethodNotAllowed(detail)
            | Self::Unavailable(detail) => detail.clone(),
            Self::Internal(cause) => {
                // Inside the request's span, so the log line carries its request id.
                tracing::error!(%cause, "internal error");
                "the server could not answer this request; the fault has been logged".into()
            }
        };
        HttpResponse::build(self.status_code()).json(ErrorBody {
            error: self.to_string(),
            detail,
        })
    }
}
