//! The OpenAPI 3.1 document: paths from the handlers' annotations (see [`super::routes::ROUTES`]), and schemas of
//! the answers. The engine's types stay free of HTTP, so their JSON shapes are described here by schema-only
//! structs; a test checks every key the server sends against these schemas.

#![allow(dead_code)] // The structs below exist for their schemas only; nothing constructs them.

use std::collections::BTreeMap;

use utoipa::openapi::OpenApi as Document;
use utoipa::{OpenApi, ToSchema};

use super::error::{ErrorBody, InvalidBody, Problem};
use super::routes::health::{Health, Readiness};
use super::routes::submissions::Decision;
use super::routes::web::PageConfig;
use super::views::sites::SiteProperties;
use super::views::{CollectionTag, FeatureTag};

/// An area's standing against its type's benchmark.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Status {
    /// No site of the type serves the area.
    None,
    /// Served, but below the benchmark.
    Below,
    /// Served, at or above the benchmark.
    Meets,
    /// Served; the type has no recognised benchmark.
    NoBenchmark,
}

/// Distance from an area's sample points to the nearest site of a type (README, "Physical access").
#[derive(ToSchema)]
pub struct Access {
    /// Mean geodesic distance in kilometres to the nearest site's published point.
    mean_km: f64,
    /// 90th-percentile (nearest-rank) of those distances, km.
    p90_km: f64,
    /// Share (0–1) of sample points within the type's catchment.
    within_catchment: f64,
    /// Number of sample points.
    sample_points: u64,
}

/// Coverage of one type in one area (README, "Coverage").
#[derive(ToSchema)]
pub struct AreaCoverage {
    /// GSS code.
    code: String,
    /// Area name.
    name: String,
    /// Service type id.
    #[schema(rename = "type")]
    service_type: String,
    /// Sites of the type whose point lies in the area.
    located: u64,
    /// Sites of the type serving the area.
    serving: u64,
    /// Serving sites of unknown capacity.
    serving_unknown_capacity: u64,
    /// Apportioned capacity, in the type's unit.
    capacity_share: f64,
    /// The area's basis population for the type.
    basis_population: f64,
    /// Capacity share per `rate_per` of the basis.
    rate: f64,
    /// Population size the rate is per.
    rate_per: f64,
    /// Rate over the all-area rate; null when that is zero.
    relative_rate: Option<f64>,
    /// Capacity the benchmark requires; null without a benchmark.
    required: Option<f64>,
    /// Capacity missing against the benchmark; null without a benchmark.
    shortfall: Option<f64>,
    /// Status.
    status: Status,
    /// Physical access; null when there is no site of the type.
    access: Option<Access>,
}

/// Type filter applied to an answer.
#[derive(ToSchema)]
pub struct TypeFilter {
    /// The type id, or null for all types.
    #[schema(rename = "type")]
    service_type: Option<String>,
}

/// Properties of an area Feature.
#[derive(ToSchema)]
pub struct AreaProperties {
    /// GSS code.
    code: String,
    /// Name.
    name: String,
    /// Basis populations by column (`population`, `women`…).
    basis: BTreeMap<String, f64>,
    /// Source of the basis figures.
    basis_source: String,
    /// Whether any basis figure is an estimate.
    estimated_basis: bool,
    /// `[lon, lat]` where the area's confidential sites are shown.
    representative_point: [f64; 2],
    /// Listings serving the area whose `last_verified` is older than the stale age (`--stale-months`).
    stale_listings: u64,
    /// Coverage per type id.
    coverage: BTreeMap<String, AreaCoverage>,
}

/// An area Feature (MultiPolygon).
#[derive(ToSchema)]
pub struct AreaFeature {
    #[schema(rename = "type")]
    kind: FeatureTag,
    /// GSS code.
    id: String,
    /// GeoJSON MultiPolygon, WGS84.
    #[schema(value_type = Object)]
    geometry: (),
    properties: AreaProperties,
}

/// `/api/areas`: every area.
#[derive(ToSchema)]
pub struct AreaCollection {
    #[schema(rename = "type")]
    kind: CollectionTag,
    /// Dataset version (also the ETag).
    version: String,
    /// Sample-data notice to show with the figures; null for real data.
    sample_data: Option<String>,
    filter: TypeFilter,
    features: Vec<AreaFeature>,
}

/// A site with its distance from a point.
#[derive(ToSchema)]
pub struct NearProperties {
    #[serde(flatten)]
    site: SiteProperties,
    /// Geodesic distance in kilometres to the site's published point.
    distance_km: f64,
    /// 1 for the nearest.
    rank: u64,
}

/// A site Feature with its distance from a point.
#[derive(ToSchema)]
pub struct NearFeature {
    #[schema(rename = "type")]
    kind: FeatureTag,
    /// Site id.
    id: String,
    /// GeoJSON Point at the published point.
    #[schema(value_type = Object)]
    geometry: (),
    properties: NearProperties,
}

/// A site serving an area.
#[derive(ToSchema)]
pub struct ServingSite {
    #[serde(flatten)]
    site: SiteProperties,
    /// Fraction (0–1) of its capacity apportioned to the area.
    capacity_fraction: f64,
    /// That share in the type's unit; null when capacity is unknown.
    capacity_share: Option<f64>,
}

/// One type in an area's detail.
#[derive(ToSchema)]
pub struct AreaTypeDetail {
    #[serde(flatten)]
    coverage: AreaCoverage,
    /// Sites serving the area.
    serving_sites: Vec<ServingSite>,
    /// Nearest sites located outside the area, from its representative point.
    nearest_outside: Vec<NearFeature>,
}

/// Properties of an area's detail.
#[derive(ToSchema)]
pub struct AreaDetailProperties {
    code: String,
    name: String,
    basis: BTreeMap<String, f64>,
    basis_source: String,
    estimated_basis: bool,
    representative_point: [f64; 2],
    /// Listings serving the area whose `last_verified` is older than the stale age.
    stale_listings: u64,
    /// Per type id.
    coverage: BTreeMap<String, AreaTypeDetail>,
}

/// `/api/areas/{code}`: one area's Feature.
#[derive(ToSchema)]
pub struct AreaDetail {
    #[schema(rename = "type")]
    kind: FeatureTag,
    id: String,
    #[schema(value_type = Object)]
    geometry: (),
    properties: AreaDetailProperties,
    version: String,
    sample_data: Option<String>,
}

/// An area × type in gap.
#[derive(ToSchema)]
pub struct GapProperties {
    #[serde(flatten)]
    coverage: AreaCoverage,
    /// Shortfall per `rate_per` people of the basis (the ordering key); null without a benchmark.
    shortfall_rate: Option<f64>,
    /// 1 for the worst.
    rank: u64,
}

/// An area × type Feature in gap.
#[derive(ToSchema)]
pub struct GapFeature {
    #[schema(rename = "type")]
    kind: FeatureTag,
    /// GSS code.
    id: String,
    #[schema(value_type = Object)]
    geometry: (),
    properties: GapProperties,
}

/// Filters applied by `/api/gaps`.
#[derive(ToSchema)]
pub struct GapFilter {
    #[schema(rename = "type")]
    service_type: Option<String>,
    status: Vec<Status>,
}

/// `/api/gaps`.
#[derive(ToSchema)]
pub struct GapCollection {
    #[schema(rename = "type")]
    kind: CollectionTag,
    version: String,
    sample_data: Option<String>,
    filter: GapFilter,
    features: Vec<GapFeature>,
}

/// The postcode-lottery summary of one type (README, "Postcode lottery").
#[derive(ToSchema)]
pub struct Lottery {
    areas_none: u64,
    areas_below: u64,
    /// Share (0–1) of the basis population in areas `none` or `below`.
    basis_share_in_gap: f64,
    rate_min: f64,
    rate_median: f64,
    rate_max: f64,
    /// Null when the lowest rate is zero.
    max_min_ratio: Option<f64>,
    coefficient_of_variation: Option<f64>,
    /// Basis-weighted Gini of area rates.
    gini: Option<f64>,
}

/// One type's summary.
#[derive(ToSchema)]
pub struct TypeLottery {
    #[schema(rename = "type")]
    service_type: String,
    label: String,
    basis: String,
    rate_per: f64,
    /// All capacity over all basis population, per `rate_per`.
    overall_rate: f64,
    lottery: Option<Lottery>,
}

/// `/api/lottery`.
#[derive(ToSchema)]
pub struct LotteryList {
    version: String,
    sample_data: Option<String>,
    types: Vec<TypeLottery>,
}

/// A published benchmark: `value` units per `per` people of the basis.
#[derive(ToSchema)]
pub struct Benchmark {
    value: f64,
    per: f64,
    source: String,
}

/// A row of the taxonomy.
#[derive(ToSchema)]
pub struct TypeEntry {
    /// Type id, used as `type` everywhere else.
    id: String,
    label: String,
    benchmark: Option<Benchmark>,
    /// Basis population column.
    basis: String,
    capacity_unit: String,
    /// Travel catchment, km.
    catchment_km: f64,
    /// `confidential_required` (every site's position is withheld) or `exact_allowed`.
    location_policy: String,
    /// The largest capacity one site may declare, in `capacity_unit`.
    capacity_max: f64,
    rate_per: f64,
    /// Number of sites of the type.
    sites: u64,
}

/// `/api/types`.
#[derive(ToSchema)]
pub struct TypeList {
    version: String,
    sample_data: Option<String>,
    types: Vec<TypeEntry>,
}

/// A site's point Feature.
#[derive(ToSchema)]
pub struct SitePoint {
    #[schema(rename = "type")]
    kind: FeatureTag,
    id: String,
    /// GeoJSON Point at the published point (a confidential site's area's representative point).
    #[schema(value_type = Object)]
    geometry: (),
    properties: SiteProperties,
}

/// Filters applied by `/api/services`.
#[derive(ToSchema)]
pub struct SiteFilter {
    #[schema(rename = "type")]
    service_type: Option<String>,
    area: Option<String>,
}

/// `/api/services`.
#[derive(ToSchema)]
pub struct SiteCollection {
    #[schema(rename = "type")]
    kind: CollectionTag,
    version: String,
    sample_data: Option<String>,
    filter: SiteFilter,
    features: Vec<SitePoint>,
}

/// `/api/export/services.geojson`: every site.
#[derive(ToSchema)]
pub struct SiteExport {
    #[schema(rename = "type")]
    kind: CollectionTag,
    version: String,
    sample_data: Option<String>,
    features: Vec<SitePoint>,
}

/// `/api/services/{id}`.
#[derive(ToSchema)]
pub struct SiteFeature {
    #[schema(rename = "type")]
    kind: FeatureTag,
    id: String,
    #[schema(value_type = Object)]
    geometry: (),
    properties: SiteProperties,
    version: String,
    sample_data: Option<String>,
}

/// The area a query point lies in.
#[derive(ToSchema)]
pub struct PointArea {
    code: String,
    name: String,
    /// Sites (of the type asked for) serving the area.
    serving: Vec<ServingSite>,
}

/// `/api/nearest`.
#[derive(ToSchema)]
pub struct NearestCollection {
    #[schema(rename = "type")]
    kind: CollectionTag,
    version: String,
    sample_data: Option<String>,
    /// Number of sites asked for.
    k: u64,
    filter: TypeFilter,
    /// Null when the point lies outside every area.
    area: Option<PointArea>,
    features: Vec<NearFeature>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gapmap",
        description = "Coverage of specialist support for violence against women and girls, area by area, and \
                       where the gaps are. GeoJSON is RFC 7946 (WGS84 lon/lat). Answers carry the dataset version \
                       as a weak ETag and honour If-None-Match. A confidential site is published only at its \
                       area's representative point, and every distance to it is measured from that point.",
    ),
    components(schemas(
        ErrorBody, InvalidBody, Problem, Decision, Health, Readiness, PageConfig, SiteProperties, AreaCollection, AreaDetail, GapCollection,
        LotteryList, TypeList, SiteCollection, SiteExport, SiteFeature, NearestCollection
    )),
    tags(
        (name = "coverage", description = "Coverage, gaps and inequality per area and type"),
        (name = "services", description = "Service sites and the taxonomy"),
        (name = "export", description = "Downloads for analysts"),
        (name = "operations", description = "Health, readiness, configuration and this document"),
        (name = "submissions", description = "Providers propose listing changes; reviewers approve or reject \
                                              them (`Authorization: Bearer <token>`)"),
    ),
    modifiers(&BearerScheme)
)]
struct Info;

/// Declares the `bearer` security scheme the submission routes require.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut Document) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("A token printed by `gapmap accounts add`"))
                        .build(),
                ),
            );
        }
    }
}

/// The whole OpenAPI document.
pub fn document() -> Document {
    let mut document = Info::openapi();
    document.merge(super::routes::RoutesDoc::openapi());
    document.merge(super::routes::StoreRoutesDoc::openapi());
    document.info.version = env!("CARGO_PKG_VERSION").into();
    document
}
