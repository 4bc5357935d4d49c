//! The fields a provider proposes, as the API receives them.

use serde::{Deserialize, Deserializer, Serialize};

use crate::load::ServiceRecord;

/// Proposed listing fields, named as the CSV columns; an absent field keeps its current value (for a new listing:
/// empty). The id is not here: it is the submission's `listing_id` and never changes. Numbers may be given as JSON
/// numbers or as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingFields {
    /// Service name.
    #[serde(default, deserialize_with = "text_or_number")]
    pub name: Option<String>,
    /// Organisation; must be the submitter's own.
    #[serde(default, deserialize_with = "text_or_number")]
    pub provider: Option<String>,
    /// Service type id.
    #[serde(rename = "type", default, deserialize_with = "text_or_number")]
    pub service_type: Option<String>,
    /// Latitude, decimal degrees.
    #[serde(default, deserialize_with = "text_or_number")]
    pub lat: Option<String>,
    /// Longitude, decimal degrees.
    #[serde(default, deserialize_with = "text_or_number")]
    pub lon: Option<String>,
    /// `exact` or `confidential`.
    #[serde(default, deserialize_with = "text_or_number")]
    pub location_precision: Option<String>,
    /// Empty, `*`, or `;`-separated GSS codes.
    #[serde(default, deserialize_with = "text_or_number")]
    pub serves: Option<String>,
    /// Capacity in the type's unit, or empty.
    #[serde(default, deserialize_with = "text_or_number")]
    pub capacity: Option<String>,
    /// `;`-separated slugs.
    #[serde(default, deserialize_with = "text_or_number")]
    pub specialisms: Option<String>,
    /// A setting, or empty.
    #[serde(default, deserialize_with = "text_or_number")]
    pub setting: Option<String>,
    /// Phone number.
    #[serde(default, deserialize_with = "text_or_number")]
    pub phone: Option<String>,
    /// Website URL.
    #[serde(default, deserialize_with = "text_or_number")]
    pub website: Option<String>,
    /// ISO date `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "text_or_number")]
    pub last_verified: Option<String>,
    /// Where the information comes from.
    #[serde(default, deserialize_with = "text_or_number")]
    pub source: Option<String>,
}

impl ListingFields {
    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Overwrites each given field of `record`.
    pub fn apply_to(&self, record: &mut ServiceRecord) {
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                value.clone_into(target);
            }
        };
        set(&mut record.name, &self.name);
        set(&mut record.provider, &self.provider);
        set(&mut record.service_type, &self.service_type);
        set(&mut record.lat, &self.lat);
        set(&mut record.lon, &self.lon);
        set(&mut record.location_precision, &self.location_precision);
        set(&mut record.serves, &self.serves);
        set(&mut record.capacity, &self.capacity);
        set(&mut record.specialisms, &self.specialisms);
        set(&mut record.setting, &self.setting);
        set(&mut record.phone, &self.phone);
        set(&mut record.website, &self.website);
        set(&mut record.last_verified, &self.last_verified);
        set(&mut record.source, &self.source);
    }
}

fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(
        Option::<TextOrNumber>::deserialize(deserializer)?.map(|value| match value {
            TextOrNumber::Text(text) => text,
            TextOrNumber::Number(number) => number.to_string(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_accept_numbers_and_reject_unknown_names() {
        let fields: ListingFields =
            serde_json::from_str(r#"{"lat": 51.5, "capacity": 2, "name": "A", "type": "isva"}"#)
                .unwrap();
        assert_eq!(fields.lat.as_deref(), Some("51.5"));
        assert_eq!(fields.capacity.as_deref(), Some("2"));
        assert_eq!(fields.service_type.as_deref(), Some("isva"));
        assert!(serde_json::from_str::<ListingFields>(r#"{"colour": "red"}"#).is_err());
        assert!(serde_json::from_str::<ListingFields>(r#"{"id": "x"}"#).is_err());
    }

    #[test]
    fn a_partial_change_keeps_the_other_fields() {
        let mut record = ServiceRecord {
            name: "Old".into(),
            phone: "1".into(),
            ..ServiceRecord::default()
        };
        ListingFields {
            name: Some("New".into()),
            ..ListingFields::default()
        }
        .apply_to(&mut record);
        assert_eq!((record.name.as_str(), record.phone.as_str()), ("New", "1"));
    }
}
