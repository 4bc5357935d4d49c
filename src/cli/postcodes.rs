//! `gapmap import-postcodes`: converts an ONS Postcode Directory CSV (or a file in gapmap's own format) into the
//! compact postcode file `serve --postcodes` reads.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::domain::postcode::PostcodeDirectory;
use crate::load::postcodes::{read_postcodes, write_postcodes};

/// Arguments of `gapmap import-postcodes`.
#[derive(Debug, Args)]
pub struct ImportPostcodesArgs {
    /// The input: an ONS Postcode Directory CSV (e.g. `ONSPD_NOV_2025_UK.csv`: columns `pcd`, `ladNNcd` or
    /// `laua`, `oseast1m`/`east1m`, `osnrth1m`/`north1m`, optionally `doterm`), or a gapmap postcode file.
    pub input: PathBuf,
    /// The postcode file to write (brotli-compressed CSV; by convention named `….csv.br`).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Where the postcodes come from and under which licence, written into the file and shown with every
    /// answer; default: the input's own source lines, else the ONS Postcode Directory under the Open Government
    /// Licence v3.0.
    #[arg(long)]
    pub source: Option<String>,
    /// Replace <OUTPUT> if it already exists.
    #[arg(long)]
    pub force: bool,
}

/// Default source statement for an ONS Postcode Directory CSV that names none.
const ONSPD_SOURCE: &str = "ONS Postcode Directory. Source: Office for National Statistics licensed under the \
    Open Government Licence v3.0. Contains OS data (c) Crown copyright and database right. Contains Royal Mail \
    data (c) Royal Mail copyright and database right. Contains GeoPlace data (c) Local Government Information \
    House Limited copyright and database right.";

/// Runs `gapmap import-postcodes`: prints how many postcodes were written, and how many have no grid reference or
/// are terminated (both kept, so a search for them says why it cannot place them).
pub fn run(args: &ImportPostcodesArgs, out: &mut dyn Write) -> Result<(), String> {
    if args.output.exists() && !args.force {
        return Err(format!(
            "{} exists; give --force to replace it",
            args.output.display()
        ));
    }
    let read = read_postcodes(&args.input).map_err(|e| format!("nothing written:\n{e}"))?;
    let source = match &args.source {
        Some(source) => source.clone(),
        None if !read.source().is_empty() => read.source().to_owned(),
        None => ONSPD_SOURCE.to_owned(),
    };
    let directory = PostcodeDirectory::new(read.entries().to_vec(), source);
    let partial = args.output.with_extension("partial");
    write_postcodes(&directory, &partial)
        .and_then(|()| std::fs::rename(&partial, &args.output))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("cannot write {}: {e}", args.output.display())
        })?;
    let ungridded = directory
        .entries()
        .iter()
        .filter(|e| e.grid.is_none())
        .count();
    let terminated = directory
        .entries()
        .iter()
        .filter(|e| e.terminated.is_some())
        .count();
    writeln!(
        out,
        "{}: {} postcodes ({ungridded} without a grid reference, {terminated} terminated)",
        args.output.display(),
        directory.len()
    )
    .map_err(|e| e.to_string())
}
