//! A listing's public history: every approved version, with the organisations that proposed and approved it.
//! A listing that is confidential now, or was in any version, shows every version at its published point, so a
//! later change to `exact` never reveals where it used to be.

use serde::Serialize;

use super::submissions::shown;
use crate::domain::Dataset;
use crate::domain::LocationPrecision;
use crate::domain::disclosure::{Reader, View, strictest};
use crate::load::ServiceRecord;
use crate::store::{Actor, SubmissionKind, Version};

/// Who took part in a version, by organisation only: personal names stay private.
#[derive(Debug, Serialize)]
pub struct Party {
    organisation: Option<String>,
}

/// One approved version as published.
#[derive(Debug, Serialize)]
pub struct PublicVersion {
    version: i64,
    kind: SubmissionKind,
    record: ServiceRecord,
    origin: String,
    approved_at: chrono::DateTime<chrono::Utc>,
    submitted_by: Option<Party>,
    approved_by: Option<Party>,
}

fn party(actor: Option<Actor>) -> Option<Party> {
    actor.map(|a| Party {
        organisation: a.organisation,
    })
}

/// The versions of one listing as published. `current` is the listing's precision now, if it is listed.
pub fn public_history(
    versions: Vec<Version>,
    current: Option<LocationPrecision>,
    dataset: &Dataset,
) -> Vec<PublicVersion> {
    let as_strict_as = strictest(current.into_iter().chain(versions.iter().map(|v| {
        LocationPrecision::parse(&v.record.location_precision)
            .unwrap_or(LocationPrecision::Confidential)
    })));
    versions
        .into_iter()
        .map(|version| {
            let governing = ServiceRecord {
                location_precision: as_strict_as.as_str().to_owned(),
                ..version.record.clone()
            };
            let record = shown(
                &governing,
                &version.record.provider,
                Reader::Public,
                View::Public,
                dataset,
            )
            .map_or_else(ServiceRecord::default, |(shown, _)| ServiceRecord {
                location_precision: version.record.location_precision.clone(),
                ..shown
            });
            PublicVersion {
                version: version.version,
                kind: version.kind,
                record,
                origin: version.origin,
                approved_at: version.approved_at,
                submitted_by: party(version.submitted_by),
                approved_by: party(version.approved_by),
            }
        })
        .collect()
}
