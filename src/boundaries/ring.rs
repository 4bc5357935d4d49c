//! Ring-level repairs: rounding to [`DECIMALS`] places, repeated consecutive points, unclosed rings,
//! degenerate rings, and RFC 7946 orientation.

use std::collections::HashSet;

use geo::Coord;

use super::feature::Ring;
use super::findings::{Repair, RingPlace};

/// Decimal places kept in output coordinates: 10⁻⁶ degrees is about 0.1 m, far below boundary accuracy.
pub const DECIMALS: i32 = 6;

/// Reverses a ring if needed so an exterior encloses positive (counter-clockwise) area and a hole negative;
/// says whether it did.
pub(super) fn orient_ring(ring: &mut Ring, exterior: bool) -> bool {
    let wrong = (twice_signed_area(ring) > 0.0) != exterior;
    if wrong {
        ring.reverse();
    }
    wrong
}

/// Rounds, removes repeated consecutive points, and closes a ring, recording each repair; returns `None` (and
/// records why) when what is left has fewer than three distinct points or encloses no area.
pub(super) fn clean_ring(ring: Ring, place: RingPlace, repairs: &mut Vec<Repair>) -> Option<Ring> {
    let original_len = ring.len();
    let mut ring: Ring = ring.into_iter().map(round).collect();
    ring.dedup();
    let mut removed = original_len - ring.len();
    let first = ring.first().copied();
    match (first, ring.last()) {
        (Some(first), Some(last)) if first != *last => {
            ring.push(first);
            repairs.push(Repair::ClosedRing { place });
        }
        // A ring given as a single point is degenerate, not a duplicate to report.
        _ if ring.len() == 1 => removed = 0,
        _ => {}
    }
    if removed > 0 {
        repairs.push(Repair::RemovedDuplicates {
            place,
            count: removed,
        });
    }
    // The closing point repeats the first, so counting every point counts the distinct ones.
    let distinct: HashSet<(u64, u64)> = ring
        .iter()
        .map(|c| (c.x.to_bits(), c.y.to_bits()))
        .collect();
    let why = if distinct.len() < 3 {
        format!(
            "{} distinct point(s), at least 3 are needed",
            distinct.len()
        )
    } else if collinear(&ring) {
        "its points are collinear, so it encloses no area".to_owned()
    } else {
        return Some(ring);
    };
    repairs.push(Repair::DroppedRing { place, why });
    None
}

/// Whether every point of a ring lies on one straight line (a ring that encloses nothing). A ring whose
/// lobes merely cancel, like a symmetric bowtie, is not collinear: that is a self-intersection.
fn collinear(ring: &[Coord<f64>]) -> bool {
    let Some(&a) = ring.first() else { return true };
    let Some(&b) = ring.iter().find(|&&c| c != a) else {
        return true;
    };
    ring.iter()
        .all(|c| (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) == 0.0)
}

/// Rounds a coordinate to [`DECIMALS`] places (and turns −0 into 0, so equal points compare equal).
fn round(c: Coord<f64>) -> Coord<f64> {
    let scale = 10f64.powi(DECIMALS);
    Coord {
        x: (c.x * scale).round() / scale + 0.0,
        y: (c.y * scale).round() / scale + 0.0,
    }
}

/// Twice the planar signed area of a closed ring (shoelace formula): positive when counter-clockwise. Used
/// for orientation rather than geo's `Winding`, which looks only near one vertex and so can disagree with the
/// ring's net area when the ring crosses itself.
fn twice_signed_area(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    const EXTERIOR: RingPlace = RingPlace {
        polygon: 1,
        hole: None,
    };

    fn clean(points: Ring) -> (Option<Ring>, Vec<Repair>) {
        let mut repairs = Vec::new();
        (clean_ring(points, EXTERIOR, &mut repairs), repairs)
    }

    #[test]
    fn unclosed_ring_is_closed() {
        let open = ring(&[(0.0, 51.5), (0.1, 51.5), (0.1, 51.6), (0.0, 51.6)]);
        assert_eq!(
            clean(open),
            (Some(square()), vec![Repair::ClosedRing { place: EXTERIOR }])
        );
    }

    #[test]
    fn consecutive_duplicates_are_removed_and_counted() {
        let repeated = ring(&[
            (0.0, 51.5),
            (0.1, 51.5),
            (0.1, 51.5),
            (0.1, 51.6),
            (0.0, 51.6),
            (0.0, 51.6),
            (0.0, 51.5),
        ]);
        assert_eq!(
            clean(repeated),
            (
                Some(square()),
                vec![Repair::RemovedDuplicates {
                    place: EXTERIOR,
                    count: 2
                }]
            )
        );
    }

    #[test]
    fn rounding_to_six_places_can_make_duplicates() {
        let nearly = ring(&[
            (0.0, 51.5),
            (0.1, 51.5),
            (0.1000001, 51.5000001),
            (0.1, 51.6),
            (0.0, 51.6),
            (0.0, 51.5),
        ]);
        assert_eq!(
            clean(nearly),
            (
                Some(square()),
                vec![Repair::RemovedDuplicates {
                    place: EXTERIOR,
                    count: 1
                }]
            )
        );
        assert_eq!(
            round(Coord {
                x: -0.12345649,
                y: 51.1234565
            }),
            Coord {
                x: -0.123456,
                y: 51.123457
            }
        );
    }

    #[test]
    fn ring_with_two_distinct_points_is_dropped() {
        let (kept, repairs) = clean(ring(&[(1.0, 51.0), (1.1, 51.0), (1.0, 51.0)]));
        assert_eq!(kept, None);
        assert!(
            matches!(&repairs[..], [Repair::DroppedRing { why, .. }] if why.starts_with("2 distinct")),
            "{repairs:?}"
        );
    }

    #[test]
    fn collinear_ring_is_dropped_but_a_cancelling_bowtie_is_not() {
        let (kept, repairs) = clean(ring(&[(0.0, 51.0), (1.0, 51.0), (2.0, 51.0), (0.0, 51.0)]));
        assert_eq!(kept, None);
        assert!(
            matches!(&repairs[..], [Repair::DroppedRing { why, .. }] if why.contains("collinear"))
        );
        // Zero net area, but not degenerate: that is for the self-intersection rule to judge.
        let bowtie = ring(&[
            (0.0, 51.5),
            (0.1, 51.6),
            (0.1, 51.5),
            (0.0, 51.6),
            (0.0, 51.5),
        ]);
        assert_eq!(clean(bowtie.clone()), (Some(bowtie), vec![]));
    }

    #[test]
    fn orientation_follows_rfc_7946() {
        let mut exterior = square();
        assert!(
            !orient_ring(&mut exterior, true),
            "a counter-clockwise exterior is left alone"
        );
        assert_eq!(exterior, square());
        let mut hole = square();
        assert!(
            orient_ring(&mut hole, false),
            "a counter-clockwise hole is reversed"
        );
        assert!(twice_signed_area(&hole) < 0.0);
    }
}
