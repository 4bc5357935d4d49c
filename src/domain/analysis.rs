//! The whole analysis of a dataset: coverage of every type in every area, and each type's lottery summary.

use geo::Point;
use rayon::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::access::{Access, DEFAULT_GRID_SPACING_KM, access, sample_grid};
use super::coverage::{Provision, Status, provision, standing};
use super::lottery::{AreaRate, Lottery, summarise};
use super::published::site_index;
use super::{Dataset, GssCode};

/// Tuning of the analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisOptions {
    /// Spacing of the access sample grid, in kilometres.
    pub grid_spacing_km: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            grid_spacing_km: DEFAULT_GRID_SPACING_KM,
        }
    }
}

/// Coverage of one type in one area: every figure the README defines.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct AreaCoverage {
    /// The area's GSS code.
    pub code: GssCode,
    /// The area's name.
    pub name: String,
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// Sites of the type whose point lies in the area.
    pub located: usize,
    /// Sites of the type whose `serves` covers the area.
    pub serving: usize,
    /// Serving sites with unknown capacity.
    pub serving_unknown_capacity: usize,
    /// Apportioned capacity, in the type's unit.
    pub capacity_share: f64,
    /// The area's basis population for this type.
    pub basis_population: f64,
    /// Capacity share per `rate_per` of the basis.
    pub rate: f64,
    /// The population size the rate is per.
    pub rate_per: f64,
    /// The area's rate over the overall (all-area) rate; `None` when the overall rate is zero.
    pub relative_rate: Option<f64>,
    /// Capacity the benchmark requires; `None` without a benchmark.
    pub required: Option<f64>,
    /// Capacity missing against the benchmark; `None` without a benchmark.
    pub shortfall: Option<f64>,
    /// `none`, `below`, `meets` or `no_benchmark`.
    pub status: Status,
    /// Distance to the nearest site of the type; `None` when there is no site of the type anywhere.
    pub access: Option<Access>,
}

/// One type across all areas.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TypeAnalysis {
    /// The service type id.
    #[serde(rename = "type")]
    pub service_type: String,
    /// All capacity of the type over the total basis population of all areas, per `rate_per`.
    pub overall_rate: f64,
    /// Coverage per area, in the dataset's area order.
    pub areas: Vec<AreaCoverage>,
    /// The postcode-lottery summary; `None` only for a dataset without areas.
    pub lottery: Option<Lottery>,
}

/// The analysis of a whole dataset, one entry per type in taxonomy order.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Analysis {
    /// Per-type results.
    pub types: Vec<TypeAnalysis>,
}

impl Analysis {
    /// The results for one type.
    pub fn for_type(&self, id: &str) -> Option<&TypeAnalysis> {
        self.types.iter().find(|t| t.service_type == id)
    }
}

/// Runs the whole analysis. Pure: no I/O.
pub fn analyse(dataset: &Dataset, options: &AnalysisOptions) -> Analysis {
    let grids: Vec<Vec<Point<f64>>> = dataset
        .areas()
        .par_iter()
        .map(|area| {
            sample_grid(
                &area.boundary,
                options.grid_spacing_km,
                area.representative_point,
            )
        })
        .collect();
    let types = dataset
        .types()
        .par_iter()
        .enumerate()
        .map(|(t, service_type)| analyse_type(dataset, t, service_type, &grids))
        .collect();
    Analysis { types }
}

fn analyse_type(
    dataset: &Dataset,
    type_position: usize,
    service_type: &super::ServiceType,
    grids: &[Vec<Point<f64>>],
) -> TypeAnalysis {
    let tally: Vec<Provision> = provision(dataset, type_position);
    let sites = site_index(dataset, Some(type_position));
    let rate_per = service_type.rate_per();
    let basis: Vec<f64> = dataset
        .areas()
        .iter()
        .map(|a| a.basis(&service_type.basis).unwrap_or(0.0))
        .collect();
    let total_capacity: f64 = tally.iter().map(|p| p.capacity_share).sum();
    let total_basis: f64 = basis.iter().sum();
    let overall_rate = if total_basis > 0.0 {
        total_capacity / total_basis * rate_per
    } else {
        0.0
    };

    let areas: Vec<AreaCoverage> = dataset
        .areas()
        .iter()
        .zip(&tally)
        .zip(grids)
        .zip(&basis)
        .map(|(((area, provision), grid), &basis)| {
            let standing = standing(provision, basis, service_type);
            AreaCoverage {
                code: area.code.clone(),
                name: area.name.clone(),
                service_type: service_type.id.clone(),
                located: provision.located,
                serving: provision.serving,
                serving_unknown_capacity: provision.serving_unknown_capacity,
                capacity_share: provision.capacity_share,
                basis_population: basis,
                rate: standing.rate,
                rate_per,
                relative_rate: (overall_rate > 0.0).then(|| standing.rate / overall_rate),
                required: standing.required,
                shortfall: standing.shortfall,
                status: standing.status,
                access: access(grid, &sites, service_type.catchment_km),
            }
        })
        .collect();
    let rates: Vec<AreaRate> = areas
        .iter()
        .map(|a| AreaRate {
            rate: a.rate,
            basis: a.basis_population,
            in_gap: a.status.is_gap(),
            none: a.status == Status::None,
        })
        .collect();
    TypeAnalysis {
        service_type: service_type.id.clone(),
        overall_rate,
        lottery: summarise(&rates),
        areas,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use geo::{MultiPolygon, Point, polygon};

    use super::*;
    use crate::domain::{Area, Benchmark, LocationPrecision, Serves, Service, ServiceType};

    /// A square 0.01° a side with its south-west corner at (x0, 0), holding `women` women.
    fn area(code: &str, x0: f64, women: f64) -> Area {
        let square = MultiPolygon(vec![polygon![
            (x: x0, y: 0.0), (x: x0 + 0.01, y: 0.0), (x: x0 + 0.01, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)
        ]]);
        let basis = BTreeMap::from([
            ("women".to_owned(), women),
            ("population".to_owned(), 2.0 * women),
        ]);
        Area::new(
            GssCode::parse(code).unwrap(),
            code.to_owned(),
            square,
            basis,
            "test".into(),
        )
        .unwrap()
    }

    fn service_type(id: &str, benchmark: Option<(f64, f64)>) -> ServiceType {
        ServiceType {
            id: id.into(),
            label: id.into(),
            benchmark: benchmark.map(|(value, per)| Benchmark {
                value,
                per,
                source: "test".into(),
            }),
            basis: "women".into(),
            capacity_unit: "units".into(),
            catchment_km: 1.0,
            location_policy: crate::domain::LocationPolicy::ExactAllowed,
            capacity_max: 1000.0,
        }
    }

    fn site(
        id: &str,
        kind: &str,
        at: (f64, f64),
        serves: Serves,
        capacity: Option<f64>,
    ) -> Service {
        Service {
            id: id.into(),
            name: id.into(),
            provider: "p".into(),
            service_type: kind.into(),
            location: Point::new(at.0, at.1),
            location_precision: LocationPrecision::Exact,
            serves,
            capacity,
            specialisms: vec![],
            setting: None,
            phone: String::new(),
            website: String::new(),
            last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            source: "test".into(),
        }
    }

    /// Two areas side by side: A (100 women) and B (300 women). An `rc` site in A with capacity 4 serves both;
    /// an `rc` site in A with unknown capacity serves A only. Benchmark: 1 unit per 50 women.
    fn two_areas() -> Analysis {
        let a = GssCode::parse("E09000001").unwrap();
        let b = GssCode::parse("E09000002").unwrap();
        let dataset = Dataset::new(
            vec![area(a.as_str(), 0.0, 100.0), area(b.as_str(), 0.01, 300.0)],
            vec![
                service_type("rc", Some((1.0, 50.0))),
                service_type("isva", None),
            ],
            vec![
                site(
                    "big",
                    "rc",
                    (0.005, 0.005),
                    Serves::Areas(vec![a, b]),
                    Some(4.0),
                ),
                site("unknown", "rc", (0.002, 0.002), Serves::OwnArea, None),
            ],
        )
        .unwrap();
        analyse(&dataset, &AnalysisOptions::default())
    }

    #[test]
    fn capacity_is_apportioned_by_basis_and_rates_follow() {
        let analysis = two_areas();
        let rc = analysis.for_type("rc").unwrap();
        let (a, b) = (&rc.areas[0], &rc.areas[1]);
        assert_eq!(
            (a.located, a.serving, a.serving_unknown_capacity),
            (2, 2, 1)
        );
        assert_eq!(
            (b.located, b.serving, b.serving_unknown_capacity),
            (0, 1, 0)
        );
        // 4 × 100/400 = 1 and 4 × 300/400 = 3.
        assert!((a.capacity_share - 1.0).abs() < 1e-12 && (b.capacity_share - 3.0).abs() < 1e-12);
        // Rate per 50 women: 1/100×50 = 0.5 in both; overall 4/400×50 = 0.5, so relative rate 1.
        assert!((a.rate - 0.5).abs() < 1e-12 && (b.rate - 0.5).abs() < 1e-12);
        assert!((rc.overall_rate - 0.5).abs() < 1e-12);
        assert!((a.relative_rate.unwrap() - 1.0).abs() < 1e-12);
        // Required 100/50 = 2 and 300/50 = 6; shortfalls 1 and 3; both below.
        assert_eq!((a.required, a.shortfall), (Some(2.0), Some(1.0)));
        assert_eq!((b.required, b.shortfall), (Some(6.0), Some(3.0)));
        assert_eq!((a.status, b.status), (Status::Below, Status::Below));
        let lottery = rc.lottery.as_ref().unwrap();
        assert_eq!((lottery.areas_none, lottery.areas_below), (0, 2));
        assert_eq!(lottery.basis_share_in_gap, 1.0);
        assert_eq!(lottery.gini, Some(0.0));
        assert_eq!(lottery.max_min_ratio, Some(1.0));
    }

    #[test]
    fn a_type_with_no_sites_is_none_everywhere_without_access_figures() {
        let analysis = two_areas();
        let isva = analysis.for_type("isva").unwrap();
        for a in &isva.areas {
            assert_eq!(
                (a.status, a.serving, a.rate, a.required, a.access),
                (Status::None, 0, 0.0, None, None)
            );
            assert_eq!(a.rate_per, 100_000.0);
        }
        let lottery = isva.lottery.as_ref().unwrap();
        assert_eq!(
            (
                lottery.areas_none,
                lottery.gini,
                lottery.coefficient_of_variation
            ),
            (2, None, None)
        );
        assert_eq!(isva.areas[0].relative_rate, None);
    }

    #[test]
    fn access_is_measured_to_the_nearest_site() {
        let analysis = two_areas();
        let rc = analysis.for_type("rc").unwrap();
        let (a, b) = (rc.areas[0].access.unwrap(), rc.areas[1].access.unwrap());
        // Both sites are in A, so B's residents are further away; B's far edge is about 1.6 km from "big".
        assert!(a.mean_km < b.mean_km, "{a:?} {b:?}");
        assert!(b.p90_km > 1.0 && b.p90_km < 1.8, "{b:?}");
        assert_eq!(a.within_catchment, 1.0, "all of A is within 1 km of a site");
        assert!(b.within_catchment < 0.6, "{b:?}");
        assert_eq!(a.sample_points, 16);
    }
}
