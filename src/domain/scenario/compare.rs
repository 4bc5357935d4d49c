//! A scenario against the live data: every area × type whose figures differ, and every type whose lottery
//! summary differs, before (live) and after (the scenario).

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::coverage::Status;
use crate::domain::lottery::Lottery;
use crate::domain::{Analysis, AreaCoverage, GssCode, TypeAnalysis};

/// The figures of one area × type that a scenario is compared on.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaFigures {
    /// Sites of the type whose point lies in the area.
    pub located: usize,
    /// Sites of the type whose `serves` covers the area.
    pub serving: usize,
    /// Apportioned capacity, in the type's unit.
    pub capacity_share: f64,
    /// Capacity share per `rate_per` of the basis.
    pub rate: f64,
    /// Capacity the benchmark requires; `None` without a benchmark.
    pub required: Option<f64>,
    /// Capacity missing against the benchmark; `None` without a benchmark.
    pub shortfall: Option<f64>,
    /// `none`, `below`, `meets` or `no_benchmark`.
    pub status: Status,
    /// Mean distance in kilometres from the area's sample points to their nearest site of the type; `None` when
    /// there is no site of the type anywhere.
    pub access_mean_km: Option<f64>,
}

impl AreaFigures {
    fn of(coverage: &AreaCoverage) -> Self {
        Self {
            located: coverage.located,
            serving: coverage.serving,
            capacity_share: coverage.capacity_share,
            rate: coverage.rate,
            required: coverage.required,
            shortfall: coverage.shortfall,
            status: coverage.status,
            access_mean_km: coverage.access.map(|a| a.mean_km),
        }
    }
}

/// One area × type whose figures a scenario changes.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaDifference {
    /// The area's GSS code.
    pub code: GssCode,
    /// The area's name.
    pub name: String,
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// The live figures.
    pub before: AreaFigures,
    /// The scenario's.
    pub after: AreaFigures,
}

/// The figures of one type across all areas that a scenario is compared on.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TypeFigures {
    /// All capacity of the type over the total basis population of all areas, per `rate_per`.
    pub overall_rate: f64,
    /// The postcode-lottery summary; `None` only for a dataset without areas.
    pub lottery: Option<Lottery>,
}

/// One type whose summary a scenario changes.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TypeDifference {
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// The live figures.
    pub before: TypeFigures,
    /// The scenario's.
    pub after: TypeFigures,
}

fn type_figures(analysed: &TypeAnalysis) -> TypeFigures {
    TypeFigures {
        overall_rate: analysed.overall_rate,
        lottery: analysed.lottery.clone(),
    }
}

/// Every area × type whose [`AreaFigures`] differ between `live` and `scenario` (in type, then area order), and
/// every type whose overall rate or lottery summary differs. Both analyses must be of the same areas and types,
/// as a scenario's always are; a figure counts as changed when it is not bit for bit the same.
pub fn differences(
    live: &Analysis,
    scenario: &Analysis,
) -> (Vec<AreaDifference>, Vec<TypeDifference>) {
    let mut areas = Vec::new();
    let mut types = Vec::new();
    for (before, after) in live.types.iter().zip(&scenario.types) {
        for (was, is) in before.areas.iter().zip(&after.areas) {
            let (was_figures, is_figures) = (AreaFigures::of(was), AreaFigures::of(is));
            if was_figures != is_figures {
                areas.push(AreaDifference {
                    code: is.code.clone(),
                    name: is.name.clone(),
                    service_type: is.service_type.clone(),
                    before: was_figures,
                    after: is_figures,
                });
            }
        }
        let (was, is) = (type_figures(before), type_figures(after));
        if was != is {
            types.push(TypeDifference {
                service_type: after.service_type.clone(),
                before: was,
                after: is,
            });
        }
    }
    (areas, types)
}
