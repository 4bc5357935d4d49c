//! `Authorization: Bearer <token>`: the extractor that turns a request's token into the [`Account`] it belongs to,
//! and [`json_body`], which reads a request body only once that has succeeded.
//!
//! The token is checked against the store on every request, so an account added or revoked while the server runs
//! takes effect at once. A client address that has failed to authenticate too often is answered 429 before its
//! token is even looked at ([`Limits::auth_failures`]). The token itself is never logged: only the account id once
//! it authenticates.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use serde::de::DeserializeOwned;

use super::MAX_BODY_BYTES;
use super::error::AppError;
use super::limits::Limits;
use crate::store::{Account, AuthError, Store};

/// The authenticated account of a request; extracting it answers 401 without a valid token, and 429 while the
/// client address is over its budget of failed attempts.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Account);

/// The store the server was started with; 503 when it runs without one (the read-only test servers).
pub fn store(req: &HttpRequest) -> Result<web::Data<Store>, AppError> {
    req.app_data::<web::Data<Store>>()
        .cloned()
        .ok_or_else(|| AppError::Unavailable("this server runs without a database".into()))
}

/// The server's rate limiters.
pub fn limits(req: &HttpRequest) -> Result<web::Data<Limits>, AppError> {
    req.app_data::<web::Data<Limits>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("the rate limiters are not configured".into()))
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Result<String, AppError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        AppError::Unauthorized(
            "send `Authorization: Bearer <token>` (see `gapmap accounts add`)".into(),
        )
    })?;
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthorized("the Authorization header is not text".into()))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AppError::Unauthorized(
            "the Authorization header must be `Bearer <token>`".into(),
        ));
    }
    Ok(token.trim().to_owned())
}

/// A 429 telling the client how long to wait.
pub fn too_many(retry_after: Duration, detail: &str) -> AppError {
    AppError::TooManyRequests {
        retry_after_secs: retry_after.as_secs_f64().ceil().max(1.0) as u64,
        detail: detail.to_owned(),
    }
}

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let client = req.peer_addr().map(|address| address.ip());
        let found = store(req)
            .and_then(|store| Ok((store, limits(req)?)))
            .and_then(|(store, limits)| {
                if let Some(wait) =
                    client.and_then(|ip| limits.auth_failures.wait(&ip, Instant::now()))
                {
                    return Err(too_many(
                        wait,
                        "too many failed sign-ins from this address; wait before trying again",
                    ));
                }
                Ok((store, limits, bearer(req)?))
            });
        Box::pin(async move {
            let (store, limits, token) = found?;
            match web::block(move || store.authenticate(&token)).await? {
                Ok(account) => {
                    tracing::debug!(account = account.id, "authenticated");
                    Ok(Self(account))
                }
                Err(AuthError::Store(error)) => Err(AuthError::Store(error).into()),
                Err(refused) => {
                    if let Some(ip) = client {
                        limits.auth_failures.charge(ip, Instant::now());
                    }
                    Err(refused.into())
                }
            }
        })
    }
}

impl Authenticated {
    /// Charges one write to the account's budget; 429 when it has none left.
    pub fn charge_write(&self, req: &HttpRequest) -> Result<(), AppError> {
        limits(req)?
            .writes
            .take(self.0.id, Instant::now())
            .map_err(|wait| too_many(wait, "too many writes from this account; slow down"))
    }
}

/// Reads a JSON request body of type `T`, at most [`MAX_BODY_BYTES`]. Handlers call it after authenticating, so an
/// unauthenticated client never has its body read or parsed: a bad token with a bad body is a 401.
pub async fn json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<T, AppError> {
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "request bodies are limited to {} KiB",
            MAX_BODY_BYTES / 1024
        ))
    };
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            let essence = essence.trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
    if !is_json {
        return Err(AppError::UnsupportedMediaType(
            "send the body as `Content-Type: application/json`".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = payload
        .to_bytes_limited(MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| AppError::MalformedBody(format!("cannot read the body: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|error| {
        if error.is_data() {
            // serde's message names the field: "unknown field `colour`, expected one of …".
            AppError::Unprocessable(vec![("body".into(), error.to_string())])
        } else {
            AppError::MalformedBody(format!("the body is not valid JSON: {error}"))
        }
    })
}
