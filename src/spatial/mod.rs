//! R-tree indexes: areas by bounding box (for point-in-area look-ups) and sites by position on the sphere
//! (for nearest-site queries), and sites in Earth-centred metres for the access grid ([`SiteCloud`]). All are built
//! once with `bulk_load` and never mutated.

mod cloud;
pub mod ellipsoid;

pub use cloud::{Candidates, SiteCloud};

use geo::{BoundingRect, Contains, Distance, Geodesic, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Areas indexed by their bounding boxes in longitude/latitude degrees.
#[derive(Debug, Clone)]
pub struct AreaIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl AreaIndex {
    /// Indexes `boundaries`; the data attached to each entry is its position in the slice.
    pub fn new<'a>(boundaries: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let entries = boundaries
            .into_iter()
            .enumerate()
            .filter_map(|(index, boundary)| {
                let rect = boundary.bounding_rect()?;
                let envelope = Rectangle::from_corners(
                    [rect.min().x, rect.min().y],
                    [rect.max().x, rect.max().y],
                );
                Some(GeomWithData::new(envelope, index))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The index of the first area whose boundary contains `point` (envelope query, then exact point-in-polygon).
    /// A point exactly on a shared border belongs to neither polygon's interior; such points return `None`.
    pub fn locate(&self, point: Point<f64>, boundaries: &[MultiPolygon<f64>]) -> Option<usize> {
        let probe = AABB::from_point([point.x(), point.y()]);
        let mut candidates: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&probe)
            .map(|entry| entry.data)
            .collect();
        // Deterministic answer whatever order the tree yields candidates in.
        candidates.sort_unstable();
        candidates
            .into_iter()
            .find(|&index| boundaries.get(index).is_some_and(|b| b.contains(&point)))
    }
}

/// Converts WGS84 longitude/latitude degrees to a point on the unit sphere, so that Euclidean (chord) distance
/// orders points exactly as great-circle distance does.
fn to_unit_sphere(point: Point<f64>) -> [f64; 3] {
    let (lon, lat) = (point.x().to_radians(), point.y().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Sites of one type, indexed for nearest-neighbour queries.
#[derive(Debug, Clone)]
pub struct SiteIndex {
    tree: RTree<GeomWithData<[f64; 3], usize>>,
}

/// A site found by a nearest-neighbour query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearSite {
    /// The data given with the site when the index was built (its position in the dataset).
    pub site: usize,
    /// Geodesic distance on the WGS84 ellipsoid, in kilometres.
    pub distance_km: f64,
}

impl SiteIndex {
    /// Indexes sites given as `(site number, point)`, where the point is the one distances are measured to.
    pub fn new(sites: impl IntoIterator<Item = (usize, Point<f64>)>) -> Self {
        let entries = sites
            .into_iter()
            .map(|(site, point)| GeomWithData::new(to_unit_sphere(point), site))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Number of sites indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether no site is indexed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The `k` nearest sites to `from` by geodesic distance, nearest first, with those distances.
    ///
    /// The tree orders candidates on the sphere; the ellipsoid can swap two whose distances differ by less than
    /// [`SPHERE_TOLERANCE`], so candidates are taken until the next one is, even allowing for that, further than
    /// the k-th found.
    pub fn nearest(&self, from: Point<f64>, k: usize) -> Vec<NearSite> {
        let mut found: Vec<NearSite> = Vec::with_capacity(k + 1);
        if k == 0 {
            return found;
        }
        let origin = to_unit_sphere(from);
        for entry in self.tree.nearest_neighbor_iter(&origin) {
            if let Some(kth) = found.get(k - 1) {
                let chord = entry
                    .geom()
                    .iter()
                    .zip(&origin)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt();
                let sphere_km = 2.0 * (chord / 2.0).min(1.0).asin() * MEAN_EARTH_RADIUS_KM;
                if sphere_km * (1.0 - SPHERE_TOLERANCE) > kth.distance_km {
                    break;
                }
            }
            let near = NearSite {
                site: entry.data,
                distance_km: geodesic_km(from, point_of(entry.geom())),
            };
            let at = found.partition_point(|f| f.distance_km <= near.distance_km);
            found.insert(at, near);
            found.truncate(k);
        }
        found
    }

    /// Geodesic distance in kilometres from `from` to the nearest site, or `None` when there are no sites.
    pub fn nearest_distance_km(&self, from: Point<f64>) -> Option<f64> {
        self.nearest(from, 1).first().map(|near| near.distance_km)
    }
}

/// A deterministic xorshift step, uniform in [0, 1): the same scatter of test points on every run.
#[cfg(test)]
pub(crate) fn test_uniform(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Mean Earth radius (IUGG), in kilometres: turns chord lengths into great-circle distances.
const MEAN_EARTH_RADIUS_KM: f64 = 6371.0088;

/// Largest relative difference between a great-circle distance on the mean sphere and the geodesic distance on the
/// WGS84 ellipsoid (about 0.56%), with a margin.
pub const SPHERE_TOLERANCE: f64 = 0.01;

/// Inverse of [`to_unit_sphere`].
fn point_of(unit: &[f64; 3]) -> Point<f64> {
    let [x, y, z] = *unit;
    Point::new(
        y.atan2(x).to_degrees(),
        z.atan2((x * x + y * y).sqrt()).to_degrees(),
    )
}

/// Geodesic distance on the WGS84 ellipsoid (Karney's algorithm), in kilometres.
///
/// ```
/// use geo::Point;
/// // One degree of latitude at the equator is 110.574 km on WGS84.
/// let d = gapmap::spatial::geodesic_km(Point::new(0.0, 0.0), Point::new(0.0, 1.0));
/// assert!((d - 110.574).abs() < 0.001);
/// ```
pub fn geodesic_km(a: Point<f64>, b: Point<f64>) -> f64 {
    Geodesic.distance(a, b) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x0, y: y0), (x: x0 + side, y: y0), (x: x0 + side, y: y0 + side), (x: x0, y: y0 + side), (x: x0, y: y0)
        ]])
    }

    #[test]
    fn locate_finds_the_containing_area_only() {
        let areas = vec![square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0)];
        let index = AreaIndex::new(&areas);
        assert_eq!(index.locate(Point::new(0.5, 0.5), &areas), Some(0));
        assert_eq!(index.locate(Point::new(1.5, 0.5), &areas), Some(1));
        assert_eq!(index.locate(Point::new(2.5, 0.5), &areas), None);
    }

    #[test]
    fn nearest_orders_by_great_circle_distance_and_round_trips_points() {
        // At 60°N a degree of longitude is half as long as a degree of latitude: the site 1.5° east is
        // nearer than the one 1° north, which a naive lon/lat index would get wrong.
        let from = Point::new(0.0, 60.0);
        let index = SiteIndex::new([(7, Point::new(0.0, 61.0)), (9, Point::new(1.5, 60.0))]);
        let near = index.nearest(from, 2);
        assert_eq!(near.iter().map(|n| n.site).collect::<Vec<_>>(), vec![9, 7]);
        let expected = geodesic_km(from, Point::new(1.5, 60.0));
        assert!(
            (near[0].distance_km - expected).abs() < 1e-6,
            "{near:?} vs {expected}"
        );
        assert!((near[0].distance_km - 83.7).abs() < 0.5, "{near:?}");
    }

    #[test]
    fn nearest_agrees_with_a_brute_force_geodesic_search() {
        // Deterministic scatter from southern England to Scotland, where sphere and ellipsoid disagree most.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || test_uniform(&mut seed);
        let sites: Vec<(usize, Point<f64>)> = (0..400)
            .map(|i| (i, Point::new(-5.0 + 7.0 * next(), 50.0 + 8.0 * next())))
            .collect();
        let index = SiteIndex::new(sites.clone());
        for _ in 0..200 {
            let from = Point::new(-5.0 + 7.0 * next(), 50.0 + 8.0 * next());
            let mut expected: Vec<(f64, usize)> = sites
                .iter()
                .map(|&(i, p)| (geodesic_km(from, p), i))
                .collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0));
            let found = index.nearest(from, 5);
            let got: Vec<f64> = found.iter().map(|n| n.distance_km).collect();
            let want: Vec<f64> = expected.iter().take(5).map(|e| e.0).collect();
            // Equal up to the rounding of the round trip through unit vectors (nanometres).
            let close = |a: &[f64], b: &[f64]| {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
            };
            assert!(close(&got, &want), "from {from:?}: {got:?} vs {want:?}");
            assert!(close(
                &[index.nearest_distance_km(from).unwrap_or(f64::NAN)],
                &want[..1]
            ));
        }
        assert!(index.nearest(Point::new(0.0, 51.0), 0).is_empty());
    }
}
