//! The OpenAPI 3.1 document: paths from the handlers' annotations (see [`super::routes::ROUTES`]), and schemas of
//! the answers. The engine's types stay free of HTTP, so their JSON shapes are described here by schema-only
//! structs; a test checks every key the server sends against these schemas.

#![allow(dead_code)] // The structs below exist for their schemas only; nothing constructs them.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, Object, ObjectBuilder, SchemaType, Type};
use utoipa::{OpenApi, ToSchema};

use super::error::{ErrorBody, InvalidBody, Problem};
use super::routes::health::{Health, Readiness};
use super::routes::web::PageConfig;
use super::views::sites::SiteProperties;
use super::views::{CollectionTag, FeatureTag};
use crate::domain::Dataset;
use crate::store::MAX_COMMENT_CHARS;

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

/// `kind` of a submission.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// A listing that does not exist yet; `listing_id` is its id-to-be.
    New,
    /// New values for some or all fields of one of the organisation's listings.
    Change,
    /// Take one of the organisation's listings off the map; `fields` must be empty.
    Closure,
}

/// A proposed field value: text, or a number (kept as its text).
#[derive(ToSchema)]
#[serde(untagged)]
pub enum TextOrNumber {
    /// The value as text.
    Text(String),
    /// A number, for the numeric columns.
    Number(f64),
}

/// Proposed listing fields, named as the listings CSV columns; an absent or null field keeps its current value
/// (for a new listing: empty). Each is checked as the CSV column is, and the whole record against the areas and
/// types: an answer 422 names every problem.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposedFields {
    name: Option<TextOrNumber>,
    /// Must be the submitter's organisation.
    provider: Option<TextOrNumber>,
    /// A type id from `/api/types`.
    #[schema(rename = "type")]
    service_type: Option<TextOrNumber>,
    /// Latitude, WGS84 degrees.
    lat: Option<TextOrNumber>,
    /// Longitude, WGS84 degrees.
    lon: Option<TextOrNumber>,
    /// `exact` or `confidential`.
    location_precision: Option<TextOrNumber>,
    /// Empty, `*`, or GSS codes separated by `;`.
    serves: Option<TextOrNumber>,
    /// In the type's capacity unit, or empty.
    capacity: Option<TextOrNumber>,
    /// Slugs separated by `;`.
    specialisms: Option<TextOrNumber>,
    setting: Option<TextOrNumber>,
    phone: Option<TextOrNumber>,
    website: Option<TextOrNumber>,
    /// `YYYY-MM-DD`.
    last_verified: Option<TextOrNumber>,
    source: Option<TextOrNumber>,
}

/// A provider's proposal.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "change", "listing_id": "idva-mid",
    "fields": {"capacity": "6", "last_verified": "2026-02-01"}}))]
pub struct SubmissionBody {
    kind: SubmissionKind,
    /// The listing concerned (for a new listing, its id-to-be).
    listing_id: String,
    /// The proposed fields; none for a closure.
    #[schema(default = json!({}))]
    fields: ProposedFields,
}

/// Characters a comment may hold anywhere: everything but control characters, except tab, line feed and
/// carriage return (as `clean_text` in the store).
const COMMENT_CHAR: &str = r"[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]";
/// White space as Rust's `str::trim` sees it (the Unicode `White_Space` property), which the store trims away.
const WHITE_SPACE: &str = r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// A comment character that is not white space.
const COMMENT_VISIBLE: &str =
    r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// A comment: white space around it is trimmed; what remains holds no control character but tab and line breaks.
/// `required` says whether it must have a visible character (a rejection's reason); otherwise a blank one is no
/// comment.
fn comment_schema(required: bool, description: &str) -> Object {
    let text = format!("{COMMENT_VISIBLE}(?:{COMMENT_CHAR}*{COMMENT_VISIBLE})?");
    let text = if required {
        text
    } else {
        format!("(?:{text})?")
    };
    let builder = ObjectBuilder::new();
    let builder = if required {
        builder.schema_type(Type::String)
    } else {
        builder.schema_type(SchemaType::from_iter([Type::String, Type::Null]))
    };
    builder
        .max_length(Some(MAX_COMMENT_CHARS))
        .pattern(Some(format!("^{WHITE_SPACE}*{text}{WHITE_SPACE}*$")))
        .description(Some(description))
        .build()
}

fn approval_comment() -> Object {
    comment_schema(
        false,
        "Why, optional: a blank comment is none. At most 2000 characters; no control characters but tab and \
         line breaks.",
    )
}

fn rejection_comment() -> Object {
    comment_schema(
        true,
        "Why, required. At most 2000 characters; no control characters but tab and line breaks.",
    )
}

/// A reviewer's approval.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    #[schema(schema_with = approval_comment)]
    comment: Option<String>,
    /// `true` confirms that the address of a listing that is or was confidential may be made public (the
    /// review's `confidential_to_exact` warning); required to approve such a submission.
    #[serde(default)]
    acknowledge_exact_position: bool,
}

/// A reviewer's rejection.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectionBody {
    #[schema(schema_with = rejection_comment)]
    comment: String,
    /// Accepted and ignored when rejecting.
    #[serde(default)]
    acknowledge_exact_position: bool,
}

/// `/api/services?bbox=`: four numbers, comma-separated (`style=form`, `explode=false`), each in its range.
pub struct BboxParam;

impl utoipa::IntoParams for BboxParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let degrees = |limit: f64| {
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(-limit))
                .maximum(Some(limit))
                .build()
        };
        let schema = ArrayBuilder::new()
            .prefix_items([degrees(180.0), degrees(90.0), degrees(180.0), degrees(90.0)])
            .items(ArrayItems::False)
            .min_items(Some(4))
            .max_items(Some(4))
            .build();
        vec![
            ParameterBuilder::new()
                .name("bbox")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "Only sites whose published point lies in `minlon,minlat,maxlon,maxlat` (WGS84 degrees, \
                     inclusive); each minimum must not exceed its maximum.",
                ))
                .style(Some(ParameterStyle::Form))
                .explode(Some(false))
                .schema(Some(schema))
                .example(Some(json!([-0.2, 51.45, 0.0, 51.55])))
                .build(),
        ]
    }
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
        ErrorBody, InvalidBody, Problem, SubmissionBody, ApprovalBody, RejectionBody, Health, Readiness, PageConfig, SiteProperties, AreaCollection, AreaDetail, GapCollection,
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

/// The OpenAPI document of a server serving `dataset`: [`document`] with the values its query parameters accept —
/// the type ids for `type`, the GSS codes for `area` — as enums (an empty value counts as absent, so `""` is one
/// of them), and an area's code and a listing's id as the examples of the path parameters. Areas and types never
/// change while a server runs, so neither do the enums.
pub fn document_for(dataset: &Dataset) -> Result<Value, serde_json::Error> {
    let mut document = serde_json::to_value(document())?;
    let types: Vec<&str> = dataset.types().iter().map(|t| t.id.as_str()).collect();
    let codes: Vec<String> = dataset.areas().iter().map(|a| a.code.to_string()).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let listing = dataset.services().first().map(|s| s.id.as_str());
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(document);
    };
    for (path, item) in paths.iter_mut() {
        let parameters = item
            .as_object_mut()
            .into_iter()
            .flat_map(|item| item.values_mut())
            .filter_map(|operation| operation.get_mut("parameters")?.as_array_mut())
            .flatten();
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap_or_default();
            match (parameter["in"].as_str(), name) {
                (Some("query"), "type" | "area") => {
                    let values = if name == "type" { &types } else { &codes };
                    let values: Vec<&str> =
                        std::iter::once("").chain(values.iter().copied()).collect();
                    parameter["schema"] = json!({ "type": "string", "enum": values });
                }
                (Some("path"), "code") => parameter["example"] = json!(codes.first()),
                (Some("path"), "id") if path.starts_with("/api/services/") => {
                    parameter["example"] = json!(listing);
                }
                _ => {}
            }
        }
    }
    Ok(document)
}

/// The whole OpenAPI document.
pub fn document() -> Document {
    let mut document = Info::openapi();
    document.merge(super::routes::RoutesDoc::openapi());
    document.merge(super::routes::StoreRoutesDoc::openapi());
    document.info.version = env!("CARGO_PKG_VERSION").into();
    document
}
