//! The public answers pinned whole (issue 10, "One JSON contract"): every JSON, GeoJSON and CSV answer of the API
//! on the fixture under `tests/fixtures/api/`, compared with the snapshots in `tests/snapshots/`. A refactor that
//! changes any figure, member, order or header of an answer fails here.
//!
//! Only what legitimately varies is redacted: the dataset `version` (a hash that also covers the crate version;
//! checked against the `ETag` instead) and what depends on today's date (`stale`, `stale_listings`; checked for
//! their type). Create or update the snapshots with `INSTA_UPDATE=always cargo test --test snapshots` and review
//! the diff; with `CI=true` a mismatch or a missing snapshot fails.

mod common;

use std::path::Path;

use common::{TestServer, fixture_paths, spawn};

const GEO_JSON: &str = "application/geo+json";
const JSON: &str = "application/json";
const CSV: &str = "text/csv; charset=utf-8";

/// GETs `path`, checks that it answers 200 with `content_type` and a dataset `ETag`, and compares the body with
/// snapshot `name`: JSON parsed and redacted, CSV as text. A download's `Content-Disposition` is checked too.
async fn check(server: &TestServer, name: &str, path: &str, content_type: &str) {
    let answer = server.get(path).await.expect(200);
    assert_eq!(answer.header("content-type"), content_type, "GET {path}");
    let version = etag_version(answer.header("etag"));
    assert!(
        version.len() == 16 && version.bytes().all(|b| b.is_ascii_hexdigit()),
        "GET {path}: version {version:?}"
    );
    if let Some((file, extension)) = download_stem(path) {
        assert_eq!(
            answer.header("content-disposition"),
            format!("attachment; filename=\"gapmap-{file}-{version}.{extension}\""),
            "GET {path}"
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("GET {path}"));
    settings.set_omit_expression(true);
    settings.bind(|| {
        if content_type == CSV {
            assert!(!answer.body.contains(&version), "GET {path}: the version is in the body");
            insta::assert_snapshot!(name, answer.body);
            return;
        }
        let body = answer.json();
        let request = format!("GET {path}");
        insta::assert_json_snapshot!(name, body, {
            ".version" => insta::dynamic_redaction(move |value, _| {
                assert_eq!(value.as_str(), Some(version.as_str()), "{request}: version is not the ETag's");
                "[version]"
            }),
            ".**.stale" => insta::dynamic_redaction(|value, path| {
                assert!(value.as_bool().is_some(), "{path} is not a boolean");
                "[bool: depends on today]"
            }),
            ".**.stale_listings" => insta::dynamic_redaction(|value, path| {
                assert!(value.as_u64().is_some(), "{path} is not a count");
                "[count: depends on today]"
            }),
        });
    });
}

/// [`check`]s every case, each answering `content_type`.
async fn check_all(server: &TestServer, cases: &[(String, String)], content_type: &str) {
    for (name, path) in cases {
        check(server, name, path, content_type).await;
    }
}

/// A snapshot name and the path whose answer it holds.
fn case(name: &str, path: &str) -> (String, String) {
    (name.to_owned(), path.to_owned())
}

/// One case per row of fixture `file` (type ids, area codes, listing ids: its first column, in file order): the
/// row's id appended to `name` and to `path`.
fn each(file: &str, name: &str, path: &str) -> Vec<(String, String)> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/api")
        .join(file);
    let mut reader =
        csv::Reader::from_path(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    reader
        .records()
        .map(|row| {
            let row = row.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (format!("{name}{}", &row[0]), format!("{path}{}", &row[0]))
        })
        .collect()
}

/// The dataset version an answer was computed from, as its weak `ETag` names it.
fn etag_version(server_etag: &str) -> String {
    server_etag
        .strip_prefix("W/\"")
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a weak ETag: {server_etag:?}"))
        .to_owned()
}

/// `(file stem, extension)` of the file a download is saved as; `None` when `path` is not a download.
fn download_stem(path: &str) -> Option<(String, &'static str)> {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let area = query.strip_prefix("area=");
    match route {
        "/api/export/areas.csv" => {
            Some((area.map_or("areas".into(), |a| format!("areas-{a}")), "csv"))
        }
        "/api/export/services.csv" => Some(("services".into(), "csv")),
        "/api/export/services.geojson" => Some(("services".into(), "geojson")),
        _ => None,
    }
}

#[tokio::test]
async fn areas() {
    let server = spawn(&fixture_paths());
    let mut cases = vec![case("areas", "/api/areas")];
    cases.extend(each("types.csv", "areas_type_", "/api/areas?type="));
    cases.extend(each("population.csv", "area_", "/api/areas/"));
    check_all(&server, &cases, GEO_JSON).await;
}

#[tokio::test]
async fn gaps_lottery_and_types() {
    let server = spawn(&fixture_paths());
    let mut gaps = vec![
        case("gaps", "/api/gaps"),
        // Not the default statuses: computed per request, not stored. Every status, in an order of its own.
        case(
            "gaps_status_all",
            "/api/gaps?status=meets,no_benchmark,below,none",
        ),
        case(
            "gaps_type_rape_crisis_status_meets",
            "/api/gaps?type=rape_crisis&status=meets",
        ),
    ];
    gaps.extend(each("types.csv", "gaps_type_", "/api/gaps?type="));
    check_all(&server, &gaps, GEO_JSON).await;
    let mut lottery = vec![case("lottery", "/api/lottery"), case("types", "/api/types")];
    lottery.extend(each("types.csv", "lottery_type_", "/api/lottery?type="));
    check_all(&server, &lottery, JSON).await;
}

#[tokio::test]
async fn services_and_nearest() {
    let server = spawn(&fixture_paths());
    let mut cases = vec![
        case("services", "/api/services"),
        // At idva-west in Westfield; at the confidential rape crisis centre's published point in Midford (its
        // area's representative point); outside every area.
        case("nearest_westfield", "/api/nearest?lat=51.41&lon=-0.29"),
        case(
            "nearest_midford_rape_crisis",
            "/api/nearest?lat=51.45&lon=-0.15&type=rape_crisis&k=2",
        ),
        case(
            "nearest_outside_every_area",
            "/api/nearest?lat=51.3&lon=-0.5&k=5",
        ),
    ];
    cases.extend(each("types.csv", "services_type_", "/api/services?type="));
    cases.extend(each("services.csv", "service_", "/api/services/"));
    check_all(&server, &cases, GEO_JSON).await;
}

#[tokio::test]
async fn exports() {
    let server = spawn(&fixture_paths());
    let mut csv = vec![
        case("export_areas_csv", "/api/export/areas.csv"),
        case("export_services_csv", "/api/export/services.csv"),
    ];
    csv.extend(each(
        "population.csv",
        "export_areas_csv_",
        "/api/export/areas.csv?area=",
    ));
    check_all(&server, &csv, CSV).await;
    let geojson = [case(
        "export_services_geojson",
        "/api/export/services.geojson",
    )];
    check_all(&server, &geojson, GEO_JSON).await;
    let json = [case("export_openreferral", "/api/export/openreferral.json")];
    check_all(&server, &json, JSON).await;
}
