//! The middleware applied to every answer: `HEAD` handled wherever `GET` is, `Cache-Control: no-store` on
//! anything answered to an authenticated request, `nosniff` and `no-referrer` everywhere, and the page's security
//! headers on every HTML page, built-in or served from `--static-dir`.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Scripts, styles and data from this server only; images also from https tile servers the operator configures.
/// Inline `style` is needed by Leaflet, which positions map panes with style attributes.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Routes a `HEAD` request as the `GET` of the same path (the connection still knows the request was `HEAD` and
/// sends the headers only, with the length the body would have had); drops the internal `Content-Encoding:
/// identity` marker; adds `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere,
/// `Cache-Control: no-store` to every answer to a request that carries credentials or concerns submissions (nothing
/// a shared cache or the browser's history should keep), and the Content-Security-Policy (which also forbids
/// framing) to every HTML page that has none. One middleware for all of it: each layer costs every request.
pub async fn security_headers(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let private = req.headers().contains_key(header::AUTHORIZATION)
        || req.path().starts_with("/api/submissions");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // `Reply` marks a body it sends unencoded with `identity` so that the compression middleware (inside this one)
    // leaves it alone; the marker says nothing to the client.
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"identity"))
    {
        headers.remove(header::CONTENT_ENCODING);
    }
    if !headers.contains_key(header::X_CONTENT_TYPE_OPTIONS) {
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .trim_ascii_start()
            .get(..9)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"text/html"))
    });
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(response)
}
