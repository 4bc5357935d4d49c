//! The fields a provider proposes, as the API receives them: the listing schema's, each optional.

use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::listing_schema;
use crate::load::ServiceRecord;

macro_rules! listing_fields {
    (
        id: $id_name:literal, $id_label:literal, $id_help:literal, $id_input:ident;
        $($field:ident: $name:literal, $label:literal, $help:literal, $input:ident;)+
    ) => {
        /// Proposed listing fields, one per field of [`crate::domain::LISTING_FIELDS`] but the id, named as the CSV
        /// columns; an absent field keeps its current value (for a new listing: empty). The id is not here: it is
        /// the submission's `listing_id` and never changes. Numbers may be given as JSON numbers or as text.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ListingFields {
            $(
                #[doc = concat!($label, ": ", $help)]
                #[serde(rename = $name, default, deserialize_with = "text_or_number")]
                pub $field: Option<String>,
            )+
        }

        impl ListingFields {
            /// Overwrites each given field of `record`.
            pub fn apply_to(&self, record: &mut ServiceRecord) {
                $(
                    if let Some(value) = &self.$field {
                        value.clone_into(&mut record.$field);
                    }
                )+
            }
        }
    };
}
listing_schema!(listing_fields);

impl ListingFields {
    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
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
    fn fields_serialise_as_they_always_have_so_stored_request_digests_still_match() {
        let fields = ListingFields {
            name: Some("A".into()),
            service_type: Some("isva".into()),
            ..ListingFields::default()
        };
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"name":"A","provider":null,"type":"isva","lat":null,"lon":null,"location_precision":null,"#
                .to_owned()
                + r#""serves":null,"capacity":null,"specialisms":null,"setting":null,"phone":null,"#
                + r#""website":null,"last_verified":null,"source":null}"#
        );
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
