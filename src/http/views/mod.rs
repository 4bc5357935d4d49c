//! What the API sends: RFC 7946 GeoJSON features and collections (WGS84 longitude/latitude, coordinates rounded to
//! six decimals, about 0.1 m) and the JSON documents around them. Views read a [`Source`] — the published
//! dataset, its analysis and the shapes rendered once — and know nothing of the server's state.

pub mod access;
pub mod areas;
pub mod history;
pub mod scenarios;
pub mod sites;
pub mod submissions;

use std::sync::Arc;

use geo::orient::{Direction, Orient};
use geo::{MultiPolygon, Point};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::domain::{Analysis, Dataset, Published, round_degrees};
use sites::SiteProperties;

/// What is rendered once per dataset and reused by every view: each area's and each site's GeoJSON geometry, and
/// each site's published properties.
#[derive(Debug)]
pub struct Shapes {
    /// Shared with the next snapshot's while the areas stay the same.
    area_geometry: Arc<[Box<RawValue>]>,
    /// Per site, shared with the next snapshot's while the listing stays the same.
    site_geometry: Vec<Arc<RawValue>>,
    sites: Vec<Arc<SiteProperties>>,
}

impl Shapes {
    /// Renders the shapes of `published`.
    pub fn new(published: &Published) -> serde_json::Result<Self> {
        let dataset = published.dataset();
        let sites = 0..dataset.services().len();
        Ok(Self {
            area_geometry: dataset
                .areas()
                .iter()
                .map(|a| multipolygon_geometry(&a.boundary))
                .collect::<Result<_, _>>()?,
            site_geometry: sites
                .clone()
                .map(|site| point_geometry(dataset.published_point(site)).map(Arc::from))
                .collect::<Result<_, _>>()?,
            sites: sites
                .map(|site| Arc::new(SiteProperties::new(dataset, site, published.is_stale(site))))
                .collect(),
        })
    }

    /// The shapes of `published`, a change from `before` (whose shapes are `previous`): the areas' geometry is
    /// shared while the areas are the same, and a site whose listing and staleness are unchanged keeps its
    /// rendered geometry and properties. The same shapes as [`Shapes::new`] gives.
    pub fn after(
        previous: &Shapes,
        before: &Published,
        published: &Published,
    ) -> serde_json::Result<Self> {
        let (old, dataset) = (before.dataset(), published.dataset());
        if !Arc::ptr_eq(old.reference(), dataset.reference()) {
            return Self::new(published);
        }
        let unchanged = dataset.unchanged_from(old);
        let mut site_geometry = Vec::with_capacity(dataset.services().len());
        let mut sites = Vec::with_capacity(dataset.services().len());
        for (site, twin) in unchanged.into_iter().enumerate() {
            let same = twin.filter(|&i| before.is_stale(i) == published.is_stale(site));
            match same {
                Some(i) => {
                    site_geometry.push(Arc::clone(&previous.site_geometry[i]));
                    sites.push(Arc::clone(&previous.sites[i]));
                }
                None => {
                    site_geometry.push(Arc::from(point_geometry(dataset.published_point(site))?));
                    sites.push(Arc::new(SiteProperties::new(
                        dataset,
                        site,
                        published.is_stale(site),
                    )));
                }
            }
        }
        Ok(Self {
            area_geometry: Arc::clone(&previous.area_geometry),
            site_geometry,
            sites,
        })
    }
}

/// Everything a view reads.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The dataset as published.
    pub published: &'a Published,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// Its shapes, rendered once.
    pub shapes: &'a Shapes,
}

impl<'a> Source<'a> {
    /// The dataset.
    pub fn dataset(self) -> &'a Dataset {
        self.published.dataset()
    }

    /// The analysis.
    pub fn analysis(self) -> &'a Analysis {
        self.analysis
    }

    /// Version and sample-data notice, as every answer carries them.
    pub fn provenance(self) -> Provenance<'a> {
        Provenance {
            version: self.published.version(),
            sample_data: self.published.sample_data(),
        }
    }

    /// The id of type `t`, if given and known.
    pub fn type_id(self, t: Option<usize>) -> Option<&'a str> {
        t.and_then(|t| self.dataset().types().get(t))
            .map(|st| st.id.as_str())
    }

    /// Area `area`'s GeoJSON geometry.
    pub fn area_geometry(self, area: usize) -> &'a RawValue {
        &self.shapes.area_geometry[area]
    }

    /// Site `site`'s GeoJSON geometry: its published point.
    pub fn site_geometry(self, site: usize) -> &'a RawValue {
        &self.shapes.site_geometry[site]
    }

    /// Site `site`'s published properties.
    pub fn site(self, site: usize) -> &'a SiteProperties {
        &self.shapes.sites[site]
    }
}

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
#[derive(Debug, Serialize, ToSchema)]
pub struct Feature<'a, P> {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: FeatureTag,
    /// The area's code or the site's id.
    pub id: &'a str,
    /// The geometry: a GeoJSON MultiPolygon (an area) or Point (a site's published point), WGS84.
    #[schema(value_type = Object)]
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
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Provenance<'a> {
    /// The dataset version, also sent as the `ETag`.
    pub version: &'a str,
    /// Present when any listing is invented sample data: the notice to show with the figures.
    pub sample_data: Option<&'a str>,
}

/// A FeatureCollection with the provenance and any other foreign members of the endpoint.
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct WithProvenance<'a, T> {
    /// Version and notice.
    #[serde(flatten)]
    pub provenance: Provenance<'a>,
    /// The document.
    #[serde(flatten)]
    pub inner: T,
}

/// No foreign members beyond the provenance.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct NoExtra {}
