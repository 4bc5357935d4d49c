//! TopoJSON decoding: a Topology's shared arcs stitched back into polygon rings.
//!
//! Only what boundary files use is supported: Polygon and MultiPolygon geometries, possibly nested in
//! GeometryCollections, with arcs either quantised (`transform` present, delta-encoded integer positions)
//! or absolute. See the TopoJSON specification, sections 2.1.2 (transforms) and 2.2 (arcs).

use geo::Coord;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::feature::{Ring, SourceFeature, SourceGeometry};

/// Most positions the decoded rings of one topology may hold in all. Rings reuse arcs, so without a limit a
/// small file (one long arc used by thousands of rings) decodes to billions of positions; real files stay far
/// below this: London's 4,994 LSOAs decode to 189,137 positions.
pub(super) const MAX_POSITIONS: usize = 5_000_000;

/// The parts of a Topology object the importer reads.
#[derive(Debug, Deserialize)]
struct Topology {
    #[serde(default)]
    transform: Option<Transform>,
    objects: Map<String, Value>,
    arcs: Vec<Vec<Vec<f64>>>,
}

/// Quantisation transform: position = quantised × scale + translate, per axis.
#[derive(Debug, Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

/// One geometry object; `arcs` is read by type once the type is known.
#[derive(Debug, Deserialize)]
struct TopoGeometry {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    arcs: Value,
    #[serde(default)]
    geometries: Vec<TopoGeometry>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
}

/// Decodes a parsed Topology into one feature per non-collection geometry, in document order
/// (objects in the order the JSON parser keeps them). Errors describe the structural problem.
pub(super) fn decode(value: Value) -> Result<Vec<SourceFeature>, String> {
    let topology: Topology = serde_json::from_value(value)
        .map_err(|e| format!("not a readable TopoJSON Topology: {e}"))?;
    let arcs = decode_arcs(&topology.arcs, topology.transform.as_ref())?;
    let mut features = Vec::new();
    let mut budget = MAX_POSITIONS;
    for (object_name, object) in topology.objects {
        let geometry: TopoGeometry = serde_json::from_value(object)
            .map_err(|e| format!("object `{object_name}` is not a TopoJSON geometry: {e}"))?;
        flatten(geometry, &arcs, &mut features, &mut budget)?;
    }
    Ok(features)
}

/// Turns every arc into absolute coordinates, undoing quantisation and delta encoding.
fn decode_arcs(arcs: &[Vec<Vec<f64>>], transform: Option<&Transform>) -> Result<Vec<Ring>, String> {
    arcs.iter()
        .enumerate()
        .map(|(index, arc)| {
            // Quantised positions are deltas from the previous position (spec 2.2).
            let (mut x, mut y) = (0.0, 0.0);
            arc.iter()
                .map(|position| {
                    let [px, py, ..] = position[..] else {
                        return Err(format!(
                            "arc {index} has a position with fewer than two numbers"
                        ));
                    };
                    Ok(match transform {
                        Some(t) => {
                            x += px;
                            y += py;
                            Coord {
                                x: x * t.scale[0] + t.translate[0],
                                y: y * t.scale[1] + t.translate[1],
                            }
                        }
                        None => Coord { x: px, y: py },
                    })
                })
                .collect()
        })
        .collect()
}

/// Collects the leaves of a (possibly nested) geometry collection as features, spending `budget` positions.
fn flatten(
    geometry: TopoGeometry,
    arcs: &[Ring],
    features: &mut Vec<SourceFeature>,
    budget: &mut usize,
) -> Result<(), String> {
    if geometry.kind.as_deref() == Some("GeometryCollection") {
        for child in geometry.geometries {
            flatten(child, arcs, features, budget)?;
        }
        return Ok(());
    }
    let id = geometry.id.as_ref().and_then(value_text);
    let who = id
        .clone()
        .unwrap_or_else(|| format!("geometry {}", features.len() + 1));
    let shape = match geometry.kind.as_deref() {
        Some("Polygon") => {
            let polygon: Vec<Vec<i64>> = serde_json::from_value(geometry.arcs)
                .map_err(|e| format!("{who}: Polygon arcs must be lists of arc indexes: {e}"))?;
            SourceGeometry::Polygons(vec![
                rings(&polygon, arcs, budget).map_err(|e| format!("{who}: {e}"))?,
            ])
        }
        Some("MultiPolygon") => {
            let polygons: Vec<Vec<Vec<i64>>> =
                serde_json::from_value(geometry.arcs).map_err(|e| {
                    format!("{who}: MultiPolygon arcs must be lists of lists of arc indexes: {e}")
                })?;
            let polygons = polygons
                .iter()
                .map(|polygon| rings(polygon, arcs, budget))
                .collect::<Result<_, _>>();
            SourceGeometry::Polygons(polygons.map_err(|e| format!("{who}: {e}"))?)
        }
        None => SourceGeometry::Missing,
        Some(other) => SourceGeometry::Other(other.to_owned()),
    };
    features.push(SourceFeature {
        number: features.len() + 1,
        id,
        properties: geometry.properties.unwrap_or_default(),
        geometry: shape,
    });
    Ok(())
}

/// Stitches each ring's arcs together.
fn rings(polygon: &[Vec<i64>], arcs: &[Ring], budget: &mut usize) -> Result<Vec<Ring>, String> {
    polygon
        .iter()
        .map(|indexes| ring(indexes, arcs, budget))
        .collect()
}

/// Stitches one ring: arc `i` as stored, arc `~i` (a negative index, −i − 1) reversed. Consecutive arcs share
/// their junction point, which is kept once. Each arc's positions are taken from `budget`.
fn ring(indexes: &[i64], arcs: &[Ring], budget: &mut usize) -> Result<Ring, String> {
    let mut ring: Ring = Vec::new();
    for &index in indexes {
        let (stored, reversed) = if index >= 0 {
            (index, false)
        } else {
            (!index, true)
        };
        let arc = usize::try_from(stored)
            .ok()
            .and_then(|i| arcs.get(i))
            .ok_or_else(|| {
                format!(
                    "arc index {index} is out of range (the topology has {} arcs)",
                    arcs.len()
                )
            })?;
        *budget = budget.checked_sub(arc.len()).ok_or_else(|| {
            format!(
                "the rings would hold more than {MAX_POSITIONS} positions: arcs are reused far more than a \
                 topology of real boundaries does"
            )
        })?;
        let mut points = arc.clone();
        if reversed {
            points.reverse();
        }
        let skip = usize::from(ring.last().is_some() && ring.last() == points.first());
        ring.extend(points.into_iter().skip(skip));
    }
    Ok(ring)
}

/// A JSON string or number as text; TopoJSON ids may be either.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn coords(ring: &Ring) -> Vec<(f64, f64)> {
        ring.iter().map(|c| (c.x, c.y)).collect()
    }

    fn only_polygons(feature: &SourceFeature) -> &Vec<Vec<Ring>> {
        match &feature.geometry {
            SourceGeometry::Polygons(p) => p,
            other => panic!("expected polygons, got {other:?}"),
        }
    }

    /// Two squares sharing the edge x = 1: arc 0 is the shared edge, drawn upwards; the left square uses it
    /// as stored, the right one reversed (`~0` = −1).
    fn two_squares(transform: Option<Value>, arcs: Value) -> Value {
        let mut topology = json!({
            "type": "Topology",
            "objects": {"areas": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "id": "Left", "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "properties": {"name": "Right"}, "arcs": [[[-1, 2]]]}
            ]}},
            "arcs": arcs
        });
        if let Some(t) = transform {
            topology["transform"] = t;
        }
        topology
    }

    #[test]
    fn absolute_arcs_stitch_with_a_reversed_arc() {
        let arcs = json!([
            [[1.0, 0.0], [1.0, 1.0]],
            [[1.0, 1.0], [0.0, 1.0], [0.0, 0.0], [1.0, 0.0]],
            [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]]
        ]);
        let features = decode(two_squares(None, arcs)).unwrap();
        assert_eq!(features.len(), 2);
        assert_eq!(features[0].id.as_deref(), Some("Left"));
        assert_eq!(
            coords(&only_polygons(&features[0])[0][0]),
            [(1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0), (1.0, 0.0)]
        );
        // Reversed arc 0 runs (1,1) → (1,0), then arc 2 continues from (1,0) without repeating it.
        assert_eq!(
            coords(&only_polygons(&features[1])[0][0]),
            [(1.0, 1.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)]
        );
        assert_eq!(features[1].properties["name"], "Right");
    }

    #[test]
    fn quantised_arcs_are_delta_decoded_and_transformed() {
        // Grid units of 0.5° in x and 0.25° in y, origin at (-1, 51): the same two squares, scaled.
        let transform = json!({"scale": [0.5, 0.25], "translate": [-1.0, 51.0]});
        let arcs = json!([
            [[2, 0], [0, 4]],
            [[2, 4], [-2, 0], [0, -4], [2, 0]],
            [[2, 0], [2, 0], [0, 4], [-2, 0]]
        ]);
        let features = decode(two_squares(Some(transform), arcs)).unwrap();
        assert_eq!(
            coords(&only_polygons(&features[0])[0][0]),
            [
                (0.0, 51.0),
                (0.0, 52.0),
                (-1.0, 52.0),
                (-1.0, 51.0),
                (0.0, 51.0)
            ]
        );
        assert_eq!(
            coords(&only_polygons(&features[1])[0][0]),
            [
                (0.0, 52.0),
                (0.0, 51.0),
                (1.0, 51.0),
                (1.0, 52.0),
                (0.0, 52.0)
            ]
        );
    }

    #[test]
    fn out_of_range_arc_index_is_an_error_naming_the_geometry() {
        let arcs = json!([[[1.0, 0.0], [1.0, 1.0]]]);
        let err = decode(two_squares(None, arcs)).unwrap_err();
        assert!(err.contains("Left") && err.contains("arc index 1"), "{err}");
    }

    /// Found while fuzzing the importer (a crafted input run through the `import_boundaries` target timed out):
    /// a 58 KB file whose one ring used a 2,000-position arc 12,000 times decoded to 24 million positions
    /// (0.8 GB, 12 s), and a larger one would exhaust memory.
    #[test]
    fn an_arc_reused_beyond_the_position_limit_is_an_error_not_an_explosion() {
        let arc: Vec<[f64; 2]> = (0..1000).map(|i| [f64::from(i) * 1e-4, 51.5]).collect();
        let uses = MAX_POSITIONS / arc.len() + 1;
        let topology = json!({"type": "Topology", "arcs": [arc], "objects": {
            "a": {"type": "Polygon", "id": "Looped", "arcs": [vec![0; uses]]}
        }});
        let err = decode(topology).unwrap_err();
        assert!(
            err.starts_with("Looped: the rings would hold more than 5000000 positions"),
            "{err}"
        );
    }

    #[test]
    fn other_geometry_types_and_null_are_kept_for_the_caller_to_reject() {
        let topology = json!({"type": "Topology", "arcs": [], "objects": {
            "a": {"type": "Point", "coordinates": [0, 0], "id": "P"},
            "b": {"type": null, "id": "Nothing"}
        }});
        let features = decode(topology).unwrap();
        assert!(matches!(&features[0].geometry, SourceGeometry::Other(kind) if kind == "Point"));
        assert!(matches!(features[1].geometry, SourceGeometry::Missing));
    }
}
