//! A submission beside the current listing, field by field, in the listing schema's order.

use serde::Serialize;

use super::listings::field_value;
use crate::domain::LISTING_FIELDS;
use crate::load::ServiceRecord;

/// One field of a submission beside the current listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    /// The CSV column.
    pub field: &'static str,
    /// Its current value; `None` when the listing does not exist (new, or closed since).
    pub current: Option<String>,
    /// The proposed value; `None` for a closure.
    pub proposed: Option<String>,
    /// Whether the two differ.
    pub changed: bool,
}

impl FieldDiff {
    /// `proposed` beside `current`, field by field in CSV column order. A closure proposes nothing.
    pub fn between(current: Option<&ServiceRecord>, proposed: Option<&ServiceRecord>) -> Vec<Self> {
        LISTING_FIELDS
            .iter()
            .map(|schema| {
                let current = current
                    .and_then(|r| field_value(r, schema.name))
                    .map(str::to_owned);
                let proposed = proposed
                    .and_then(|r| field_value(r, schema.name))
                    .map(str::to_owned);
                FieldDiff {
                    field: schema.name,
                    changed: current != proposed,
                    current,
                    proposed,
                }
            })
            .collect()
    }
}
