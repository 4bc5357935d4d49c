//! Demand points (where people are, with how many) and supply sites (where capacity is, with how much).

use geo::Point;
use rayon::prelude::*;

use super::super::access::SampleGrid;
use super::super::{Dataset, Reference};

/// A place where demand is counted: a sample point of an area's grid, a small-area centroid from a file, ….
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    /// Identifier, unique among the demand points: `<area code>-<n>` for grid points, the file's `id` otherwise.
    pub id: String,
    /// Longitude/latitude in WGS84 degrees; `None` when demand comes with a cost file and no position.
    pub point: Option<Point<f64>>,
    /// Demand weight, in people of the type's basis (or the demand file's unit); finite and ≥ 0.
    pub weight: f64,
    /// Position of the area the point lies in, when it lies in one.
    pub area: Option<usize>,
}

/// A site that supplies capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplySite {
    /// Identifier: the listing's id, or the supply file's `id`.
    pub id: String,
    /// Longitude/latitude in WGS84 degrees: for a listing, its published point (a confidential site's area's
    /// representative point); `None` when supply comes with a cost file and no position.
    pub point: Option<Point<f64>>,
    /// Capacity in the type's `capacity_unit`; 0 where a listing's capacity is unknown.
    pub capacity: f64,
}

/// The default demand for one type: each area's `basis` population (e.g. `women`) spread evenly over the points
/// of its access sample grid at `spacing_km` (the grid of [`SampleGrid::new`]; an area too small for any cell is
/// its representative point alone). Point `n` of area `E09000028` is `E09000028-n`, in grid order. An area
/// without that basis column contributes points of weight 0.
pub fn grid_demand(reference: &Reference, basis: &str, spacing_km: f64) -> Vec<DemandPoint> {
    let per_area: Vec<Vec<DemandPoint>> = reference
        .areas()
        .par_iter()
        .enumerate()
        .map(|(position, area)| {
            let points =
                SampleGrid::new(&area.boundary, spacing_km, area.representative_point).points();
            let weight = area.basis(basis).unwrap_or(0.0) / points.len() as f64;
            points
                .into_iter()
                .enumerate()
                .map(|(n, point)| DemandPoint {
                    id: format!("{}-{n}", area.code),
                    point: Some(point),
                    weight,
                    area: Some(position),
                })
                .collect()
        })
        .collect();
    per_area.into_iter().flatten().collect()
}

/// Sets each positioned demand point's `area` to the area it lies in (`None` outside every area).
pub fn locate_demand(reference: &Reference, demand: &mut [DemandPoint]) {
    demand.par_iter_mut().for_each(|point| {
        point.area = point.point.and_then(|p| reference.locate(p));
    });
}

/// The sites of type `type_id` in `dataset`, in listing order, each at its published point (so a confidential
/// site enters every computation at its area's representative point, never its own position), with its
/// capacity (0 when unknown).
pub fn type_supply(dataset: &Dataset, type_id: &str) -> Vec<SupplySite> {
    dataset
        .services()
        .iter()
        .enumerate()
        .filter(|(_, service)| service.service_type == type_id)
        .map(|(site, service)| SupplySite {
            id: service.id.clone(),
            point: Some(dataset.published_point(site)),
            capacity: service.capacity.unwrap_or(0.0),
        })
        .collect()
}
