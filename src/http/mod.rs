//! The HTTP API (actix-web).
//!
//! STUB — replaced by the server implementation.

use crate::config::ServeArgs;

/// Starts the server and blocks until it shuts down.
pub fn run_server(args: ServeArgs) -> Result<(), String> {
    Err(format!("the server is not built yet (would bind {})", args.bind))
}
