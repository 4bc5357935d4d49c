//! The `gapmap` command line: `report`, `validate`, `import-boundaries`, `serve`, `accounts`, `import-services`,
//! `export-services`, `backup`, `restore`, `import-postcodes`, `access`, `plan`.

pub mod access;
pub mod accounts;
pub mod backup;
pub mod listings;
pub mod plan;
pub mod postcodes;
mod report;
pub mod serve;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{App, StoreMode};
use crate::config::Config;
use crate::domain::AnalysisOptions;
use crate::domain::analysis::{Selection, analyse_selected};
use crate::load::{self, DataPaths};

/// gapmap: coverage of specialist support for violence against women and girls, and where the gaps are.
#[derive(Debug, Parser)]
#[command(name = "gapmap", version, about)]
pub struct Cli {
    /// What to do; with none, `serve` with every default (the bundled data on 127.0.0.1:8080).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print coverage per area and type, and the postcode-lottery summary per type.
    Report(ReportArgs),
    /// Check a service listings CSV against the schema, the taxonomy and the boundaries.
    Validate(ValidateArgs),
    /// Serve the API and the map over HTTP.
    Serve(serve::ServeArgs),
    /// Convert TopoJSON / GeoJSON boundaries into gapmap's checked GeoJSON (codes attached, geometry repaired).
    ImportBoundaries(ImportArgs),
    /// Manage API accounts: add (prints the token once), revoke, list.
    Accounts(accounts::AccountsArgs),
    /// Import service listings from a CSV into the database (checked as `validate` does; each change audited).
    ImportServices(listings::ImportServicesArgs),
    /// Export the database's current listings as a listings CSV.
    ExportServices(listings::ExportServicesArgs),
    /// Copy the live database to one file, safely while the server runs (SQLite's online backup API).
    Backup(backup::BackupArgs),
    /// Replace the database with a backup; stop the server first.
    Restore(backup::RestoreArgs),
    /// Convert an ONS Postcode Directory CSV into the postcode file postcode search reads (`serve --postcodes`).
    ImportPostcodes(postcodes::ImportPostcodesArgs),
    /// Choose k new hubs of a type (MCLP or p-median), existing sites kept open; prints JSON.
    Plan(plan::PlanArgs),
    /// Accessibility of one type by E2SFCA (or 2SFCA), per demand point or per area.
    Access(access::AccessArgs),
}

/// Where the database lives (`<data-dir>/gapmap.db`, created on first use).
#[derive(Debug, Clone, Args)]
pub struct DataDirArgs {
    /// Directory of the database.
    #[arg(long, global = true, env = "GAPMAP_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

/// Where the dataset's files are; every default is the bundled London data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Area boundaries (GeoJSON FeatureCollection with `code` and `name`).
    #[arg(long, env = "GAPMAP_BOUNDARIES", default_value = load::DEFAULT_BOUNDARIES)]
    pub boundaries: PathBuf,
    /// Basis populations CSV.
    #[arg(long, env = "GAPMAP_POPULATION", default_value = load::DEFAULT_POPULATION)]
    pub population: PathBuf,
    /// Service taxonomy CSV.
    #[arg(long, env = "GAPMAP_TYPES", default_value = load::DEFAULT_TYPES)]
    pub types: PathBuf,
    /// Service listings CSV (default: the bundled sample, services/london-services.csv).
    #[arg(long, env = "GAPMAP_SERVICES")]
    pub services: Option<PathBuf>,
    /// Further per-area figures a type may name as its `benchmark_basis` instead of a population (CSV
    /// `code,<numeric columns>…,source[,licence]`, e.g. police-recorded domestic abuse offences); repeatable.
    #[arg(long = "figures", env = "GAPMAP_FIGURES", value_delimiter = ',')]
    pub figures: Vec<PathBuf>,
}

impl DataArgs {
    /// The paths as the loader takes them.
    pub fn paths(&self) -> DataPaths {
        DataPaths {
            boundaries: self.boundaries.clone(),
            population: self.population.clone(),
            types: self.types.clone(),
            services: self
                .services
                .clone()
                .unwrap_or_else(|| load::DEFAULT_SERVICES.into()),
            figures: self.figures.clone(),
        }
    }

    /// The configuration of a command that reads these files (listings from the file; no store).
    pub fn config(&self) -> Config {
        Config {
            paths: self.paths(),
            services_given: self.services.is_some(),
            ..Config::bundled()
        }
    }
}

/// Where the live store is, for a command that can read the listings from it instead of from a file.
#[derive(Debug, Clone, Args)]
pub struct LiveArgs {
    /// Read the listings from the live database in this directory (`<dir>/gapmap.db`) instead of `--services`.
    #[arg(long, env = "GAPMAP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Output formats of `gapmap report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// One row per area × type.
    Csv,
    /// Everything, as one JSON document.
    Json,
}

/// Arguments of `gapmap report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this service type (e.g. `isva`).
    #[arg(long = "type")]
    pub service_type: Option<String>,
    /// Only this area (GSS code, e.g. E09000028).
    #[arg(long)]
    pub area: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The live store to read the listings from, if any.
    #[command(flatten)]
    pub live: LiveArgs,
    /// The data files.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Arguments of `gapmap validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The listings CSV to check.
    #[arg(
        required_unless_present = "against_live",
        conflicts_with = "against_live"
    )]
    pub file: Option<PathBuf>,
    /// Check the live store's listings (`--data-dir`) against the data files instead of a CSV: for instance
    /// after editing services/types.csv, before restarting the server on it.
    #[arg(long, requires = "data_dir")]
    pub against_live: bool,
    /// The live store, with `--against-live`.
    #[command(flatten)]
    pub live: LiveArgs,
    /// The other data files it is checked against (its own `--services` is ignored).
    #[command(flatten)]
    pub data: DataArgs,
}

/// Arguments of `gapmap import-boundaries`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// TopoJSON or GeoJSON input.
    pub input: PathBuf,
    /// Where to write the checked GeoJSON.
    #[arg(short, long)]
    pub output: PathBuf,
    /// CSV with `code,name` columns used to attach GSS codes by name where the input has none.
    #[arg(long, default_value = load::DEFAULT_POPULATION)]
    pub codes: PathBuf,
}

/// `serve` with its defaults and `GAPMAP_*` environment, for a bare `gapmap`.
fn default_command() -> Result<Command, clap::Error> {
    let matches = <serve::ServeArgs as Args>::augment_args(clap::Command::new("serve"))
        .try_get_matches_from(["serve"])?;
    Ok(Command::Serve(
        <serve::ServeArgs as clap::FromArgMatches>::from_arg_matches(&matches)?,
    ))
}

/// Runs a parsed command line, writing results to stdout and problems to stderr; returns the exit code.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let command = match cli.command.map_or_else(default_command, Ok) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("gapmap: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        Command::Report(args) => run_report(&args, &mut out),
        Command::Validate(args) => run_validate(&args, &mut out),
        Command::ImportBoundaries(args) => run_import(&args, &mut out),
        Command::Serve(args) => crate::http::run_server(&args.config()),
        Command::Accounts(args) => accounts::run(&args, &mut out),
        Command::ImportServices(args) => listings::run_import(&args, &mut out),
        Command::ExportServices(args) => listings::run_export(&args, &mut out),
        Command::Backup(args) => backup::run_backup(&args, &mut out),
        Command::Restore(args) => backup::run_restore(&args, &mut out),
        Command::ImportPostcodes(args) => postcodes::run(&args, &mut out),
        Command::Plan(args) => plan::run(&args, &mut out),
        Command::Access(args) => access::run(&args, &mut out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gapmap: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_report(args: &ReportArgs, out: &mut dyn Write) -> Result<(), String> {
    let config = Config {
        data_dir: args.live.data_dir.clone(),
        ..args.data.config()
    };
    let app = App::open(&config, StoreMode::Existing).map_err(|e| e.to_string())?;
    let (revision, dataset) = app.dataset().map_err(|e| e.to_string())?;
    let source = match app.store() {
        Some(_) => format!("{} (revision {revision})", app.listings_source()),
        None => app.listings_source(),
    };
    eprintln!("gapmap: listings from {source}");
    if let Some(id) = &args.service_type
        && dataset.service_type(id).is_none()
    {
        let known: Vec<&str> = dataset.types().iter().map(|t| t.id.as_str()).collect();
        return Err(format!(
            "unknown service type `{id}` (known: {})",
            known.join(", ")
        ));
    }
    if let Some(code) = &args.area
        && dataset.area_position(code).is_none()
    {
        return Err(format!(
            "unknown area code `{code}` (not in {})",
            args.data.boundaries.display()
        ));
    }
    // Only what is printed is computed: the named type, and access only in the named area (coverage and the
    // lottery still read every area, since each area's rate is judged against all of them).
    let selection = Selection {
        types: args
            .service_type
            .as_deref()
            .and_then(|id| dataset.types().iter().position(|t| t.id == id))
            .map(|t| vec![t]),
        access_areas: args
            .area
            .as_deref()
            .and_then(|code| dataset.area_position(code))
            .map(|a| vec![a]),
    };
    let analysis = analyse_selected(&dataset, &AnalysisOptions::default(), &selection);
    let filter = report::Filter {
        service_type: args.service_type.as_deref(),
        area: args.area.as_deref(),
    };
    report::write(&dataset, &analysis, &filter, &source, args.format, out)
        .map_err(|e| format!("cannot write the report: {e}"))
}

fn run_validate(args: &ValidateArgs, out: &mut dyn Write) -> Result<(), String> {
    let mut config = Config {
        data_dir: args.live.data_dir.clone().filter(|_| args.against_live),
        ..args.data.config()
    };
    if let Some(file) = &args.file {
        config.paths.services = file.clone();
    }
    // A file is checked by the loader itself, which reports every problem of every file in one pass.
    let (source, dataset) = if args.against_live {
        let app = App::open(&config, StoreMode::Existing).map_err(|e| e.to_string())?;
        let source = app.listings_source();
        let (_, dataset) = app
            .dataset()
            .map_err(|e| format!("{source} is not valid:\n{e}"))?;
        (source, dataset)
    } else {
        let source = config.paths.services.display().to_string();
        let dataset = load::load_dataset(&config.paths)
            .map_err(|e| format!("{source} is not valid:\n{e}"))?;
        (source, dataset)
    };
    writeln!(
        out,
        "{source}: {} listings, all valid against {} areas and {} service types",
        dataset.services().len(),
        dataset.areas().len(),
        dataset.types().len()
    )
    .map_err(|e| e.to_string())
}

fn run_import(args: &ImportArgs, out: &mut dyn Write) -> Result<(), String> {
    let summary = crate::boundaries::run(
        &args.input,
        &args.output,
        Some(&args.codes),
        &mut std::io::stderr(),
    )
    .map_err(|e| format!("import failed, nothing written: {e}"))?;
    writeln!(out, "{}: {summary}", args.output.display()).map_err(|e| e.to_string())
}
