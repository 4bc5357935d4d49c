//! Accessibility per area: the demand-weighted mean, the minimum, and the share of demand below the benchmark.

use serde::Serialize;

use crate::domain::Benchmark;
use crate::domain::planning::DemandPoint;

/// Relative tolerance of the benchmark comparison: a point is below when A·per < value·(1 − 10⁻⁹), the same
/// tolerance as coverage's `meets`.
pub const BELOW_TOLERANCE: f64 = 1e-9;

/// The accessibility of one area's demand points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaAccess {
    /// Number of demand points in the area.
    pub points: usize,
    /// Σ P_i over the area's points, in the demand's unit (people of the basis for grid demand).
    pub demand: f64,
    /// Σ P_i·A_i / Σ P_i, capacity per unit of demand; `None` when the area's demand is 0.
    pub mean: Option<f64>,
    /// The smallest A_i among the area's points of positive weight; `None` when there is none.
    pub min: Option<f64>,
    /// Σ P_i over points with A_i·per < value·(1 − 10⁻⁹), over Σ P_i, for the type's benchmark of `value` per
    /// `per` people; `None` without a benchmark or when the area's demand is 0.
    pub share_below: Option<f64>,
}

/// Aggregates `access` (A_i of each of `demand`'s points) over `areas` areas, by area position; points in no area
/// are left out.
///
/// ```
/// use gapmap::domain::Benchmark;
/// use gapmap::domain::planning::DemandPoint;
/// use gapmap::domain::planning::fca::by_area;
/// let point = |weight| DemandPoint { id: "p".into(), point: None, weight, area: Some(0) };
/// let benchmark = Benchmark { value: 4.0, per: 100_000.0, source: "s".into() };
/// // A = 2e-5 (2 per 100,000: below 4) for 30 people, 6e-5 for 10.
/// let areas = by_area(&[point(30.0), point(10.0)], &[2e-5, 6e-5], 1, Some(&benchmark));
/// assert_eq!(areas[0].mean, Some((30.0 * 2e-5 + 10.0 * 6e-5) / 40.0));
/// assert_eq!(areas[0].min, Some(2e-5));
/// assert_eq!(areas[0].share_below, Some(0.75));
/// ```
pub fn by_area(
    demand: &[DemandPoint],
    access: &[f64],
    areas: usize,
    benchmark: Option<&Benchmark>,
) -> Vec<AreaAccess> {
    #[derive(Clone, Default)]
    struct Sums {
        points: usize,
        demand: f64,
        weighted: f64,
        below: f64,
        min: Option<f64>,
    }
    let mut sums = vec![Sums::default(); areas];
    for (point, &a) in demand.iter().zip(access) {
        let Some(sum) = point.area.and_then(|area| sums.get_mut(area)) else {
            continue;
        };
        sum.points += 1;
        sum.demand += point.weight;
        sum.weighted += point.weight * a;
        if point.weight > 0.0 {
            sum.min = Some(sum.min.map_or(a, |m: f64| m.min(a)));
        }
        if benchmark.is_some_and(|b| a * b.per < b.value * (1.0 - BELOW_TOLERANCE)) {
            sum.below += point.weight;
        }
    }
    sums.into_iter()
        .map(|sum| {
            let positive = sum.demand > 0.0;
            AreaAccess {
                points: sum.points,
                demand: sum.demand,
                mean: positive.then(|| sum.weighted / sum.demand),
                min: sum.min,
                share_below: (positive && benchmark.is_some()).then(|| sum.below / sum.demand),
            }
        })
        .collect()
}
