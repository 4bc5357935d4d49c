//! `/api/geocode`: where a postcode or an area is, which area it lies in, and (with a type) the nearest sites.
//! Search text is never logged (see [`crate::http::logging`]): a postcode is often where someone lives.

use actix_web::web;
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::computed;
use crate::domain::postcode::{Postcode, grid_to_wgs84};
use crate::domain::round_degrees;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, GeocodeQuery};
use crate::http::reply::{JSON, Reply};
use crate::http::state::{AppState, Postcodes, Snapshot};
use crate::http::views::sites;

/// What a search matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// A postcode of the ONS Postcode Directory: the point is its grid reference.
    Postcode,
    /// An area by name: the point is its representative point.
    Area,
}

/// The area a place lies in.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceArea<'a> {
    /// GSS code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
}

/// A place found.
#[derive(Debug, Serialize, ToSchema)]
pub struct Place<'a> {
    /// What matched.
    #[serde(rename = "match")]
    pub matched: Match,
    /// The postcode as usually written (`SE5 9RS`), or the area's name.
    pub label: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// The area the place lies in, among gapmap's areas; null outside them all.
    pub area: Option<PlaceArea<'a>>,
    /// The local authority the postcode directory assigns the postcode to (GSS code), when a postcode matched.
    pub postcode_area_code: Option<&'a str>,
    /// Where the point comes from.
    pub source: &'a str,
    /// With `type`: the same FeatureCollection `/api/nearest` gives for the point.
    #[schema(value_type = Option<Object>)]
    pub nearest: Option<Box<RawValue>>,
}

/// Finds a postcode (any case and spacing) or an area by name. A postcode is placed at its ONS Postcode
/// Directory grid reference, converted to WGS84 (within about 5 m); it lies in the area the directory assigns
/// it to when that is one of gapmap's areas, else in the area that contains the point.
#[utoipa::path(
    get,
    path = "/api/geocode", operation_id = "geocode",
    tag = "areas",
    params(GeocodeQuery),
    responses(
        (status = 200, description = "The place", body = Place),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "q missing or too long; unknown type; k out of range", body = ErrorBody),
        (status = 404, description = "No such postcode (unknown, terminated, or without a grid reference), and no area of that name", body = ErrorBody),
        (status = 503, description = "The postcode directory is still being read, or could not be", body = ErrorBody),
    )
)]
pub async fn geocode(
    state: web::Data<AppState>,
    postcodes: web::Data<Postcodes>,
    query: web::Query<GeocodeQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let text = query.text()?;
    let t = params::service_type(&snapshot, &query.service_type)?;
    let k = query.k()?;
    let mut place = match area_named(&snapshot, text) {
        Some(place) => place,
        None => postcode_place(&snapshot, &postcodes, text)?,
    };
    if t.is_some() {
        let bytes = sites::nearest(snapshot.source(), place_point(&place), t, k)
            .map_err(|e| AppError::Internal(format!("cannot render JSON: {e}")))?;
        let raw = String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))?;
        place.nearest =
            Some(RawValue::from_string(raw).map_err(|e| AppError::Internal(e.to_string()))?);
    }
    computed(&snapshot, serde_json::to_vec(&place), JSON)
}

fn place_point(place: &Place<'_>) -> geo::Point<f64> {
    geo::Point::new(place.lon, place.lat)
}

/// Letters and digits only, lower case, `&` read as `and`: `Hammersmith & Fulham` = `hammersmith and fulham`.
fn name_key(text: &str) -> String {
    text.replace('&', " and ")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn area_named<'a>(snapshot: &'a Snapshot, text: &str) -> Option<Place<'a>> {
    let key = name_key(text);
    let areas = snapshot.dataset().areas();
    let area = areas
        .iter()
        .find(|a| name_key(&a.name) == key && !key.is_empty())?;
    Some(Place {
        matched: Match::Area,
        label: area.name.clone(),
        lat: round_degrees(area.representative_point.y()),
        lon: round_degrees(area.representative_point.x()),
        area: Some(PlaceArea {
            code: area.code.as_str(),
            name: &area.name,
        }),
        postcode_area_code: None,
        source: "the area's representative point (see /api/areas)",
        nearest: None,
    })
}

fn postcode_place<'a>(
    snapshot: &'a Snapshot,
    postcodes: &'a Postcodes,
    text: &str,
) -> Result<Place<'a>, AppError> {
    let postcode = Postcode::parse(text).map_err(|_| {
        AppError::NotFound(
            "no postcode or area of that name: give a full postcode (e.g. SE5 9RS) or an area's name \
             (see /api/areas)"
                .into(),
        )
    })?;
    let directory = postcodes.directory()?;
    let entry = directory.get(&postcode).ok_or_else(|| {
        AppError::NotFound(format!(
            "{postcode} is not in the postcode directory gapmap holds ({}); check it, or search for the area's name",
            short_source(directory.source())
        ))
    })?;
    if let Some(month) = &entry.terminated {
        return Err(AppError::NotFound(format!(
            "{postcode} was terminated in {month} and is no longer in use"
        )));
    }
    let point = entry
        .grid
        .and_then(|(e, n)| grid_to_wgs84(e, n))
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{postcode} has no grid reference in the postcode directory, so it cannot be placed"
            ))
        })?;
    let dataset = snapshot.dataset();
    let area = dataset
        .area_position(&entry.area_code)
        .or_else(|| dataset.locate(point))
        .map(|a| PlaceArea {
            code: dataset.areas()[a].code.as_str(),
            name: &dataset.areas()[a].name,
        });
    Ok(Place {
        matched: Match::Postcode,
        label: postcode.to_string(),
        lat: round_degrees(point.y()),
        lon: round_degrees(point.x()),
        area,
        postcode_area_code: Some(&entry.area_code),
        source: directory.source(),
        nearest: None,
    })
}

/// The first sentence of a directory's source, for messages.
fn short_source(source: &str) -> &str {
    source.split(", as ").next().unwrap_or(source)
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_match_across_case_spacing_and_ampersands() {
        assert_eq!(
            name_key("Hammersmith & Fulham"),
            name_key("hammersmith and fulham")
        );
        assert_eq!(name_key(" SOUTHWARK "), "southwark");
    }
}
