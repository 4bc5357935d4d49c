//! What-if scenarios as sent: a scenario with its edits and its differences from the live data, and the
//! `scenario` member that marks the scenario's `/areas`, `/gaps` and `/lottery` answers as not live (the rest of
//! each is exactly the live endpoint's shape, rendered by the same views).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Provenance, WithProvenance};
use crate::domain::scenario::{AreaDifference, EditProblem, TypeDifference};
use crate::store::StoredEdit;

/// Live data a scenario was made on or is computed on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveData<'a> {
    /// The store revision of the live listings.
    pub revision: i64,
    /// The live dataset version (the live answers' `ETag`).
    pub version: &'a str,
}

/// An edit that no longer applies to the live data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotApplied<'a> {
    /// The edit's position, from 0.
    pub edit: usize,
    /// The field at fault; empty when the edit as a whole is.
    pub field: &'a str,
    /// Why.
    pub message: &'a str,
}

/// The `scenario` member: which scenario an answer is of, and that it is not the live data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioMember<'a> {
    /// The scenario's id (32 hex digits).
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Always `false`: these figures are the live data with the scenario's edits, not the live map.
    pub live: bool,
    /// When it was made (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// The live data its edits were checked against when it was made.
    pub based_on: LiveData<'a>,
    /// The live data this answer applies the edits to and compares with: the current live data.
    pub computed_on: LiveData<'a>,
    /// Edits left out because they no longer apply to the current live data.
    pub not_applied: Vec<NotApplied<'a>>,
}

/// Fields of the scenario member, gathered by the caller.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioFacts<'a> {
    /// The id.
    pub id: &'a str,
    /// The name.
    pub name: &'a str,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// `(revision, version)` it was made on.
    pub based_on: (i64, &'a str),
    /// `(revision, version)` it is computed on.
    pub computed_on: (i64, &'a str),
    /// Edits that no longer apply.
    pub not_applied: &'a [EditProblem],
}

impl<'a> ScenarioMember<'a> {
    /// The member for `facts`.
    pub fn new(facts: ScenarioFacts<'a>) -> Self {
        Self {
            id: facts.id,
            name: facts.name,
            live: false,
            created_at: facts.created_at,
            based_on: LiveData {
                revision: facts.based_on.0,
                version: facts.based_on.1,
            },
            computed_on: LiveData {
                revision: facts.computed_on.0,
                version: facts.computed_on.1,
            },
            not_applied: facts
                .not_applied
                .iter()
                .map(|p| NotApplied {
                    edit: p.edit,
                    field: &p.field,
                    message: &p.message,
                })
                .collect(),
        }
    }
}

/// How a scenario differs from the live data.
#[derive(Debug, Serialize, ToSchema)]
pub struct Differences<'a> {
    /// Every area × type whose located, serving, capacity_share, rate, required, shortfall, status or access
    /// mean differs, before (live) and after (scenario).
    #[schema(value_type = Vec<AreaDifference>)]
    pub areas: &'a [AreaDifference],
    /// Every type whose overall rate or lottery summary differs.
    #[schema(value_type = Vec<TypeDifference>)]
    pub types: &'a [TypeDifference],
}

/// `/api/scenarios/{id}`: the scenario, its edits and its differences from the live data.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioDetail<'a> {
    /// Which scenario, and that it is not live.
    pub scenario: ScenarioMember<'a>,
    /// The edits, in order, as kept: an added confidential site at its area's representative point.
    #[schema(value_type = Vec<Object>)]
    pub edits: &'a [StoredEdit],
    /// The differences from the current live data.
    pub differences: Differences<'a>,
}

/// The `/api/scenarios/{id}` body.
pub fn detail(
    provenance: Provenance<'_>,
    facts: ScenarioFacts<'_>,
    edits: &[StoredEdit],
    areas: &[AreaDifference],
    types: &[TypeDifference],
) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&WithProvenance {
        provenance,
        inner: ScenarioDetail {
            scenario: ScenarioMember::new(facts),
            edits,
            differences: Differences { areas, types },
        },
    })
}

/// A live endpoint's body `body` (a JSON object) with the `scenario` member added first, byte for byte otherwise:
/// every figure reads exactly as the view wrote it.
pub fn in_scenario(facts: ScenarioFacts<'_>, body: Vec<u8>) -> serde_json::Result<Vec<u8>> {
    let member = serde_json::to_vec(&ScenarioMember::new(facts))?;
    let Some(rest) = body.strip_prefix(b"{") else {
        return Err(serde::ser::Error::custom(
            "a view's body is not a JSON object",
        ));
    };
    let mut out = Vec::with_capacity(body.len() + member.len() + 16);
    out.extend_from_slice(b"{\"scenario\":");
    out.extend_from_slice(&member);
    if !rest.starts_with(b"}") {
        out.push(b',');
    }
    out.extend_from_slice(rest);
    Ok(out)
}

/// A live answer's schema `T` with the `scenario` member (for the API document).
#[derive(Debug, Serialize, ToSchema)]
pub struct InScenario<T> {
    /// Which scenario, and that it is not live.
    pub scenario: ScenarioMember<'static>,
    /// The live endpoint's answer.
    #[serde(flatten)]
    pub answer: T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_member_goes_first_and_the_rest_is_unchanged() {
        let facts = ScenarioFacts {
            id: "ab",
            name: "n",
            created_at: DateTime::UNIX_EPOCH,
            based_on: (1, "v1"),
            computed_on: (2, "v2"),
            not_applied: &[],
        };
        let body = br#"{"type":"FeatureCollection","x":0.30000000000000004}"#.to_vec();
        let out = String::from_utf8(in_scenario(facts, body).unwrap()).unwrap();
        assert!(
            out.starts_with(r#"{"scenario":{"id":"ab","name":"n","live":false,"#),
            "{out}"
        );
        assert!(
            out.ends_with(r#"},"type":"FeatureCollection","x":0.30000000000000004}"#),
            "{out}"
        );
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["scenario"]["computed_on"]["revision"], 2);
        assert_eq!(
            in_scenario(facts, b"{}".to_vec()).unwrap().last(),
            Some(&b'}')
        );
        assert!(in_scenario(facts, b"[]".to_vec()).is_err());
    }
}
