//! Gaps worst first: the area × type pairs in gap, ordered by how far each falls short (README, "Gaps worst
//! first").

use super::coverage::Status;
use super::{Analysis, AreaCoverage};

/// The statuses listed as gaps when none are asked for.
pub const DEFAULT_GAP_STATUSES: [Status; 2] = [Status::None, Status::Below];

/// An area × type pair in gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap<'a> {
    /// The area's position in the dataset.
    pub area: usize,
    /// Its coverage of the type.
    pub coverage: &'a AreaCoverage,
    /// Shortfall per `rate_per` people of the basis; `None` without a benchmark.
    pub shortfall_rate: Option<f64>,
    /// 1 for the worst.
    pub rank: usize,
}

/// The shortfall per `rate_per` people of the basis: *shortfall / B(a) × per*; `None` without a benchmark.
pub fn shortfall_rate(a: &AreaCoverage) -> Option<f64> {
    a.shortfall
        .filter(|_| a.basis_population > 0.0)
        .map(|s| s / a.basis_population * a.rate_per)
}

/// The pairs of type `service_type` (every type when `None`) whose status is in `statuses`, worst first: largest
/// shortfall rate first; pairs without one (types without a benchmark) after; ties `none` before `below`, then the
/// larger basis population, then the code and the type.
pub fn gaps_worst_first<'a>(
    analysis: &'a Analysis,
    service_type: Option<usize>,
    statuses: &[Status],
) -> Vec<Gap<'a>> {
    let mut pairs: Vec<(usize, &AreaCoverage, Option<f64>)> = analysis
        .types
        .iter()
        .enumerate()
        .filter(|(t, _)| service_type.is_none_or(|wanted| wanted == *t))
        .flat_map(|(_, result)| result.areas.iter().enumerate())
        .filter(|(_, a)| statuses.contains(&a.status))
        .map(|(area, a)| (area, a, shortfall_rate(a)))
        .collect();
    pairs.sort_by(|x, y| {
        let by_rate = match (x.2, y.2) {
            // Rounded so that apportioning noise (1e-16) does not decide between equal shortfalls.
            (Some(a), Some(b)) => (b * 1e9).round().total_cmp(&(a * 1e9).round()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_rate
            .then_with(|| (x.1.status != Status::None).cmp(&(y.1.status != Status::None)))
            .then_with(|| y.1.basis_population.total_cmp(&x.1.basis_population))
            .then_with(|| x.1.code.cmp(&y.1.code))
            .then_with(|| x.1.service_type.cmp(&y.1.service_type))
    });
    pairs
        .into_iter()
        .enumerate()
        .map(|(rank, (area, coverage, shortfall_rate))| Gap {
            area,
            coverage,
            shortfall_rate,
            rank: rank + 1,
        })
        .collect()
}
