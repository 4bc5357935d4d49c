//! What-if scenarios as served: each one's analysis beside the live snapshot it was computed on, kept in memory
//! while that snapshot is current. A scenario is computed when it is made and again on its first read after the
//! live data changes (it is the live data *plus* its edits), never on every read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Snapshot, SnapshotError};
use crate::domain::scenario::{
    Applied, AreaDifference, EditProblem, TypeDifference, analyse_applied, apply, differences,
};
use crate::domain::{Analysis, AnalysisOptions, Published};
use crate::http::views::{Shapes, Source};
use crate::store::{StoreError, StoredEdit, StoredScenario};

/// Most scenarios whose answers are kept in memory at once (about 1 MB each for London); past it, answers
/// computed on an older live snapshot go first, then any.
pub const MAX_CACHED_SCENARIOS: usize = 64;

/// One scenario analysed over one live snapshot.
#[derive(Debug)]
pub struct ScenarioAnswers {
    /// The scenario as kept.
    pub scenario: StoredScenario,
    /// The edits as applied to this live snapshot (those that still apply).
    pub applied: Vec<StoredEdit>,
    /// The edits that no longer apply to the live data (a removed site since closed, an added id since taken),
    /// each with why; empty when the scenario was just made.
    pub not_applied: Vec<EditProblem>,
    /// The store revision of the live snapshot this was computed on.
    pub live_revision: i64,
    /// That snapshot's version.
    pub live_version: String,
    /// Every area × type whose figures differ from the live ones.
    pub area_differences: Vec<AreaDifference>,
    /// Every type whose summary differs from the live one.
    pub type_differences: Vec<TypeDifference>,
    published: Published,
    analysis: Analysis,
    shapes: Shapes,
}

impl ScenarioAnswers {
    /// The answers of `scenario` over `live`: its kept edits applied to the live data and analysed.
    pub fn compute(
        scenario: StoredScenario,
        live: &Snapshot,
        stale_months: u32,
    ) -> Result<Self, StoreError> {
        let edits = scenario
            .edits
            .iter()
            .map(StoredEdit::edit)
            .collect::<Result<Vec<_>, _>>()?;
        let applied = apply(live.dataset(), &edits);
        Self::from_applied(scenario, live, applied, stale_months)
            .map_err(|e| StoreError::Corrupt(format!("cannot render a scenario: {e}")))
    }

    /// The answers of `scenario`, whose edits applied to `live` gave `applied`. CPU-bound: the changed types are
    /// analysed again (a few milliseconds for London).
    pub fn from_applied(
        scenario: StoredScenario,
        live: &Snapshot,
        applied: Applied,
        stale_months: u32,
    ) -> Result<Self, SnapshotError> {
        let options = AnalysisOptions::default();
        let analysis = analyse_applied(live.dataset(), live.analysis(), &applied, &options);
        let (area_differences, type_differences) = differences(live.analysis(), &analysis);
        let today = chrono::Utc::now().date_naive();
        let published = Published::after(live.published(), applied.dataset, today, stale_months);
        let shapes = Shapes::after(live.shapes(), live.published(), &published)?;
        Ok(Self {
            scenario,
            applied: applied.edits.iter().map(StoredEdit::of).collect(),
            not_applied: applied.problems,
            live_revision: live.revision(),
            live_version: live.version().to_owned(),
            area_differences,
            type_differences,
            published,
            analysis,
            shapes,
        })
    }

    /// What the views read: the scenario's dataset as published, its analysis and shapes.
    pub fn source(&self) -> Source<'_> {
        Source {
            published: &self.published,
            analysis: &self.analysis,
            shapes: &self.shapes,
        }
    }

    /// The `ETag` of its answers: the scenario's data and the live data it is compared with.
    pub fn version(&self) -> String {
        format!("{}-{}", self.published.version(), self.live_version)
    }
}

/// Scenario answers kept in memory, per scenario, for the live snapshot they were computed on.
#[derive(Debug, Default)]
pub struct ScenarioCache {
    entries: Mutex<HashMap<String, Arc<ScenarioAnswers>>>,
}

impl ScenarioCache {
    /// The answers of scenario `id` computed on the live snapshot of version `live_version`, if kept.
    pub fn get(&self, id: &str, live_version: &str) -> Option<Arc<ScenarioAnswers>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(id)
            .filter(|answers| answers.live_version == live_version)
            .cloned()
    }

    /// Keeps `answers`, replacing any older ones of the same scenario.
    pub fn insert(&self, answers: Arc<ScenarioAnswers>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_CACHED_SCENARIOS && !entries.contains_key(&answers.scenario.id) {
            let evict = entries
                .iter()
                .find(|(_, kept)| kept.live_version != answers.live_version)
                .or_else(|| entries.iter().next())
                .map(|(id, _)| id.clone());
            if let Some(id) = evict {
                entries.remove(&id);
            }
        }
        entries.insert(answers.scenario.id.clone(), answers);
    }
}
