//! The "postcode lottery" summary: how unequal provision of one type is across areas.
//!
//! Definitions are in the README ("Postcode lottery"); this module computes exactly those.

use serde::Serialize;
use utoipa::ToSchema;

/// Summary statistics of one type's rates across all areas.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Lottery {
    /// Areas with status `none` (nothing serves them).
    pub areas_none: usize,
    /// Areas with status `below` the benchmark.
    pub areas_below: usize,
    /// Share (0–1) of the basis population living in areas that are `none` or `below`.
    pub basis_share_in_gap: f64,
    /// Lowest area rate.
    pub rate_min: f64,
    /// Median area rate (mean of the two middle rates when the count is even).
    pub rate_median: f64,
    /// Highest area rate.
    pub rate_max: f64,
    /// `rate_max / rate_min`; `None` when the lowest rate is zero (the ratio is unbounded).
    pub max_min_ratio: Option<f64>,
    /// Population standard deviation of area rates over their unweighted mean; `None` when the mean is zero.
    pub coefficient_of_variation: Option<f64>,
    /// Gini coefficient of area rates weighted by basis population; `None` when the weighted mean is zero.
    pub gini: Option<f64>,
}

/// One area's input to the summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaRate {
    /// The area's rate.
    pub rate: f64,
    /// The area's basis population (the weight).
    pub basis: f64,
    /// Whether the area's status is `none` or `below`.
    pub in_gap: bool,
    /// Whether the area's status is `none`.
    pub none: bool,
}

/// Summarises the rates of one type across areas; `None` when there are no areas.
pub fn summarise(areas: &[AreaRate]) -> Option<Lottery> {
    if areas.is_empty() {
        return None;
    }
    let mut rates: Vec<f64> = areas.iter().map(|a| a.rate).collect();
    rates.sort_by(f64::total_cmp);
    let n = rates.len();
    let rate_min = rates[0];
    let rate_max = rates[n - 1];
    let rate_median = if n % 2 == 1 {
        rates[n / 2]
    } else {
        (rates[n / 2 - 1] + rates[n / 2]) / 2.0
    };
    let total_basis: f64 = areas.iter().map(|a| a.basis).sum();
    let gap_basis: f64 = areas.iter().filter(|a| a.in_gap).map(|a| a.basis).sum();
    let weighted: Vec<(f64, f64)> = areas.iter().map(|a| (a.rate, a.basis)).collect();
    Some(Lottery {
        areas_none: areas.iter().filter(|a| a.none).count(),
        areas_below: areas.iter().filter(|a| a.in_gap && !a.none).count(),
        basis_share_in_gap: if total_basis > 0.0 {
            gap_basis / total_basis
        } else {
            0.0
        },
        rate_min,
        rate_median,
        rate_max,
        max_min_ratio: (rate_min > 0.0).then(|| rate_max / rate_min),
        coefficient_of_variation: coefficient_of_variation(&rates),
        gini: weighted_gini(&weighted),
    })
}

/// Population standard deviation over mean of `values`; `None` when empty or the mean is zero.
///
/// ```
/// // Values 2 and 4: mean 3, standard deviation 1.
/// let cv = gapmap::domain::lottery::coefficient_of_variation(&[2.0, 4.0]).unwrap();
/// assert!((cv - 1.0 / 3.0).abs() < 1e-12);
/// ```
pub fn coefficient_of_variation(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean == 0.0 {
        return None;
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    Some(variance.sqrt() / mean)
}

/// Weighted Gini coefficient of `(value, weight)` pairs:
/// G = Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 W² μ), with W = Σ wᵢ and μ = Σ wᵢ xᵢ / W.
/// `None` when the total weight or the weighted mean is zero.
///
/// ```
/// // Weights 1 and 3, values 0 and 4: W = 4, μ = 3, double sum = 2·1·3·4 = 24, G = 24 / (2·16·3) = 0.25.
/// let g = gapmap::domain::lottery::weighted_gini(&[(0.0, 1.0), (4.0, 3.0)]).unwrap();
/// assert!((g - 0.25).abs() < 1e-12);
/// ```
pub fn weighted_gini(pairs: &[(f64, f64)]) -> Option<f64> {
    let total_weight: f64 = pairs.iter().map(|&(_, w)| w).sum();
    if total_weight <= 0.0 {
        return None;
    }
    let mean = pairs.iter().map(|&(x, w)| x * w).sum::<f64>() / total_weight;
    if mean == 0.0 {
        return None;
    }
    // Sorting turns the double sum into one pass: each xᵢ is subtracted by the weight below it and added
    // by the weight above it, so Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| = 2 Σᵢ wᵢ xᵢ (W_below(i) − W_above(i)).
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut below = 0.0;
    let mut double_sum = 0.0;
    for &(x, w) in &sorted {
        let above = total_weight - below - w;
        double_sum += 2.0 * w * x * (below - above);
        below += w;
    }
    Some(double_sum / (2.0 * total_weight * total_weight * mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_force_gini(pairs: &[(f64, f64)]) -> f64 {
        let w: f64 = pairs.iter().map(|p| p.1).sum();
        let mean = pairs.iter().map(|p| p.0 * p.1).sum::<f64>() / w;
        let mut sum = 0.0;
        for a in pairs {
            for b in pairs {
                sum += a.1 * b.1 * (a.0 - b.0).abs();
            }
        }
        sum / (2.0 * w * w * mean)
    }

    #[test]
    fn gini_extremes_and_agreement_with_the_double_sum() {
        assert_eq!(weighted_gini(&[(3.0, 1.0), (3.0, 5.0)]), Some(0.0));
        // All provision in one of n equal-weight areas: G = (n − 1) / n.
        let g = weighted_gini(&[(0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (8.0, 1.0)]).unwrap();
        assert!((g - 0.75).abs() < 1e-12, "{g}");
        let pairs = [
            (1.5, 200.0),
            (0.2, 50.0),
            (4.0, 120.0),
            (0.0, 10.0),
            (2.2, 300.0),
        ];
        assert!((weighted_gini(&pairs).unwrap() - brute_force_gini(&pairs)).abs() < 1e-12);
        assert_eq!(weighted_gini(&[(0.0, 1.0), (0.0, 2.0)]), None);
    }

    #[test]
    fn summary_of_three_areas() {
        let areas = [
            AreaRate {
                rate: 0.0,
                basis: 100.0,
                in_gap: true,
                none: true,
            },
            AreaRate {
                rate: 2.0,
                basis: 300.0,
                in_gap: true,
                none: false,
            },
            AreaRate {
                rate: 6.0,
                basis: 100.0,
                in_gap: false,
                none: false,
            },
        ];
        let s = summarise(&areas).unwrap();
        assert_eq!((s.areas_none, s.areas_below), (1, 1));
        assert!((s.basis_share_in_gap - 0.8).abs() < 1e-12);
        assert_eq!((s.rate_min, s.rate_median, s.rate_max), (0.0, 2.0, 6.0));
        assert_eq!(s.max_min_ratio, None);
        // Mean 8/3; deviations −8/3, −2/3, 10/3; variance (64 + 4 + 100) / 27 = 168/27.
        let cv = (168.0f64 / 27.0).sqrt() / (8.0 / 3.0);
        assert!((s.coefficient_of_variation.unwrap() - cv).abs() < 1e-12);
        // Weighted mean (0 + 600 + 600) / 500 = 2.4.
        assert!(
            (s.gini.unwrap() - brute_force_gini(&[(0.0, 100.0), (2.0, 300.0), (6.0, 100.0)])).abs()
                < 1e-12
        );
        assert_eq!(summarise(&[]), None);
    }
}
