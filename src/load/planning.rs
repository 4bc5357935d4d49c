//! Reads planning inputs: demand points (`id,lat,lon,weight`), supply sites (`id,lat,lon,capacity`), candidate
//! sites (`id,lat,lon`, optionally `capacity`) and costs (`origin,destination,cost`). Positions may be left out
//! (`id,weight`, `id,capacity`, `id`) when costs come from a cost file. Every problem names the file, line and
//! field.

use std::collections::HashMap;
use std::path::Path;

use geo::Point;

use super::{LoadError, LoadProblem, read_text};
use crate::domain::planning::{CostMatrix, DemandPoint, SupplySite};

/// One row of a points file: an id, an optional position and an optional value column.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// 1-based line in the file.
    pub line: u64,
    /// The `id` column, trimmed and non-empty; unique in the file.
    pub id: String,
    /// `lon`/`lat` in WGS84 degrees, when the file has both columns.
    pub point: Option<Point<f64>>,
    /// The value column (weight, capacity), finite and ≥ 0; 0 when the file has none.
    pub value: f64,
}

/// Reads a demand file `id,lat,lon,weight` (or `id,weight`).
pub fn read_demand(path: &Path) -> Result<Vec<DemandPoint>, LoadError> {
    let rows = parse_places(path, &read_text(path)?, Some("weight"))?;
    Ok(rows
        .into_iter()
        .map(|row| DemandPoint {
            id: row.id,
            point: row.point,
            weight: row.value,
            area: None,
        })
        .collect())
}

/// Reads a supply file `id,lat,lon,capacity` (or `id,capacity`).
pub fn read_supply(path: &Path) -> Result<Vec<SupplySite>, LoadError> {
    let rows = parse_places(path, &read_text(path)?, Some("capacity"))?;
    Ok(rows
        .into_iter()
        .map(|row| SupplySite {
            id: row.id,
            point: row.point,
            capacity: row.value,
        })
        .collect())
}

/// A candidates file: its places, and whether it has a `capacity` column.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateFile {
    /// The places; `capacity` is the file's (in demand units) when it has the column, else 0.
    pub sites: Vec<SupplySite>,
    /// Whether the file has a `capacity` column (then every row has a finite number ≥ 0 there).
    pub with_capacity: bool,
}

/// Reads a candidates file `id,lat,lon` (or `id`), optionally with a `capacity` column: the places a new hub
/// may open, and the demand each may serve.
pub fn read_candidates(path: &Path) -> Result<CandidateFile, LoadError> {
    let text = read_text(path)?;
    let with_capacity = csv::Reader::from_reader(text.as_bytes())
        .headers()
        .is_ok_and(|h| h.iter().any(|h| h.trim() == "capacity"));
    let rows = parse_places(path, &text, with_capacity.then_some("capacity"))?;
    Ok(CandidateFile {
        sites: rows
            .into_iter()
            .map(|row| SupplySite {
                id: row.id,
                point: row.point,
                capacity: row.value,
            })
            .collect(),
        with_capacity,
    })
}

/// Parses a points CSV: column `id`, optionally `lat` and `lon` (both or neither), and `value_column` when given.
/// `path` only names the file in problems.
pub fn parse_places(
    path: &Path,
    text: &str,
    value_column: Option<&str>,
) -> Result<Vec<PlaceRow>, LoadError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadProblem::file(path, format!("unreadable header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let id_at = column("id").ok_or_else(|| LoadProblem::file(path, "missing column `id`"))?;
    let position_at = match (column("lat"), column("lon")) {
        (Some(lat), Some(lon)) => Some((lat, lon)),
        (None, None) => None,
        (Some(_), None) => return Err(LoadProblem::file(path, "missing column `lon`").into()),
        (None, Some(_)) => return Err(LoadProblem::file(path, "missing column `lat`").into()),
    };
    let value_at = match value_column {
        Some(name) => Some((
            name,
            column(name)
                .ok_or_else(|| LoadProblem::file(path, format!("missing column `{name}`")))?,
        )),
        None => None,
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(LoadProblem::malformed(path, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |at: usize| record.get(at).unwrap_or_default().trim();
        let before = problems.len();
        let id = field(id_at).to_owned();
        if id.is_empty() {
            problems.push(LoadProblem::field(
                path,
                Some(line),
                "id",
                "the id is empty",
            ));
        } else if let Some(first) = seen.insert(id.clone(), line) {
            problems.push(LoadProblem::field(
                path,
                Some(line),
                "id",
                format!("duplicate id `{id}` (first on line {first})"),
            ));
        }
        let point = position_at.and_then(|(lat_at, lon_at)| {
            let lat = degrees(path, line, "lat", field(lat_at), 90.0, &mut problems);
            let lon = degrees(path, line, "lon", field(lon_at), 180.0, &mut problems);
            Some(Point::new(lon?, lat?))
        });
        let value = match value_at {
            Some((name, at)) => non_negative(path, line, name, field(at), &mut problems),
            None => Some(0.0),
        };
        if problems.len() == before {
            rows.push(PlaceRow {
                line,
                id,
                point,
                value: value.unwrap_or(0.0),
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(LoadProblem::file(path, "no data rows"));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(LoadError(problems))
    }
}

/// Reads a cost file `origin,destination,cost` whose origins are `origins` (demand ids) and destinations
/// `destinations` (site or candidate ids), keeping the pairs with cost ≤ `max_cost`. Every id must be known;
/// a pair may appear once.
pub fn read_costs(
    path: &Path,
    origins: &[&str],
    destinations: &[&str],
    max_cost: f64,
) -> Result<CostMatrix, LoadError> {
    parse_costs(path, &read_text(path)?, origins, destinations, max_cost)
}

/// Parses cost CSV `text` as [`read_costs`] does; `path` only names the file in problems.
pub fn parse_costs(
    path: &Path,
    text: &str,
    origins: &[&str],
    destinations: &[&str],
    max_cost: f64,
) -> Result<CostMatrix, LoadError> {
    let index = |ids: &[&str]| -> HashMap<String, usize> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| ((*id).to_owned(), i))
            .collect()
    };
    let (origin_index, destination_index) = (index(origins), index(destinations));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadProblem::file(path, format!("unreadable header: {e}")))?
        .clone();
    let mut at = [0usize; 3];
    for (slot, name) in at.iter_mut().zip(["origin", "destination", "cost"]) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| LoadProblem::file(path, format!("missing column `{name}`")))?;
    }
    let mut entries = Vec::new();
    let mut lines = Vec::new();
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
        let field = |i: usize| record.get(at[i]).unwrap_or_default().trim();
        let known = |name: &str, raw: &str, ids: &HashMap<String, usize>, problems: &mut Vec<_>| {
            let found = ids.get(raw).copied();
            if found.is_none() {
                problems.push(LoadProblem::field(
                    path,
                    Some(line),
                    name,
                    format!("unknown {name} `{raw}`"),
                ));
            }
            found
        };
        let origin = known("origin", field(0), &origin_index, &mut problems);
        let destination = known("destination", field(1), &destination_index, &mut problems);
        let cost = non_negative(path, line, "cost", field(2), &mut problems);
        if let (Some(origin), Some(destination), Some(cost)) = (origin, destination, cost) {
            entries.push((origin, destination, cost));
            lines.push(line);
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    CostMatrix::from_entries(origins.len(), destinations.len(), &entries, max_cost).map_err(
        |problem| {
            let line = match problem {
                crate::domain::planning::CostProblem::Duplicate { second, .. } => lines[second],
                _ => 0,
            };
            LoadProblem::field(path, Some(line), "destination", problem.to_string()).into()
        },
    )
}

fn degrees(
    path: &Path,
    line: u64,
    name: &str,
    raw: &str,
    limit: f64,
    problems: &mut Vec<LoadProblem>,
) -> Option<f64> {
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Some(value),
        _ => {
            problems.push(LoadProblem::field(
                path,
                Some(line),
                name,
                format!("`{raw}` is not a number of degrees between −{limit} and {limit}"),
            ));
            None
        }
    }
}

fn non_negative(
    path: &Path,
    line: u64,
    name: &str,
    raw: &str,
    problems: &mut Vec<LoadProblem>,
) -> Option<f64> {
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Some(value),
        _ => {
            problems.push(LoadProblem::field(
                path,
                Some(line),
                name,
                format!("`{raw}` is not a finite number ≥ 0"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_with_and_without_positions() {
        let path = Path::new("demand.csv");
        let rows = parse_places(
            path,
            "id,lat,lon,weight\na,51.5,-0.1,10\nb,51.6,0.0,0\n",
            Some("weight"),
        )
        .unwrap();
        assert_eq!(rows[0].point, Some(Point::new(-0.1, 51.5)));
        assert_eq!(rows[1].value, 0.0);
        let rows = parse_places(path, "id,weight\na,3\n", Some("weight")).unwrap();
        assert_eq!(rows[0].point, None);
    }

    #[test]
    fn every_bad_row_is_named() {
        let path = Path::new("demand.csv");
        let text = "id,lat,lon,weight\na,NaN,0,1\na,51,0,-2\n,51,0,1\nc,91,0,1\n";
        let problems = parse_places(path, text, Some("weight")).unwrap_err().0;
        let named: Vec<(Option<u64>, Option<&str>)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                (Some(2), Some("lat")),
                (Some(3), Some("id")),
                (Some(3), Some("weight")),
                (Some(4), Some("id")),
                (Some(5), Some("lat")),
            ]
        );
        assert!(parse_places(path, "id,lat\na,1\n", None).is_err());
    }

    #[test]
    fn costs_name_unknown_ids_and_repeated_pairs() {
        let path = Path::new("cost.csv");
        let ok = parse_costs(
            path,
            "origin,destination,cost\na,x,3\nb,x,50\n",
            &["a", "b"],
            &["x"],
            30.0,
        )
        .unwrap();
        assert_eq!(ok.row(0).collect::<Vec<_>>(), [(0, 3.0)]);
        assert_eq!(ok.row(1).count(), 0);
        let problems = parse_costs(
            path,
            "origin,destination,cost\nz,x,3\n",
            &["a"],
            &["x"],
            30.0,
        )
        .unwrap_err()
        .0;
        assert_eq!(problems[0].message, "unknown origin `z`");
        let problems = parse_costs(
            path,
            "origin,destination,cost\na,x,3\na,x,4\n",
            &["a"],
            &["x"],
            30.0,
        )
        .unwrap_err()
        .0;
        assert_eq!(problems[0].line, Some(3));
    }
}
