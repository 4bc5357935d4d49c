//! A feature as the importer reads it from the source, before naming and repair.

use geo::Coord;
use serde_json::{Map, Value};

/// A ring of longitude/latitude degrees as the source gave it.
pub(super) type Ring = Vec<Coord<f64>>;

/// One feature before naming and repair.
#[derive(Debug)]
pub(super) struct SourceFeature {
    /// 1-based position in the file, for messages about features with no name.
    pub number: usize,
    /// The feature's `id` member, as text.
    pub id: Option<String>,
    /// The feature's properties (empty when it has none).
    pub properties: Map<String, Value>,
    /// Its shape.
    pub geometry: SourceGeometry,
}

/// A feature's shape as found in the source.
#[derive(Debug)]
pub(super) enum SourceGeometry {
    /// Polygons, each a list of rings: exterior first, then holes.
    Polygons(Vec<Vec<Ring>>),
    /// No geometry at all (`null`).
    Missing,
    /// A geometry of another type, by its type name.
    Other(String),
}
