//! `Authorization: Bearer <token>`: the extractor that turns a request's token into the [`Account`] it belongs to.
//! The token is checked against the store on every request, so an account added or revoked while the server runs
//! takes effect at once. The token itself is never logged: only the account id once it authenticates.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::error::AppError;
use crate::store::{Account, Store};

/// The authenticated account of a request; extracting it answers 401 without a valid token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Account);

/// The store the server was started with; 503 when it runs without one (the read-only test servers).
pub fn store(req: &HttpRequest) -> Result<web::Data<Store>, AppError> {
    req.app_data::<web::Data<Store>>()
        .cloned()
        .ok_or_else(|| AppError::Unavailable("this server runs without a database".into()))
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

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let found = store(req).and_then(|store| Ok((store, bearer(req)?)));
        Box::pin(async move {
            let (store, token) = found?;
            let account = web::block(move || store.authenticate(&token)).await??;
            tracing::debug!(account = account.id, "authenticated");
            Ok(Self(account))
        })
    }
}
