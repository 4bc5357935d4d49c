//! Request logs that respect the people behind the requests. A query such as `/api/nearest?lat=…&lon=…` is, for a
//! survivor, often where she lives, so a request's log line records its method, route, path, the *names* of its
//! query parameters (never their values), status and timing, and a request id — never the query values, never
//! the client's address, never a request body or a token. Error details, which can echo a value sent, are not
//! logged either: only the kind of error (e.g. "invalid parameter `lat`").

use std::io::IsTerminal;

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

use crate::config::DEFAULT_LOG_FILTER;

/// The names of the parameters of a query string, in order, without their values: `lat,lon,type`.
///
/// ```
/// assert_eq!(gapmap::http::logging::parameter_names("lat=51.5&lon=-0.1&type=isva"), "lat,lon,type");
/// assert_eq!(gapmap::http::logging::parameter_names("bbox=-0.2,51.4,-0.1,51.5&&x"), "bbox,x");
/// ```
pub fn parameter_names(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .map(|name| {
            // A name is the client's text too: keep it short and printable.
            name.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .take(32)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether request log lines are wanted (the filter lets this module's `INFO` through); without them the request
/// tracing middleware is left out.
pub fn requests_logged() -> bool {
    tracing::enabled!(target: module_path!(), tracing::Level::INFO)
}

/// Builds each request's span with the fields above (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct PrivateRootSpan;

impl RootSpanBuilder for PrivateRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // With request logging filtered out (RUST_LOG=warn), nothing of the request is formatted.
        if !requests_logged() {
            return Span::none();
        }
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.path = %request.path(),
            http.query_parameters = %parameter_names(request.query_string()),
            http.status_code = tracing::field::Empty,
            error = tracing::field::Empty,
            request_id = %request_id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if span.is_disabled() {
            return;
        }
        let (status, error): (StatusCode, Option<String>) = match outcome {
            Ok(response) => (
                response.status(),
                response.response().error().map(|e| e.to_string()),
            ),
            Err(error) => (
                error.as_response_error().status_code(),
                Some(error.to_string()),
            ),
        };
        span.record("http.status_code", status.as_u16());
        if let Some(error) = error {
            span.record("error", error.as_str());
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default [`DEFAULT_LOG_FILTER`]), with colours only when stderr is a
/// terminal, one line per request when its span closes.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    // Logs go to stderr: stdout is the command's output (and `cli::run` holds its lock while a command runs, so
    // worker threads logging to stdout would block forever). A second initialisation keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .try_init();
}
