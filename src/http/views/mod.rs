//! What the API sends: RFC 7946 GeoJSON features and collections (WGS84 longitude/latitude, coordinates rounded to
//! six decimals, about 0.1 m) and the JSON documents around them. Views only borrow from a snapshot.

pub mod areas;
pub mod history;
pub mod sites;
pub mod submissions;

use geo::orient::{Direction, Orient};
use geo::{MultiPolygon, Point};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::export::round_degrees;

/// `[longitude, latitude]` rounded for publication.
pub fn position(point: Point<f64>) -> [f64; 2] {
    [round_degrees(point.x()), round_degrees(point.y())]
}

/// A GeoJSON Point geometry, rendered once.
pub fn point_geometry(point: Point<f64>) -> serde_json::Result<Box<RawValue>> {
    serde_json::value::to_raw_value(&serde_json::json!({
        "type": "Point",
        "coordinates": position(point),
    }))
}

/// A GeoJSON MultiPolygon geometry with RFC 7946 winding (exterior rings counter-clockwise), rendered once.
pub fn multipolygon_geometry(boundary: &MultiPolygon<f64>) -> serde_json::Result<Box<RawValue>> {
    let oriented = boundary.orient(Direction::Default);
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = oriented
        .0
        .iter()
        .map(|polygon| {
            std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .map(|ring| ring.points().map(position).collect())
                .collect()
        })
        .collect();
    serde_json::value::to_raw_value(&serde_json::json!({
        "type": "MultiPolygon",
        "coordinates": polygons,
    }))
}

/// The `type` member of a Feature.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureTag {
    /// Always `Feature`.
    Feature,
}

/// The `type` member of a FeatureCollection.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum CollectionTag {
    /// Always `FeatureCollection`.
    FeatureCollection,
}

/// A GeoJSON Feature whose geometry was rendered in advance.
#[derive(Debug, Serialize)]
pub struct Feature<'a, P> {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: FeatureTag,
    /// The area's code or the site's id.
    pub id: &'a str,
    /// The geometry.
    pub geometry: &'a RawValue,
    /// The properties.
    pub properties: P,
}

impl<'a, P> Feature<'a, P> {
    /// A feature of `geometry` and `properties`.
    pub fn new(id: &'a str, geometry: &'a RawValue, properties: P) -> Self {
        Self {
            kind: FeatureTag::Feature,
            id,
            geometry,
            properties,
        }
    }
}

/// What every answer computed from the data carries (RFC 7946 foreign members on GeoJSON).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Provenance<'a> {
    /// The dataset version, also sent as the `ETag`.
    pub version: &'a str,
    /// Present when any listing is invented sample data: the notice to show with the figures.
    pub sample_data: Option<&'a str>,
}

/// A FeatureCollection with the provenance and any other foreign members of the endpoint.
#[derive(Debug, Serialize)]
pub struct Collection<'a, F, E> {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: CollectionTag,
    /// Version and notice.
    #[serde(flatten)]
    pub provenance: Provenance<'a>,
    /// The endpoint's own members (filters applied, the query point…).
    #[serde(flatten)]
    pub extra: E,
    /// The features.
    pub features: Vec<F>,
}

impl<'a, F, E> Collection<'a, F, E> {
    /// A collection of `features`.
    pub fn new(provenance: Provenance<'a>, extra: E, features: Vec<F>) -> Self {
        Self {
            kind: CollectionTag::FeatureCollection,
            provenance,
            extra,
            features,
        }
    }
}

/// A JSON document (or a single Feature) with the provenance members added.
#[derive(Debug, Serialize)]
pub struct WithProvenance<'a, T> {
    /// Version and notice.
    #[serde(flatten)]
    pub provenance: Provenance<'a>,
    /// The document.
    #[serde(flatten)]
    pub inner: T,
}

/// No foreign members beyond the provenance.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NoExtra {}
