//! What the importer finds and does to a feature's geometry: the safe repairs it makes, the problems that make a
//! geometry unusable, and where in a feature a ring sits. Shared by every repair stage and by the errors.

use std::fmt;

/// Largest change in geodesic area, in percent of the original, that re-noding a self-intersecting geometry
/// may make and still be accepted as a repair rather than a guess.
pub const MAX_AREA_CHANGE_PERCENT: f64 = 1.0;

/// Where a ring sits in a feature, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingPlace {
    /// 1-based polygon number within the feature.
    pub polygon: usize,
    /// 1-based hole number, or `None` for the exterior ring.
    pub hole: Option<usize>,
}

impl fmt::Display for RingPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.hole {
            None => write!(f, "exterior ring of polygon {}", self.polygon),
            Some(hole) => write!(f, "hole {hole} of polygon {}", self.polygon),
        }
    }
}

/// One safe repair made to a feature's geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
    /// A ring with fewer than three distinct points, or no area, was removed (with its holes, if exterior).
    DroppedRing {
        /// Which ring.
        place: RingPlace,
        /// Why it is degenerate.
        why: String,
    },
    /// A ring whose last point differed from its first was closed.
    ClosedRing {
        /// Which ring.
        place: RingPlace,
    },
    /// Repeated consecutive points were removed from a ring.
    RemovedDuplicates {
        /// Which ring.
        place: RingPlace,
        /// How many points were removed.
        count: usize,
    },
    /// Rings were reversed so exteriors run counter-clockwise and holes clockwise (RFC 7946 §3.1.6).
    Reoriented {
        /// How many rings were reversed.
        rings: usize,
    },
    /// An invalid (e.g. self-intersecting) geometry was re-noded into a valid one.
    Renoded {
        /// What the validity check found, in geo's words.
        reasons: Vec<String>,
        /// Change in geodesic area, in percent of the original area (signed: negative means it shrank).
        area_change_percent: f64,
    },
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DroppedRing { place, why } => write!(f, "dropped degenerate {place}: {why}"),
            Self::ClosedRing { place } => write!(f, "closed unclosed {place}"),
            Self::RemovedDuplicates { place, count } => {
                write!(
                    f,
                    "removed {count} repeated consecutive point(s) from {place}"
                )
            }
            Self::Reoriented { rings } => {
                write!(
                    f,
                    "reversed {rings} ring(s) to RFC 7946 orientation (exterior counter-clockwise, holes clockwise)"
                )
            }
            Self::Renoded {
                reasons,
                area_change_percent,
            } => write!(
                f,
                "invalid geometry ({}) repaired by re-noding; area changed by {area_change_percent:+.4}%",
                reasons.join("; ")
            ),
        }
    }
}

/// Why a feature's geometry cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryProblem {
    /// Nothing left to draw: no polygons, or every exterior ring was degenerate.
    #[error("the geometry is empty{}", if *.dropped > 0 { format!(" (all {dropped} ring(s) were degenerate)") } else { String::new() })]
    Empty {
        /// Rings dropped as degenerate.
        dropped: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("a coordinate is not a finite number")]
    NonFinite,
    /// Invalid, and re-noding would change the area too much to count as a repair.
    #[error(
        "the geometry is invalid ({}); re-noding it would {}, so it was not repaired: fix the source geometry",
        reasons.join("; "),
        change_text(*area_change_percent)
    )]
    Unrepairable {
        /// What the validity check found.
        reasons: Vec<String>,
        /// The change re-noding would make, in percent of the original geodesic area.
        area_change_percent: f64,
    },
    /// Still invalid after every repair (should not happen; reported rather than written).
    #[error("the geometry is still invalid after repair: {reason}")]
    StillInvalid {
        /// What the validity check found.
        reason: String,
    },
}

/// Describes a refused re-noding's area change.
fn change_text(percent: f64) -> String {
    if percent.is_finite() {
        format!("change its area by {percent:+.2}% (the limit is {MAX_AREA_CHANGE_PERCENT}%)")
    } else {
        "have to invent area: the original's rings cancel out to no net area".to_owned()
    }
}
