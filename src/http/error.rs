//! The one place errors become HTTP: every client mistake is a 4xx with `{"error","detail"}`, every server fault a
//! 500 whose body says nothing about the cause (the cause is logged, inside the request's span and its id).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::state::{NoPostcodes, NotReady, SnapshotError};
use crate::store::{AuthError, StoreError};

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
    MethodNotAllowed {
        /// The methods the route answers, sent as `Allow` (RFC 9110 requires it on a 405).
        allow: String,
        /// The method and path asked for.
        detail: String,
    },
    /// No token, or one that does not authenticate (malformed, unknown, wrong, revoked).
    #[error("unauthorized")]
    Unauthorized(String),
    /// The account's role or organisation does not allow this.
    #[error("forbidden")]
    Forbidden(String),
    /// A request body breaks the rules; every problem as `(field, message)`.
    #[error("invalid submission")]
    Unprocessable(Vec<(String, String)>),
    /// The request clashes with the current state (already decided, id taken, listing moved on).
    #[error("conflict")]
    Conflict(String),
    /// The request body is over the limit.
    #[error("payload too large")]
    PayloadTooLarge(String),
    /// The request body is not valid JSON.
    #[error("malformed body")]
    MalformedBody(String),
    /// The request body is not declared `Content-Type: application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// The client is over a rate limit; it may try again after `retry_after_secs`.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds to wait, sent as `Retry-After`.
        retry_after_secs: u64,
        /// Which limit, in plain words.
        detail: String,
    },
    /// The server cannot answer yet (no data loaded).
    #[error("unavailable")]
    Unavailable(String),
    /// The server has just started and what the answer needs (the first analysis, or the postcode directory) is
    /// not in yet; sent with `Retry-After` and the reason in plain words.
    #[error("not ready")]
    NotReady(String),
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

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(problems) => Self::Unprocessable(
                problems
                    .into_iter()
                    .map(|(field, message)| (field.to_owned(), message))
                    .collect(),
            ),
            StoreError::Forbidden(detail) => Self::Forbidden(detail),
            StoreError::NotFound(detail) => Self::NotFound(detail),
            StoreError::Conflict(detail) | StoreError::TooManyPending(detail) => {
                Self::Conflict(detail)
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<AuthError> for AppError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Store(error) => Self::Internal(error.to_string()),
            // The reason stays in the server: telling a caller which part was wrong helps guessing.
            other => {
                tracing::info!(reason = %other, "token refused");
                Self::Unauthorized("the bearer token is not valid".into())
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<NoPostcodes> for AppError {
    fn from(error: NoPostcodes) -> Self {
        match error {
            NoPostcodes::Reading => Self::NotReady(error.to_string()),
            NoPostcodes::Unavailable(_) => Self::Unavailable(error.to_string()),
        }
    }
}

impl From<NotReady> for AppError {
    fn from(error: NotReady) -> Self {
        Self::NotReady(error.to_string())
    }
}

/// Seconds a client is told to wait (`Retry-After`) before asking a server that is not ready yet again.
pub const NOT_READY_RETRY_AFTER_SECS: u64 = 1;

impl From<SnapshotError> for AppError {
    fn from(error: SnapshotError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// One field problem of a 422 answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The field, as named in the request (`body` when the JSON itself is at fault).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The body of a 422 answer: the usual two keys and every field problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvalidBody {
    /// Always "invalid submission".
    pub error: String,
    /// Every problem on one line.
    pub detail: String,
    /// Every problem, one per field.
    pub problems: Vec<Problem>,
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
            Self::MalformedBody(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let detail = match self {
            Self::Unprocessable(problems) => {
                let detail = problems
                    .iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                return HttpResponse::build(self.status_code()).json(InvalidBody {
                    error: self.to_string(),
                    detail,
                    problems: problems
                        .iter()
                        .map(|(field, message)| Problem {
                            field: field.clone(),
                            message: message.clone(),
                        })
                        .collect(),
                });
            }
            Self::Unauthorized(detail) => {
                return HttpResponse::build(self.status_code())
                    .insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"))
                    .json(ErrorBody {
                        error: self.to_string(),
                        detail: detail.clone(),
                    });
            }
            Self::MethodNotAllowed { allow, detail } => {
                return HttpResponse::build(self.status_code())
                    .insert_header((actix_web::http::header::ALLOW, allow.as_str()))
                    .json(ErrorBody {
                        error: self.to_string(),
                        detail: detail.clone(),
                    });
            }
            Self::TooManyRequests {
                retry_after_secs,
                detail,
            } => {
                return HttpResponse::build(self.status_code())
                    .insert_header((actix_web::http::header::RETRY_AFTER, *retry_after_secs))
                    .json(ErrorBody {
                        error: self.to_string(),
                        detail: detail.clone(),
                    });
            }
            Self::NotReady(why) => {
                return HttpResponse::build(self.status_code())
                    .insert_header((
                        actix_web::http::header::RETRY_AFTER,
                        NOT_READY_RETRY_AFTER_SECS,
                    ))
                    .json(ErrorBody {
                        error: self.to_string(),
                        detail: why.clone(),
                    });
            }
            Self::InvalidParameter { detail, .. } | Self::MissingParameter { detail, .. } => {
                detail.clone()
            }
            Self::MalformedQuery(detail)
            | Self::MalformedBody(detail)
            | Self::UnsupportedMediaType(detail)
            | Self::Forbidden(detail)
            | Self::Conflict(detail)
            | Self::PayloadTooLarge(detail)
            | Self::NotFound(detail)
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn detail_of(error: AppError) -> (StatusCode, bool, String) {
        let response = error.error_response();
        let status = response.status();
        let retry = response
            .headers()
            .contains_key(actix_web::http::header::RETRY_AFTER);
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .expect("a body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        (
            status,
            retry,
            body["detail"].as_str().unwrap_or("").to_owned(),
        )
    }

    #[actix_web::test]
    async fn not_ready_says_what_is_not_in_yet() {
        let (status, retry, detail) = detail_of(NoPostcodes::Reading.into()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(retry);
        assert!(detail.contains("postcode directory"), "{detail}");
        let (status, retry, detail) = detail_of(NotReady.into()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(retry);
        assert!(detail.contains("still being analysed"), "{detail}");
    }
}
