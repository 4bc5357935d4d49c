//! Loaders: read boundaries (GeoJSON), basis populations, the service taxonomy and service listings (CSV) into
//! the engine's types. Every problem carries the file, and where it has one the line and field.

mod areas;
mod boundaries;
pub mod planning;
mod population;
pub mod postcodes;
pub mod services;
mod types;

use std::fmt;
use std::path::{Path, PathBuf};

pub use areas::{load_areas, load_areas_with};
pub use boundaries::{Boundary, parse_boundaries, read_boundaries};
pub use population::{
    BasisRow, add_figures, parse_figures, parse_population, read_figures, read_population,
};
pub use services::{
    SERVICE_COLUMNS, ServiceRecord, entry_rules, parse_entered_service, parse_service,
    parse_services, read_services,
};
pub use types::{parse_types, read_types};

use crate::domain::{Dataset, DatasetProblem, Reference, Subject};

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file at fault.
    pub file: PathBuf,
    /// 1-based line number, where the problem belongs to one line.
    pub line: Option<u64>,
    /// The column or property at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl LoadProblem {
    /// A problem with a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A CSV record that cannot be read at all, at the line the reader reached.
    pub fn malformed(file: &Path, error: &csv::Error) -> Self {
        Self {
            file: file.to_owned(),
            line: error.position().map(|p| p.line()),
            field: None,
            message: format!("malformed CSV: {error}"),
        }
    }

    /// A problem with one field on one line.
    pub fn field(file: &Path, line: Option<u64>, field: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found while loading; nothing is loaded when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError(pub Vec<LoadProblem>);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl From<LoadProblem> for LoadError {
    fn from(problem: LoadProblem) -> Self {
        Self(vec![problem])
    }
}

/// The bundled dataset's files, relative to the repository root.
pub const DEFAULT_BOUNDARIES: &str = "boundaries/london-boroughs.geojson";
/// Bundled basis populations.
pub const DEFAULT_POPULATION: &str = "boundaries/london-population.csv";
/// Bundled service taxonomy.
pub const DEFAULT_TYPES: &str = "services/types.csv";
/// Bundled (sample) service listings.
pub const DEFAULT_SERVICES: &str = "services/london-services.csv";

/// Where a dataset's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    /// Area boundaries, GeoJSON FeatureCollection with `code` and `name` properties.
    pub boundaries: PathBuf,
    /// Basis populations, CSV `code,name,<numeric columns>…,source`.
    pub population: PathBuf,
    /// Service taxonomy, CSV.
    pub types: PathBuf,
    /// Service listings, CSV.
    pub services: PathBuf,
    /// Further per-area figures a type may name as its basis instead of a population (e.g. police-recorded
    /// domestic abuse offences), CSV `code,<numeric columns>…,source` ([`read_figures`]); none by default.
    pub figures: Vec<PathBuf>,
}

impl Default for DataPaths {
    fn default() -> Self {
        Self {
            boundaries: DEFAULT_BOUNDARIES.into(),
            population: DEFAULT_POPULATION.into(),
            types: DEFAULT_TYPES.into(),
            services: DEFAULT_SERVICES.into(),
            figures: Vec::new(),
        }
    }
}

/// Reads a file to a string, naming the file in the error.
pub(crate) fn read_text(path: &Path) -> Result<String, LoadProblem> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadProblem::file(path, format!("cannot read: {e}")))?;
    if text.trim().is_empty() {
        return Err(LoadProblem::file(path, "the file is empty"));
    }
    Ok(text)
}

/// A cross-reference problem placed in the file, and where known the line, of the record it is about.
fn in_its_file(
    problem: DatasetProblem,
    paths: &DataPaths,
    type_lines: &[u64],
    service_lines: &[u64],
) -> LoadProblem {
    let (file, line) = match problem.subject {
        Subject::Service(i) => (&paths.services, service_lines.get(i).copied()),
        Subject::Type(i) => (&paths.types, type_lines.get(i).copied()),
        Subject::Area(_) => (&paths.boundaries, None),
    };
    LoadProblem::field(file, line, problem.field, problem.message)
}

/// Loads the reference data — areas (boundaries joined with populations) and the taxonomy — and checks it once
/// ([`Reference::new`]). Every problem of both files is reported, each with its file and, where it has one, line.
pub fn load_reference(paths: &DataPaths) -> Result<Reference, LoadError> {
    let mut problems = Vec::new();
    let areas = kept(
        load_areas_with(&paths.boundaries, &paths.population, &paths.figures),
        &mut problems,
    );
    let types = kept(read_types(&paths.types), &mut problems);
    let (Some(areas), Some((types, type_lines))) = (areas, types) else {
        return Err(LoadError(problems));
    };
    Reference::new(areas, types).map_err(|found| {
        LoadError(
            found
                .into_iter()
                .map(|p| in_its_file(p, paths, &type_lines, &[]))
                .collect(),
        )
    })
}

/// Loads and cross-checks a whole dataset in one pass. Every problem in every file is reported, each with file,
/// line and field where it has them: syntax problems of every row, and, whenever the areas and types files load,
/// their reference problems and the cross-reference and geometry problems of every listing that parses (unknown
/// type, type rules, a point outside every area, unknown `serves` codes, duplicate ids). Listings are checked as
/// they are entered ([`entry_rules`]).
pub fn load_dataset(paths: &DataPaths) -> Result<Dataset, LoadError> {
    let mut problems = Vec::new();
    let areas = kept(
        load_areas_with(&paths.boundaries, &paths.population, &paths.figures),
        &mut problems,
    );
    let types = kept(read_types(&paths.types), &mut problems);
    let services = read_text(&paths.services)
        .map_err(LoadError::from)
        .and_then(|text| services::parse_services_partly(&paths.services, &text, &entry_rules()));
    let services = kept(services, &mut problems).unwrap_or_default();
    problems.extend(services.problems);
    let (Some(areas), Some((types, type_lines))) = (areas, types) else {
        return Err(LoadError(problems));
    };
    let service_lines = services.lines;
    let dataset = Dataset::new(areas, types, services.services).map_err(|found| {
        found
            .into_iter()
            .map(|p| in_its_file(p, paths, &type_lines, &service_lines))
            .collect::<Vec<_>>()
    });
    match dataset {
        Ok(dataset) if problems.is_empty() => Ok(dataset),
        Ok(_) => Err(LoadError(in_file_order(paths, problems))),
        Err(found) => {
            problems.extend(found);
            Err(LoadError(in_file_order(paths, problems)))
        }
    }
}

/// The value of `result`, or `None` with its problems added to `problems`.
fn kept<T>(result: Result<T, LoadError>, problems: &mut Vec<LoadProblem>) -> Option<T> {
    result.map_err(|e| problems.extend(e.0)).ok()
}

/// Problems grouped by file (in the order of [`DataPaths`]) and, within a file, by line; the order found is kept
/// otherwise, so a line's syntax problems come before its cross-reference ones.
fn in_file_order(paths: &DataPaths, mut problems: Vec<LoadProblem>) -> Vec<LoadProblem> {
    let files = [
        &paths.boundaries,
        &paths.population,
        &paths.types,
        &paths.services,
    ];
    problems.sort_by_key(|p| {
        let file = files
            .iter()
            .position(|f| **f == p.file)
            .unwrap_or(files.len());
        (file, p.line.unwrap_or(0))
    });
    problems
}

/// What a spreadsheet reads as the start of a formula when a cell begins with it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn is_plain_number(cell: &str) -> bool {
    cell.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A cell as gapmap writes it to every CSV export: text that a spreadsheet would run as a formula (it begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a plain number such as `-0.12`) gets a leading `'`,
/// which spreadsheets show as text and do not display. [`formula_unguarded`] undoes it on import.
///
/// ```
/// use gapmap::load::formula_guarded;
/// assert_eq!(formula_guarded("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(formula_guarded("+44 20 7946 0000"), "'+44 20 7946 0000");
/// assert_eq!(formula_guarded("-0.1278"), "-0.1278");
/// assert_eq!(formula_guarded("Havens"), "Havens");
/// ```
pub fn formula_guarded(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell) => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

/// A cell read from a listings file with the guard of [`formula_guarded`] removed, so an exported file imports
/// unchanged: a leading `'` followed by a formula's first character is dropped.
///
/// ```
/// use gapmap::load::formula_unguarded;
/// assert_eq!(formula_unguarded("'+44 20 7946 0000"), "+44 20 7946 0000");
/// assert_eq!(formula_unguarded("'Tis a name"), "'Tis a name");
/// ```
pub fn formula_unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Records read from a CSV, each with its 1-based line, and the problems of the rows that could not be read.
pub(crate) type CsvRecords<T> = (Vec<(u64, T)>, Vec<LoadProblem>);

/// Parses a CSV whose header must have every one of `columns` and may have any of `optional` (in any order) into
/// records with their 1-based lines. Header problems stop the read; row problems are collected and the row skipped.
/// Lines starting with `#` are comments (the sample-data notice gapmap's CSV downloads begin with), so a
/// downloaded listings file reads back as it was.
pub(crate) fn csv_records<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    columns: &[&str],
    optional: &[&str],
) -> Result<CsvRecords<T>, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadProblem::file(path, format!("unreadable header: {e}")))?
        .clone();
    let mut problems: Vec<LoadProblem> = columns
        .iter()
        .filter(|c| !headers.iter().any(|h| h.trim() == **c))
        .map(|c| LoadProblem::field(path, Some(1), c, "missing column"))
        .collect();
    problems.extend(
        headers
            .iter()
            .filter(|h| !columns.contains(&h.trim()) && !optional.contains(&h.trim()))
            .map(|h| {
                let expected = [columns, optional].concat().join(",");
                LoadProblem::field(
                    path,
                    Some(1),
                    h,
                    format!("unknown column (expected: {expected})"),
                )
            }),
    );
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    let headers = csv::StringRecord::from(headers.iter().map(str::trim).collect::<Vec<_>>());
    let mut records = Vec::new();
    for result in reader.records() {
        match result {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                match record.deserialize::<T>(Some(&headers)) {
                    Ok(value) => records.push((line, value)),
                    Err(e) => problems.push(LoadProblem {
                        file: path.into(),
                        line: Some(line),
                        field: None,
                        message: format!("malformed row: {e}"),
                    }),
                }
            }
            Err(e) => problems.push(LoadProblem::malformed(path, &e)),
        }
    }
    if records.is_empty() && problems.is_empty() {
        problems.push(LoadProblem::file(path, "no data rows"));
    }
    Ok((records, problems))
}
