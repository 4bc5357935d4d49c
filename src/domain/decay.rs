//! Distance decay for floating catchments: how much a site at cost *c* counts, W(c). A step function of bands or a
//! Gaussian. A leaf module (the taxonomy names each type's decay, the planning engine applies it), so that neither
//! depends on the other. Definitions: README, "Planning" → "Accessibility (E2SFCA)".

use std::fmt;

use serde::{Serialize, Serializer};

/// One band of a step decay: weight `weight` for costs above the previous band's bound and up to `up_to`
/// (inclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Upper bound of the band, inclusive, in the cost's unit (km for geodesic costs); finite and ≥ 0.
    pub up_to: f64,
    /// Weight W of a cost in the band; finite and ≥ 0.
    pub weight: f64,
}

/// A distance-decay function W(c) of a cost *c* (km, minutes, …).
#[derive(Debug, Clone, PartialEq)]
pub enum Decay {
    /// W(c) = the weight of the smallest band whose bound is ≥ c (inclusive); 0 beyond the largest bound. Bands are
    /// sorted by strictly increasing bound; there is at least one.
    Step(Vec<Band>),
    /// W(c) = exp(−c² / 2σ²), σ in the cost's unit, finite and > 0.
    Gaussian {
        /// Width σ.
        sigma: f64,
    },
}

/// Why a decay specification is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecayError {
    /// Neither `step:` nor `gaussian:`.
    #[error("`{0}` is not a decay: write step:10=1,20=0.68,30=0.22 or gaussian:SIGMA")]
    Kind(String),
    /// A band is not `bound=weight`.
    #[error("band `{0}` is not bound=weight (e.g. 10=1)")]
    Band(String),
    /// A bound or weight is negative, infinite or not a number.
    #[error("band `{0}`: bound and weight must be finite numbers ≥ 0")]
    Negative(String),
    /// Bounds do not strictly increase.
    #[error("band bounds must strictly increase: {0} comes after {1}")]
    Unsorted(f64, f64),
    /// `step:` with no band.
    #[error("a step decay needs at least one band")]
    Empty,
    /// σ is not a finite number > 0.
    #[error("gaussian σ `{0}` must be a finite number > 0")]
    Sigma(String),
}

impl Decay {
    /// Parses `step:10=1,20=0.68,30=0.22` (bands `bound=weight`, bounds strictly increasing) or `gaussian:SIGMA`.
    ///
    /// ```
    /// use gapmap::domain::planning::Decay;
    /// let w = Decay::parse("step:10=1,20=0.68,30=0.22").unwrap();
    /// assert_eq!([w.weight(0.0), w.weight(10.0), w.weight(10.5), w.weight(30.0), w.weight(30.1)],
    ///            [1.0, 1.0, 0.68, 0.22, 0.0]);
    /// assert_eq!(w.default_max_cost(), Some(30.0));
    /// assert!(Decay::parse("step:20=1,10=0.5").is_err());
    /// assert_eq!(Decay::parse("gaussian:5").unwrap().weight(5.0), (-0.5f64).exp());
    /// ```
    pub fn parse(text: &str) -> Result<Self, DecayError> {
        let text = text.trim();
        if let Some(sigma) = text.strip_prefix("gaussian:") {
            return match sigma.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => Ok(Self::Gaussian { sigma: s }),
                _ => Err(DecayError::Sigma(sigma.trim().to_owned())),
            };
        }
        let Some(bands) = text.strip_prefix("step:") else {
            return Err(DecayError::Kind(text.to_owned()));
        };
        let mut parsed: Vec<Band> = Vec::new();
        for band in bands.split(',').map(str::trim).filter(|b| !b.is_empty()) {
            let (bound, weight) = band
                .split_once('=')
                .ok_or_else(|| DecayError::Band(band.to_owned()))?;
            let number = |raw: &str| raw.trim().parse::<f64>();
            let (Ok(up_to), Ok(weight)) = (number(bound), number(weight)) else {
                return Err(DecayError::Band(band.to_owned()));
            };
            if !(up_to.is_finite() && up_to >= 0.0 && weight.is_finite() && weight >= 0.0) {
                return Err(DecayError::Negative(band.to_owned()));
            }
            if let Some(last) = parsed.last()
                && up_to <= last.up_to
            {
                return Err(DecayError::Unsorted(up_to, last.up_to));
            }
            parsed.push(Band { up_to, weight });
        }
        if parsed.is_empty() {
            return Err(DecayError::Empty);
        }
        Ok(Self::Step(parsed))
    }

    /// The default decay of a type with catchment `catchment_km`: three bands at ⅓, ⅔ and all of the catchment
    /// with Luo & Qi's (2009) weights 1, 0.68 and 0.22.
    ///
    /// ```
    /// use gapmap::domain::planning::Decay;
    /// assert_eq!(Decay::from_catchment(30.0).to_string(), "step:10=1,20=0.68,30=0.22");
    /// ```
    pub fn from_catchment(catchment_km: f64) -> Self {
        Self::Step(
            [(1.0, 1.0), (2.0, 0.68), (3.0, 0.22)]
                .into_iter()
                .map(|(thirds, weight)| Band {
                    up_to: catchment_km * thirds / 3.0,
                    weight,
                })
                .collect(),
        )
    }

    /// W(c) for a cost `cost` (same unit as the bands or σ).
    pub fn weight(&self, cost: f64) -> f64 {
        match self {
            Self::Step(bands) => bands
                .iter()
                .find(|band| cost <= band.up_to)
                .map_or(0.0, |band| band.weight),
            Self::Gaussian { sigma } => (-(cost * cost) / (2.0 * sigma * sigma)).exp(),
        }
    }

    /// The default max cost M: the largest band's bound for a step decay; none for a Gaussian (M must be given).
    pub fn default_max_cost(&self) -> Option<f64> {
        match self {
            Self::Step(bands) => bands.last().map(|band| band.up_to),
            Self::Gaussian { .. } => None,
        }
    }

    /// The costs at which W changes (the band bounds), where a cost matrix must decide sides exactly.
    pub fn thresholds(&self) -> Vec<f64> {
        match self {
            Self::Step(bands) => bands.iter().map(|band| band.up_to).collect(),
            Self::Gaussian { .. } => Vec::new(),
        }
    }
}

/// Written as it is parsed: `step:10=1,20=0.68,30=0.22` or `gaussian:5`.
impl fmt::Display for Decay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Step(bands) => {
                f.write_str("step:")?;
                for (n, band) in bands.iter().enumerate() {
                    let comma = if n == 0 { "" } else { "," };
                    write!(f, "{comma}{}={}", band.up_to, band.weight)?;
                }
                Ok(())
            }
            Self::Gaussian { sigma } => write!(f, "gaussian:{sigma}"),
        }
    }
}

/// Serialised as its text, the same as `types.csv` and `--decay` take.
impl Serialize for Decay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_inclusive_at_their_bounds() {
        let w = Decay::parse("step: 10=1, 20=0.68, 30=0.22").unwrap();
        // The smallest band whose bound is ≥ c.
        for (cost, weight) in [
            (0.0, 1.0),
            (10.0, 1.0),
            (10.0 + 1e-12, 0.68),
            (20.0, 0.68),
            (25.0, 0.22),
            (30.0, 0.22),
            (30.0 + 1e-12, 0.0),
        ] {
            assert_eq!(w.weight(cost), weight, "W({cost})");
        }
        assert_eq!(w.thresholds(), [10.0, 20.0, 30.0]);
        assert_eq!(Decay::parse(&w.to_string()).unwrap(), w);
    }

    #[test]
    fn malformed_decays_are_named() {
        for (text, expected) in [
            ("linear:3", DecayError::Kind("linear:3".into())),
            ("step:", DecayError::Empty),
            ("step:10", DecayError::Band("10".into())),
            ("step:10=x", DecayError::Band("10=x".into())),
            ("step:-1=1", DecayError::Negative("-1=1".into())),
            ("step:10=-0.5", DecayError::Negative("10=-0.5".into())),
            ("step:10=1,10=0.5", DecayError::Unsorted(10.0, 10.0)),
            ("gaussian:0", DecayError::Sigma("0".into())),
            ("gaussian:inf", DecayError::Sigma("inf".into())),
        ] {
            assert_eq!(Decay::parse(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn gaussian_has_no_default_max_cost() {
        let w = Decay::parse("gaussian:2").unwrap();
        assert_eq!(w.default_max_cost(), None);
        assert_eq!(w.weight(0.0), 1.0);
        assert!((w.weight(2.0) - (-0.5f64).exp()).abs() < 1e-15);
    }
}
