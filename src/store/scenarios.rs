//! What-if scenarios as kept: a name, the edits as they were checked (JSON) and the live data they were made on.
//! A scenario never changes once made; its id is 128 random bits, so knowing it is what lets one read it.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Account, ListingFields, Store, StoreError, clean_text, now, timestamp};
use crate::domain::scenario::{Edit, EditProblem, MAX_EDITS};
use crate::load::{ServiceRecord, entry_rules, parse_entered_service, parse_service};

/// Longest scenario name, in characters.
pub const MAX_SCENARIO_NAME_CHARS: usize = 200;
/// Most scenarios one account may keep.
pub const MAX_SCENARIOS_PER_ACCOUNT: usize = 200;
/// Length of a scenario id: 32 lowercase hex digits (128 random bits).
pub const SCENARIO_ID_CHARS: usize = 32;
/// The `provider` and `source` of an added site that names none.
pub const SCENARIO_PROVIDER: &str = "what-if scenario";

/// A scenario as the API receives it: a name and its edits, each checked on its own (so that a problem names the
/// edit it is in).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// A name for people, e.g. "Two more ISVA hubs in the east".
    pub name: String,
    /// The edits, applied in order; each an object with `op`.
    pub edits: Vec<Value>,
}

/// One edit as the API receives it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum EditRequest {
    Add {
        service: serde_json::Map<String, Value>,
    },
    Remove {
        id: String,
    },
    Resize {
        id: String,
        capacity: Option<f64>,
    },
    Benchmark {
        #[serde(rename = "type")]
        service_type: String,
        value: f64,
        per: f64,
    },
}

/// One edit as kept and shown: an added site as the listing record it would be (canonical text; a confidential
/// one at its area's representative point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum StoredEdit {
    /// A new site.
    Add {
        /// Its listing fields.
        service: Box<ServiceRecord>,
    },
    /// A site taken away.
    Remove {
        /// Its listing id.
        id: String,
    },
    /// A site's new capacity (`null`: unknown).
    Resize {
        /// Its listing id.
        id: String,
        /// The new capacity, in the type's unit.
        capacity: Option<f64>,
    },
    /// A type's new benchmark.
    Benchmark {
        /// The type id.
        #[serde(rename = "type")]
        service_type: String,
        /// Capacity units required per `per` people.
        value: f64,
        /// The population size `value` is per.
        per: f64,
    },
}

impl StoredEdit {
    /// The edit as kept.
    pub fn of(edit: &Edit) -> Self {
        match edit {
            Edit::Add(service) => Self::Add {
                service: Box::new(ServiceRecord::from_service(service)),
            },
            Edit::Remove { id } => Self::Remove { id: id.clone() },
            Edit::Resize { id, capacity } => Self::Resize {
                id: id.clone(),
                capacity: *capacity,
            },
            Edit::Benchmark {
                service_type,
                value,
                per,
            } => Self::Benchmark {
                service_type: service_type.clone(),
                value: *value,
                per: *per,
            },
        }
    }

    /// The domain's edit. A kept site met the listing rules when it was entered and is not checked against the
    /// clock again.
    pub fn edit(&self) -> Result<Edit, StoreError> {
        Ok(match self {
            Self::Add { service } => {
                Edit::Add(Box::new(parse_service(service).map_err(|problems| {
                    StoreError::Corrupt(format!("a kept scenario site is unreadable: {problems:?}"))
                })?))
            }
            Self::Remove { id } => Edit::Remove { id: id.clone() },
            Self::Resize { id, capacity } => Edit::Resize {
                id: id.clone(),
                capacity: *capacity,
            },
            Self::Benchmark {
                service_type,
                value,
                per,
            } => Edit::Benchmark {
                service_type: service_type.clone(),
                value: *value,
                per: *per,
            },
        })
    }
}

/// Reads each of `edits` into the domain's [`Edit`], an added site checked field by field as a listing is entered
/// (the same rules as `gapmap validate` and a submission). A site may leave out `name` (its id is used),
/// `provider` and `source` (`what-if scenario`) and `last_verified` (today). Returns every problem, each naming
/// its edit; more than [`MAX_EDITS`] edits is one.
pub fn parse_edits(edits: &[Value]) -> Result<Vec<Edit>, Vec<EditProblem>> {
    let mut problems = Vec::new();
    if edits.len() > MAX_EDITS {
        problems.push(problem(
            MAX_EDITS,
            "",
            format!(
                "a scenario holds at most {MAX_EDITS} edits, not {}",
                edits.len()
            ),
        ));
        return Err(problems);
    }
    let mut parsed = Vec::with_capacity(edits.len());
    for (i, value) in edits.iter().enumerate() {
        match serde_json::from_value::<EditRequest>(value.clone()) {
            Ok(request) => match edit(request, i) {
                Ok(edit) => parsed.push(edit),
                Err(found) => problems.extend(found),
            },
            Err(error) => problems.push(problem(i, "", error.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

fn problem(edit: usize, field: impl Into<String>, message: impl Into<String>) -> EditProblem {
    EditProblem {
        edit,
        field: field.into(),
        message: message.into(),
    }
}

fn edit(request: EditRequest, i: usize) -> Result<Edit, Vec<EditProblem>> {
    Ok(match request {
        EditRequest::Add { mut service } => {
            let id = match service.remove("id") {
                Some(Value::String(id)) => id,
                _ => {
                    return Err(vec![problem(
                        i,
                        "service.id",
                        "a site needs an `id` (text)",
                    )]);
                }
            };
            let fields: ListingFields = serde_json::from_value(Value::Object(service))
                .map_err(|e| vec![problem(i, "service", e.to_string())])?;
            let mut record = ServiceRecord {
                name: id.clone(),
                id,
                provider: SCENARIO_PROVIDER.into(),
                source: SCENARIO_PROVIDER.into(),
                last_verified: entry_rules().today.format("%Y-%m-%d").to_string(),
                ..ServiceRecord::default()
            };
            fields.apply_to(&mut record);
            let service = parse_entered_service(&record, &entry_rules()).map_err(|found| {
                found
                    .into_iter()
                    .map(|(field, message)| problem(i, format!("service.{field}"), message))
                    .collect::<Vec<_>>()
            })?;
            Edit::Add(Box::new(service))
        }
        EditRequest::Remove { id } => Edit::Remove { id },
        EditRequest::Resize { id, capacity } => Edit::Resize { id, capacity },
        EditRequest::Benchmark {
            service_type,
            value,
            per,
        } => Edit::Benchmark {
            service_type,
            value,
            per,
        },
    })
}

/// A kept scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredScenario {
    /// 32 lowercase hex digits.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The account that made it (kept, never published).
    pub created_by: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The store revision of the live data its edits were checked against.
    pub based_on_revision: i64,
    /// That live data's version (its `ETag`).
    pub based_on_version: String,
    /// The edits as checked, in order.
    pub edits: Vec<StoredEdit>,
}

/// Whether `id` has the shape of a scenario id (32 lowercase hex digits).
pub fn is_scenario_id(id: &str) -> bool {
    id.len() == SCENARIO_ID_CHARS && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Store {
    /// Keeps a scenario made by `account` of `edits` — already checked against the live data at
    /// `based_on_revision`, whose version is `based_on_version` — under a new random id. Refuses a blank or
    /// over-long name ([`StoreError::Invalid`]), a revoked account ([`StoreError::Forbidden`]) and an account that
    /// already keeps [`MAX_SCENARIOS_PER_ACCOUNT`] ([`StoreError::Conflict`]). Returns once the row is durable.
    pub fn create_scenario(
        &self,
        account: &Account,
        name: &str,
        edits: &[Edit],
        based_on_revision: i64,
        based_on_version: &str,
    ) -> Result<StoredScenario, StoreError> {
        if account.is_revoked() {
            return Err(StoreError::Forbidden("this account is revoked".into()));
        }
        let name = clean_text("name", name, MAX_SCENARIO_NAME_CHARS, false)?;
        let kept: Vec<StoredEdit> = edits.iter().map(StoredEdit::of).collect();
        let text = serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut random = [0u8; SCENARIO_ID_CHARS / 2];
        rand::fill(&mut random[..]);
        let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
        self.write(|tx| {
            let count: i64 = tx.query_row(
                "SELECT count(*) FROM scenarios WHERE created_by = ?1",
                [account.id],
                |row| row.get(0),
            )?;
            if count as usize >= MAX_SCENARIOS_PER_ACCOUNT {
                return Err(StoreError::Conflict(format!(
                    "this account keeps {count} scenarios, the most it may; reuse one of them"
                )));
            }
            tx.execute(
                "INSERT INTO scenarios (id, name, created_by, created_at, based_on_revision, \
                 based_on_version, edits) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    name,
                    account.id,
                    now(),
                    based_on_revision,
                    based_on_version,
                    text
                ],
            )?;
            scenario(tx, &id)
        })
    }

    /// The scenario with this id; [`StoreError::NotFound`] when there is none.
    pub fn scenario(&self, id: &str) -> Result<StoredScenario, StoreError> {
        self.read(|conn| scenario(conn, id))
    }
}

fn scenario(conn: &Connection, id: &str) -> Result<StoredScenario, StoreError> {
    let found = conn
        .query_row(
            "SELECT id, name, created_by, created_at, based_on_revision, based_on_version, edits \
             FROM scenarios WHERE id = ?1",
            [id],
            from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no scenario `{id}`")))?;
    let (scenario, edits) = found;
    let edits = serde_json::from_str(&edits)
        .map_err(|e| StoreError::Corrupt(format!("scenario {id}'s edits: {e}")))?;
    Ok(StoredScenario { edits, ..scenario })
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<(StoredScenario, String)> {
    Ok((
        StoredScenario {
            id: row.get("id")?,
            name: row.get("name")?,
            created_by: row.get("created_by")?,
            created_at: timestamp(row, "created_at")?,
            based_on_revision: row.get("based_on_revision")?,
            based_on_version: row.get("based_on_version")?,
            edits: Vec::new(),
        },
        row.get("edits")?,
    ))
}

#[cfg(test)]
#[path = "scenarios_tests.rs"]
mod tests;
