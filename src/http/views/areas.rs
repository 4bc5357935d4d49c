//! Areas as published: polygon Features carrying each type's coverage (the choropleth layer), one area in detail,
//! the areas in gap worst first, and the per-type summaries (lottery, taxonomy).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::sites::{NearProperties, ServingSite, TypeEcho, nearest_sites, serving_sites};
use super::{Collection, Feature, WithProvenance, position};
use crate::domain::coverage::Status;
use crate::domain::lottery::Lottery;
use crate::domain::{AreaCoverage, ServiceType};
use crate::http::state::Snapshot;

/// How many sites outside an area its detail lists per type.
pub const NEAREST_OUTSIDE: usize = 3;

/// Properties of an area Feature; `C` is what is said per type.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
    snapshot: &'a Snapshot,
    area: usize,
    coverage: BTreeMap<&'a str, C>,
) -> AreaProperties<'a, C> {
    let a = &snapshot.dataset().areas()[area];
    AreaProperties {
        code: a.code.as_str(),
        name: &a.name,
        basis: &a.basis,
        basis_source: &a.basis_source,
        estimated_basis: a.has_estimated_basis(),
        representative_point: position(a.representative_point),
        stale_listings: snapshot.stale_listings(area),
        coverage,
    }
}

/// Coverage of area `area`, for one type or all.
fn coverage_of(
    snapshot: &Snapshot,
    area: usize,
    service_type: Option<usize>,
) -> BTreeMap<&str, &AreaCoverage> {
    snapshot
        .analysis()
        .types
        .iter()
        .enumerate()
        .filter(|(t, _)| service_type.is_none_or(|wanted| wanted == *t))
        .filter_map(|(_, result)| Some((result.service_type.as_str(), result.areas.get(area)?)))
        .collect()
}

/// `/api/areas`: every area with its coverage of one type or all.
pub fn areas(snapshot: &Snapshot, service_type: Option<usize>) -> serde_json::Result<Vec<u8>> {
    let features = (0..snapshot.dataset().areas().len())
        .map(|area| {
            let properties = properties(snapshot, area, coverage_of(snapshot, area, service_type));
            Feature::new(
                snapshot.dataset().areas()[area].code.as_str(),
                snapshot.area_geometry(area),
                properties,
            )
        })
        .collect();
    let filter = TypeEcho {
        service_type: snapshot.type_id(service_type),
    };
    serde_json::to_vec(&Collection::new(
        snapshot.provenance(),
        FilterMember { filter },
        features,
    ))
}

#[derive(Debug, Serialize)]
struct FilterMember<F> {
    filter: F,
}

/// `/api/areas/{code}`: one area's Feature with, per type, its coverage, serving sites and nearest sites outside.
pub fn area_detail(snapshot: &Snapshot, area: usize) -> serde_json::Result<Vec<u8>> {
    let dataset = snapshot.dataset();
    let from = dataset.areas()[area].representative_point;
    let coverage = coverage_of(snapshot, area, None)
        .into_iter()
        .map(|(id, coverage)| {
            let t = dataset.types().iter().position(|t| t.id == id);
            let detail = AreaTypeDetail {
                coverage,
                serving_sites: serving_sites(snapshot, area, t),
                nearest_outside: match t {
                    Some(t) => nearest_sites(snapshot, from, Some(t), NEAREST_OUTSIDE, Some(area)),
                    None => Vec::new(),
                },
            };
            (id, detail)
        })
        .collect();
    serde_json::to_vec(&WithProvenance {
        provenance: snapshot.provenance(),
        inner: Feature::new(
            dataset.areas()[area].code.as_str(),
            snapshot.area_geometry(area),
            properties(snapshot, area, coverage),
        ),
    })
}

/// The statuses `/api/gaps` lists when none are asked for.
pub const DEFAULT_GAP_STATUSES: [Status; 2] = [Status::None, Status::Below];

/// An area × type in gap.
#[derive(Debug, Serialize)]
struct GapProperties<'a> {
    #[serde(flatten)]
    coverage: &'a AreaCoverage,
    /// Shortfall per `rate_per` people of the basis: the ordering key.
    shortfall_rate: Option<f64>,
    /// 1 for the worst.
    rank: usize,
}

#[derive(Debug, Serialize)]
struct GapFilter<'a> {
    #[serde(rename = "type")]
    service_type: Option<&'a str>,
    status: Vec<&'static str>,
}

fn shortfall_rate(a: &AreaCoverage) -> Option<f64> {
    a.shortfall
        .filter(|_| a.basis_population > 0.0)
        .map(|s| s / a.basis_population * a.rate_per)
}

/// `/api/gaps`: area × type pairs whose status is in `statuses`, worst first: largest shortfall per basis
/// population; pairs without a shortfall (types without benchmark) after, `none` before `below`, then the larger
/// basis population first.
pub fn gaps(
    snapshot: &Snapshot,
    service_type: Option<usize>,
    statuses: &[Status],
) -> serde_json::Result<Vec<u8>> {
    let analysis = snapshot.analysis();
    let mut pairs: Vec<(usize, &AreaCoverage, Option<f64>)> = analysis
        .types
        .iter()
        .enumerate()
        .filter(|(t, _)| service_type.is_none_or(|wanted| wanted == *t))
        .flat_map(|(_, result)| result.areas.iter().enumerate())
        .filter(|(_, a)| statuses.contains(&a.status))
        .map(|(area, a)| (area, a, shortfall_rate(a)))
        .collect();
    pairs.sort_by(|x, y| {
        let by_rate = match (x.2, y.2) {
            // Rounded so that apportioning noise (1e-16) does not decide between equal shortfalls.
            (Some(a), Some(b)) => (b * 1e9).round().total_cmp(&(a * 1e9).round()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_rate
            .then_with(|| (x.1.status != Status::None).cmp(&(y.1.status != Status::None)))
            .then_with(|| y.1.basis_population.total_cmp(&x.1.basis_population))
            .then_with(|| x.1.code.cmp(&y.1.code))
            .then_with(|| x.1.service_type.cmp(&y.1.service_type))
    });
    let features = pairs
        .into_iter()
        .enumerate()
        .map(|(rank, (area, coverage, shortfall_rate))| {
            Feature::new(
                coverage.code.as_str(),
                snapshot.area_geometry(area),
                GapProperties {
                    coverage,
                    shortfall_rate,
                    rank: rank + 1,
                },
            )
        })
        .collect();
    let filter = GapFilter {
        service_type: snapshot.type_id(service_type),
        status: statuses.iter().map(|s| s.as_str()).collect(),
    };
    serde_json::to_vec(&Collection::new(
        snapshot.provenance(),
        FilterMember { filter },
        features,
    ))
}

/// One type's postcode-lottery summary.
#[derive(Debug, Serialize)]
struct TypeLottery<'a> {
    #[serde(rename = "type")]
    service_type: &'a str,
    label: &'a str,
    basis: &'a str,
    rate_per: f64,
    overall_rate: f64,
    lottery: Option<&'a Lottery>,
}

#[derive(Debug, Serialize)]
struct Types<T> {
    types: Vec<T>,
}

/// `/api/lottery`: per type, the overall rate and the lottery summary.
pub fn lottery(snapshot: &Snapshot, service_type: Option<usize>) -> serde_json::Result<Vec<u8>> {
    let dataset = snapshot.dataset();
    let types = dataset
        .types()
        .iter()
        .zip(&snapshot.analysis().types)
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
        provenance: snapshot.provenance(),
        inner: Types { types },
    })
}

/// A row of the taxonomy with what the API adds.
#[derive(Debug, Serialize)]
struct TypeEntry<'a> {
    #[serde(flatten)]
    service_type: &'a ServiceType,
    /// The population size rates are per.
    rate_per: f64,
    /// Number of sites of the type.
    sites: usize,
}

/// `/api/types`: the taxonomy with benchmarks.
pub fn types(snapshot: &Snapshot) -> serde_json::Result<Vec<u8>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for service in snapshot.dataset().services() {
        *counts.entry(service.service_type.as_str()).or_default() += 1;
    }
    let types = snapshot
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
        provenance: snapshot.provenance(),
        inner: Types { types },
    })
}
