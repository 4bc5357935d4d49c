use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    gapmap::cli::run(gapmap::cli::Cli::parse())
}
