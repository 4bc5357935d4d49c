//! Query parameters: read as text, then parsed into checked values whose errors name the parameter. An empty
//! optional parameter (`type=`) counts as absent; unknown parameters are ignored.

use geo::{Point, Rect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::AppError;
use super::state::Snapshot;
use crate::domain::coverage::Status;

/// Sites returned by `/api/nearest` when `k` is not given.
pub const DEFAULT_K: usize = 3;
/// Most sites `/api/nearest` returns.
pub const MAX_K: usize = 50;

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The position of service type `raw` in the taxonomy (`None` when not given).
pub fn service_type(snapshot: &Snapshot, raw: &Option<String>) -> Result<Option<usize>, AppError> {
    let Some(id) = given(raw) else {
        return Ok(None);
    };
    let types = snapshot.dataset().types();
    match types.iter().position(|t| t.id == id) {
        Some(t) => Ok(Some(t)),
        None => Err(AppError::invalid(
            "type",
            format!(
                "unknown service type `{id}` (known: {})",
                types
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The position of the area with code `raw` (`None` when not given).
pub fn area(snapshot: &Snapshot, raw: &Option<String>) -> Result<Option<usize>, AppError> {
    let Some(code) = given(raw) else {
        return Ok(None);
    };
    snapshot
        .dataset()
        .area_position(code)
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid(
                "area",
                format!("unknown area code `{code}` (see /api/areas for the codes)"),
            )
        })
}

/// A number of degrees in `-limit..=limit`.
fn degrees(parameter: &'static str, raw: &str, limit: f64) -> Result<f64, AppError> {
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
        Ok(v) if v.is_finite() => Err(AppError::invalid(
            parameter,
            format!("{v} is out of range (−{limit} to {limit} degrees)"),
        )),
        _ => Err(AppError::invalid(
            parameter,
            format!("`{}` is not a number of degrees", raw.trim()),
        )),
    }
}

/// A box `minlon,minlat,maxlon,maxlat` in WGS84 degrees (`None` when not given).
pub fn bbox(raw: &Option<String>) -> Result<Option<Rect<f64>>, AppError> {
    let Some(text) = given(raw) else {
        return Ok(None);
    };
    let parts: Vec<&str> = text.split(',').collect();
    let [min_lon, min_lat, max_lon, max_lat] = parts.as_slice() else {
        return Err(AppError::invalid(
            "bbox",
            format!(
                "`{text}` must be four numbers minlon,minlat,maxlon,maxlat (got {})",
                parts.len()
            ),
        ));
    };
    let number = |raw: &str, limit| {
        degrees("bbox", raw, limit).map_err(|_| {
            AppError::invalid(
                "bbox",
                format!(
                    "`{text}`: `{}` is not a longitude/latitude in degrees",
                    raw.trim()
                ),
            )
        })
    };
    let (x0, y0) = (number(min_lon, 180.0)?, number(min_lat, 90.0)?);
    let (x1, y1) = (number(max_lon, 180.0)?, number(max_lat, 90.0)?);
    if x0 > x1 || y0 > y1 {
        return Err(AppError::invalid(
            "bbox",
            format!(
                "`{text}`: the minimum must not exceed the maximum (minlon,minlat,maxlon,maxlat)"
            ),
        ));
    }
    Ok(Some(Rect::new((x0, y0), (x1, y1))))
}

/// A list of statuses separated by commas; `default` when not given.
pub fn statuses(raw: &Option<String>, default: &[Status]) -> Result<Vec<Status>, AppError> {
    let Some(text) = given(raw) else {
        return Ok(default.to_vec());
    };
    let mut statuses = Vec::new();
    for part in text.split(',') {
        let status = Status::parse(part).ok_or_else(|| {
            AppError::invalid(
                "status",
                format!(
                    "`{}` is not a status (none, below, meets, no_benchmark)",
                    part.trim()
                ),
            )
        })?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

/// Query of endpoints filtered by type only.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TypeQuery {
    /// Only this service type (an id from `/api/types`, e.g. `isva`); all types when absent.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
}

/// Query of every `/api/export/…` download.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this service type (an id from `/api/types`, e.g. `isva`); all types when absent.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// Only this area (GSS code, e.g. `E09000028`): its rows in the areas CSV, the sites serving it in the
    /// services downloads; every area when absent.
    pub area: Option<String>,
}

/// Query of `/api/gaps`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapsQuery {
    /// Only this service type; all types when absent.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// Statuses to list, comma-separated, from `none`, `below`, `meets`, `no_benchmark`; default `none,below`.
    #[param(
        example = "none,below",
        pattern = "^(?:(?:none|below|meets|no_benchmark)(?:,(?:none|below|meets|no_benchmark))*)?$"
    )]
    pub status: Option<String>,
}

/// Query of `/api/services`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServicesQuery {
    /// Only this service type.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// Only sites serving this area (GSS code, e.g. `E09000028`).
    pub area: Option<String>,
    /// Documented by [`BboxParam`](super::openapi::BboxParam), whose schema a derive cannot state.
    #[param(ignore)]
    pub bbox: Option<String>,
}

/// Query of `/api/nearest`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearestQuery {
    /// Latitude of the point, WGS84 degrees (−90 to 90).
    #[param(value_type = f64, required = true, minimum = -90, maximum = 90, example = 51.5)]
    pub lat: Option<String>,
    /// Longitude of the point, WGS84 degrees (−180 to 180).
    #[param(value_type = f64, required = true, minimum = -180, maximum = 180, example = -0.1)]
    pub lon: Option<String>,
    /// Only this service type; all types when absent.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// How many sites, 1 to 50; default 3.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub k: Option<String>,
}

impl NearestQuery {
    /// The query point.
    pub fn point(&self) -> Result<Point<f64>, AppError> {
        let required = |parameter: &'static str, raw: &Option<String>, limit| match given(raw) {
            Some(text) => degrees(parameter, text, limit),
            None => Err(AppError::MissingParameter {
                parameter,
                detail: format!("`{parameter}` is required: WGS84 degrees"),
            }),
        };
        let lat = required("lat", &self.lat, 90.0)?;
        let lon = required("lon", &self.lon, 180.0)?;
        Ok(Point::new(lon, lat))
    }

    /// How many sites to return.
    pub fn k(&self) -> Result<usize, AppError> {
        let Some(text) = given(&self.k) else {
            return Ok(DEFAULT_K);
        };
        match text.parse::<usize>() {
            Ok(k) if (1..=MAX_K).contains(&k) => Ok(k),
            _ => Err(AppError::invalid(
                "k",
                format!("`{text}` must be a whole number from 1 to {MAX_K}"),
            )),
        }
    }
}

/// Longest search text `/api/geocode` accepts, in characters.
pub const MAX_SEARCH_CHARS: usize = 64;

/// Parameters of `/api/geocode`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct GeocodeQuery {
    /// A UK postcode in any case and spacing (`SE5 9RS`, `se59rs`), or an area's name (`Southwark`).
    #[param(value_type = String, required = true, max_length = 64, pattern = "\\S", example = "SW1A 1AA")]
    pub q: Option<String>,
    /// With a type, the answer also lists the sites of that type nearest the place.
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// How many nearest sites, 1 to 50; default 3.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub k: Option<String>,
}

impl GeocodeQuery {
    /// The search text, trimmed: required, at most [`MAX_SEARCH_CHARS`] characters.
    pub fn text(&self) -> Result<&str, AppError> {
        let Some(text) = given(&self.q) else {
            return Err(AppError::MissingParameter {
                parameter: "q",
                detail: "`q` is required: a postcode or an area's name".into(),
            });
        };
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(AppError::invalid(
                "q",
                format!("the search text is longer than {MAX_SEARCH_CHARS} characters"),
            ));
        }
        Ok(text)
    }

    /// How many nearest sites to list.
    pub fn k(&self) -> Result<usize, AppError> {
        NearestQuery {
            lat: None,
            lon: None,
            service_type: None,
            k: self.k.clone(),
        }
        .k()
    }
}
