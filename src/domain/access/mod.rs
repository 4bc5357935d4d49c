//! Physical access: how far people in an area are from the nearest site of a type.
//!
//! Definitions are in the README ("Physical access"); this module computes exactly those.

mod grid;
mod measure;

pub use grid::{CellGrid, SampleGrid, Span};
pub use measure::{GridFrame, Scratch};

use geo::Point;
use serde::Serialize;
use utoipa::ToSchema;

use crate::spatial::SiteIndex;

/// Default spacing of the sample grid, in kilometres.
pub const DEFAULT_GRID_SPACING_KM: f64 = 0.25;

/// Sample points inside `boundary` on a regular grid `spacing_km` apart (measured at the middle latitude of the
/// area, so the density is uniform in ground distance), at the centres of the grid's cells. An area too small to
/// hold any cell centre is represented by `fallback` alone. (The points of [`SampleGrid::new`], listed.)
///
/// ```
/// use geo::{polygon, MultiPolygon, Point};
/// use gapmap::domain::access::sample_grid;
/// // A square about 1.1 km a side at the equator holds a 4 × 4 grid at 250 m spacing.
/// let square = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)]]);
/// assert_eq!(sample_grid(&square, 0.25, Point::new(0.005, 0.005)).len(), 16);
/// ```
pub fn sample_grid(
    boundary: &geo::MultiPolygon<f64>,
    spacing_km: f64,
    fallback: Point<f64>,
) -> Vec<Point<f64>> {
    SampleGrid::new(boundary, spacing_km, fallback).points()
}

/// Distances from an area's sample points to the nearest site of one type.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Access {
    /// Mean geodesic distance in kilometres from a sample point to its nearest site.
    pub mean_km: f64,
    /// 90th-percentile (nearest-rank) of those distances, in kilometres.
    pub p90_km: f64,
    /// The largest of those distances, in kilometres: how far the worst-placed sample point is from a site.
    pub max_km: f64,
    /// Share (0–1) of sample points whose nearest site is within the type's catchment.
    pub within_catchment: f64,
    /// Number of sample points the figures are computed over.
    pub sample_points: usize,
}

/// Access figures for one area's `samples` against `sites`, exactly as the README defines them: an exact
/// geodesic (Karney) per sample point to its nearest site. `None` when there are no sites or no samples. The
/// analysis uses [`GridFrame::measure`], which agrees with this within the fast distance's stated error bound;
/// this one is the reference it is tested against.
///
/// ```
/// use geo::Point;
/// use gapmap::domain::access::exact_access;
/// use gapmap::spatial::SiteIndex;
/// let sites = SiteIndex::new([(0, Point::new(0.0, 0.0))]);
/// let a = exact_access(&[Point::new(0.0, 0.0), Point::new(0.0, 0.01)], &sites, 1.0).unwrap();
/// assert!((a.mean_km - 1.10574 / 2.0).abs() < 1e-4);
/// assert_eq!(a.within_catchment, 0.5);
/// ```
pub fn exact_access(
    samples: &[Point<f64>],
    sites: &SiteIndex,
    catchment_km: f64,
) -> Option<Access> {
    let mut distances: Vec<f64> = samples
        .iter()
        .filter_map(|&sample| sites.nearest_distance_km(sample))
        .collect();
    if distances.is_empty() {
        return None;
    }
    distances.sort_by(f64::total_cmp);
    let n = distances.len();
    let within = distances.iter().filter(|&&d| d <= catchment_km).count();
    Some(Access {
        mean_km: distances.iter().sum::<f64>() / n as f64,
        p90_km: nearest_rank(&distances, 0.9),
        max_km: distances[n - 1],
        within_catchment: within as f64 / n as f64,
        sample_points: n,
    })
}

/// The nearest-rank percentile of sorted, non-empty `values`: the value at rank ⌈p·n⌉ (1-based).
pub fn nearest_rank(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::geodesic_km;
    use geo::{MultiPolygon, polygon};

    #[test]
    fn grid_is_uniform_in_ground_distance() {
        // 0.02° square at 60°N: 2.23 km tall but only 1.12 km wide, so 9 rows × 4 columns at 250 m.
        let square = MultiPolygon(vec![polygon![
            (x: 0.0, y: 60.0), (x: 0.02, y: 60.0), (x: 0.02, y: 60.02), (x: 0.0, y: 60.02)
        ]]);
        let points = sample_grid(&square, 0.25, Point::new(0.01, 60.01));
        assert_eq!(points.len(), 9 * 4, "{points:?}");
        let spacing = geodesic_km(points[0], points[1]);
        assert!(
            (spacing - 0.25).abs() < 0.001,
            "east-west spacing {spacing}"
        );
    }

    #[test]
    fn a_square_with_a_site_at_its_centre() {
        // A 4-point grid symmetric about the site: every distance is the same, so mean = p90 = that distance.
        let samples = [
            Point::new(-0.001, -0.001),
            Point::new(0.001, -0.001),
            Point::new(-0.001, 0.001),
            Point::new(0.001, 0.001),
        ];
        let sites = SiteIndex::new([(0, Point::new(0.0, 0.0))]);
        let d = geodesic_km(samples[0], Point::new(0.0, 0.0));
        let a = exact_access(&samples, &sites, d + 0.001).unwrap();
        assert!((a.mean_km - d).abs() < 1e-9 && (a.p90_km - d).abs() < 1e-9);
        assert_eq!(a.within_catchment, 1.0);
        assert_eq!(
            exact_access(&samples, &sites, d - 0.001)
                .unwrap()
                .within_catchment,
            0.0
        );
        assert_eq!(exact_access(&samples, &SiteIndex::new([]), 1.0), None);
    }

    #[test]
    fn nearest_rank_percentile() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&values, 0.9), 9.0);
        assert_eq!(nearest_rank(&values[..3], 0.9), 3.0);
        assert_eq!(nearest_rank(&[5.0], 0.9), 5.0);
    }
}
