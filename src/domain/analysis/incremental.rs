//! Re-analysis after a change of listings: a type whose sites did not change is reused as it was; a type whose
//! sites changed is recomputed, measuring access again only in the areas whose nearest-site distances the change
//! can alter.

use std::sync::Arc;

use geo::{BoundingRect, Point};

use super::{Analysis, AnalysisOptions, analyse, analyse_type, measure_access};
use crate::domain::Dataset;
use crate::domain::access::Access;

/// Kilometres per degree of latitude, rounded down (the least anywhere is 110.57 at the equator), so that a
/// distance turned into degrees is never too small.
const KM_PER_DEGREE_LATITUDE: f64 = 110.0;
/// Kilometres per degree of longitude at the equator, rounded down likewise (111.32 on WGS84).
const KM_PER_DEGREE_LONGITUDE_AT_EQUATOR: f64 = 111.0;
/// Widening of each area's reach, against the fast distance's error.
const REACH_MARGIN: f64 = 1.01;

/// The analysis of `after`, reusing `previous` — the full analysis of `before` with the same `options` — wherever
/// the change from `before` to `after` cannot alter it. Equal to `analyse(after, options)`.
///
/// A type is recomputed only when something the analysis reads of its sites changed (where they lie, whom they
/// serve, their capacity, the point distances are measured to). Its access is measured again only in areas within
/// reach of a site that appeared, disappeared or moved: an area whose farthest sample point is `m` km from its
/// nearest site can only change if such a site lies within `m` km of the area (a new site nearer than that, or a
/// removed one that was the nearest).
pub fn reanalyse(
    previous: &Analysis,
    before: &Dataset,
    after: &Dataset,
    options: &AnalysisOptions,
) -> Analysis {
    if !Arc::ptr_eq(before.reference(), after.reference())
        || previous.types.len() != after.types().len()
    {
        return analyse(after, options);
    }
    let types = previous
        .types
        .iter()
        .enumerate()
        .map(|(t, old)| {
            let (was, is) = (sites_of(before, t), sites_of(after, t));
            if was == is {
                return old.clone();
            }
            let moved = moved_points(&was, &is);
            let mut access: Vec<Option<Access>> = old.areas.iter().map(|a| a.access).collect();
            let stale: Vec<usize> = (0..after.areas().len())
                .filter(|&a| !moved.is_empty() && may_change(after, a, access[a], &moved))
                .collect();
            if !stale.is_empty() {
                let measured = measure_access(after, options, &[t], &stale).remove(0);
                for a in stale {
                    access[a] = measured[a];
                }
            }
            analyse_type(after, t, access)
        })
        .collect();
    Analysis { types }
}

/// What the analysis reads of one site: its area, the areas it serves, its capacity, and the point distances are
/// measured to (bit patterns, so that equal means identical).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SiteKey {
    point: (u64, u64),
    located_in: usize,
    serves: Vec<usize>,
    capacity: Option<u64>,
}

/// The keys of the sites of type `t`, sorted (so that the order of listings does not matter).
fn sites_of(dataset: &Dataset, t: usize) -> Vec<SiteKey> {
    let mut keys: Vec<SiteKey> = (0..dataset.services().len())
        .filter(|&site| dataset.type_of(site) == t)
        .map(|site| {
            let point = dataset.published_point(site);
            SiteKey {
                point: (point.x().to_bits(), point.y().to_bits()),
                located_in: dataset.located_in(site),
                serves: dataset.served_areas(site).to_vec(),
                capacity: dataset.services()[site].capacity.map(f64::to_bits),
            }
        })
        .collect();
    keys.sort();
    keys
}

/// The points present in one of two sorted key lists and not the other (as many times as they differ).
fn moved_points(was: &[SiteKey], is: &[SiteKey]) -> Vec<Point<f64>> {
    let count = |keys: &[SiteKey]| {
        let mut points: Vec<(u64, u64)> = keys.iter().map(|k| k.point).collect();
        points.sort_unstable();
        points
    };
    let (mut was, mut is) = (
        count(was).into_iter().peekable(),
        count(is).into_iter().peekable(),
    );
    let mut moved = Vec::new();
    loop {
        let next = match (was.peek(), is.peek()) {
            (Some(a), Some(b)) if a == b => {
                was.next();
                is.next();
                continue;
            }
            (Some(a), Some(b)) if a < b => was.next(),
            (Some(_), Some(_)) => is.next(),
            (Some(_), None) => was.next(),
            (None, Some(_)) => is.next(),
            (None, None) => break,
        };
        if let Some((x, y)) = next {
            moved.push(Point::new(f64::from_bits(x), f64::from_bits(y)));
        }
    }
    moved
}

/// Whether the access of area `a` (previously `access`) can change when sites appear or disappear at `moved`.
fn may_change(dataset: &Dataset, a: usize, access: Option<Access>, moved: &[Point<f64>]) -> bool {
    let Some(access) = access else {
        return true; // there was no site of the type: every area is measured afresh
    };
    let Some(rect) = dataset.areas()[a].boundary.bounding_rect() else {
        return true;
    };
    let reach_km = access.max_km * REACH_MARGIN;
    let d_lat = reach_km / KM_PER_DEGREE_LATITUDE;
    let (south, north) = (rect.min().y - d_lat, rect.max().y + d_lat);
    let farthest_latitude = south.abs().max(north.abs());
    if farthest_latitude >= 89.0 {
        return true;
    }
    let d_lon =
        reach_km / (KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * farthest_latitude.to_radians().cos());
    let (west, east) = (rect.min().x - d_lon, rect.max().x + d_lon);
    moved
        .iter()
        .any(|p| p.y() >= south && p.y() <= north && p.x() >= west && p.x() <= east)
}
