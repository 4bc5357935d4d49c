//! Making a feature's polygons valid: the ring repairs of [`super::ring`] always, then, for a geometry that is
//! still invalid (e.g. self-intersecting), the re-noding of [`super::renode`].

use geo::{LineString, MultiPolygon, Polygon};

use super::feature::Ring;
use super::findings::{GeometryProblem, Repair, RingPlace};
use super::renode::make_valid;
use super::ring::{clean_ring, orient_ring};

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
