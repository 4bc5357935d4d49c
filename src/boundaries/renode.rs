//! The last step of a repair: geo's validity check (OGC Simple Features rules) on a geometry whose rings are
//! already clean, and for one that fails it (e.g. self-intersecting), re-noding, accepted only when that
//! changes the geodesic area by less than [`MAX_AREA_CHANGE_PERCENT`].

use geo::algorithm::bool_ops::{BooleanOps, FillRule, OpType};
use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, LineString, MultiPolygon, Polygon, Validation};

use super::findings::{GeometryProblem, MAX_AREA_CHANGE_PERCENT, Repair, RingPlace};
use super::ring::clean_ring;

/// Returns `shape` valid: as it is when geo finds nothing wrong (and no repair), else re-noded (and the
/// [`Repair::Renoded`] that says so). Refuses a re-noding that would change the area by
/// [`MAX_AREA_CHANGE_PERCENT`] or more.
pub(super) fn make_valid(
    shape: MultiPolygon<f64>,
) -> Result<(MultiPolygon<f64>, Option<Repair>), GeometryProblem> {
    let reasons = problems(&shape);
    let (shape, repair) = if reasons.is_empty() {
        (shape, None)
    } else {
        let (renoded, area_change_percent) = renode(&shape);
        // Written so that a NaN or infinite change (no original area to compare with) is refused too.
        let small = area_change_percent.abs() < MAX_AREA_CHANGE_PERCENT;
        if !small {
            return Err(GeometryProblem::Unrepairable {
                reasons,
                area_change_percent,
            });
        }
        let repair = Repair::Renoded {
            reasons,
            area_change_percent,
        };
        (renoded, Some(repair))
    };
    if let Some(reason) = problems(&shape).into_iter().next() {
        return Err(GeometryProblem::StillInvalid { reason });
    }
    Ok((shape, repair))
}

/// What geo's validity check (OGC Simple Features rules) finds wrong, without repeats.
fn problems(shape: &MultiPolygon<f64>) -> Vec<String> {
    let mut reasons: Vec<String> = shape
        .validation_errors()
        .iter()
        .map(ToString::to_string)
        .collect();
    reasons.dedup();
    reasons
}

/// Re-nodes a geometry: a union with nothing under the non-zero fill rule splits rings where they cross and
/// keeps everywhere they enclose. Returns the result (rounded and tidied like the input) and its change in
/// geodesic area, in percent of the original (infinite when the original has no area).
fn renode(shape: &MultiPolygon<f64>) -> (MultiPolygon<f64>, f64) {
    let before = shape.geodesic_area_signed().abs();
    let renoded = shape.boolean_op_with_fill_rule(
        &MultiPolygon::<f64>::new(vec![]),
        OpType::Union,
        FillRule::NonZero,
    );
    // New crossing points need rounding like every other point; that can leave repeats or slivers to tidy.
    let mut discard = Vec::new();
    let tidied = renoded
        .0
        .into_iter()
        .filter_map(|polygon| {
            let (exterior, holes) = polygon.into_inner();
            let place = RingPlace {
                polygon: 0,
                hole: None,
            };
            let exterior = clean_ring(exterior.0, place, &mut discard)?;
            let holes = holes
                .into_iter()
                .filter_map(|hole| clean_ring(hole.0, place, &mut discard));
            Some(Polygon::new(
                LineString(exterior),
                holes.map(LineString).collect(),
            ))
        })
        .collect::<MultiPolygon<f64>>()
        .orient(Direction::Default);
    let after = tidied.geodesic_area_unsigned();
    let change = if before > 0.0 {
        (after - before) / before * 100.0
    } else {
        f64::INFINITY
    };
    (tidied, change)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One polygon with `points` as its exterior ring.
    fn shape(points: &[(f64, f64)]) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(points.to_vec()),
            vec![],
        )])
    }

    #[test]
    fn small_self_intersection_is_renoded_and_its_area_change_reported() {
        // The square whose closing edge overshoots below the start, crossing the bottom edge at about
        // (0.00196, 51.5) and making a tiny clockwise lobe: ~0.02% of the area, counted negative in the
        // original's signed area and positive after re-noding, so a change of about +0.04%.
        let twisted = shape(&[
            (0.0, 51.5),
            (0.1, 51.5),
            (0.1, 51.6),
            (0.0, 51.6),
            (0.002, 51.498),
            (0.0, 51.5),
        ]);
        let (valid, repair) = make_valid(twisted).unwrap();
        assert!(valid.is_valid());
        match &repair {
            Some(Repair::Renoded {
                reasons,
                area_change_percent,
            }) => {
                assert!(
                    reasons.iter().any(|r| r.contains("self-intersection")),
                    "{reasons:?}"
                );
                assert!(
                    (0.02..0.06).contains(area_change_percent),
                    "{area_change_percent}"
                );
            }
            other => panic!("expected a Renoded repair, got {other:?}"),
        }
    }

    #[test]
    fn self_intersection_changing_the_area_by_more_than_the_limit_is_refused() {
        // As above but overshooting far more: the lobe is ~1.8% of the area, so the change is ~3.7%.
        let twisted = shape(&[
            (0.0, 51.5),
            (0.1, 51.5),
            (0.1, 51.6),
            (0.0, 51.6),
            (0.02, 51.48),
            (0.0, 51.5),
        ]);
        match make_valid(twisted) {
            Err(GeometryProblem::Unrepairable {
                area_change_percent,
                ..
            }) => {
                assert!(
                    (2.0..6.0).contains(&area_change_percent),
                    "{area_change_percent}"
                );
            }
            other => panic!("expected Unrepairable, got {other:?}"),
        }
    }

    #[test]
    fn cancelling_bowtie_is_refused() {
        // A symmetric bowtie: its two lobes cancel in the signed area, so re-noding would invent area.
        let bowtie = shape(&[
            (0.0, 51.5),
            (0.1, 51.6),
            (0.1, 51.5),
            (0.0, 51.6),
            (0.0, 51.5),
        ]);
        match make_valid(bowtie) {
            Err(GeometryProblem::Unrepairable {
                reasons,
                area_change_percent,
            }) => {
                assert!(
                    area_change_percent.abs() >= MAX_AREA_CHANGE_PERCENT,
                    "{area_change_percent}"
                );
                assert!(
                    reasons.iter().any(|r| r.contains("self-intersection")),
                    "{reasons:?}"
                );
            }
            other => panic!("expected Unrepairable, got {other:?}"),
        }
    }
}
