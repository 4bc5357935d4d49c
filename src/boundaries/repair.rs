//! Making a feature's polygons valid: the ring repairs of [`super::ring`] always, then, for a geometry that is
//! still invalid (e.g. self-intersecting), the re-noding of [`super::renode`].

use std::fmt;

use geo::{LineString, MultiPolygon, Polygon};

use super::renode::{MAX_AREA_CHANGE_PERCENT, make_valid};
use super::ring::{RingPlace, clean_ring, orient_ring};
use super::source::Ring;

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

/// A valid geometry and the repairs that made it so.
#[derive(Debug, Clone)]
pub struct Repaired {
    /// Valid polygons, RFC 7946 orientation, coordinates rounded to [`super::DECIMALS`] places.
    pub shape: MultiPolygon<f64>,
    /// What was changed, in order.
    pub repairs: Vec<Repair>,
}

/// Repairs one feature's polygons (each a list of rings, exterior first).
pub fn repair(polygons: Vec<Vec<Ring>>) -> Result<Repaired, GeometryProblem> {
    if polygons
        .iter()
        .flatten()
        .flatten()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(GeometryProblem::NonFinite);
    }
    let mut repairs = Vec::new();
    let mut dropped = 0;
    let mut reversed = 0;
    let mut kept = Vec::with_capacity(polygons.len());
    for (p, rings) in polygons.into_iter().enumerate() {
        let total = rings.len();
        let mut rings = rings.into_iter();
        let place = |hole| RingPlace {
            polygon: p + 1,
            hole,
        };
        let Some(mut exterior) = rings
            .next()
            .and_then(|ring| clean_ring(ring, place(None), &mut repairs))
        else {
            // Holes of a dropped exterior have nothing to be holes in.
            dropped += total;
            continue;
        };
        reversed += usize::from(orient_ring(&mut exterior, true));
        let mut holes = Vec::with_capacity(total.saturating_sub(1));
        for (h, ring) in rings.enumerate() {
            match clean_ring(ring, place(Some(h + 1)), &mut repairs) {
                Some(mut hole) => {
                    reversed += usize::from(orient_ring(&mut hole, false));
                    holes.push(LineString(hole));
                }
                None => dropped += 1,
            }
        }
        kept.push(Polygon::new(LineString(exterior), holes));
    }
    if reversed > 0 {
        repairs.push(Repair::Reoriented { rings: reversed });
    }
    if kept.is_empty() {
        return Err(GeometryProblem::Empty { dropped });
    }
    let (shape, renoded) = make_valid(MultiPolygon(kept))?;
    repairs.extend(renoded);
    Ok(Repaired { shape, repairs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, Winding};

    fn ring(points: &[(f64, f64)]) -> Ring {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    /// A 0.1° square near London, counter-clockwise and closed.
    fn square() -> Ring {
        ring(&[
            (0.0, 51.5),
            (0.1, 51.5),
            (0.1, 51.6),
            (0.0, 51.6),
            (0.0, 51.5),
        ])
    }

    #[test]
    fn a_valid_polygon_needs_no_repair() {
        let repaired = repair(vec![vec![square()]]).unwrap();
        assert!(repaired.repairs.is_empty(), "{:?}", repaired.repairs);
        assert_eq!(repaired.shape.0[0].exterior().0, square());
    }

    #[test]
    fn degenerate_polygon_is_dropped_and_the_rest_kept() {
        let sliver = ring(&[(1.0, 51.0), (1.1, 51.0), (1.0, 51.0)]);
        let repaired = repair(vec![vec![sliver], vec![square()]]).unwrap();
        assert_eq!(repaired.shape.0.len(), 1);
        assert!(
            matches!(&repaired.repairs[..], [Repair::DroppedRing { place: RingPlace { polygon: 1, hole: None }, why }] if why.starts_with("2 distinct")),
            "{:?}",
            repaired.repairs
        );
    }

    #[test]
    fn rings_are_turned_to_rfc_7946_orientation() {
        let mut clockwise = square();
        clockwise.reverse();
        // A counter-clockwise hole, which must become clockwise.
        let hole = ring(&[
            (0.02, 51.52),
            (0.05, 51.52),
            (0.05, 51.55),
            (0.02, 51.55),
            (0.02, 51.52),
        ]);
        let repaired = repair(vec![vec![clockwise, hole]]).unwrap();
        assert_eq!(repaired.repairs, [Repair::Reoriented { rings: 2 }]);
        let polygon = &repaired.shape.0[0];
        assert!(polygon.exterior().is_ccw());
        assert!(polygon.interiors()[0].is_cw());
    }

    #[test]
    fn non_finite_coordinates_are_refused() {
        let broken = ring(&[(0.0, 51.5), (f64::NAN, 51.5), (0.1, 51.6), (0.0, 51.5)]);
        assert_eq!(
            repair(vec![vec![broken]]).unwrap_err(),
            GeometryProblem::NonFinite
        );
    }
}
