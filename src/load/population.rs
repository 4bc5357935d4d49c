//! Reads basis populations: CSV `code,name,<numeric columns>…,source`. Every numeric column (e.g. `population`,
//! `women`) can serve as a service type's benchmark basis.

use std::collections::BTreeMap;
use std::path::Path;

use super::{LoadError, LoadProblem, read_text};
use crate::domain::GssCode;

/// Columns of the population and figures files that are text, not counts.
const TEXT_COLUMNS: [&str; 4] = ["code", "name", "source", "licence"];

/// One area's basis populations.
#[derive(Debug, Clone, PartialEq)]
pub struct BasisRow {
    /// 1-based line in the file.
    pub line: u64,
    /// GSS code.
    pub code: GssCode,
    /// Counts by column name; all positive.
    pub values: BTreeMap<String, f64>,
    /// The `source` column: where the figures come from; says `estimate` for estimated figures.
    pub source: String,
}

/// Reads and checks a population CSV.
pub fn read_population(path: &Path) -> Result<Vec<BasisRow>, LoadError> {
    parse_population(path, &read_text(path)?)
}

/// Parses population CSV `text` as [`read_population`] does; `path` only names the file in problems.
pub fn parse_population(path: &Path, text: &str) -> Result<Vec<BasisRow>, LoadError> {
    parse_basis(path, text, &["code", "name"])
}

/// Reads a figures CSV: `code`, one or more numeric columns (positive counts, e.g. `da_offences`), and `source`
/// (with `licence` if given) saying where the figures come from; `name` is optional. Each numeric column becomes
/// a basis a type may be measured against ([`add_figures`]).
pub fn read_figures(path: &Path) -> Result<Vec<BasisRow>, LoadError> {
    parse_figures(path, &read_text(path)?)
}

/// Parses figures CSV `text` as [`read_figures`] does; `path` only names the file in problems.
pub fn parse_figures(path: &Path, text: &str) -> Result<Vec<BasisRow>, LoadError> {
    let rows = parse_basis(path, text, &["code", "source"])?;
    let mut problems = Vec::new();
    for row in &rows {
        if row.values.is_empty() {
            problems.push(LoadProblem::file(path, "no numeric column: nothing to add"));
            break;
        }
        if row.source.trim().is_empty() {
            problems.push(LoadProblem::field(
                path,
                Some(row.line),
                "source",
                "say where the figures come from",
            ));
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(LoadError(problems))
    }
}

/// Adds the columns of a figures file (`rows`, read from `file`) to the population `basis`: every area must have a
/// row and no column may repeat one the areas already have; the figures' source is appended to each area's
/// source (`; da_offences: Home Office …`). Returns the problems (nothing is added when there are any).
pub fn add_figures(basis: &mut [BasisRow], file: &Path, rows: Vec<BasisRow>) -> Vec<LoadProblem> {
    let mut problems = Vec::new();
    for row in &rows {
        if !basis.iter().any(|b| b.code == row.code) {
            problems.push(LoadProblem::field(
                file,
                Some(row.line),
                "code",
                format!("unknown area {}", row.code),
            ));
        }
    }
    for area in basis.iter() {
        match rows.iter().find(|r| r.code == area.code) {
            None => problems.push(LoadProblem::file(
                file,
                format!("no row for area {}", area.code),
            )),
            Some(row) => {
                for column in row.values.keys().filter(|c| area.values.contains_key(*c)) {
                    problems.push(LoadProblem::field(
                        file,
                        Some(row.line),
                        column,
                        format!("column `{column}` is already a basis of area {}", area.code),
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    for area in basis.iter_mut() {
        if let Some(row) = rows.iter().find(|r| r.code == area.code) {
            let columns: Vec<&str> = row.values.keys().map(String::as_str).collect();
            area.source = format!("{}; {}: {}", area.source, columns.join(", "), row.source);
            area.values.extend(row.values.clone());
        }
    }
    problems
}

/// Parses a CSV of per-area counts with the `required` columns.
fn parse_basis(path: &Path, text: &str, required: &[&str]) -> Result<Vec<BasisRow>, LoadError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadProblem::file(path, format!("unreadable header: {e}")))?
        .clone();
    for &required in required {
        if !headers.iter().any(|h| h == required) {
            return Err(LoadProblem::file(path, format!("missing column `{required}`")).into());
        }
    }
    let numeric: Vec<(usize, &str)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !TEXT_COLUMNS.contains(h))
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (code_at, source_at) = (column("code").unwrap_or(0), column("source"));
    let licence_at = column("licence");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(LoadProblem::malformed(path, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let code = match GssCode::parse(record.get(code_at).unwrap_or_default()) {
            Ok(code) => code,
            Err(message) => {
                problems.push(LoadProblem::field(path, Some(line), "code", message));
                continue;
            }
        };
        let mut values = BTreeMap::new();
        for &(index, name) in &numeric {
            let raw = record.get(index).unwrap_or_default().trim();
            match raw.parse::<f64>() {
                Ok(value) if value.is_finite() && value > 0.0 => {
                    values.insert(name.to_owned(), value);
                }
                _ => problems.push(LoadProblem::field(
                    path,
                    Some(line),
                    name,
                    format!("`{raw}` is not a positive number"),
                )),
            }
        }
        let text_at = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or_default().trim();
        let source = match text_at(licence_at) {
            "" => text_at(source_at).to_owned(),
            licence => format!("{} ({licence})", text_at(source_at)),
        };
        rows.push(BasisRow {
            line,
            code,
            values,
            source,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(LoadProblem::file(path, "no data rows"));
    }
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        if !seen.insert(&row.code) {
            problems.push(LoadProblem::field(
                path,
                Some(row.line),
                "code",
                format!("duplicate area {}", row.code),
            ));
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(LoadError(problems))
    }
}
