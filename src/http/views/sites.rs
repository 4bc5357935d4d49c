//! Service sites as published: a point Feature per site at its published point (for a confidential site, its
//! area's representative point), with no figure from which a confidential site's own position could be worked out.

use geo::{Point, Rect};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Collection, Feature, NoExtra, Source, WithProvenance};
use crate::domain::Dataset;
use crate::domain::coverage::capacity_fraction;

/// A site's published properties (the listing's fields, minus its position).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteProperties {
    /// Stable id of the listing.
    pub id: String,
    /// Name of the service.
    pub name: String,
    /// Organisation that runs it.
    pub provider: String,
    /// Service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// The type's label.
    pub type_label: String,
    /// `exact`: the point is the site's own; `confidential`: the point is its area's representative point.
    pub location_precision: &'static str,
    /// Code of the area the site lies in.
    pub located_in: String,
    /// Name of that area.
    pub located_in_name: String,
    /// Codes of the areas the site serves.
    pub serves_areas: Vec<String>,
    /// Capacity in the type's unit; null when unknown.
    pub capacity: Option<f64>,
    /// What capacity counts, e.g. `FTE advisers`.
    pub capacity_unit: String,
    /// Specialisms, e.g. `young_people`.
    pub specialisms: Vec<String>,
    /// Where it is delivered from (`community`, `hospital`, `court`, `housing`, `police`, `health`), when known.
    pub setting: Option<&'static str>,
    /// Public phone number.
    pub phone: String,
    /// Public website.
    pub website: String,
    /// ISO date the listing was last checked with the provider.
    pub last_verified: String,
    /// Where the listing comes from.
    pub source: String,
    /// Whether the listing is invented sample data.
    pub illustrative: bool,
    /// Whether `last_verified` is older than the server's stale age (`--stale-months`, default 12).
    pub stale: bool,
}

impl SiteProperties {
    /// The published properties of site `site` of `dataset`.
    pub fn new(dataset: &Dataset, site: usize, stale: bool) -> Self {
        let service = &dataset.services()[site];
        let home = &dataset.areas()[dataset.located_in(site)];
        let service_type = dataset.service_type(&service.service_type);
        Self {
            id: service.id.clone(),
            name: service.name.clone(),
            provider: service.provider.clone(),
            service_type: service.service_type.clone(),
            type_label: service_type.map(|t| t.label.clone()).unwrap_or_default(),
            location_precision: service.location_precision.as_str(),
            located_in: home.code.to_string(),
            located_in_name: home.name.clone(),
            serves_areas: dataset
                .served_areas(site)
                .iter()
                .map(|&a| dataset.areas()[a].code.to_string())
                .collect(),
            capacity: service.capacity,
            capacity_unit: service_type
                .map(|t| t.capacity_unit.clone())
                .unwrap_or_default(),
            specialisms: service.specialisms.clone(),
            setting: service.setting.map(|s| s.as_str()),
            phone: service.phone.clone(),
            website: service.website.clone(),
            last_verified: service.last_verified.format("%Y-%m-%d").to_string(),
            source: service.source.clone(),
            illustrative: service.is_illustrative(),
            stale,
        }
    }
}

/// A site near a point: its properties, its distance from the point and its rank.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearProperties<'a> {
    /// The site.
    #[serde(flatten)]
    pub site: &'a SiteProperties,
    /// Geodesic distance in kilometres from the query point to the site's published point.
    pub distance_km: f64,
    /// 1 for the nearest.
    pub rank: usize,
}

/// A site serving an area, with how much of its capacity the area is apportioned.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServingSite<'a> {
    /// The site.
    #[serde(flatten)]
    pub site: &'a SiteProperties,
    /// Fraction (0–1) of the site's capacity apportioned to the area (by basis population).
    pub capacity_fraction: f64,
    /// That fraction of its capacity, in the type's unit; null when its capacity is unknown.
    pub capacity_share: Option<f64>,
}

/// Which sites `/api/services` lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteFilter {
    /// Only this type (position in the taxonomy).
    pub service_type: Option<usize>,
    /// Only sites serving this area (position in the dataset).
    pub serving: Option<usize>,
    /// Only sites whose published point lies in this box (inclusive).
    pub bbox: Option<Rect<f64>>,
}

impl SiteFilter {
    /// Whether site `site` (position in the dataset) passes every filter given.
    pub fn keeps(&self, source: Source<'_>, site: usize) -> bool {
        let dataset = source.dataset();
        self.service_type.is_none_or(|t| dataset.type_of(site) == t)
            && self
                .serving
                .is_none_or(|a| dataset.served_areas(site).contains(&a))
            && self.bbox.is_none_or(|b| {
                // The published point, never the true one: a box must not be able to find a confidential site.
                let p = dataset.published_point(site);
                (b.min().x..=b.max().x).contains(&p.x()) && (b.min().y..=b.max().y).contains(&p.y())
            })
    }
}

/// Members of `/api/services` saying which filters were applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicesFilterEcho<'a> {
    filter: ServicesFilterMembers<'a>,
}

/// The filters `/api/services` applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicesFilterMembers<'a> {
    /// The type id; null for all types.
    #[serde(rename = "type")]
    service_type: Option<&'a str>,
    /// The GSS code of the area served; null for all areas.
    area: Option<&'a str>,
    // The box is not echoed, like the nearest-site query point: a box drawn around a confidential site's true
    // position is the client's own knowledge, and answers must never carry such figures.
}

/// A site's point Feature.
pub fn site_feature<'a, P>(source: Source<'a>, site: usize, properties: P) -> Feature<'a, P> {
    Feature::new(
        &source.site(site).id,
        source.site_geometry(site),
        properties,
    )
}

/// `/api/services`: the sites passing `filter`, in listing order.
pub fn services(source: Source<'_>, filter: &SiteFilter) -> serde_json::Result<Vec<u8>> {
    let dataset = source.dataset();
    let features = (0..dataset.services().len())
        .filter(|&site| filter.keeps(source, site))
        .map(|site| site_feature(source, site, source.site(site)))
        .collect();
    let echo = ServicesFilterEcho {
        filter: ServicesFilterMembers {
            service_type: source.type_id(filter.service_type),
            area: filter
                .serving
                .and_then(|a| dataset.areas().get(a))
                .map(|a| a.code.as_str()),
        },
    };
    serde_json::to_vec(&Collection::new(source.provenance(), echo, features))
}

/// `/api/export/services.geojson`: every site, without filter members.
pub fn services_export(source: Source<'_>) -> serde_json::Result<Vec<u8>> {
    let features = (0..source.dataset().services().len())
        .map(|site| site_feature(source, site, source.site(site)))
        .collect();
    serde_json::to_vec(&Collection::new(source.provenance(), NoExtra {}, features))
}

/// `/api/services/{id}`: one site's Feature.
pub fn service_detail(source: Source<'_>, site: usize) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&WithProvenance {
        provenance: source.provenance(),
        inner: site_feature(source, site, source.site(site)),
    })
}

/// Sites of type `service_type` (all types when `None`) serving area `area`, in listing order.
pub fn serving_sites(
    source: Source<'_>,
    area: usize,
    service_type: Option<usize>,
) -> Vec<ServingSite<'_>> {
    let dataset = source.dataset();
    dataset
        .services()
        .iter()
        .enumerate()
        .filter(|(site, _)| {
            service_type.is_none_or(|t| dataset.type_of(*site) == t)
                && dataset.served_areas(*site).contains(&area)
        })
        .map(|(site, service)| {
            let basis = dataset.types()[dataset.type_of(site)].basis.as_str();
            let capacity_fraction = capacity_fraction(dataset, site, area, basis);
            ServingSite {
                site: source.site(site),
                capacity_fraction,
                capacity_share: service.capacity.map(|c| c * capacity_fraction),
            }
        })
        .collect()
}

/// The `k` sites of a type (all types when `None`) nearest to `from`, nearest first, leaving out those located in
/// area `outside` when given. Distances and order are taken to published points only.
pub fn nearest_sites(
    source: Source<'_>,
    from: Point<f64>,
    service_type: Option<usize>,
    k: usize,
    outside: Option<usize>,
) -> Vec<Feature<'_, NearProperties<'_>>> {
    let index = source.published.site_index(service_type);
    let dataset = source.dataset();
    // Sites inside `outside` are skipped, so without knowing how many there are every site is fetched.
    let fetch = if outside.is_some() { index.len() } else { k };
    index
        .nearest(from, fetch)
        .into_iter()
        .filter(|near| outside.is_none_or(|a| dataset.located_in(near.site) != a))
        .take(k)
        .enumerate()
        .map(|(rank, near)| {
            site_feature(
                source,
                near.site,
                NearProperties {
                    site: source.site(near.site),
                    distance_km: near.distance_km,
                    rank: rank + 1,
                },
            )
        })
        .collect()
}

/// The area a query point lies in, with the sites serving it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointArea<'a> {
    /// GSS code.
    code: &'a str,
    /// Name.
    name: &'a str,
    /// Sites (of the type asked for) serving the area.
    serving: Vec<ServingSite<'a>>,
}

/// The members `/api/nearest` adds to its collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearestMembers<'a> {
    // The query point is not echoed: a client knows it, and an answer must never hold a position that could be a
    // confidential site's (the confidentiality test asks from exactly those positions).
    /// Number of sites asked for.
    k: usize,
    filter: TypeEcho<'a>,
    /// Null when the point lies outside every area.
    area: Option<PointArea<'a>>,
}

/// The `filter` member of answers filtered by type only.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeEcho<'a> {
    /// The type filter applied; null for all types.
    #[serde(rename = "type")]
    pub service_type: Option<&'a str>,
}

/// `/api/nearest`: the `k` sites of a type (all types when `None`) nearest to `from`, and the area `from` lies
/// in with the sites of that type serving it.
pub fn nearest(
    source: Source<'_>,
    from: Point<f64>,
    service_type: Option<usize>,
    k: usize,
) -> serde_json::Result<Vec<u8>> {
    let dataset = source.dataset();
    let area = dataset.locate(from).map(|a| PointArea {
        code: dataset.areas()[a].code.as_str(),
        name: &dataset.areas()[a].name,
        serving: serving_sites(source, a, service_type),
    });
    let members = NearestMembers {
        k,
        filter: TypeEcho {
            service_type: source.type_id(service_type),
        },
        area,
    };
    let features = nearest_sites(source, from, service_type, k, None);
    serde_json::to_vec(&Collection::new(source.provenance(), members, features))
}
