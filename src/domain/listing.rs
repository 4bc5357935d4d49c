//! The listing schema, declared once: every field of a listing with its column name, label and help. The loaders'
//! CSV record, a provider's partial change in the store, the database's columns, the review diff and the
//! providers' page all derive from the one table in `listing_schema!`. Also the rules a listing must meet when it
//! is entered, beyond its fields' syntax ([`ListingRules`]).

use chrono::NaiveDate;
use serde::Serialize;

use super::{FieldProblem, LocationPrecision, Setting, Specialism};

/// Calls `$generate!` with the listing's fields in file order, one `rust_field: "name", "label", "help", Input;`
/// entry each: `rust_field` is the Rust field and the database column, `"name"` the CSV header and JSON key,
/// `Input` a [`FieldInput`] variant. The first entry is the key, `id`.
macro_rules! listing_schema {
    ($generate:ident) => {
        $generate! {
            id: "id", "Listing id",
                "A stable slug of lowercase letters, digits, `-` and `_`; it never changes.", Text;
            name: "name", "Service name", "The name of the service.", Text;
            provider: "provider", "Organisation", "The organisation that runs it.", Text;
            service_type: "type", "Service type", "One of the service types.", ServiceType;
            lat: "lat", "Latitude",
                "WGS84 decimal degrees; the point must lie inside the area that hosts the service.", Number;
            lon: "lon", "Longitude", "WGS84 decimal degrees.", Number;
            location_precision: "location_precision", "Location",
                "`exact`: a public address. `confidential`: only the area is ever published.",
                LocationPrecision;
            serves: "serves", "Serves",
                "The areas served: GSS codes separated by `;`, `*` for every area, or empty for the area the \
                 point lies in.", Text;
            capacity: "capacity", "Capacity",
                "A number in the type's capacity unit; empty when unknown, which is not zero.", Number;
            specialisms: "specialisms", "Specialisms", "Any of the allowed values, separated by `;`.",
                Specialisms;
            setting: "setting", "Setting", "Where the service is delivered from, if known.", Setting;
            phone: "phone", "Phone", "A public contact number.", Text;
            website: "website", "Website", "A public web address starting with https:// or http://.", Text;
            last_verified: "last_verified", "Last verified",
                "The date the listing was last checked with the service (YYYY-MM-DD), not after today.", Date;
            source: "source", "Source", "Where the information comes from.", Text;
        }
    };
}
pub(crate) use listing_schema;

/// What kind of value a listing field holds, so that a form can offer the right control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldInput {
    /// Free text.
    Text,
    /// A decimal number.
    Number,
    /// An ISO date `YYYY-MM-DD`.
    Date,
    /// A service type id.
    ServiceType,
    /// One of [`LocationPrecision`]'s values.
    LocationPrecision,
    /// One of [`Setting`]'s values, or empty.
    Setting,
    /// Any of [`Specialism`]'s values, `;`-separated.
    Specialisms,
}

impl FieldInput {
    /// The values a field of this kind may take, where there is a fixed list.
    pub fn options(self) -> Vec<&'static str> {
        match self {
            Self::LocationPrecision => LocationPrecision::ALL
                .map(LocationPrecision::as_str)
                .to_vec(),
            Self::Setting => Setting::ALL.map(Setting::as_str).to_vec(),
            Self::Specialisms => Specialism::ALL.map(Specialism::as_str).to_vec(),
            Self::Text | Self::Number | Self::Date | Self::ServiceType => Vec::new(),
        }
    }
}

/// One field of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListingField {
    /// Its name in the CSV header and in JSON, e.g. `type`.
    pub name: &'static str,
    /// Its column in the database, e.g. `service_type`.
    #[serde(skip)]
    pub column: &'static str,
    /// A short label for a form, e.g. `Service type`.
    pub label: &'static str,
    /// A sentence for a form saying what to enter.
    pub help: &'static str,
    /// What kind of value it holds.
    pub input: FieldInput,
}

macro_rules! listing_field_table {
    ($($field:ident: $name:literal, $label:literal, $help:literal, $input:ident;)+) => {
        /// Every field of a listing, in file order; the first is the key, `id`.
        pub const LISTING_FIELDS: [ListingField; [$(stringify!($field)),+].len()] = [$(ListingField {
            name: $name,
            column: stringify!($field),
            label: $label,
            help: $help,
            input: FieldInput::$input,
        }),+];
    };
}
listing_schema!(listing_field_table);

/// The listing schema for a form, as served to the providers' page: `listing_id` (the key, which a submission
/// names apart from its fields) and `fields` (every other field, in file order), each with `name`, `label`,
/// `help`, `input` (`text`, `number`, `date`, `service_type`, `location_precision`, `setting`, `specialisms`)
/// and `options` (the allowed values where there is a fixed list, else empty).
///
/// ```
/// let schema = gapmap::domain::listing_fields_json();
/// assert_eq!(schema["listing_id"]["name"], "id");
/// assert_eq!(schema["fields"][2]["name"], "type");
/// assert_eq!(schema["fields"][9]["options"][0], "community");
/// ```
pub fn listing_fields_json() -> serde_json::Value {
    let describe = |field: &ListingField| {
        serde_json::json!({
            "name": field.name,
            "label": field.label,
            "help": field.help,
            "input": field.input,
            "options": field.input.options(),
        })
    };
    let (key, fields) = LISTING_FIELDS.split_at(1);
    serde_json::json!({
        "listing_id": describe(&key[0]),
        "fields": fields.iter().map(describe).collect::<Vec<_>>(),
    })
}

/// The rules a listing must meet when it is entered (read from a listings file, submitted, or approved), beyond
/// its fields' syntax. A stored listing met them when it was entered and is not checked again, so the clock
/// alone never makes a stored listing invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingRules {
    /// The date of entry; `last_verified` may not be after it. The caller supplies it, so the domain reads no
    /// clock.
    pub today: NaiveDate,
}

impl ListingRules {
    /// The problem with a `last_verified` date, if it is after today.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gapmap::domain::ListingRules;
    /// let rules = ListingRules { today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() };
    /// assert_eq!(rules.check_last_verified(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()), None);
    /// let (field, message) = rules.check_last_verified(NaiveDate::from_ymd_opt(2026, 6, 2).unwrap()).unwrap();
    /// assert_eq!(field, "last_verified");
    /// assert_eq!(message, "2026-06-02 is after today (2026-06-01)");
    /// ```
    pub fn check_last_verified(&self, last_verified: NaiveDate) -> Option<FieldProblem> {
        (last_verified > self.today).then(|| {
            (
                "last_verified",
                format!(
                    "{} is after today ({})",
                    last_verified.format("%Y-%m-%d"),
                    self.today.format("%Y-%m-%d")
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_fifteen_fields_once_each_with_the_key_first() {
        assert_eq!(LISTING_FIELDS.len(), 15);
        assert_eq!(
            (LISTING_FIELDS[0].name, LISTING_FIELDS[0].column),
            ("id", "id")
        );
        let service_type = LISTING_FIELDS.iter().find(|f| f.name == "type").unwrap();
        assert_eq!(service_type.column, "service_type");
        for (i, field) in LISTING_FIELDS.iter().enumerate() {
            assert!(
                LISTING_FIELDS[..i]
                    .iter()
                    .all(|f| f.name != field.name && f.column != field.column),
                "{} twice",
                field.name
            );
            assert!(
                !field.label.is_empty() && !field.help.is_empty(),
                "{}",
                field.name
            );
        }
    }

    #[test]
    fn the_page_gets_every_field_but_the_key_with_its_allowed_values() {
        let schema = listing_fields_json();
        let fields = schema["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 14);
        assert!(fields.iter().all(|f| f["name"] != "id"));
        let specialisms = fields.iter().find(|f| f["name"] == "specialisms").unwrap();
        assert_eq!(specialisms["input"], "specialisms");
        assert_eq!(specialisms["options"].as_array().unwrap().len(), 8);
        let precision = fields
            .iter()
            .find(|f| f["name"] == "location_precision")
            .unwrap();
        assert_eq!(
            precision["options"],
            serde_json::json!(["exact", "confidential"])
        );
    }
}
