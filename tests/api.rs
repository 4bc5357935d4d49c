//! The HTTP API through the front door: every endpoint, every error case, caching, compression and CORS, against
//! the small fixture under `tests/fixtures/api/` (and the bundled London data for the 33-area check).

mod common;

use std::io::Read;

use common::{bundled_paths, fixture_paths, spawn, spawn_with};
use gapmap::http::{PageConfig, ServerSettings};
use serde_json::Value;

const WESTFIELD: &str = "E09000901";
const MIDFORD: &str = "E09000902";
const EASTBURY: &str = "E09000903";
const NORTHHOLT: &str = "E09000904";

fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features in {collection}"))
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn areas_carry_every_types_coverage_and_the_sample_notice() {
    let server = spawn(&fixture_paths());
    let answer = server.get("/api/areas").await.expect(200);
    assert_eq!(answer.header("content-type"), "application/geo+json");
    let areas = answer.json();
    assert_eq!(areas["type"], "FeatureCollection", "{areas}");
    assert_eq!(ids(&areas), [WESTFIELD, MIDFORD, EASTBURY, NORTHHOLT]);
    assert!(
        areas["sample_data"]
            .as_str()
            .is_some_and(|s| s.starts_with("SAMPLE DATA: 1 of 5")),
        "{}",
        areas["sample_data"]
    );
    let west = &areas["features"][0];
    assert_eq!(west["geometry"]["type"], "MultiPolygon");
    let coverage = &west["properties"]["coverage"];
    assert_eq!(coverage.as_object().map(|o| o.len()), Some(3), "{coverage}");
    // Westfield's IDVA capacity: its own 2 FTE plus 100,000 / 250,000 of Midford's 3 FTE.
    assert!(
        close(&coverage["idva"]["capacity_share"], 3.2),
        "{coverage}"
    );
    assert_eq!(coverage["idva"]["status"], "below");
    assert!(coverage["idva"]["access"]["mean_km"].is_number());
    assert_eq!(west["properties"]["estimated_basis"], false);
    assert_eq!(areas["features"][2]["properties"]["estimated_basis"], true);

    let only = server.get("/api/areas?type=isva").await.expect(200).json();
    let coverage = &only["features"][1]["properties"]["coverage"];
    assert_eq!(
        coverage
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["isva".to_owned()]),
        "{only}"
    );
    assert_eq!(only["filter"]["type"], "isva");
}

#[tokio::test]
async fn area_detail_lists_serving_sites_with_shares_and_nearest_outside() {
    let server = spawn(&fixture_paths());
    let answer = server
        .get(&format!("/api/areas/{WESTFIELD}"))
        .await
        .expect(200);
    assert_eq!(answer.header("content-type"), "application/geo+json");
    let area = answer.json();
    assert_eq!(area["type"], "Feature");
    assert_eq!(area["id"], WESTFIELD);
    assert!(area["sample_data"].is_string(), "{area}");
    let idva = &area["properties"]["coverage"]["idva"];
    assert_eq!(idva["status"], "below");
    let serving = idva["serving_sites"].as_array().expect("serving_sites");
    assert_eq!(serving.len(), 2, "{idva}");
    assert_eq!(serving[0]["id"], "idva-west");
    assert!(close(&serving[0]["capacity_fraction"], 1.0), "{idva}");
    assert_eq!(serving[1]["id"], "idva-mid");
    assert!(close(&serving[1]["capacity_fraction"], 0.4), "{idva}");
    assert!(close(&serving[1]["capacity_share"], 1.2), "{idva}");
    let outside = ids(&serde_json::json!({"features": idva["nearest_outside"]}));
    assert_eq!(outside, ["idva-mid"], "{idva}");
    assert!(idva["nearest_outside"][0]["properties"]["distance_km"].as_f64() > Some(0.0));
    let rape_crisis = &area["properties"]["coverage"]["rape_crisis"];
    assert_eq!(
        rape_crisis["nearest_outside"][0]["properties"]["location_precision"],
        "confidential"
    );
}

#[tokio::test]
async fn gaps_are_worst_first_and_filtered_by_status() {
    let server = spawn(&fixture_paths());
    let gaps = server.get("/api/gaps?type=idva").await.expect(200).json();
    // Shortfall per 100,000 women: Eastbury 4.0 and Northholt 4.0 (none), Midford 2.8, Westfield 0.8.
    assert_eq!(
        ids(&gaps),
        [EASTBURY, NORTHHOLT, MIDFORD, WESTFIELD],
        "{gaps}"
    );
    assert!(close(
        &gaps["features"][2]["properties"]["shortfall_rate"],
        2.8
    ));
    assert_eq!(gaps["features"][0]["properties"]["rank"], 1);
    assert_eq!(
        gaps["filter"]["status"],
        serde_json::json!(["none", "below"])
    );

    let all = server.get("/api/gaps").await.expect(200).json();
    let pairs: Vec<(String, String)> = all["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                f["properties"]["type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let expected = [
        (EASTBURY, "idva"),
        (NORTHHOLT, "idva"),
        (MIDFORD, "idva"),
        (NORTHHOLT, "rape_crisis"),
        (WESTFIELD, "idva"),
    ];
    assert_eq!(
        pairs,
        expected.map(|(a, t)| (a.to_owned(), t.to_owned())),
        "{all}"
    );

    let none = server
        .get("/api/gaps?type=idva&status=none")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&none), [EASTBURY, NORTHHOLT]);
    let meets = server
        .get("/api/gaps?type=rape_crisis&status=meets,no_benchmark")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&meets).len(), 3, "{meets}");
}

#[tokio::test]
async fn lottery_and_types_describe_every_type() {
    let server = spawn(&fixture_paths());
    let lottery = server.get("/api/lottery").await.expect(200).json();
    let types = lottery["types"].as_array().expect("types");
    assert_eq!(types.len(), 3);
    assert_eq!(types[0]["type"], "idva");
    assert_eq!(types[0]["lottery"]["areas_none"], 2);
    assert_eq!(types[0]["lottery"]["areas_below"], 2);
    let one = server
        .get("/api/lottery?type=rape_crisis")
        .await
        .expect(200)
        .json();
    assert_eq!(one["types"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["types"][0]["lottery"]["areas_none"], 1);

    let taxonomy = server.get("/api/types").await.expect(200).json();
    let types = taxonomy["types"].as_array().expect("types");
    assert_eq!(types.len(), 3);
    assert_eq!(types[0]["id"], "idva");
    assert!(close(&types[0]["benchmark"]["value"], 4.0));
    assert_eq!(types[1]["sites"], 2);
    assert!(types[2]["benchmark"].is_null());
    assert!(close(&types[2]["rate_per"], 100_000.0));
}

#[tokio::test]
async fn services_filter_by_type_area_and_bbox() {
    let server = spawn(&fixture_paths());
    let all = server.get("/api/services").await.expect(200);
    assert_eq!(all.header("content-type"), "application/geo+json");
    let all = all.json();
    assert_eq!(ids(&all).len(), 5);
    assert_eq!(all["features"][0]["geometry"]["type"], "Point");
    assert_eq!(
        all["features"][0]["geometry"]["coordinates"],
        serde_json::json!([-0.29, 51.41])
    );
    let by_type = server
        .get("/api/services?type=rape_crisis")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&by_type), ["rc-secret", "rc-west"]);
    let serving = server
        .get(&format!("/api/services?area={EASTBURY}"))
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&serving), ["isva-east", "rc-secret"]);
    assert_eq!(serving["filter"]["area"], EASTBURY);
    let boxed = server
        .get("/api/services?bbox=-0.3,51.4,-0.2,51.5")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&boxed), ["idva-west", "rc-west"], "{boxed}");
    let combined = server
        .get(&format!(
            "/api/services?type=idva&area={WESTFIELD}&bbox=-0.3,51.4,-0.1,51.5"
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&combined), ["idva-west", "idva-mid"]);
    let empty = server.get("/api/services?type=").await.expect(200).json();
    assert_eq!(ids(&empty).len(), 5, "an empty type is no filter");
}

#[tokio::test]
async fn one_service_by_id() {
    let server = spawn(&fixture_paths());
    let site = server
        .get("/api/services/idva-mid")
        .await
        .expect(200)
        .json();
    assert_eq!(site["type"], "Feature");
    assert_eq!(site["properties"]["provider"], "Midford Trust");
    assert_eq!(site["properties"]["located_in"], MIDFORD);
    assert_eq!(
        site["properties"]["serves_areas"],
        serde_json::json!([WESTFIELD, MIDFORD])
    );
    assert_eq!(site["properties"]["setting"], "hospital");
    let secret = server
        .get("/api/services/rc-secret")
        .await
        .expect(200)
        .json();
    assert_eq!(secret["properties"]["location_precision"], "confidential");
    assert_eq!(secret["properties"]["phone"], "020 0000 0004");
    assert_eq!(secret["properties"]["illustrative"], true);
    let missing = server.get("/api/services/nope").await.expect(404).json();
    assert!(
        missing["detail"]
            .as_str()
            .is_some_and(|d| d.contains("nope"))
    );
}

#[tokio::test]
async fn nearest_sites_with_distances_and_the_area_of_the_point() {
    let server = spawn(&fixture_paths());
    let near = server
        .get("/api/nearest?lat=51.41&lon=-0.29&type=idva&k=2")
        .await
        .expect(200);
    assert_eq!(near.header("content-type"), "application/geo+json");
    let near = near.json();
    assert_eq!(ids(&near), ["idva-west", "idva-mid"], "{near}");
    assert!(
        close(&near["features"][0]["properties"]["distance_km"], 0.0),
        "{near}"
    );
    assert_eq!(near["features"][1]["properties"]["rank"], 2);
    let second = near["features"][1]["properties"]["distance_km"]
        .as_f64()
        .unwrap_or(0.0);
    assert!((second - 7.05).abs() < 0.05, "{near}");
    assert_eq!(near["area"]["code"], WESTFIELD);
    let serving: Vec<&str> = near["area"]["serving"]
        .as_array()
        .expect("serving")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(serving, ["idva-west", "idva-mid"]);
    assert_eq!(near["k"], 2);

    let default_k = server
        .get("/api/nearest?lat=51.45&lon=-0.15")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&default_k).len(), 3, "k defaults to 3 over every type");
    let outside = server
        .get("/api/nearest?lat=10&lon=10&k=50")
        .await
        .expect(200)
        .json();
    assert!(outside["area"].is_null(), "{outside}");
    assert_eq!(
        ids(&outside).len(),
        5,
        "k larger than the sites gives every site"
    );
}

#[tokio::test]
async fn exports_are_downloads_with_sensible_names() {
    let server = spawn(&fixture_paths());
    let version = server.state.snapshot().expect("ready").version().to_owned();
    let services = server.get("/api/export/services.csv").await.expect(200);
    assert_eq!(services.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        services.header("content-disposition"),
        format!("attachment; filename=\"gapmap-services-{version}.csv\"")
    );
    let mut lines = services.body.lines();
    let notice = lines.next().unwrap_or_default();
    assert!(
        notice.starts_with("# SAMPLE DATA: 1 of 5 service listings"),
        "the sample-data notice is the first line:\n{}",
        services.body
    );
    assert_eq!(
        lines.next(),
        Some(gapmap::load::SERVICE_COLUMNS.join(",").as_str())
    );
    assert_eq!(lines.count(), 5, "{}", services.body);

    let areas = server.get("/api/export/areas.csv").await.expect(200);
    assert_eq!(
        areas.header("content-disposition"),
        format!("attachment; filename=\"gapmap-areas-{version}.csv\"")
    );
    let mut lines = areas.body.lines();
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("# SAMPLE DATA")
    );
    assert_eq!(
        lines.next(),
        Some(gapmap::export::AREA_CSV_COLUMNS.join(",").as_str())
    );
    assert_eq!(
        lines.count(),
        4 * 3,
        "one row per area × type:\n{}",
        areas.body
    );

    let code = server.state.snapshot().expect("ready").dataset().areas()[1]
        .code
        .to_string();
    let one = server
        .get(&format!("/api/export/areas.csv?area={code}"))
        .await
        .expect(200);
    assert_eq!(
        one.header("content-disposition"),
        format!("attachment; filename=\"gapmap-areas-{code}-{version}.csv\"")
    );
    let rows: Vec<&str> = one.body.lines().skip(2).collect();
    assert_eq!(
        rows.len(),
        3,
        "one row per type for one area:\n{}",
        one.body
    );
    assert!(
        rows.iter().all(|r| r.starts_with(&format!("{code},"))),
        "{}",
        one.body
    );
    server
        .get("/api/export/areas.csv?area=E09000099")
        .await
        .expect(400);
    // `type` filters every export, and an unknown value is refused by name rather than ignored.
    let first_type = server.state.snapshot().expect("ready").dataset().types()[0]
        .id
        .clone();
    let typed = server
        .get(&format!("/api/export/areas.csv?type={first_type}"))
        .await
        .expect(200);
    let typed_rows: Vec<&str> = typed.body.lines().skip(2).collect();
    assert_eq!(typed_rows.len(), 4, "one row per area:\n{}", typed.body);
    assert!(
        typed_rows
            .iter()
            .all(|r| r.split(',').nth(2) == Some(first_type.as_str())),
        "{}",
        typed.body
    );
    for path in [
        "/api/export/areas.csv?type=nope",
        "/api/export/services.csv?type=nope",
        "/api/export/services.geojson?type=nope",
        "/api/export/openreferral.json?type=nope",
    ] {
        let refused = server.get(path).await.expect(400);
        assert!(refused.body.contains("nope"), "{path}: {}", refused.body);
    }
    // Open Referral takes the same filters: only the type's services, each with its location and link.
    let all = server
        .get("/api/export/openreferral.json")
        .await
        .expect(200)
        .json();
    let typed = server
        .get(&format!("/api/export/openreferral.json?type={first_type}"))
        .await
        .expect(200)
        .json();
    let count = |records: &serde_json::Value, array: &str| {
        records[array].as_array().expect("an array").len()
    };
    let of_type = server
        .state
        .snapshot()
        .expect("ready")
        .dataset()
        .services()
        .iter()
        .filter(|s| s.service_type == first_type)
        .count();
    assert!(of_type > 0 && of_type < count(&all, "service"));
    for array in ["service", "location", "service_at_location"] {
        assert_eq!(count(&typed, array), of_type, "{array}");
    }

    let geojson = server.get("/api/export/services.geojson").await.expect(200);
    assert_eq!(geojson.header("content-type"), "application/geo+json");
    assert!(
        geojson
            .header("content-disposition")
            .ends_with(".geojson\"")
    );
    assert_eq!(ids(&geojson.json()).len(), 5);
}

#[tokio::test]
async fn bad_input_gets_a_json_4xx_naming_the_parameter() {
    let server = spawn(&fixture_paths());
    let cases: &[(&str, u16, &str)] = &[
        ("/api/areas?type=nope", 400, "type"),
        ("/api/gaps?type=nope", 400, "type"),
        ("/api/gaps?status=none,worst", 400, "status"),
        ("/api/lottery?type=nope", 400, "type"),
        ("/api/services?type=nope", 400, "type"),
        ("/api/services?area=E09999999", 400, "area"),
        ("/api/services?area=southwark", 400, "area"),
        ("/api/services?bbox=1,2,3", 400, "bbox"),
        ("/api/services?bbox=a,b,c,d", 400, "bbox"),
        ("/api/services?bbox=0,0,-1,-1", 400, "bbox"),
        ("/api/services?bbox=-200,0,0,10", 400, "bbox"),
        ("/api/nearest?lon=-0.1", 400, "lat"),
        ("/api/nearest?lat=51.5", 400, "lon"),
        ("/api/nearest?lat=abc&lon=-0.1", 400, "lat"),
        ("/api/nearest?lat=91&lon=-0.1", 400, "lat"),
        ("/api/nearest?lat=NaN&lon=-0.1", 400, "lat"),
        ("/api/nearest?lat=51.5&lon=181", 400, "lon"),
        ("/api/nearest?lat=51.5&lon=inf", 400, "lon"),
        ("/api/nearest?lat=51.5&lon=-0.1&k=0", 400, "k"),
        ("/api/nearest?lat=51.5&lon=-0.1&k=51", 400, "k"),
        ("/api/nearest?lat=51.5&lon=-0.1&k=two", 400, "k"),
        ("/api/nearest?lat=51.5&lon=-0.1&k=-1", 400, "k"),
        ("/api/nearest?lat=51.5&lon=-0.1&type=nope", 400, "type"),
        ("/api/areas/E09999999", 404, "E09999999"),
        ("/api/areas/not-a-code", 404, "not-a-code"),
        ("/api/services/nope", 404, "nope"),
    ];
    for &(path, status, named) in cases {
        let answer = server.get(path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert_eq!(answer.header("content-type"), "application/json", "{path}");
        let body = answer.json();
        let (error, detail) = (
            body["error"].as_str().unwrap_or_default(),
            body["detail"].as_str().unwrap_or_default(),
        );
        assert!(
            !detail.is_empty() && (error.contains(named) || detail.contains(named)),
            "{path}: the error does not name `{named}`: {body}"
        );
        assert!(
            answer.header("etag").is_empty(),
            "{path}: errors carry no ETag"
        );
    }
}

#[tokio::test]
async fn unknown_routes_methods_and_malformed_queries_get_json_errors() {
    let server = spawn(&fixture_paths());
    for path in ["/api/nope", "/nope", "/api/areas/E09000901/extra"] {
        let answer = server.get(path).await.expect(404);
        assert_eq!(answer.header("content-type"), "application/json");
        assert_eq!(answer.json()["error"], "not found", "{path}");
    }
    let post = server
        .client
        .post(format!("{}/api/areas", server.base))
        .send()
        .await
        .expect("POST");
    assert_eq!(post.status().as_u16(), 405);
    assert_eq!(
        post.headers()["allow"],
        "GET, HEAD",
        "RFC 9110: a 405 lists the methods"
    );
    let body: Value = post.json().await.expect("JSON 405");
    assert_eq!(body["error"], "method not allowed");

    let twice = server
        .get("/api/areas?type=idva&type=isva")
        .await
        .expect(400);
    assert_eq!(twice.header("content-type"), "application/json");
    let body = twice.json();
    assert_eq!(body["error"], "malformed query string", "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains("type")),
        "{body}"
    );
}

#[tokio::test]
async fn etag_is_the_dataset_version_and_if_none_match_gives_304() {
    let server = spawn(&fixture_paths());
    let version = server.state.snapshot().expect("ready").version().to_owned();
    let etag = format!("W/\"{version}\"");
    for path in [
        "/api/areas",
        "/api/areas/E09000902",
        "/api/gaps?status=below",
        "/api/nearest?lat=51.45&lon=-0.15",
        "/api/services?bbox=-0.3,51.4,0,51.5",
        "/api/export/areas.csv",
    ] {
        let first = server.get(path).await.expect(200);
        assert_eq!(first.header("etag"), etag, "{path}");
        assert_eq!(first.header("cache-control"), "no-cache", "{path}");
        let again = server
            .get_with(path, &[("if-none-match", &etag)])
            .await
            .expect(304);
        assert!(again.body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(again.header("etag"), etag);
        let strong = format!("\"{version}\"");
        server
            .get_with(path, &[("if-none-match", &strong)])
            .await
            .expect(304);
        server
            .get_with(path, &[("if-none-match", "W/\"something-else\"")])
            .await
            .expect(200);
    }
    server
        .get_with("/api/types", &[("if-none-match", "*")])
        .await
        .expect(304);
    let ready = server.get("/readyz").await.expect(200).json();
    assert_eq!(ready["version"], version.as_str());
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("valid gzip");
    text
}

#[tokio::test]
async fn answers_are_gzipped_when_the_client_accepts_it() {
    let server = spawn(&fixture_paths());
    // A small answer made for one request is sent as it is: compressing it costs more than it saves.
    let small = server
        .get_with(
            "/api/nearest?lat=51.45&lon=-0.15&k=5",
            &[("accept-encoding", "gzip")],
        )
        .await
        .expect(200);
    assert_eq!(small.header("content-encoding"), "", "{}", small.body.len());
    let brotli = server
        .get_with("/api/areas", &[("accept-encoding", "gzip, deflate, br")])
        .await
        .expect(200);
    assert_eq!(brotli.header("content-encoding"), "br");
    for path in ["/api/areas", "/api/export/services.geojson"] {
        let plain = server.get(path).await.expect(200);
        assert_eq!(plain.header("content-encoding"), "", "{path}");
        let response = server
            .client
            .get(format!("{}{path}", server.base))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some("gzip"),
            "{path}"
        );
        assert!(
            response
                .headers()
                .get("vary")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}"
        );
        let bytes = response.bytes().await.expect("body");
        assert!(bytes.len() < plain.body.len(), "{path}: gzip is smaller");
        assert_eq!(gunzip(&bytes), plain.body, "{path}");
    }
}

/// GET `path` with `Accept-Encoding: accept` (and any `extra` headers): status, headers and the raw body bytes.
async fn get_encoded(
    server: &common::TestServer,
    path: &str,
    accept: &str,
    extra: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = server
        .client
        .get(format!("{}{path}", server.base))
        .header("accept-encoding", accept);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn unbrotli(bytes: &[u8]) -> String {
    let mut text = String::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_string(&mut text)
        .expect("valid brotli");
    text
}

#[tokio::test]
async fn each_encoding_decodes_to_the_plain_body_and_keeps_the_etag() {
    let server = spawn(&fixture_paths());
    // Stored: brotli and gzip, each made on the first request that accepts it and the same bytes after.
    let plain = server.get("/api/areas").await.expect(200);
    assert!(plain.body.len() >= 1024, "{}", plain.body.len());
    assert!(header(&plain.headers, "vary").contains("accept-encoding"));
    let etag = plain.header("etag").to_owned();
    let (status, headers, first) = get_encoded(&server, "/api/areas", "br", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), "br");
    assert!(header(&headers, "vary").contains("accept-encoding"));
    assert_eq!(header(&headers, "etag"), etag);
    assert!(first.len() < plain.body.len());
    assert_eq!(unbrotli(&first), plain.body);
    let (_, _, again) = get_encoded(&server, "/api/areas", "gzip, deflate, br", &[]).await;
    assert_eq!(again, first, "the brotli encoding is made once");
    for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("identity", "")] {
        let (status, headers, body) =
            get_encoded(&server, "/api/areas", accept, &[("if-none-match", &etag)]).await;
        assert_eq!(status, 304, "{accept}");
        assert!(body.is_empty(), "{accept}");
        assert_eq!(header(&headers, "etag"), etag, "{accept}");
        assert!(
            header(&headers, "vary").contains("accept-encoding"),
            "{accept}"
        );
        let (status, headers, _) = get_encoded(
            &server,
            "/api/areas",
            accept,
            &[("if-none-match", "W/\"older\"")],
        )
        .await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(header(&headers, "content-encoding"), encoding, "{accept}");
    }

    // Made for this request and small: sent as it is, intact, whatever the client accepts.
    let path = "/api/nearest?lat=51.45&lon=-0.15&k=2";
    let plain = server.get(path).await.expect(200);
    assert!(plain.body.len() < 8 * 1024, "{}", plain.body.len());
    for accept in ["gzip", "br", "gzip, deflate, br"] {
        let (status, headers, body) = get_encoded(&server, path, accept, &[]).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding"), "", "{accept}");
        assert!(header(&headers, "vary").contains("accept-encoding"));
        assert_eq!(
            String::from_utf8(body).expect("UTF-8"),
            plain.body,
            "{accept}"
        );
    }

    // Made for this request and large (the bundled London data): sent plain the first time a worker sends it (an
    // answer that may never come again is not worth compressing), gzipped once it comes again, and intact either way.
    let server = spawn(&bundled_paths());
    let path = "/api/services?area=E09000028";
    let plain = server.get(path).await.expect(200);
    assert!(plain.body.len() >= 8 * 1024, "{}", plain.body.len());
    let (_, headers, first) = get_encoded(&server, path, "gzip, br", &[]).await;
    assert_eq!(
        header(&headers, "content-encoding"),
        "",
        "a first sending is plain"
    );
    assert_eq!(String::from_utf8(first).expect("UTF-8"), plain.body);
    let mut gzipped = None;
    for _ in 0..16 {
        let (_, headers, again) = get_encoded(&server, path, "gzip", &[]).await;
        if header(&headers, "content-encoding") == "gzip" {
            gzipped = Some(again);
            break;
        }
        assert_eq!(String::from_utf8(again).expect("UTF-8"), plain.body);
    }
    let gzipped =
        gzipped.expect("a repeated answer is gzipped once some worker has sent it before");
    assert_eq!(gunzip(&gzipped), plain.body);
    assert!(gzipped.len() < plain.body.len() / 3, "{}", gzipped.len());
}

#[tokio::test]
async fn cors_is_off_by_default_and_allows_configured_origins() {
    let origin = "https://dashboard.example.org";
    let off = spawn(&fixture_paths());
    let answer = off
        .get_with("/api/types", &[("origin", origin)])
        .await
        .expect(200);
    assert_eq!(answer.header("access-control-allow-origin"), "");

    let on = spawn_with(
        &fixture_paths(),
        ServerSettings {
            cors_origins: vec![origin.to_owned()],
            ..ServerSettings::default()
        },
    );
    let answer = on
        .get_with("/api/types", &[("origin", origin)])
        .await
        .expect(200);
    assert_eq!(answer.header("access-control-allow-origin"), origin);
    assert!(
        answer
            .header("access-control-expose-headers")
            .contains("etag")
    );
    let preflight = on
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/api/areas", on.base))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("OPTIONS");
    assert_eq!(preflight.status().as_u16(), 200);
    let other = on
        .get_with("/api/types", &[("origin", "https://elsewhere.example.net")])
        .await;
    assert_eq!(other.header("access-control-allow-origin"), "");
}

#[tokio::test]
async fn health_readiness_page_config_and_the_page_at_root() {
    let server = spawn_with(
        &fixture_paths(),
        ServerSettings {
            page: PageConfig {
                tile_url: Some("https://tiles.example.org/{z}/{x}/{y}.png".into()),
                tile_attribution: Some("© example".into()),
            },
            ..ServerSettings::default()
        },
    );
    assert_eq!(
        server.get("/healthz").await.expect(200).json()["status"],
        "ok"
    );
    let ready = server.get("/readyz").await.expect(200).json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        (ready["areas"].as_u64(), ready["services"].as_u64()),
        (Some(4), Some(5))
    );
    let config = server.get("/api/config").await.expect(200).json();
    assert_eq!(
        config["tile_url"],
        "https://tiles.example.org/{z}/{x}/{y}.png"
    );
    assert_eq!(config["tile_attribution"], "© example");
    let page = server.get("/").await.expect(200);
    assert!(
        page.header("content-type").starts_with("text/html"),
        "the map page is served at /"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<p>built elsewhere</p>").expect("write");
    let elsewhere = spawn_with(
        &fixture_paths(),
        ServerSettings {
            static_dir: Some(dir.path().to_owned()),
            ..ServerSettings::default()
        },
    );
    assert_eq!(
        elsewhere.get("/").await.expect(200).body,
        "<p>built elsewhere</p>"
    );
    let missing = elsewhere.get("/missing.js").await.expect(404).json();
    assert_eq!(missing["error"], "not found");
    elsewhere.get("/api/types").await.expect(200);

    let plain = spawn(&fixture_paths());
    assert!(plain.get("/api/config").await.expect(200).json()["tile_url"].is_null());
}

#[tokio::test]
async fn replacing_the_dataset_swaps_every_answer_and_the_etag() {
    let server = spawn(&fixture_paths());
    let old = server.state.snapshot().expect("ready").version().to_owned();
    let before = server.get("/api/services").await.expect(200);
    assert_eq!(ids(&before.json()).len(), 5);

    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = fixture_paths();
    let services = std::fs::read_to_string(&paths.services).expect("fixture");
    let fewer: String = services
        .lines()
        .filter(|l| !l.starts_with("rc-west,"))
        .map(|l| format!("{l}\n"))
        .collect();
    paths.services = dir.path().join("services.csv");
    std::fs::write(&paths.services, fewer).expect("write");
    let dataset = gapmap::load::load_dataset(&paths).expect("loads");
    let state = std::sync::Arc::clone(&server.state);
    let fresh = actix_web::web::block(move || state.replace(dataset, 0))
        .await
        .expect("blocking pool")
        .expect("snapshot");
    assert_ne!(fresh.version(), old);

    let after = server
        .get_with(
            "/api/services",
            &[("if-none-match", &format!("W/\"{old}\""))],
        )
        .await
        .expect(200);
    assert_eq!(after.header("etag"), format!("W/\"{}\"", fresh.version()));
    assert_eq!(ids(&after.json()).len(), 4);
    let gaps = server
        .get("/api/gaps?type=rape_crisis")
        .await
        .expect(200)
        .json();
    assert!(ids(&gaps).contains(&WESTFIELD.to_owned()), "{gaps}");
}

#[tokio::test]
async fn bundled_data_serves_the_33_london_boroughs() {
    let server = spawn(&bundled_paths());
    let areas = server.get("/api/areas").await.expect(200).json();
    assert_eq!(ids(&areas).len(), 33);
    let types = server.get("/api/types").await.expect(200).json();
    let first = types["types"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let near = server
        .get(&format!(
            "/api/nearest?lat=51.5074&lon=-0.1278&type={first}"
        ))
        .await
        .expect(200)
        .json();
    assert!(near["area"]["code"].is_string(), "{near}");
}
