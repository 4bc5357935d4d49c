//! `gapmap import-services` and `gapmap export-services`: the database's listings to and from CSV.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{DataArgs, DataDirArgs};
use crate::app::{App, StoreMode};
use crate::config::Config;
use crate::load::{self, ServiceRecord};
use crate::store::Store;

/// Arguments of `gapmap import-services`.
#[derive(Debug, Args)]
pub struct ImportServicesArgs {
    /// The listings CSV to import (default: `--services`, the bundled listings).
    pub file: Option<PathBuf>,
    /// Where the database is.
    #[command(flatten)]
    pub store: DataDirArgs,
    /// The areas and taxonomy the listings are checked against, as in `gapmap validate`.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Arguments of `gapmap export-services`.
#[derive(Debug, Args)]
pub struct ExportServicesArgs {
    /// Write the CSV here instead of to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Where the database is.
    #[command(flatten)]
    pub store: DataDirArgs,
}

/// Runs `gapmap import-services`: checks the whole file as `gapmap validate` does, then adds or updates each
/// listing in one transaction (a new audited version for each that differs). Listings not in the file stay.
pub fn run_import(args: &ImportServicesArgs, out: &mut dyn Write) -> Result<(), String> {
    let config = Config {
        data_dir: Some(args.store.data_dir.clone()),
        ..args.data.config()
    };
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| config.paths.services.clone());
    let app = App::open(&config, StoreMode::Create).map_err(|e| e.to_string())?;
    let summary = app
        .import_services(&file)
        .map_err(|e| format!("{} was not imported, nothing changed:\n{e}", file.display()))?
        .unwrap_or_default();
    writeln!(
        out,
        "{}: {} added, {} changed, {} unchanged",
        file.display(),
        summary.added,
        summary.changed,
        summary.unchanged
    )
    .map_err(|e| e.to_string())
}

/// Runs `gapmap export-services`: the current listings as a listings CSV that `import-services` and
/// `gapmap validate` read back.
pub fn run_export(args: &ExportServicesArgs, out: &mut dyn Write) -> Result<(), String> {
    let store = Store::open_existing(&args.store.data_dir).map_err(|e| e.to_string())?;
    let listings = store.listings().map_err(|e| e.to_string())?;
    let records = listings.into_iter().map(|l| l.record);
    match &args.output {
        Some(path) => {
            // Written beside the target and renamed into place, so a failed export never leaves half a file.
            let partial = path.with_extension("csv.partial");
            let file = std::fs::File::create(&partial)
                .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
            write_csv(records, file)
                .and_then(|()| std::fs::rename(&partial, path).map_err(|e| e.to_string()))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => write_csv(records, out),
    }
}

fn write_csv(records: impl Iterator<Item = ServiceRecord>, out: impl Write) -> Result<(), String> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    // The header is written by hand so that an empty store still yields a valid (empty) listings CSV.
    writer
        .write_record(load::SERVICE_COLUMNS)
        .map_err(|e| e.to_string())?;
    for record in records {
        crate::export::write_listing(&mut writer, &record).map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())
}
