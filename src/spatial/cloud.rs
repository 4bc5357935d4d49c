//! Sites of one type in Earth-centred Cartesian metres, for the access grid's nearest-site search: a block of
//! sample points asks once for every site that can be nearest to any of them.

use geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::ellipsoid::{Ecef, chord_squared, ecef};

/// Sites indexed by their Earth-centred positions.
#[derive(Debug, Clone)]
pub struct SiteCloud {
    tree: RTree<GeomWithData<Ecef, usize>>,
    points: Vec<Point<f64>>,
}

/// Sites gathered for one block of sample points, position by position (structure of arrays, so the distance
/// loop over them is tight).
#[derive(Debug, Default, Clone)]
pub struct Candidates {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
    points: Vec<Point<f64>>,
}

impl Candidates {
    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The smallest squared chord from `from` to any candidate (infinite when there are none).
    #[inline]
    pub fn nearest_chord_squared(&self, from: &Ecef) -> f64 {
        let mut best = f64::INFINITY;
        for ((x, y), z) in self.x.iter().zip(&self.y).zip(&self.z) {
            let (dx, dy, dz) = (x - from[0], y - from[1], z - from[2]);
            let d = dx * dx + dy * dy + dz * dz;
            if d < best {
                best = d;
            }
        }
        best
    }

    /// The longitude/latitude points of the candidates whose squared chord from `from` is at most `limit`.
    pub fn within<'a>(
        &'a self,
        from: &'a Ecef,
        limit: f64,
    ) -> impl Iterator<Item = Point<f64>> + 'a {
        (0..self.len())
            .filter(move |&i| chord_squared(&[self.x[i], self.y[i], self.z[i]], from) <= limit)
            .map(|i| self.points[i])
    }

    fn clear(&mut self) {
        self.x.clear();
        self.y.clear();
        self.z.clear();
        self.points.clear();
    }
}

impl SiteCloud {
    /// Indexes sites given as `(site number, point)`.
    pub fn new(sites: impl IntoIterator<Item = (usize, Point<f64>)>) -> Self {
        let points: Vec<Point<f64>> = sites.into_iter().map(|(_, point)| point).collect();
        let entries = points
            .iter()
            .enumerate()
            .map(|(index, &point)| GeomWithData::new(ecef(point), index))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            points,
        }
    }

    /// Whether no site is indexed.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Calls `visit(site, squared chord)` for every site whose straight-line distance from `centre` is at most
    /// `radius_m` metres (sites are numbered in the order [`SiteCloud::new`] was given them).
    pub fn for_each_within_chord(
        &self,
        centre: &Ecef,
        radius_m: f64,
        mut visit: impl FnMut(usize, f64),
    ) {
        for entry in self
            .tree
            .locate_within_distance(*centre, radius_m * radius_m)
        {
            visit(entry.data, chord_squared(entry.geom(), centre));
        }
    }

    /// Fills `out` with every site that can be the nearest, by chord, to some point within `reach_m` (straight
    /// line) of `centre`: those within `d₀ + 2·reach_m` of `centre`, where `d₀` is the chord to the site nearest
    /// `centre`. (For such a point p, its nearest site s has |ps| ≤ |p·nearest(centre)| ≤ reach + d₀, so
    /// |centre·s| ≤ reach + |ps| ≤ d₀ + 2·reach, by the triangle inequality in space.)
    pub fn candidates(&self, centre: &Ecef, reach_m: f64, out: &mut Candidates) {
        out.clear();
        let Some(nearest) = self.tree.nearest_neighbor(centre) else {
            return;
        };
        // A millimetre and a part in 10⁹ of slack against rounding in the squared distances.
        let radius =
            (chord_squared(nearest.geom(), centre).sqrt() + 2.0 * reach_m) * (1.0 + 1e-9) + 1e-3;
        for entry in self.tree.locate_within_distance(*centre, radius * radius) {
            let [x, y, z] = *entry.geom();
            out.x.push(x);
            out.y.push(y);
            out.z.push(z);
            out.points.push(self.points[entry.data]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_include_the_nearest_site_of_every_point_in_reach() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || crate::spatial::test_uniform(&mut seed);
        let sites: Vec<(usize, Point<f64>)> = (0..300)
            .map(|i| (i, Point::new(-2.0 + 2.0 * next(), 52.0 + 1.5 * next())))
            .collect();
        let cloud = SiteCloud::new(sites.clone());
        let mut out = Candidates::default();
        for _ in 0..100 {
            let centre_point = Point::new(-2.0 + 2.0 * next(), 52.0 + 1.5 * next());
            let centre = ecef(centre_point);
            let reach = 3_000.0;
            cloud.candidates(&centre, reach, &mut out);
            assert!(!out.is_empty() && out.len() < sites.len());
            for _ in 0..20 {
                let p = ecef(Point::new(
                    centre_point.x() + 0.04 * (next() - 0.5),
                    centre_point.y() + 0.025 * (next() - 0.5),
                ));
                if chord_squared(&p, &centre).sqrt() > reach {
                    continue;
                }
                let brute = sites
                    .iter()
                    .map(|&(_, s)| chord_squared(&p, &ecef(s)))
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(out.nearest_chord_squared(&p), brute);
            }
        }
        assert!(SiteCloud::new([]).is_empty());
    }
}
