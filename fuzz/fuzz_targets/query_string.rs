//! Query strings of the API's GET routes, read by actix's `web::Query` into the routes' own query types and then
//! checked and answered as the routes do, against the bundled dataset.
//!
//! An input is `<route>?<query>`, e.g. `nearest?lat=51.5&lon=-0.1&k=3`, so the corpus reads like URLs. Beyond
//! "no panic": every refusal is a 4xx, never a 500; `/api/nearest` returns at most `k` sites, nearest first, at
//! finite distances; `/api/services?bbox=` returns only sites inside the box.
#![no_main]

use actix_web::{ResponseError, web};
use gapmap::http::params::{
    self, ExportQuery, GapsQuery, NearestQuery, ServicesQuery, TypeQuery,
};
use gapmap::http::routes::submissions::ListQuery;
use gapmap::domain::gaps::DEFAULT_GAP_STATUSES;
use gapmap::http::views::areas;
use gapmap::http::views::sites::{self, SiteFilter};
use gapmap::http::{AppError, Snapshot};
use gapmap::store::SubmissionStatus;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((route, query)) = gapmap_fuzz::text(data).and_then(|t| t.split_once('?')) else {
        return;
    };
    let snapshot = gapmap_fuzz::snapshot();
    let answered = match route {
        "areas" | "lottery" => query_of::<TypeQuery>(query).and_then(|q| {
            let t = params::service_type(snapshot, &q.service_type)?;
            assert!(snapshot.areas_body(t).is_ok() && snapshot.lottery_body(t).is_ok());
            Ok(())
        }),
        "gaps" => query_of::<GapsQuery>(query).and_then(|q| {
            let t = params::service_type(snapshot, &q.service_type)?;
            let statuses = params::statuses(&q.status, &DEFAULT_GAP_STATUSES)?;
            assert!(!statuses.is_empty());
            json(areas::gaps(snapshot.source(), t, &statuses));
            Ok(())
        }),
        "services" => query_of::<ServicesQuery>(query).and_then(|q| services(snapshot, &q)),
        "nearest" => query_of::<NearestQuery>(query).and_then(|q| nearest(snapshot, &q)),
        "export" => query_of::<ExportQuery>(query).and_then(|q| {
            params::service_type(snapshot, &q.service_type)?;
            params::area(snapshot, &q.area)?;
            Ok(())
        }),
        "submissions" => query_of::<ListQuery>(query).and_then(|q| {
            if let Some(status) = &q.status {
                status
                    .parse::<SubmissionStatus>()
                    .map_err(|e| AppError::invalid("status", e.to_string()))?;
            }
            Ok(())
        }),
        _ => return,
    };
    if let Err(error) = answered {
        let status = error.status_code();
        assert!(
            status.is_client_error(),
            "{status} for {query:?}: {error:?}"
        );
        let _ = error.error_response();
    }
});

/// The query as the route's extractor reads it; a refusal as the server's `QueryConfig` turns it into one.
fn query_of<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, AppError> {
    web::Query::<T>::from_query(query)
        .map(web::Query::into_inner)
        .map_err(|e| AppError::MalformedQuery(e.to_string()))
}

fn json(body: serde_json::Result<Vec<u8>>) -> Value {
    let body = body.expect("the answer renders");
    serde_json::from_slice(&body).expect("the answer is JSON")
}

fn features(answer: &Value) -> &Vec<Value> {
    answer["features"].as_array().expect("a FeatureCollection")
}

fn services(snapshot: &Snapshot, q: &ServicesQuery) -> Result<(), AppError> {
    let filter = SiteFilter {
        service_type: params::service_type(snapshot, &q.service_type)?,
        serving: params::area(snapshot, &q.area)?,
        bbox: params::bbox(&q.bbox)?,
    };
    let answer = json(sites::services(snapshot.source(), &filter));
    if let Some(bbox) = filter.bbox {
        // Published positions are rounded to 6 decimals, so allow that much.
        let (min, max) = (bbox.min(), bbox.max());
        for feature in features(&answer) {
            let at = &feature["geometry"]["coordinates"];
            let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
            assert!(
                (min.x - 1e-6..=max.x + 1e-6).contains(&x)
                    && (min.y - 1e-6..=max.y + 1e-6).contains(&y),
                "({x}, {y}) outside {bbox:?}"
            );
        }
    }
    Ok(())
}

fn nearest(snapshot: &Snapshot, q: &NearestQuery) -> Result<(), AppError> {
    let from = q.point()?;
    let k = q.k()?;
    assert!((1..=params::MAX_K).contains(&k));
    let t = params::service_type(snapshot, &q.service_type)?;
    let answer = json(sites::nearest(snapshot.source(), from, t, k));
    let found = features(&answer);
    assert!(found.len() <= k);
    let distances: Vec<f64> = found
        .iter()
        .map(|f| f["properties"]["distance_km"].as_f64().expect("a distance"))
        .collect();
    assert!(
        distances.iter().all(|d| d.is_finite() && *d >= 0.0),
        "{distances:?}"
    );
    assert!(distances.is_sorted(), "not nearest first: {distances:?}");
    Ok(())
}
