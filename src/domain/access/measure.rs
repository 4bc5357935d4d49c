//! Nearest-site distances over a whole sample grid, block by block: each block of cells asks the R-tree once for
//! the few sites that can be nearest to any of its points, then every point picks among those by chord and is
//! measured by the fast ellipsoidal distance ([`crate::spatial::ellipsoid`]). Exact geodesics are computed only
//! where the fast one cannot decide: beyond its range, and next to the catchment threshold.

use geo::Point;

use super::Access;
use super::grid::{CellGrid, SampleGrid};
use crate::spatial::ellipsoid::{
    Ecef, FAST_DISTANCE_MAX_KM, FAST_DISTANCE_MAX_RELATIVE_ERROR, Parallel, arc_from_chord, ecef,
    meridian,
};
use crate::spatial::{Candidates, SiteCloud, geodesic_km};

/// Side of a block of cells searched together, in kilometres.
const BLOCK_KM: f64 = 4.0;

/// Sites whose chords are within this fraction of the shortest are measured exactly when an exact distance is
/// needed: the fast distance is within 10⁻⁵ of the geodesic at every distance in Great Britain, so the nearest
/// site by geodesic cannot lie further out.
const RANK_MARGIN: f64 = 1e-4;

/// A distance this close (relative) to the catchment is settled by the exact geodesic: twice the fast distance's
/// bound, with a margin.
const CATCHMENT_MARGIN: f64 = 4.0 * FAST_DISTANCE_MAX_RELATIVE_ERROR;

/// What every type's measurement of one area shares: the Earth-centred form of the grid's rows and columns.
#[derive(Debug, Clone)]
pub struct GridFrame<'g> {
    grid: &'g SampleGrid,
    parallels: Vec<Parallel>,
    meridians: Vec<(f64, f64)>,
    block: usize,
}

/// Buffers reused from one measurement to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    distances: Vec<f64>,
    block: Vec<(Ecef, usize, usize)>,
    candidates: Candidates,
}

impl<'g> GridFrame<'g> {
    /// The frame of `grid`, whose cells are `spacing_km` apart.
    pub fn new(grid: &'g SampleGrid, spacing_km: f64) -> Self {
        let (parallels, meridians) = match grid {
            SampleGrid::Cells(cells) => (
                (0..cells.rows())
                    .map(|r| Parallel::at(cells.lat(r)))
                    .collect(),
                (0..cells.cols()).map(|c| meridian(cells.lon(c))).collect(),
            ),
            SampleGrid::Single(_) => (Vec::new(), Vec::new()),
        };
        Self {
            grid,
            parallels,
            meridians,
            block: ((BLOCK_KM / spacing_km).round() as usize).max(1),
        }
    }

    /// Access figures of the grid against `sites`; `None` when there are no sites.
    pub fn measure(
        &self,
        sites: &SiteCloud,
        catchment_km: f64,
        scratch: &mut Scratch,
    ) -> Option<Access> {
        if sites.is_empty() {
            return None;
        }
        scratch.distances.clear();
        match self.grid {
            SampleGrid::Single(point) => {
                let position = ecef(*point);
                let mut one = Candidates::default();
                sites.candidates(&position, 0.0, &mut one);
                let radius = Parallel::at(point.y()).radius_m;
                let km = nearest_km(|| *point, &position, radius, &one, catchment_km);
                scratch.distances.push(km);
            }
            SampleGrid::Cells(cells) => self.measure_cells(cells, sites, catchment_km, scratch),
        }
        Some(figures(&mut scratch.distances, catchment_km))
    }

    fn measure_cells(
        &self,
        cells: &CellGrid,
        sites: &SiteCloud,
        catchment_km: f64,
        scratch: &mut Scratch,
    ) {
        let spans = cells.spans();
        let mut first_span = 0;
        for block_row in (0..cells.rows()).step_by(self.block) {
            let row_end = block_row + self.block;
            let mut last_span = first_span;
            while last_span < spans.len() && spans[last_span].row < row_end {
                last_span += 1;
            }
            let rows = &spans[first_span..last_span];
            first_span = last_span;
            if rows.is_empty() {
                continue;
            }
            for block_col in (0..cells.cols()).step_by(self.block) {
                let col_end = block_col + self.block;
                scratch.block.clear();
                for span in rows {
                    for col in span.start.max(block_col)..span.end.min(col_end) {
                        let position = self.parallels[span.row].point(self.meridians[col]);
                        scratch.block.push((position, span.row, col));
                    }
                }
                if !scratch.block.is_empty() {
                    self.measure_block(cells, sites, catchment_km, scratch);
                }
            }
        }
    }

    fn measure_block(
        &self,
        cells: &CellGrid,
        sites: &SiteCloud,
        catchment_km: f64,
        scratch: &mut Scratch,
    ) {
        let n = scratch.block.len() as f64;
        let mut centre = [0.0; 3];
        for (position, _, _) in &scratch.block {
            for (c, p) in centre.iter_mut().zip(position) {
                *c += p / n;
            }
        }
        let reach = scratch
            .block
            .iter()
            .map(|(p, _, _)| crate::spatial::ellipsoid::chord_squared(p, &centre))
            .fold(0.0, f64::max)
            .sqrt();
        sites.candidates(&centre, reach, &mut scratch.candidates);
        for &(position, row, col) in &scratch.block {
            let km = nearest_km(
                || Point::new(cells.lon(col), cells.lat(row)),
                &position,
                self.parallels[row].radius_m,
                &scratch.candidates,
                catchment_km,
            );
            scratch.distances.push(km);
        }
    }
}

/// Whether the fast distance `km` cannot be published as it is: beyond its range, or too near the catchment to
/// say on which side it lies.
#[inline]
fn needs_exact(km: f64, catchment_km: f64) -> bool {
    km > FAST_DISTANCE_MAX_KM || (km - catchment_km).abs() <= CATCHMENT_MARGIN * catchment_km
}

/// The distance from the point at `position` to its nearest candidate: fast, or exact where [`needs_exact`] says
/// so (only then is `point` asked for its longitude and latitude).
fn nearest_km(
    point: impl FnOnce() -> Point<f64>,
    position: &Ecef,
    radius_m: f64,
    candidates: &Candidates,
    catchment_km: f64,
) -> f64 {
    let chord_squared = candidates.nearest_chord_squared(position);
    let km = arc_from_chord(chord_squared.sqrt(), radius_m) / 1000.0;
    if needs_exact(km, catchment_km) {
        exact_nearest_km(point(), position, chord_squared, candidates)
    } else {
        km
    }
}

/// The exact geodesic distance from `point` to its nearest candidate, among those whose chords are within
/// [`RANK_MARGIN`] of the shortest.
fn exact_nearest_km(
    point: Point<f64>,
    position: &Ecef,
    shortest_chord_squared: f64,
    candidates: &Candidates,
) -> f64 {
    let limit = shortest_chord_squared * (1.0 + RANK_MARGIN) * (1.0 + RANK_MARGIN);
    candidates
        .within(position, limit)
        .map(|site| geodesic_km(point, site))
        .fold(f64::INFINITY, f64::min)
}

/// The README's access figures over non-empty `distances` (reordered in place).
fn figures(distances: &mut [f64], catchment_km: f64) -> Access {
    let n = distances.len();
    let within = distances.iter().filter(|&&d| d <= catchment_km).count();
    let mean_km = distances.iter().sum::<f64>() / n as f64;
    let max_km = distances.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    let (_, p90, _) = distances.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Access {
        mean_km,
        p90_km: *p90,
        max_km,
        within_catchment: within as f64 / n as f64,
        sample_points: n,
    }
}

#[cfg(test)]
mod tests {
    use geo::{MultiPolygon, polygon};

    use super::*;
    use crate::domain::access::exact_access;
    use crate::spatial::SiteIndex;

    use crate::spatial::test_uniform as uniform;

    /// Checks the fast figures against the exact definition: the same sample points, the same share within the
    /// catchment, and distances within the fast distance's bound.
    fn agrees(
        boundary: &MultiPolygon<f64>,
        sites: &[(usize, Point<f64>)],
        spacing_km: f64,
        catchment_km: f64,
    ) {
        let fallback = Point::new(
            boundary.0[0].exterior().0[0].x,
            boundary.0[0].exterior().0[0].y,
        );
        let grid = SampleGrid::new(boundary, spacing_km, fallback);
        let fast = GridFrame::new(&grid, spacing_km)
            .measure(
                &SiteCloud::new(sites.iter().copied()),
                catchment_km,
                &mut Scratch::default(),
            )
            .expect("there are sites");
        let exact = exact_access(
            &grid.points(),
            &SiteIndex::new(sites.iter().copied()),
            catchment_km,
        )
        .unwrap();
        assert_eq!(fast.sample_points, exact.sample_points);
        assert_eq!(
            fast.within_catchment, exact.within_catchment,
            "{fast:?} vs {exact:?}"
        );
        for (f, e) in [
            (fast.mean_km, exact.mean_km),
            (fast.p90_km, exact.p90_km),
            (fast.max_km, exact.max_km),
        ] {
            assert!(
                (f - e).abs() <= FAST_DISTANCE_MAX_RELATIVE_ERROR * e,
                "{fast:?} vs {exact:?}"
            );
        }
    }

    #[test]
    fn agrees_with_exact_geodesics_near_and_far() {
        let mut seed = 0x0005_DEEC_E66D_u64;
        // An L-shaped area of about 20 km × 15 km in the Midlands.
        let area = MultiPolygon(vec![polygon![
            (x: -1.9, y: 52.4), (x: -1.6, y: 52.4), (x: -1.6, y: 52.47), (x: -1.75, y: 52.47),
            (x: -1.75, y: 52.53), (x: -1.9, y: 52.53), (x: -1.9, y: 52.4)
        ]]);
        for (count, spread) in [(1, 0.3), (5, 0.5), (40, 0.6), (400, 3.0)] {
            let sites: Vec<(usize, Point<f64>)> = (0..count)
                .map(|i| {
                    (
                        i,
                        Point::new(
                            -1.75 + spread * (uniform(&mut seed) - 0.5),
                            52.46 + spread * (uniform(&mut seed) - 0.5),
                        ),
                    )
                })
                .collect();
            for catchment in [2.0, 5.0, 12.0] {
                agrees(&area, &sites, 0.25, catchment);
            }
            agrees(&area, &sites, 1.0, 5.0);
        }
        // Sites several hundred kilometres away (beyond the fast range): measured exactly.
        let far = [(0, Point::new(-5.5, 57.8)), (1, Point::new(-3.2, 58.5))];
        agrees(&area, &far, 0.25, 10.0);
    }

    #[test]
    fn points_exactly_at_the_catchment_are_counted_within_it() {
        // One site on the grid's row; the catchment is set to the exact distance of one sample point.
        let area = MultiPolygon(vec![polygon![
            (x: 0.0, y: 52.0), (x: 0.05, y: 52.0), (x: 0.05, y: 52.03), (x: 0.0, y: 52.03), (x: 0.0, y: 52.0)
        ]]);
        let grid = SampleGrid::new(&area, 0.25, Point::new(0.01, 52.01));
        let points = grid.points();
        let site = [(0, Point::new(0.06, 52.015))];
        let catchment = crate::spatial::geodesic_km(points[points.len() / 2], site[0].1);
        agrees(&area, &site, 0.25, catchment);
    }
}
