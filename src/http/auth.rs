//! `Authorization: Bearer <token>`: the extractor that turns a request's token into the [`Account`] it belongs to,
//! and [`json_body`], which reads a request body only once that has succeeded.
//!
//! The token is checked against the store on every request, so an account added or revoked while the server runs
//! takes effect at once. A client address that has failed to authenticate too often is answered 429 before its
//! token is even looked at ([`Limits::auth_failures`]), and that answer is held back [`OVER_BUDGET_DELAY`]. The
//! token itself is never logged: only the account id once it authenticates.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use serde::de::DeserializeOwned;

use super::MAX_BODY_BYTES;
use super::error::AppError;
use super::limits::Limits;
use crate::app::App;
use crate::store::{Account, AuthError, Store};

/// How long the 429 to an address over its budget of failed sign-ins is held back. A client that sends again as
/// soon as it is answered, as a flood does, then gets one answer a second per connection instead of as many as the
/// server can make, so its connections cannot crowd out the public's: a waiting request costs a timer, not CPU.
/// (Measured with `tests/load/bad_tokens.sh`: answered at once, 300 such connections drew 12,000 answers a second
/// and took the public p99 from 8 ms to 40–60 ms on two busy cores; held back, 290 a second and 8 ms.)
pub const OVER_BUDGET_DELAY: Duration = Duration::from_secs(1);

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

/// The data the server was started with, which assembles each next dataset; 503 without a store.
pub fn app(req: &HttpRequest) -> Result<web::Data<App>, AppError> {
    req.app_data::<web::Data<App>>()
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
        let (store, limits) = match store(req).and_then(|store| Ok((store, limits(req)?))) {
            Ok(found) => found,
            Err(error) => return Box::pin(std::future::ready(Err(error))),
        };
        // A sign-in attempt takes a token from its address's failure budget up front and gives it back when it
        // succeeds, so that simultaneous attempts cannot all slip past the check before any failure is charged.
        let reserved = match client {
            Some(ip) => match limits.auth_failures.take(ip, Instant::now()) {
                Ok(()) => Some(ip),
                Err(wait) => {
                    return Box::pin(async move {
                        actix_web::rt::time::sleep(OVER_BUDGET_DELAY).await;
                        Err(too_many(
                            wait.saturating_sub(OVER_BUDGET_DELAY),
                            "too many failed sign-ins from this address; wait before trying again",
                        ))
                    });
                }
            },
            None => None,
        };
        let give_back = move |limits: &Limits| {
            if let Some(ip) = reserved {
                limits.auth_failures.refund(ip, Instant::now());
            }
        };
        let token = match bearer(req) {
            Ok(token) => token,
            // No credentials at all is not a guess: nothing is charged.
            Err(error) => {
                give_back(&limits);
                return Box::pin(std::future::ready(Err(error)));
            }
        };
        Box::pin(async move {
            let checked = web::block({
                let store = store.clone();
                move || store.authenticate(&token)
            })
            .await;
            match checked {
                Ok(Ok(account)) => {
                    give_back(&limits);
                    tracing::debug!(account = account.id, "authenticated");
                    Ok(Self(account))
                }
                Ok(Err(AuthError::Store(error))) => {
                    give_back(&limits);
                    Err(AuthError::Store(error).into())
                }
                Err(blocking) => {
                    give_back(&limits);
                    Err(blocking.into())
                }
                // The reserved token stays spent: that was a failed sign-in.
                Ok(Err(refused)) => Err(refused.into()),
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
