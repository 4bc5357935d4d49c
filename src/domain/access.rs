//! Physical access: how far people in an area are from the nearest site of a type.
//!
//! Definitions are in the README ("Physical access"); this module computes exactly those.

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use serde::Serialize;
use utoipa::ToSchema;

use crate::spatial::SiteIndex;

/// Default spacing of the sample grid, in kilometres.
pub const DEFAULT_GRID_SPACING_KM: f64 = 0.25;

/// Metres per degree of latitude and of longitude at latitude `lat_deg` on the WGS84 ellipsoid
/// (the standard series expansion, accurate to about a centimetre).
fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    let phi = lat_deg.to_radians();
    let lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
    let lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos() + 0.118 * (5.0 * phi).cos();
    (lat, lon)
}

/// Sample points inside `boundary` on a regular grid `spacing_km` apart (measured at the middle latitude of the
/// area, so the density is uniform in ground distance), at the centres of the grid's cells. An area too small to
/// hold any cell centre is represented by `fallback` alone.
///
/// ```
/// use geo::{polygon, MultiPolygon, Point};
/// use gapmap::domain::access::sample_grid;
/// // A square about 1.1 km a side at the equator holds a 4 × 4 grid at 250 m spacing.
/// let square = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)]]);
/// assert_eq!(sample_grid(&square, 0.25, Point::new(0.005, 0.005)).len(), 16);
/// ```
pub fn sample_grid(
    boundary: &MultiPolygon<f64>,
    spacing_km: f64,
    fallback: Point<f64>,
) -> Vec<Point<f64>> {
    let Some(rect) = boundary.bounding_rect() else {
        return vec![fallback];
    };
    let (per_lat, per_lon) = metres_per_degree(rect.center().y);
    let step_lat = spacing_km * 1000.0 / per_lat;
    let step_lon = spacing_km * 1000.0 / per_lon;
    let rows = ((rect.height() / step_lat).ceil() as usize).max(1);
    let cols = ((rect.width() / step_lon).ceil() as usize).max(1);
    let mut points = Vec::new();
    for row in 0..rows {
        let lat = rect.min().y + (row as f64 + 0.5) * step_lat;
        for col in 0..cols {
            let point = Point::new(rect.min().x + (col as f64 + 0.5) * step_lon, lat);
            if boundary.contains(&point) {
                points.push(point);
            }
        }
    }
    if points.is_empty() {
        points.push(fallback);
    }
    points
}

/// Distances from an area's sample points to the nearest site of one type.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Access {
    /// Mean geodesic distance in kilometres from a sample point to its nearest site.
    pub mean_km: f64,
    /// 90th-percentile (nearest-rank) of those distances, in kilometres.
    pub p90_km: f64,
    /// Share (0–1) of sample points whose nearest site is within the type's catchment.
    pub within_catchment: f64,
    /// Number of sample points the figures are computed over.
    pub sample_points: usize,
}

/// Access figures for one area's `samples` against `sites`; `None` when there are no sites or no samples.
///
/// ```
/// use geo::Point;
/// use gapmap::domain::access::access;
/// use gapmap::spatial::SiteIndex;
/// let sites = SiteIndex::new([(0, Point::new(0.0, 0.0))]);
/// let a = access(&[Point::new(0.0, 0.0), Point::new(0.0, 0.01)], &sites, 1.0).unwrap();
/// assert!((a.mean_km - 1.10574 / 2.0).abs() < 1e-4);
/// assert_eq!(a.within_catchment, 0.5);
/// ```
pub fn access(samples: &[Point<f64>], sites: &SiteIndex, catchment_km: f64) -> Option<Access> {
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
    use geo::polygon;

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
        let a = access(&samples, &sites, d + 0.001).unwrap();
        assert!((a.mean_km - d).abs() < 1e-9 && (a.p90_km - d).abs() < 1e-9);
        assert_eq!(a.within_catchment, 1.0);
        assert_eq!(
            access(&samples, &sites, d - 0.001)
                .unwrap()
                .within_catchment,
            0.0
        );
        assert_eq!(access(&samples, &SiteIndex::new([]), 1.0), None);
    }

    #[test]
    fn nearest_rank_percentile() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&values, 0.9), 9.0);
        assert_eq!(nearest_rank(&values[..3], 0.9), 3.0);
        assert_eq!(nearest_rank(&[5.0], 0.9), 5.0);
    }
}
