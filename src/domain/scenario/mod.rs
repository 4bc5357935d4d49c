//! What-if scenarios: the live dataset with edits applied — sites added, removed or resized, a type's benchmark
//! changed — to a copy, analysed in full beside the live analysis and compared with it area by area. Pure: the
//! live dataset is only read.

use std::sync::Arc;

use super::analysis::{analyse_type, reanalyse};
use super::{
    Analysis, AnalysisOptions, Benchmark, Dataset, LocationPrecision, Reference, Service,
    ServiceType,
};

mod compare;
mod hubs;

pub use compare::{AreaDifference, AreaFigures, TypeDifference, TypeFigures, differences};
pub use hubs::{hub_edits, hub_gaps};

/// Most edits one scenario may hold.
pub const MAX_EDITS: usize = 100;

/// The `source` of a benchmark a scenario sets.
pub const SCENARIO_BENCHMARK_SOURCE: &str = "what-if scenario";

/// One change a scenario makes to the live data.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new site, checked as a listing is (its id must not be in use).
    Add(Box<Service>),
    /// Takes a site (live, or added by an earlier edit) away.
    Remove {
        /// The site's listing id.
        id: String,
    },
    /// Gives a site (live, or added by an earlier edit) a new capacity, in its type's unit; `None` is unknown.
    Resize {
        /// The site's listing id.
        id: String,
        /// The new capacity, at most the type's `capacity_max`.
        capacity: Option<f64>,
    },
    /// Sets a type's benchmark to `value` units of capacity per `per` people of its basis.
    Benchmark {
        /// The type id.
        service_type: String,
        /// Capacity units required per `per` people (≥ 0).
        value: f64,
        /// The population size `value` is per (> 0).
        per: f64,
    },
}

impl Edit {
    /// The edit's `op` as written in JSON: `add`, `remove`, `resize` or `benchmark`.
    pub fn op(&self) -> &'static str {
        match self {
            Self::Add(_) => "add",
            Self::Remove { .. } => "remove",
            Self::Resize { .. } => "resize",
            Self::Benchmark { .. } => "benchmark",
        }
    }
}

/// Why one edit cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditProblem {
    /// The edit's position in the scenario, from 0.
    pub edit: usize,
    /// The field at fault, as named in the edit's JSON (`id`, `capacity`, `service.lat`, `type`, `value`…); empty
    /// when the edit as a whole is at fault.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl EditProblem {
    fn new(edit: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            edit,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The live data with a scenario's edits applied: the edits that applied, in their final form, and those that
/// did not, each with its problem.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The edited dataset.
    pub dataset: Dataset,
    /// The edits that applied, in order, each as kept: an added confidential site is moved to its area's
    /// representative point, the only position of it gapmap ever keeps or shows.
    pub edits: Vec<Edit>,
    /// The edits left out, each with why (an edit can stop applying when the live data changes under it).
    pub problems: Vec<EditProblem>,
    /// Whether any benchmark edit applied.
    benchmarks_changed: bool,
}

/// Applies `edits` in order to a copy of `live`; an edit that breaks the rules is left out and reported, and the
/// rest still apply. An added site is checked against the areas and types as any listing is (type, location
/// policy, capacity limit, point inside an area, served codes).
pub fn apply(live: &Dataset, edits: &[Edit]) -> Applied {
    let reference = live.reference();
    let mut services: Vec<Service> = live.services().to_vec();
    let mut types: Vec<ServiceType> = live.types().to_vec();
    let mut kept = Vec::with_capacity(edits.len());
    let mut problems = Vec::new();
    let mut benchmarks_changed = false;
    for (i, edit) in edits.iter().enumerate().take(MAX_EDITS) {
        let outcome = match edit {
            Edit::Add(service) => add(reference, &services, service, i).map(|service| {
                services.push(service.clone());
                Edit::Add(Box::new(service))
            }),
            Edit::Remove { id } => position(&services, id, i).map(|site| {
                services.remove(site);
                edit.clone()
            }),
            Edit::Resize { id, capacity } => position(&services, id, i)
                .and_then(|site| resize(reference, &mut services[site], *capacity, i))
                .map(|()| edit.clone()),
            Edit::Benchmark {
                service_type,
                value,
                per,
            } => benchmark(&mut types, service_type, *value, *per, i).map(|()| {
                benchmarks_changed = true;
                edit.clone()
            }),
        };
        match outcome {
            Ok(edit) => kept.push(edit),
            Err(problem) => problems.extend(problem),
        }
    }
    if edits.len() > MAX_EDITS {
        problems.push(EditProblem::new(
            MAX_EDITS,
            "",
            format!("a scenario holds at most {MAX_EDITS} edits"),
        ));
    }
    let linked = if benchmarks_changed {
        Reference::new(reference.areas().to_vec(), types)
            .and_then(|reference| Dataset::with_reference(Arc::new(reference), services))
    } else {
        Dataset::changed_from(live, services)
    };
    // Every site was checked as it was added, and the areas and bases are the live ones: linking cannot fail.
    // Should it, the scenario is the live data, with the reason.
    let dataset = linked.unwrap_or_else(|found| {
        problems.extend(
            found
                .into_iter()
                .map(|p| EditProblem::new(0, p.field, p.message)),
        );
        kept.clear();
        benchmarks_changed = false;
        live.clone()
    });
    Applied {
        dataset,
        edits: kept,
        problems,
        benchmarks_changed,
    }
}

/// `service` checked as a new site among `services`, at the position it may be kept at.
fn add(
    reference: &Reference,
    services: &[Service],
    service: &Service,
    i: usize,
) -> Result<Service, Vec<EditProblem>> {
    let mut problems: Vec<EditProblem> = reference
        .check_service(service)
        .into_iter()
        .map(|(field, message)| EditProblem::new(i, format!("service.{field}"), message))
        .collect();
    if services.iter().any(|s| s.id == service.id) {
        problems.push(EditProblem::new(
            i,
            "service.id",
            format!(
                "a site with id `{}` already exists (live, or added by an earlier edit)",
                service.id
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut service = service.clone();
    if service.location_precision == LocationPrecision::Confidential
        && let Some(area) = reference.locate(service.location)
    {
        service.location = reference.areas()[area].representative_point;
    }
    Ok(service)
}

fn position(services: &[Service], id: &str, i: usize) -> Result<usize, Vec<EditProblem>> {
    services.iter().position(|s| s.id == id).ok_or_else(|| {
        vec![EditProblem::new(
            i,
            "id",
            format!("no site with id `{id}` (live, or added by an earlier edit)"),
        )]
    })
}

fn resize(
    reference: &Reference,
    service: &mut Service,
    capacity: Option<f64>,
    i: usize,
) -> Result<(), Vec<EditProblem>> {
    let problem = |message: String| vec![EditProblem::new(i, "capacity", message)];
    if let Some(c) = capacity {
        if !c.is_finite() || c < 0.0 {
            return Err(problem(format!("{c} is not a non-negative number")));
        }
        if let Some(t) = reference.service_type(&service.service_type)
            && c > t.capacity_max
        {
            return Err(problem(format!(
                "{c} {} is more than one `{}` site can have (capacity_max {} in services/types.csv)",
                t.capacity_unit, t.id, t.capacity_max
            )));
        }
    }
    service.capacity = capacity;
    Ok(())
}

fn benchmark(
    types: &mut [ServiceType],
    id: &str,
    value: f64,
    per: f64,
    i: usize,
) -> Result<(), Vec<EditProblem>> {
    let Some(service_type) = types.iter_mut().find(|t| t.id == id) else {
        let known: Vec<&str> = types.iter().map(|t| t.id.as_str()).collect();
        return Err(vec![EditProblem::new(
            i,
            "type",
            format!("unknown service type `{id}` (known: {})", known.join(", ")),
        )]);
    };
    let mut problems = Vec::new();
    if !value.is_finite() || value < 0.0 {
        problems.push(EditProblem::new(
            i,
            "value",
            format!("{value} is not a non-negative number"),
        ));
    }
    if !per.is_finite() || per <= 0.0 {
        problems.push(EditProblem::new(
            i,
            "per",
            format!("{per} is not a positive number"),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    service_type.benchmark = Some(Benchmark {
        value,
        per,
        source: SCENARIO_BENCHMARK_SOURCE.into(),
    });
    Ok(())
}

/// The full analysis of `applied`, from `live_analysis` — the analysis of `live` with `options`. Equal to
/// `analyse(&applied.dataset, options)`: the types whose sites changed are re-analysed ([`reanalyse`], access
/// measured again only where the change can reach), and a type whose benchmark changed has its standing computed
/// again over the same access figures (a benchmark does not move any site).
pub fn analyse_applied(
    live: &Dataset,
    live_analysis: &Analysis,
    applied: &Applied,
    options: &AnalysisOptions,
) -> Analysis {
    if !applied.benchmarks_changed {
        return reanalyse(live_analysis, live, &applied.dataset, options);
    }
    let sites_only = Dataset::changed_from(live, applied.dataset.services().to_vec());
    let Ok(sites_only) = sites_only else {
        return super::analyse(&applied.dataset, options);
    };
    let by_sites = reanalyse(live_analysis, live, &sites_only, options);
    let types = by_sites
        .types
        .into_iter()
        .enumerate()
        .map(|(t, analysed)| {
            if applied.dataset.types()[t].benchmark == live.types()[t].benchmark {
                return analysed;
            }
            let access = analysed.areas.iter().map(|a| a.access).collect();
            analyse_type(&applied.dataset, t, access)
        })
        .collect();
    Analysis { types }
}

#[cfg(test)]
mod tests;
