//! `/api/access` bodies: a type's E2SFCA (or 2SFCA) accessibility per area, and per demand point as GeoJSON.
//! Demand points are the default grid's (not confidential); supply sites enter at their published points only.

use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::{Collection, Feature, Source, WithProvenance, point_geometry};
use crate::domain::Benchmark;
use crate::domain::access::DEFAULT_GRID_SPACING_KM;
use crate::domain::planning::fca::{FcaModel, TypeAccess};

/// What was computed, and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessOf<'a> {
    /// The service type.
    #[serde(rename = "type")]
    pub service_type: &'a str,
    /// `e2sfca` or `2sfca`.
    #[schema(value_type = String, example = "e2sfca")]
    pub model: FcaModel,
    /// The decay W(c), c in geodesic km, e.g. `step:10=1,20=0.68,30=0.22`.
    pub decay: String,
    /// Max cost M in km (inclusive).
    pub max_cost_km: f64,
    /// What a site's capacity counts (accessibility is this unit per person of `basis`).
    pub capacity_unit: &'a str,
    /// The basis population the demand is counted in.
    pub basis: &'a str,
    /// The population size `mean_rate` is expressed per.
    pub rate_per: f64,
    /// The type's benchmark, where there is one.
    pub benchmark: Option<&'a Benchmark>,
}

/// One area's accessibility.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaAccessEntry<'a> {
    /// GSS code.
    pub code: &'a str,
    /// Area name.
    pub name: &'a str,
    /// Demand points (grid sample points) in the area.
    pub points: usize,
    /// Σ P_i: the area's basis population.
    pub demand: f64,
    /// Σ P_i·A_i / Σ P_i, capacity per person of the basis; null when the demand is 0.
    pub mean_access: Option<f64>,
    /// The smallest A_i among points of positive weight; null when there is none.
    pub min_access: Option<f64>,
    /// `mean_access × rate_per`: capacity per `rate_per` people, comparable with the benchmark's value.
    pub mean_rate: Option<f64>,
    /// Share of the area's demand whose A_i·per is below the benchmark's value (10⁻⁹ relative tolerance); null
    /// without a benchmark or demand.
    pub share_below_benchmark: Option<f64>,
}

/// `/api/access`'s body (provenance members added).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessAreas<'a> {
    /// What was computed.
    #[serde(flatten)]
    pub of: AccessOf<'a>,
    /// Every area, in the dataset's order.
    pub areas: Vec<AreaAccessEntry<'a>>,
}

/// The foreign member of `/api/access/points.geojson` (nested: its `type` would clash with GeoJSON's).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessPointsOf<'a> {
    /// What was computed.
    pub access: AccessOf<'a>,
}

/// Properties of one demand point.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessPointProperties<'a> {
    /// GSS code of the area the point samples.
    pub area: Option<&'a str>,
    /// P_i: people of the basis the point stands for.
    pub weight: f64,
    /// A_i: capacity per person of the basis.
    pub access: f64,
}

fn of<'a>(source: Source<'a>, t: usize, result: &TypeAccess) -> AccessOf<'a> {
    let st = &source.dataset().types()[t];
    AccessOf {
        service_type: &st.id,
        model: result.catchment.model,
        decay: result.catchment.decay.to_string(),
        max_cost_km: result.catchment.max_cost,
        capacity_unit: &st.capacity_unit,
        basis: &st.basis,
        rate_per: st.rate_per(),
        benchmark: st.benchmark.as_ref(),
    }
}

/// Computes type `t`'s accessibility on the default grid.
pub fn compute(source: Source<'_>, t: usize, model: FcaModel) -> TypeAccess {
    TypeAccess::compute(source.dataset(), t, model, DEFAULT_GRID_SPACING_KM)
}

/// The per-area body.
pub fn areas(source: Source<'_>, t: usize, result: &TypeAccess) -> serde_json::Result<Vec<u8>> {
    let per = source.dataset().types()[t].rate_per();
    let areas = source
        .dataset()
        .areas()
        .iter()
        .zip(&result.areas)
        .map(|(area, a)| AreaAccessEntry {
            code: area.code.as_str(),
            name: &area.name,
            points: a.points,
            demand: a.demand,
            mean_access: a.mean,
            min_access: a.min,
            mean_rate: a.mean.map(|m| m * per),
            share_below_benchmark: a.share_below,
        })
        .collect();
    serde_json::to_vec(&WithProvenance {
        provenance: source.provenance(),
        inner: AccessAreas {
            of: of(source, t, result),
            areas,
        },
    })
}

/// The per-point GeoJSON body: every demand point at its (rounded) position.
pub fn points(source: Source<'_>, t: usize, result: &TypeAccess) -> serde_json::Result<Vec<u8>> {
    let areas = source.dataset().areas();
    let geometry: Vec<Box<RawValue>> = result
        .demand
        .iter()
        .filter_map(|d| d.point.map(point_geometry))
        .collect::<Result<_, _>>()?;
    let features = result
        .demand
        .iter()
        .zip(&result.accessibility.access)
        .filter(|(d, _)| d.point.is_some())
        .zip(&geometry)
        .map(|((d, &access), geometry)| {
            let properties = AccessPointProperties {
                area: d.area.and_then(|a| areas.get(a)).map(|a| a.code.as_str()),
                weight: d.weight,
                access,
            };
            Feature::new(&d.id, geometry, properties)
        })
        .collect();
    serde_json::to_vec(&Collection::new(
        source.provenance(),
        AccessPointsOf {
            access: of(source, t, result),
        },
        features,
    ))
}
