//! Reads and checks service listings: one row per site (schema in `services/README.md`, fields declared once in
//! [`crate::domain::LISTING_FIELDS`]). The same per-field rules check a listing however it arrives (CSV row, or a
//! provider's submission).

use std::path::Path;

use chrono::NaiveDate;
use geo::Point;
use serde::{Deserialize, Serialize};

use super::{LoadError, LoadProblem, read_text};
use crate::domain::{
    GssCode, LISTING_FIELDS, ListingRules, LocationPrecision, Serves, Service, Setting, Specialism,
    listing_schema,
};

/// The listing columns, in file order: the names of [`LISTING_FIELDS`].
pub const SERVICE_COLUMNS: [&str; LISTING_FIELDS.len()] = {
    let mut names = [""; LISTING_FIELDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = LISTING_FIELDS[i].name;
        i += 1;
    }
    names
};

/// Longest accepted text field, in characters.
pub const MAX_TEXT_CHARS: usize = 300;

macro_rules! service_record {
    ($($field:ident: $name:literal, $label:literal, $help:literal, $input:ident;)+) => {
        /// A listing as text, exactly as in a CSV row: nothing checked yet. One `String` per field of
        /// [`LISTING_FIELDS`], named in JSON as in the CSV header.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ServiceRecord {
            $(
                #[doc = concat!($label, ": ", $help)]
                #[serde(rename = $name)]
                pub $field: String,
            )+
        }

        impl ServiceRecord {
            /// The value of one column, by its name in [`SERVICE_COLUMNS`].
            pub fn field(&self, column: &str) -> Option<&str> {
                match column {
                    $($name => Some(&self.$field),)+
                    _ => None,
                }
            }

            /// The same record with `change` applied to every field.
            pub fn map_fields(&self, change: impl Fn(&str) -> String) -> Self {
                Self {
                    $($field: change(&self.$field),)+
                }
            }

            /// A record whose every field is `value` of its database column ([`ListingField::column`]), asked
            /// for in file order.
            ///
            /// [`ListingField::column`]: crate::domain::ListingField::column
            pub fn try_from_columns<E>(
                mut value: impl FnMut(&'static str) -> Result<String, E>,
            ) -> Result<Self, E> {
                Ok(Self {
                    $($field: value(stringify!($field))?,)+
                })
            }
        }
    };
}
listing_schema!(service_record);

impl ServiceRecord {
    /// Every column's value, in [`SERVICE_COLUMNS`] order.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        SERVICE_COLUMNS
            .iter()
            .map(|column| self.field(column).unwrap_or_default())
    }

    /// The record of an existing service (the inverse of [`parse_service`]).
    pub fn from_service(service: &Service) -> Self {
        Self {
            id: service.id.clone(),
            name: service.name.clone(),
            provider: service.provider.clone(),
            service_type: service.service_type.clone(),
            lat: service.location.y().to_string(),
            lon: service.location.x().to_string(),
            location_precision: service.location_precision.as_str().into(),
            serves: service.serves.to_field(),
            capacity: service.capacity.map(|c| c.to_string()).unwrap_or_default(),
            specialisms: service.specialisms.join(";"),
            setting: service
                .setting
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            phone: service.phone.clone(),
            website: service.website.clone(),
            last_verified: service.last_verified.format("%Y-%m-%d").to_string(),
            source: service.source.clone(),
        }
    }
}

pub use crate::domain::FieldProblem;

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn coordinate(raw: &str, field: &'static str, limit: f64, problems: &mut Vec<FieldProblem>) -> f64 {
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => v,
        Ok(v) if v.is_finite() => {
            problems.push((
                field,
                format!("{v} is out of range (−{limit} to {limit} degrees)"),
            ));
            0.0
        }
        _ => {
            problems.push((
                field,
                format!("`{}` is not a finite number of degrees", raw.trim()),
            ));
            0.0
        }
    }
}

/// Checks every field of a listing on its own, as stored: cross-references such as the type or area codes
/// existing are checked by [`crate::domain::Reference::check_service`], the rules of entry by
/// [`parse_entered_service`]. Returns every problem, not just the first.
pub fn parse_service(record: &ServiceRecord) -> Result<Service, Vec<FieldProblem>> {
    parse_fields(record, None)
}

/// Checks every field of a listing as it is entered (read from a file, submitted or approved): as
/// [`parse_service`] does, and against `rules` (e.g. `last_verified` not after today), all in one pass.
pub fn parse_entered_service(
    record: &ServiceRecord,
    rules: &ListingRules,
) -> Result<Service, Vec<FieldProblem>> {
    parse_fields(record, Some(rules))
}

/// The rules of entry as of now: today is the current date in UTC.
pub fn entry_rules() -> ListingRules {
    ListingRules {
        today: chrono::Utc::now().date_naive(),
    }
}

fn parse_fields(
    record: &ServiceRecord,
    rules: Option<&ListingRules>,
) -> Result<Service, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let texts = [
        ("id", &record.id),
        ("name", &record.name),
        ("provider", &record.provider),
        ("type", &record.service_type),
        ("serves", &record.serves),
        ("specialisms", &record.specialisms),
        ("phone", &record.phone),
        ("website", &record.website),
        ("source", &record.source),
    ];
    for (field, value) in texts {
        if value.chars().count() > MAX_TEXT_CHARS {
            problems.push((field, format!("longer than {MAX_TEXT_CHARS} characters")));
        }
        if value.chars().any(char::is_control) {
            problems.push((field, "contains control characters".into()));
        }
    }
    for (field, value) in [
        ("name", &record.name),
        ("provider", &record.provider),
        ("source", &record.source),
    ] {
        if value.trim().is_empty() {
            problems.push((field, "must not be empty".into()));
        }
    }
    let id = record.id.trim();
    if !is_slug(id) {
        problems.push((
            "id",
            format!("`{id}` must be a slug of lowercase letters, digits, `-` and `_`"),
        ));
    }
    let service_type = record.service_type.trim();
    if !is_slug(service_type) {
        problems.push(("type", format!("`{service_type}` is not a service type id")));
    }
    let lat = coordinate(&record.lat, "lat", 90.0, &mut problems);
    let lon = coordinate(&record.lon, "lon", 180.0, &mut problems);
    let location_precision =
        LocationPrecision::parse(&record.location_precision).unwrap_or_else(|message| {
            problems.push(("location_precision", message));
            LocationPrecision::Confidential
        });
    let serves = match record.serves.trim() {
        "" => Serves::OwnArea,
        "*" => Serves::AllAreas,
        list => {
            let mut codes = Vec::new();
            for part in list.split(';').map(str::trim) {
                match GssCode::parse(part) {
                    Ok(code) => codes.push(code),
                    Err(message) => problems.push(("serves", message)),
                }
            }
            Serves::Areas(codes)
        }
    };
    let capacity = match record.capacity.trim() {
        "" => None,
        raw => match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                problems.push((
                    "capacity",
                    format!("`{raw}` is not a non-negative number (leave empty if unknown)"),
                ));
                None
            }
        },
    };
    let specialisms: Vec<String> = record
        .specialisms
        .split(';')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| {
            Specialism::parse(s)
                .map_err(|message| problems.push(("specialisms", message)))
                .ok()
        })
        .map(|s| s.as_str().to_owned())
        .collect();
    let setting = match record.setting.trim() {
        "" => None,
        raw => Setting::parse(raw)
            .map_err(|message| problems.push(("setting", message)))
            .ok(),
    };
    let website = record.website.trim();
    let is_web_address = website.starts_with("https://") || website.starts_with("http://");
    if !website.is_empty() && !is_web_address {
        problems.push((
            "website",
            format!("`{website}` must start with https:// or http://"),
        ));
    }
    let last_verified = NaiveDate::parse_from_str(record.last_verified.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| {
            problems.push((
                "last_verified",
                format!(
                    "`{}` is not an ISO date (YYYY-MM-DD)",
                    record.last_verified.trim()
                ),
            ));
            NaiveDate::MIN
        });
    if let Some(problem) = rules.and_then(|r| r.check_last_verified(last_verified)) {
        problems.push(problem);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Service {
        id: id.to_owned(),
        name: record.name.trim().to_owned(),
        provider: record.provider.trim().to_owned(),
        service_type: service_type.to_owned(),
        location: Point::new(lon, lat),
        location_precision,
        serves,
        capacity,
        specialisms,
        setting,
        phone: record.phone.trim().to_owned(),
        website: website.to_owned(),
        last_verified,
        source: record.source.trim().to_owned(),
    })
}

/// Reads listings as they are entered ([`entry_rules`]). Returns the services and the 1-based line each came
/// from.
pub fn read_services(path: &Path) -> Result<(Vec<Service>, Vec<u64>), LoadError> {
    parse_services(path, &read_text(path)?)
}

/// Parses listings CSV `text` as [`read_services`] does; `path` only names the file in problems.
pub fn parse_services(path: &Path, text: &str) -> Result<(Vec<Service>, Vec<u64>), LoadError> {
    let parsed = parse_services_partly(path, text, &entry_rules())?;
    if parsed.problems.is_empty() {
        Ok((parsed.services, parsed.lines))
    } else {
        Err(LoadError(parsed.problems))
    }
}

/// The listings of a file that parse, each with its 1-based line, and the problems of the rows that do not.
#[derive(Debug, Default)]
pub(crate) struct PartlyParsed {
    pub services: Vec<Service>,
    pub lines: Vec<u64>,
    pub problems: Vec<LoadProblem>,
}

/// Parses every row of listings CSV `text` that it can, so that those rows can be cross-checked while the others
/// are reported. A bad header stops the read.
pub(crate) fn parse_services_partly(
    path: &Path,
    text: &str,
    rules: &ListingRules,
) -> Result<PartlyParsed, LoadError> {
    let (records, problems) =
        super::csv_records::<ServiceRecord>(path, text, &SERVICE_COLUMNS, &[])?;
    let mut parsed = PartlyParsed {
        problems,
        ..PartlyParsed::default()
    };
    for (line, record) in records {
        let record = record.map_fields(|cell| super::formula_unguarded(cell).to_owned());
        match parse_entered_service(&record, rules) {
            Ok(service) => {
                parsed.services.push(service);
                parsed.lines.push(line);
            }
            Err(found) => parsed.problems.extend(
                found
                    .into_iter()
                    .map(|(field, message)| LoadProblem::field(path, Some(line), field, message)),
            ),
        }
    }
    Ok(parsed)
}
