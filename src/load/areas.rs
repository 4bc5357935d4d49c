//! Areas: boundaries joined with their basis populations and any further figures files.

use std::path::{Path, PathBuf};

use super::{LoadError, LoadProblem, add_figures, read_boundaries, read_figures, read_population};
use crate::domain::Area;

/// Loads areas (boundaries joined with basis populations) from two files. Problems of both files are reported
/// together, each naming the file it is about.
pub fn load_areas(boundaries: &Path, population: &Path) -> Result<Vec<Area>, LoadError> {
    load_areas_with(boundaries, population, &[])
}

/// Loads areas as [`load_areas`] does, adding the columns of each `figures` file to every area's basis
/// ([`add_figures`]).
pub fn load_areas_with(
    boundaries: &Path,
    population: &Path,
    figures: &[PathBuf],
) -> Result<Vec<Area>, LoadError> {
    let (shapes, mut basis) = match (read_boundaries(boundaries), read_population(population)) {
        (Ok(shapes), Ok(basis)) => (shapes, basis),
        (shapes, basis) => {
            let problems = [shapes.err(), basis.err()].into_iter().flatten();
            return Err(LoadError(problems.flat_map(|e| e.0).collect()));
        }
    };
    let mut problems = Vec::new();
    for file in figures {
        match read_figures(file) {
            Ok(rows) => problems.extend(add_figures(&mut basis, file, rows)),
            Err(e) => problems.extend(e.0),
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    let mut areas = Vec::with_capacity(shapes.len());
    for shape in &shapes {
        let Some(row) = basis.iter().find(|row| row.code == shape.code) else {
            problems.push(LoadProblem::file(
                population,
                format!(
                    "no row for area {} ({}) of {}",
                    shape.code,
                    shape.name,
                    boundaries.display()
                ),
            ));
            continue;
        };
        match Area::new(
            shape.code.clone(),
            shape.name.clone(),
            shape.boundary.clone(),
            row.values.clone(),
            row.source.clone(),
        ) {
            Some(area) => areas.push(area),
            None => problems.push(LoadProblem::field(
                boundaries,
                None,
                "geometry",
                format!("area {} ({}) has an empty boundary", shape.code, shape.name),
            )),
        }
    }
    for row in &basis {
        if !shapes.iter().any(|shape| shape.code == row.code) {
            problems.push(LoadProblem::field(
                population,
                Some(row.line),
                "code",
                format!("area {} is not in {}", row.code, boundaries.display()),
            ));
        }
    }
    if problems.is_empty() {
        Ok(areas)
    } else {
        Err(LoadError(problems))
    }
}
