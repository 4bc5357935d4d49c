//! Areas as published: polygon Features carrying each type's coverage (the choropleth layer), one area in detail,
//! the areas in gap worst first, and the per-type summaries (lottery, taxonomy).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::sites::{NearProperties, ServingSite, TypeEcho, nearest_sites, serving_sites};
use super::{Collection, Feature, Source, WithProvenance, position};
use crate::domain::coverage::Status;
use crate::domain::gaps::gaps_worst_first;
use crate::domain::lottery::Lottery;
use crate::domain::{AreaCoverage, ServiceType};

/// How many sites outside an area its detail lists per type.
pub const NEAREST_OUTSIDE: usize = 3;

/// Properties of an area Feature, with what the answer says of each type in `coverage`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaProperties<'a, C> {
    /// GSS code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Basis populations by column (`population`, `women`…), counts of people.
    pub basis: &'a BTreeMap<String, f64>,
    /// Where the basis figures come from.
    pub basis_source: &'a str,
    /// Whether any basis figure is an estimate.
    pub estimated_basis: bool,
    /// The point inside the area where its confidential sites are shown, `[lon, lat]`.
    pub representative_point: [f64; 2],
    /// Listings serving the area whose `last_verified` is older than the stale age.
    pub stale_listings: u64,
    /// Per type id: the area's coverage.
    pub coverage: BTreeMap<&'a str, C>,
}

/// One type in an area's detail: its coverage, the sites serving it, and the nearest sites outside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaTypeDetail<'a> {
    /// The coverage figures.
    #[serde(flatten)]
    pub coverage: &'a AreaCoverage,
    /// Sites of the type serving the area, with the share of their capacity apportioned to it.
    pub serving_sites: Vec<ServingSite<'a>>,
    /// The sites of the type nearest the area's representative point among those located outside it.
    pub nearest_outside: Vec<Feature<'a, NearProperties<'a>>>,
}

fn properties<'a, C>(
    source: Source<'a>,
    area: usize,
    coverage: BTreeMap<&'a str, C>,
) -> AreaProperties<'a, C> {
    let a = &source.dataset().areas()[area];
    AreaProperties {
        code: a.code.as_str(),
        name: &a.name,
        basis: &a.basis,
        basis_source: &a.basis_source,
        estimated_basis: a.has_estimated_basis(),
        representative_point: position(a.representative_point),
        stale_listings: source.published.stale_listings(area),
        coverage,
    }
}

/// Coverage of area `area`, for one type or all.
fn coverage_of(
    source: Source<'_>,
    area: usize,
    service_type: Option<usize>,
) -> BTreeMap<&str, &AreaCoverage> {
    source
        .analysis()
        .types
        .iter()
        .enumerate()
        .filter(|(t, _)| service_type.is_none_or(|wanted| wanted == *t))
        .filter_map(|(_, result)| Some((result.service_type.as_str(), result.areas.get(area)?)))
        .collect()
}

/// `/api/areas`: every area with its coverage of one type or all.
pub fn areas(source: Source<'_>, service_type: Option<usize>) -> serde_json::Result<Vec<u8>> {
    let features = (0..source.dataset().areas().len())
        .map(|area| {
            let properties = properties(source, area, coverage_of(source, area, service_type));
            Feature::new(
                source.dataset().areas()[area].code.as_str(),
                source.area_geometry(area),
                properties,
            )
        })
        .collect();
    let filter = TypeEcho {
        service_type: source.type_id(service_type),
    };
    serde_json::to_vec(&Collection::new(
        source.provenance(),
        FilterMember { filter },
        features,
    ))
}

/// The `filter` member: which filters were applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilterMember<F> {
    filter: F,
}

/// `/api/areas/{code}`: one area's Feature with, per type, its coverage, serving sites and nearest sites outside.
pub fn area_detail(source: Source<'_>, area: usize) -> serde_json::Result<Vec<u8>> {
    let dataset = source.dataset();
    let from = dataset.areas()[area].representative_point;
    // Analysis results come in taxonomy order, one per type, so the position is the type.
    let coverage = source
        .analysis()
        .types
        .iter()
        .enumerate()
        .filter_map(|(t, result)| Some((t, result.service_type.as_str(), result.areas.get(area)?)))
        .map(|(t, id, coverage)| {
            let detail = AreaTypeDetail {
                coverage,
                serving_sites: serving_sites(source, area, Some(t)),
                nearest_outside: nearest_sites(source, from, Some(t), NEAREST_OUTSIDE, Some(area)),
            };
            (id, detail)
        })
        .collect();
    serde_json::to_vec(&WithProvenance {
        provenance: source.provenance(),
        inner: Feature::new(
            dataset.areas()[area].code.as_str(),
            source.area_geometry(area),
            properties(source, area, coverage),
        ),
    })
}

/// An area × type in gap.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapProperties<'a> {
    #[serde(flatten)]
    coverage: &'a AreaCoverage,
    /// Shortfall per `rate_per` people of the basis: the ordering key; null without a benchmark.
    shortfall_rate: Option<f64>,
    /// 1 for the worst.
    rank: usize,
}

/// The filters `/api/gaps` applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapFilter<'a> {
    /// The type id; null for all types.
    #[serde(rename = "type")]
    service_type: Option<&'a str>,
    /// The statuses kept.
    #[schema(value_type = Vec<Status>)]
    status: Vec<&'static str>,
}

/// `/api/gaps`: area × type pairs whose status is in `statuses`, worst first
/// ([`gaps_worst_first`](crate::domain::gaps::gaps_worst_first)).
pub fn gaps(
    source: Source<'_>,
    service_type: Option<usize>,
    statuses: &[Status],
) -> serde_json::Result<Vec<u8>> {
    let features = gaps_worst_first(source.analysis(), service_type, statuses)
        .into_iter()
        .map(|gap| {
            Feature::new(
                gap.coverage.code.as_str(),
                source.area_geometry(gap.area),
                GapProperties {
                    coverage: gap.coverage,
                    shortfall_rate: gap.shortfall_rate,
                    rank: gap.rank,
                },
            )
        })
        .collect();
    let filter = GapFilter {
        service_type: source.type_id(service_type),
        status: statuses.iter().map(|s| s.as_str()).collect(),
    };
    serde_json::to_vec(&Collection::new(
        source.provenance(),
        FilterMember { filter },
        features,
    ))
}

/// One type's postcode-lottery summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeLottery<'a> {
    /// The type id.
    #[serde(rename = "type")]
    service_type: &'a str,
    /// The type's label.
    label: &'a str,
    /// The basis population column.
    basis: &'a str,
    /// The population size rates are per.
    rate_per: f64,
    /// All capacity over all basis population, per `rate_per`.
    overall_rate: f64,
    /// The summary; null only for a dataset without areas.
    lottery: Option<&'a Lottery>,
}

/// A list of types.
#[derive(Debug, Serialize, ToSchema)]
pub struct Types<T> {
    types: Vec<T>,
}

/// `/api/lottery`: per type, the overall rate and the lottery summary.
pub fn lottery(source: Source<'_>, service_type: Option<usize>) -> serde_json::Result<Vec<u8>> {
    let dataset = source.dataset();
    let types = dataset
        .types()
        .iter()
        .zip(&source.analysis().types)
        .enumerate()
        .filter(|(t, _)| service_type.is_none_or(|wanted| wanted == *t))
        .map(|(_, (st, result))| TypeLottery {
            service_type: &st.id,
            label: &st.label,
            basis: &st.basis,
            rate_per: st.rate_per(),
            overall_rate: result.overall_rate,
            lottery: result.lottery.as_ref(),
        })
        .collect();
    serde_json::to_vec(&WithProvenance {
        provenance: source.provenance(),
        inner: Types { types },
    })
}

/// A row of the taxonomy with what the API adds.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeEntry<'a> {
    #[serde(flatten)]
    service_type: &'a ServiceType,
    /// The population size rates are per.
    rate_per: f64,
    /// Number of sites of the type.
    sites: usize,
}

/// `/api/types`: the taxonomy with benchmarks.
pub fn types(source: Source<'_>) -> serde_json::Result<Vec<u8>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for service in source.dataset().services() {
        *counts.entry(service.service_type.as_str()).or_default() += 1;
    }
    let types = source
        .dataset()
        .types()
        .iter()
        .map(|st| TypeEntry {
            service_type: st,
            rate_per: st.rate_per(),
            sites: counts.get(st.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    serde_json::to_vec(&WithProvenance {
        provenance: source.provenance(),
        inner: Types { types },
    })
}
