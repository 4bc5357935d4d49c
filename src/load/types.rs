//! Reads the service taxonomy: `type,label,benchmark_value,benchmark_per,benchmark_basis,capacity_unit,
//! catchment_km,benchmark_source,location_policy,capacity_max`, and optionally `access_decay,access_max_cost`.
//! Benchmarks, location policies, capacity limits and access decays are data, not code.

use std::path::Path;

use serde::Deserialize;

use super::{LoadError, LoadProblem, read_text};
use crate::domain::planning::Decay;
use crate::domain::{Benchmark, LocationPolicy, ServiceType};

/// The taxonomy's columns.
pub const TYPE_COLUMNS: [&str; 10] = [
    "type",
    "label",
    "benchmark_value",
    "benchmark_per",
    "benchmark_basis",
    "capacity_unit",
    "catchment_km",
    "benchmark_source",
    "location_policy",
    "capacity_max",
];

/// Columns the taxonomy may leave out: each type's access decay and max cost (defaults from `catchment_km`).
pub const OPTIONAL_TYPE_COLUMNS: [&str; 2] = ["access_decay", "access_max_cost"];

#[derive(Debug, Deserialize)]
struct TypeRecord {
    #[serde(rename = "type")]
    id: String,
    label: String,
    benchmark_value: String,
    benchmark_per: String,
    benchmark_basis: String,
    capacity_unit: String,
    catchment_km: String,
    benchmark_source: String,
    location_policy: String,
    capacity_max: String,
    #[serde(default)]
    access_decay: String,
    #[serde(default)]
    access_max_cost: String,
}

/// Reads and checks the taxonomy. Returns the types and the 1-based line each came from.
pub fn read_types(path: &Path) -> Result<(Vec<ServiceType>, Vec<u64>), LoadError> {
    parse_types(path, &read_text(path)?)
}

/// Parses taxonomy CSV `text` as [`read_types`] does; `path` only names the file in problems.
pub fn parse_types(path: &Path, text: &str) -> Result<(Vec<ServiceType>, Vec<u64>), LoadError> {
    let (records, mut problems) =
        super::csv_records::<TypeRecord>(path, text, &TYPE_COLUMNS, &OPTIONAL_TYPE_COLUMNS)?;
    let mut types = Vec::new();
    let mut lines = Vec::new();
    for (line, record) in records {
        let mut problem = |field: &str, message: String| {
            problems.push(LoadProblem::field(path, Some(line), field, message))
        };
        let id = record.id.trim().to_owned();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problem(
                "type",
                format!("`{id}` must be a slug of lowercase letters, digits and underscores"),
            );
        }
        let number = |raw: &str| {
            raw.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
        };
        let benchmark = match (record.benchmark_value.trim(), record.benchmark_per.trim()) {
            ("", "") => None,
            (value, per) => match (number(value), number(per)) {
                (Some(value), Some(per)) => Some(Benchmark {
                    value,
                    per,
                    source: record.benchmark_source.trim().to_owned(),
                }),
                _ => {
                    problem(
                        "benchmark_value",
                        format!(
                            "benchmark `{value}` per `{per}` must be two positive numbers, or both empty"
                        ),
                    );
                    None
                }
            },
        };
        if benchmark.as_ref().is_some_and(|b| b.source.is_empty()) {
            problem(
                "benchmark_source",
                "a benchmark must name its source".into(),
            );
        }
        let catchment_km = number(&record.catchment_km).unwrap_or_else(|| {
            problem(
                "catchment_km",
                format!(
                    "`{}` is not a positive number of kilometres",
                    record.catchment_km
                ),
            );
            0.0
        });
        let location_policy = LocationPolicy::parse(&record.location_policy).unwrap_or_else(|e| {
            problem("location_policy", e);
            LocationPolicy::ConfidentialRequired
        });
        let capacity_max = number(&record.capacity_max).unwrap_or_else(|| {
            problem(
                "capacity_max",
                format!(
                    "`{}` is not a positive number: give the largest capacity one site may have",
                    record.capacity_max
                ),
            );
            0.0
        });
        if record.benchmark_basis.trim().is_empty() {
            problem(
                "benchmark_basis",
                "name the basis population column (e.g. women, population)".into(),
            );
        }
        let access_decay = match record.access_decay.trim() {
            "" => Decay::from_catchment(catchment_km),
            text => Decay::parse(text).unwrap_or_else(|e| {
                problem("access_decay", e.to_string());
                Decay::from_catchment(catchment_km)
            }),
        };
        let access_max_cost = match record.access_max_cost.trim() {
            "" => access_decay.default_max_cost().unwrap_or_else(|| {
                problem(
                    "access_max_cost",
                    "give the max cost in km: a gaussian decay has no largest band".into(),
                );
                0.0
            }),
            raw => number(raw).unwrap_or_else(|| {
                problem(
                    "access_max_cost",
                    format!("`{raw}` is not a positive number of kilometres"),
                );
                0.0
            }),
        };
        types.push(ServiceType {
            id,
            label: record.label.trim().to_owned(),
            benchmark,
            basis: record.benchmark_basis.trim().to_owned(),
            capacity_unit: record.capacity_unit.trim().to_owned(),
            catchment_km,
            location_policy,
            capacity_max,
            access_decay,
            access_max_cost,
        });
        lines.push(line);
    }
    if problems.is_empty() {
        Ok((types, lines))
    } else {
        Err(LoadError(problems))
    }
}
