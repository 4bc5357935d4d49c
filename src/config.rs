//! Server configuration: built-in defaults (named constants) < `GAPMAP_*` environment variables < flags.
//!
//! STUB — completed with the HTTP server.

use clap::Args;

use crate::cli::DataArgs;

/// Default address the server listens on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Arguments of `gapmap serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GAPMAP_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// The data files.
    #[command(flatten)]
    pub data: DataArgs,
}
