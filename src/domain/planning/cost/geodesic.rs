//! Geodesic cost rows, built cell by cell: origins are grouped into cells a quarter of the reach wide, and each cell
//! asks the R-tree once for every site any of its origins can reach; each origin then measures only those.

use geo::Point;
use rayon::prelude::*;

use super::CostMatrix;
use crate::spatial::ellipsoid::{
    ArcFromChord, Ecef, FAST_DISTANCE_MAX_KM, FAST_DISTANCE_MAX_RELATIVE_ERROR, Parallel,
    chord_squared, ecef,
};
use crate::spatial::{SiteCloud, geodesic_km};

/// Relative closeness to a threshold below which a fast distance is replaced by the exact geodesic, so that which
/// side of a threshold a pair falls is decided exactly: four times the fast distance's error bound.
const EXACT_NEAR_THRESHOLD: f64 = 4.0 * FAST_DISTANCE_MAX_RELATIVE_ERROR;

/// A cell's side as a share of the reach: small enough that a cell's shared candidates are not many more than
/// each origin's own, large enough that one R-tree query serves many origins.
const CELL_SHARE_OF_REACH: f64 = 0.25;
/// The smallest cell side, km.
const MIN_CELL_KM: f64 = 0.25;
/// Kilometres per degree of latitude, near enough for sizing cells (cells only group origins; which pairs are kept
/// never depends on them).
const KM_PER_DEGREE: f64 = 111.2;

impl CostMatrix {
    /// Geodesic distances in kilometres from each origin to every destination within `max_km` (inclusive).
    ///
    /// Destinations are prefiltered with an R-tree of Earth-centred positions (a straight chord is never longer
    /// than the geodesic, so no pair within `max_km` is missed). Each distance is the fast ellipsoidal distance
    /// of [`crate::spatial::ellipsoid`], within 10⁻⁶ relative of Karney's geodesic; where that is within four
    /// times its bound of `max_km` or of one of `thresholds_km` (a decay function's band edges), or beyond the
    /// fast range, the exact geodesic is used instead, so on which side of each threshold a pair falls is exact.
    ///
    /// ```
    /// use geo::Point;
    /// use gapmap::domain::planning::CostMatrix;
    /// let origins = [Point::new(0.0, 51.5)];
    /// let sites = [Point::new(0.0, 51.6), Point::new(1.0, 51.5)]; // about 11 km and 69 km away
    /// let costs = CostMatrix::geodesic_km(&origins, &sites, 30.0, &[]);
    /// let row: Vec<(usize, f64)> = costs.row(0).collect();
    /// assert_eq!(row.len(), 1);
    /// assert_eq!(row[0].0, 0);
    /// assert!((row[0].1 - 11.13).abs() < 0.01);
    /// ```
    pub fn geodesic_km(
        origins: &[Point<f64>],
        destinations: &[Point<f64>],
        max_km: f64,
        thresholds_km: &[f64],
    ) -> Self {
        let mut thresholds: Vec<f64> = thresholds_km
            .iter()
            .copied()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .chain([max_km])
            .collect();
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        // |km − t| ≤ ε·max(t, km) implies |km − t| ≤ ε·t·(1 + 2ε) for ε ≤ 10⁻³: a zone a hair wider than needed,
        // which only sends a few more pairs to the exact geodesic.
        let exact_zones = thresholds
            .iter()
            .map(|&t| {
                (
                    t,
                    EXACT_NEAR_THRESHOLD * t * (1.0 + 2.0 * EXACT_NEAR_THRESHOLD),
                )
            })
            .collect();
        let measure = Measure {
            origins,
            destinations,
            positions: destinations.iter().map(|&p| ecef(p)).collect(),
            cloud: SiteCloud::new(destinations.iter().copied().enumerate()),
            max_km,
            reach_m: max_km * 1000.0 * (1.0 + 1e-9) + 1e-3,
            exact_zones,
        };
        let cells = cells(origins, max_km);
        let measured: Vec<CellRows> = cells.par_iter().map(|cell| measure.cell(cell)).collect();
        assemble(origins.len(), destinations.len(), &measured)
    }
}

/// What every cell's measurement shares.
struct Measure<'a> {
    origins: &'a [Point<f64>],
    destinations: &'a [Point<f64>],
    positions: Vec<Ecef>,
    cloud: SiteCloud,
    max_km: f64,
    reach_m: f64,
    /// `(threshold, half-width)`: a fast distance within the half-width of a threshold is measured exactly.
    exact_zones: Vec<(f64, f64)>,
}

/// The rows of one cell's origins, one after another.
struct CellRows {
    /// Origin positions, ascending.
    origins: Vec<u32>,
    /// Where each origin's row ends in `columns` and `costs`.
    ends: Vec<usize>,
    columns: Vec<u32>,
    costs: Vec<f64>,
}

impl Measure<'_> {
    fn near_threshold(&self, km: f64) -> bool {
        self.exact_zones
            .iter()
            .any(|&(threshold, half_width)| (km - threshold).abs() <= half_width)
    }

    /// Measures the origins of one cell against the sites within reach of any of them: those within the reach
    /// plus the cell's radius of its centre (the triangle inequality in space), sorted by position so that every
    /// row comes out sorted.
    fn cell(&self, members: &[u32]) -> CellRows {
        let at: Vec<Ecef> = members
            .iter()
            .map(|&o| ecef(self.origins[o as usize]))
            .collect();
        let n = at.len() as f64;
        let centre: Ecef = [0, 1, 2].map(|k| at.iter().map(|p| p[k]).sum::<f64>() / n);
        let cell_radius = at
            .iter()
            .map(|p| chord_squared(p, &centre))
            .fold(0.0, f64::max)
            .sqrt();
        let query_m = (self.reach_m + cell_radius) * (1.0 + 1e-9) + 1e-3;
        let mut candidates = Vec::new();
        self.cloud
            .for_each_within_chord(&centre, query_m, |site, _| candidates.push(site as u32));
        candidates.sort_unstable();
        let near: Vec<Ecef> = candidates
            .iter()
            .map(|&j| self.positions[j as usize])
            .collect();
        let reach_squared = self.reach_m * self.reach_m;
        let mut rows = CellRows {
            origins: members.to_vec(),
            ends: Vec::with_capacity(members.len()),
            columns: Vec::new(),
            costs: Vec::new(),
        };
        for (&o, from) in members.iter().zip(&at) {
            let origin = self.origins[o as usize];
            let arc = ArcFromChord::new(Parallel::at(origin.y()).radius_m);
            for (&j, to) in candidates.iter().zip(&near) {
                let chord_squared = chord_squared(to, from);
                if chord_squared > reach_squared {
                    continue;
                }
                let mut km = arc.km(chord_squared);
                if km > FAST_DISTANCE_MAX_KM || self.near_threshold(km) {
                    km = geodesic_km(origin, self.destinations[j as usize]);
                }
                if km <= self.max_km {
                    rows.columns.push(j);
                    rows.costs.push(km);
                }
            }
            rows.ends.push(rows.columns.len());
        }
        rows
    }
}

/// Origin positions grouped by cell (each cell's ascending), cells in row-major order of latitude then longitude.
fn cells(origins: &[Point<f64>], max_km: f64) -> Vec<Vec<u32>> {
    let side_km = (max_km * CELL_SHARE_OF_REACH).max(MIN_CELL_KM);
    let side_deg = side_km / KM_PER_DEGREE;
    let key = |p: &Point<f64>| {
        let row = (p.y() / side_deg).floor();
        let shrink = ((row + 0.5) * side_deg).to_radians().cos().max(0.01);
        (row as i64, (p.x() * shrink / side_deg).floor() as i64)
    };
    let mut order: Vec<((i64, i64), u32)> = origins
        .iter()
        .enumerate()
        .map(|(o, p)| (key(p), o as u32))
        .collect();
    order.sort_unstable();
    let mut cells: Vec<Vec<u32>> = Vec::new();
    let mut last = None;
    for (cell, o) in order {
        if last != Some(cell) {
            cells.push(Vec::new());
            last = Some(cell);
        }
        cells.last_mut().expect("pushed above").push(o);
    }
    cells
}

/// The compressed rows, in origin order, from every cell's rows.
fn assemble(origins: usize, destinations: usize, measured: &[CellRows]) -> CostMatrix {
    let mut lengths = vec![0usize; origins];
    for cell in measured {
        let mut start = 0;
        for (&o, &end) in cell.origins.iter().zip(&cell.ends) {
            lengths[o as usize] = end - start;
            start = end;
        }
    }
    let mut starts = Vec::with_capacity(origins + 1);
    starts.push(0);
    for length in &lengths {
        starts.push(starts.last().expect("pushed above") + length);
    }
    let total = *starts.last().expect("pushed above");
    let mut columns = vec![0u32; total];
    let mut costs = vec![0.0; total];
    for cell in measured {
        let mut start = 0;
        for (&o, &end) in cell.origins.iter().zip(&cell.ends) {
            let to = starts[o as usize];
            columns[to..to + end - start].copy_from_slice(&cell.columns[start..end]);
            costs[to..to + end - start].copy_from_slice(&cell.costs[start..end]);
            start = end;
        }
    }
    CostMatrix {
        destinations,
        starts,
        columns,
        costs,
    }
}
