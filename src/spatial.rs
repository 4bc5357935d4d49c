//! R-tree indexes: areas by bounding box (for point-in-area look-ups) and sites by position on the sphere
//! (for nearest-site queries). Both are built once with `bulk_load` and never mutated.

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

    /// The `k` nearest sites to `from`, nearest first (great-circle order), with geodesic distances.
    pub fn nearest(&self, from: Point<f64>, k: usize) -> Vec<NearSite> {
        self.tree
            .nearest_neighbor_iter(&to_unit_sphere(from))
            .take(k)
            .map(|entry| NearSite {
                site: entry.data,
                distance_km: geodesic_km(from, point_of(entry.geom())),
            })
            .collect()
    }

    /// Geodesic distance in kilometres from `from` to the nearest site, or `None` when there are no sites.
    pub fn nearest_distance_km(&self, from: Point<f64>) -> Option<f64> {
        self.tree
            .nearest_neighbor(&to_unit_sphere(from))
            .map(|entry| geodesic_km(from, point_of(entry.geom())))
    }
}

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
}
