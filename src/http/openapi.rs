//! Request schemas of the OpenAPI 3.1 document that no struct of this layer can state: the submission body (its
//! struct lives in the store), the comment patterns and the `bbox` parameter. The answers' schemas are derived from
//! the very structs that serialise them (the views' and the engine's), and the document is put together from the
//! handlers' annotations in [`super::routes::openapi`]; a test checks every key the server sends against it.

use serde_json::json;
use utoipa::ToSchema;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, Object, ObjectBuilder, SchemaType, Type};

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
pub(crate) fn comment_schema(required: bool, description: &str) -> Object {
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

/// The comment of an approval (`Decision` in the submission routes).
pub(crate) fn approval_comment() -> Object {
    comment_schema(
        false,
        "Why, optional: a blank comment is none. At most 2000 characters; no control characters but tab and \
         line breaks.",
    )
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

// A scenario's request is parsed into `store::ScenarioRequest`, each edit on its own (so that a problem names its
// edit); the schemas below state that shape.

/// A site a scenario adds: an `id` and the listing fields (as a submission's), checked as a listing is. `name`
/// defaults to the id, `provider` and `source` to `what-if scenario`, `last_verified` to today.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSite {
    /// A new listing id: a slug of lowercase letters, digits, `-` and `_`, not in use.
    #[schema(pattern = "^[a-z0-9_-]+$", max_length = 300)]
    pub id: String,
    /// Name of the service.
    pub name: Option<TextOrNumber>,
    /// The organisation that would run it.
    pub provider: Option<TextOrNumber>,
    /// A type id from `/api/types`.
    #[schema(rename = "type")]
    pub service_type: Option<TextOrNumber>,
    /// Latitude, WGS84 degrees; the point must lie in an area.
    pub lat: Option<TextOrNumber>,
    /// Longitude, WGS84 degrees.
    pub lon: Option<TextOrNumber>,
    /// `exact` or `confidential` (which a `confidential_required` type must be).
    pub location_precision: Option<TextOrNumber>,
    /// Empty, `*`, or GSS codes separated by `;`.
    pub serves: Option<TextOrNumber>,
    /// In the type's capacity unit, at most its `capacity_max`, or empty.
    pub capacity: Option<TextOrNumber>,
    /// Slugs separated by `;`.
    pub specialisms: Option<TextOrNumber>,
    /// `community`, `hospital`, `court`, `housing`, `police` or `health`, or empty.
    pub setting: Option<TextOrNumber>,
    /// Public phone number.
    pub phone: Option<TextOrNumber>,
    /// Public website.
    pub website: Option<TextOrNumber>,
    /// `YYYY-MM-DD`, not after today.
    pub last_verified: Option<TextOrNumber>,
    /// Where the listing comes from.
    pub source: Option<TextOrNumber>,
}

/// One edit of a scenario, by `op`.
#[derive(ToSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioEdit {
    /// Add a site.
    Add {
        /// The site.
        service: Box<ScenarioSite>,
    },
    /// Take a site away (live, or added by an earlier edit).
    Remove {
        /// Its listing id.
        id: String,
    },
    /// Give a site (live, or added by an earlier edit) a new capacity; `null` for unknown.
    Resize {
        /// Its listing id.
        id: String,
        /// The new capacity, at most the type's `capacity_max`.
        #[schema(minimum = 0)]
        capacity: Option<f64>,
    },
    /// Set a type's benchmark: `value` units of capacity per `per` people of its basis.
    Benchmark {
        /// A type id from `/api/types`.
        #[serde(rename = "type")]
        service_type: String,
        /// Units required per `per` people.
        #[schema(minimum = 0)]
        value: f64,
        /// The population size.
        #[schema(exclusive_minimum = 0)]
        per: f64,
    },
}

/// A what-if scenario to make.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "A second ISVA hub in the east", "edits": [
    {"op": "add", "service": {"id": "isva-new", "type": "isva", "lat": 51.45, "lon": -0.05,
        "location_precision": "exact", "capacity": 3}},
    {"op": "benchmark", "type": "isva", "value": 2, "per": 100000}]}))]
pub struct ScenarioBody {
    /// A name for people: 1 to 200 characters, no control characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The edits, applied in order: 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub edits: Vec<ScenarioEdit>,
}
