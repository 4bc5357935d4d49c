//! The OpenAPI 3.1 document: paths from the handlers' annotations (see [`super::routes::ROUTES`]), whose answers'
//! schemas are derived from the very structs that serialise them (the views' and the engine's); a test checks
//! every key the server sends against them. What is written out here is what no struct of this layer can state:
//! the submission body (its struct lives in the store), a rejection, the `bbox` parameter and the document itself.

use serde_json::{Value, json};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    ArrayBuilder, ArrayItems, Object, ObjectBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Required};
use utoipa::{OpenApi, PartialSchema, ToSchema};

use super::routes::submissions::Decision;
use crate::domain::Dataset;
use crate::store::MAX_COMMENT_CHARS;

// A provider's request is parsed into `store::SubmissionRequest` (its `fields` into `store::ListingFields`); the
// schemas below state that shape, which the store's types do not derive.

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
    /// Name of the service.
    pub name: Option<TextOrNumber>,
    /// Must be the submitter's organisation.
    pub provider: Option<TextOrNumber>,
    /// A type id from `/api/types`.
    #[schema(rename = "type")]
    pub service_type: Option<TextOrNumber>,
    /// Latitude, WGS84 degrees.
    pub lat: Option<TextOrNumber>,
    /// Longitude, WGS84 degrees.
    pub lon: Option<TextOrNumber>,
    /// `exact` or `confidential`.
    pub location_precision: Option<TextOrNumber>,
    /// Empty, `*`, or GSS codes separated by `;`.
    pub serves: Option<TextOrNumber>,
    /// In the type's capacity unit, or empty.
    pub capacity: Option<TextOrNumber>,
    /// Slugs separated by `;`.
    pub specialisms: Option<TextOrNumber>,
    /// `community`, `hospital`, `court`, `housing`, `police` or `health`, or empty.
    pub setting: Option<TextOrNumber>,
    /// Public phone number.
    pub phone: Option<TextOrNumber>,
    /// Public website.
    pub website: Option<TextOrNumber>,
    /// `YYYY-MM-DD`.
    pub last_verified: Option<TextOrNumber>,
    /// Where the listing comes from.
    pub source: Option<TextOrNumber>,
}

/// A provider's proposal.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "change", "listing_id": "idva-mid",
    "fields": {"capacity": "6", "last_verified": "2026-02-01"}}))]
pub struct SubmissionBody {
    /// New listing, change or closure.
    pub kind: SubmissionKind,
    /// The listing concerned (for a new listing, its id-to-be).
    pub listing_id: String,
    /// The proposed fields; none for a closure.
    #[schema(default = json!({}))]
    pub fields: ProposedFields,
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

/// The comment of an approval ([`Decision`]).
pub(crate) fn approval_comment() -> Object {
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

/// The body of a rejection: the [`Decision`] an approval takes (schema `ApprovalBody`), but the comment is required
/// and must say something.
pub struct RejectionBody;

impl PartialSchema for RejectionBody {
    fn schema() -> RefOr<Schema> {
        let mut schema = Decision::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.description = Some("A reviewer's rejection.".into());
            object
                .properties
                .insert("comment".into(), rejection_comment().into());
            object.required.push("comment".into());
        }
        schema
    }
}

impl ToSchema for RejectionBody {}

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
