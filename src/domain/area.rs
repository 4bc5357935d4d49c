//! Areas: the polygons coverage is measured over (London boroughs by default), with their basis populations.

use std::collections::BTreeMap;
use std::fmt;

use geo::{InteriorPoint, MultiPolygon, Point};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// An ONS Government Statistical Service code such as `E09000028` (Southwark): one capital letter and eight digits.
///
/// It can only be built valid, so the rest of the code never re-checks it.
///
/// ```
/// use gapmap::domain::GssCode;
/// assert!(GssCode::parse("E09000028").is_ok());
/// assert!(GssCode::parse("e09000028").is_err());
/// assert!(GssCode::parse("E0900002").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GssCode(String);

impl GssCode {
    /// Parses a GSS code, trimming surrounding white space.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let mut chars = text.chars();
        let well_formed = text.len() == 9
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_digit());
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!(
                "`{text}` is not a GSS code (a capital letter and eight digits, e.g. E09000028)"
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GssCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for GssCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Read back as [`GssCode::parse`] reads it, so a deserialised code is as valid as a parsed one.
impl<'de> Deserialize<'de> for GssCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

// Schema metadata for the API document, not HTTP: serialised as a string of the form `parse` accepts.
impl utoipa::PartialSchema for GssCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Z][0-9]{8}$"))
            .description(Some("A GSS code: a capital letter and eight digits."))
            .examples(["E09000028"])
            .into()
    }
}

impl utoipa::ToSchema for GssCode {}

/// One area: a local authority (or any other geography), its boundary and its basis populations.
#[derive(Debug, Clone)]
pub struct Area {
    /// GSS code, unique within a dataset.
    pub code: GssCode,
    /// Display name, e.g. `Southwark`.
    pub name: String,
    /// Boundary in WGS84 longitude/latitude degrees.
    pub boundary: MultiPolygon<f64>,
    /// A point guaranteed to lie inside the boundary; confidential sites are published at this point.
    pub representative_point: Point<f64>,
    /// Basis populations by column name (`population`, `women`, …): counts of people, all positive.
    pub basis: BTreeMap<String, f64>,
    /// Where the basis figures come from; says `estimate` where a figure is estimated.
    pub basis_source: String,
}

impl Area {
    /// Builds an area, computing its representative point. Returns `None` for an empty boundary.
    pub fn new(
        code: GssCode,
        name: String,
        boundary: MultiPolygon<f64>,
        basis: BTreeMap<String, f64>,
        basis_source: String,
    ) -> Option<Self> {
        let representative_point = boundary.interior_point()?;
        Some(Self {
            code,
            name,
            boundary,
            representative_point,
            basis,
            basis_source,
        })
    }

    /// Whether any of the area's basis figures is an estimate (its source says so).
    pub fn has_estimated_basis(&self) -> bool {
        self.basis_source.to_ascii_lowercase().contains("estimate")
    }

    /// The area's count for a basis column, if it has one.
    pub fn basis(&self, column: &str) -> Option<f64> {
        self.basis.get(column).copied()
    }
}
