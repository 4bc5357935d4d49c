//! The weight of a pair at cost *c*, prepared once per catchment so the two steps' tight loops neither match on
//! the decay's kind nor branch on which band a cost falls in.

use super::{Catchment, FcaModel};
use crate::domain::planning::Decay;

/// [`Catchment::weight`], precomputed.
pub(super) enum PairWeight {
    /// Band `k` is the number of bounds below the cost; `weights[k]`, with a 0 after the last band.
    Step {
        bounds: Vec<f64>,
        weights: Vec<f64>,
        max_cost: f64,
    },
    /// exp(−c² / 2σ²).
    Gaussian { sigma: f64, max_cost: f64 },
    /// 1 within M (2SFCA).
    Flat { max_cost: f64 },
}

impl PairWeight {
    pub(super) fn new(catchment: &Catchment) -> Self {
        let max_cost = catchment.max_cost;
        match (catchment.model, &catchment.decay) {
            (FcaModel::TwoStep, _) => Self::Flat { max_cost },
            (FcaModel::E2sfca, Decay::Gaussian { sigma }) => Self::Gaussian {
                sigma: *sigma,
                max_cost,
            },
            (FcaModel::E2sfca, Decay::Step(bands)) => Self::Step {
                bounds: bands.iter().map(|band| band.up_to).collect(),
                weights: bands.iter().map(|band| band.weight).chain([0.0]).collect(),
                max_cost,
            },
        }
    }

    /// The same value as [`Catchment::weight`] for every cost (0 for a cost beyond M or not a number).
    #[inline]
    pub(super) fn at(&self, cost: f64) -> f64 {
        match self {
            Self::Step {
                bounds,
                weights,
                max_cost,
            } => {
                if cost <= *max_cost {
                    // Bounds strictly increase, so the first band with c ≤ bound is the count of bounds below c.
                    let band: usize = bounds.iter().map(|&bound| usize::from(cost > bound)).sum();
                    weights[band]
                } else {
                    0.0
                }
            }
            Self::Gaussian { sigma, max_cost } => {
                if cost <= *max_cost {
                    (-(cost * cost) / (2.0 * sigma * sigma)).exp()
                } else {
                    0.0
                }
            }
            Self::Flat { max_cost } => {
                if cost <= *max_cost {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_catchment_weight_at_band_edges_and_between() {
        for (decay, model, max_cost) in [
            ("step:10=1,20=0.68,30=0.22", FcaModel::E2sfca, 30.0),
            ("step:10=1,20=0.68,30=0.22", FcaModel::E2sfca, 15.0),
            ("step:0=0.5,3=1", FcaModel::E2sfca, 40.0),
            ("gaussian:7", FcaModel::E2sfca, 25.0),
            ("step:10=1", FcaModel::TwoStep, 12.0),
        ] {
            let catchment = Catchment {
                decay: Decay::parse(decay).expect("a decay"),
                max_cost,
                model,
            };
            let fast = PairWeight::new(&catchment);
            let costs = [
                0.0, 3.0, 9.999, 10.0, 10.0001, 15.0, 15.1, 20.0, 29.9, 30.0, 30.1, 45.0,
            ];
            for cost in costs.into_iter().chain([f64::NAN, f64::INFINITY]) {
                let expected = catchment.weight(cost);
                let got = fast.at(cost);
                assert!(
                    got == expected || (cost.is_nan() && got == 0.0),
                    "{decay} M={max_cost} at {cost}: {got} against {expected}"
                );
            }
        }
    }
}
