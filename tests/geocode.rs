//! Postcode and place search (`/api/geocode`) through real HTTP, on the bundled London postcodes and boroughs.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{TestServer, bundled_paths, captured_logs, spawn_with};
use gapmap::domain::postcode::{Postcode, PostcodeDirectory, PostcodeEntry};
use gapmap::http::{Postcodes, ServerSettings};
use gapmap::load::postcodes::{DEFAULT_POSTCODES, read_postcodes};

/// A server on the bundled data and the bundled London postcodes (read once per test binary: reading 330,000
/// postcodes unoptimised takes seconds). One server per test: a client's connections belong to its test's runtime.
fn london() -> TestServer {
    static DIRECTORY: OnceLock<PostcodeDirectory> = OnceLock::new();
    captured_logs();
    let directory = DIRECTORY.get_or_init(|| {
        read_postcodes(Path::new(DEFAULT_POSTCODES)).expect("bundled postcodes read")
    });
    spawn_with(
        &bundled_paths(),
        ServerSettings {
            postcodes: Some(Postcodes::ready(directory.clone())),
            ..ServerSettings::default()
        },
    )
}

#[actix_web::test]
async fn a_postcode_is_placed_in_its_borough() {
    let server = london();
    let answer = server.get("/api/geocode?q=sw1a1aa").await.expect(200);
    let place = answer.json();
    assert_eq!(place["match"], "postcode");
    assert_eq!(place["label"], "SW1A 1AA");
    assert_eq!(place["area"]["code"], "E09000033", "{place}");
    assert_eq!(place["area"]["name"], "Westminster");
    let (lat, lon) = (
        place["lat"].as_f64().unwrap(),
        place["lon"].as_f64().unwrap(),
    );
    assert!(
        (lat - 51.50101).abs() < 2e-4 && (lon + 0.14159).abs() < 2e-4,
        "{lat}, {lon}"
    );
    assert!(
        place["source"]
            .as_str()
            .unwrap()
            .contains("Open Government Licence")
    );
    // Any case and spacing finds the same postcode.
    let spaced = server
        .get("/api/geocode?q=%20Sw1A%20%201aA%20")
        .await
        .expect(200);
    assert_eq!(spaced.json()["label"], "SW1A 1AA");
}

#[actix_web::test]
async fn unknown_postcodes_and_names_get_404_saying_so() {
    let server = london();
    let unknown = server
        .get("/api/geocode?q=ZZ9%209ZZ")
        .await
        .expect(404)
        .json();
    let detail = unknown["detail"].as_str().unwrap();
    assert!(
        detail.contains("ZZ9 9ZZ is not in the postcode directory"),
        "{detail}"
    );
    let neither = server
        .get("/api/geocode?q=Atlantis")
        .await
        .expect(404)
        .json();
    assert!(
        neither["detail"]
            .as_str()
            .unwrap()
            .contains("no postcode or area of that name")
    );
}

#[actix_web::test]
async fn boroughs_are_found_by_name() {
    let server = london();
    let place = server
        .get("/api/geocode?q=hammersmith%20%26%20FULHAM")
        .await
        .expect(200)
        .json();
    assert_eq!(place["match"], "area");
    assert_eq!(place["area"]["code"], "E09000013");
}

#[actix_web::test]
async fn with_a_type_the_nearest_sites_come_too() {
    let server = london();
    let place = server
        .get("/api/geocode?q=SE5%209RS&type=haven&k=2")
        .await
        .expect(200)
        .json();
    let nearest = &place["nearest"];
    assert_eq!(nearest["type"], "FeatureCollection");
    let features = nearest["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert!(features.iter().all(|f| f["properties"]["type"] == "haven"));
    let first = features[0]["properties"]["distance_km"].as_f64().unwrap();
    let second = features[1]["properties"]["distance_km"].as_f64().unwrap();
    assert!(first <= second);
    // The same as /api/nearest at the same point.
    let direct = server
        .get(&format!(
            "/api/nearest?lat={}&lon={}&type=haven&k=2",
            place["lat"], place["lon"]
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(direct["features"], nearest["features"]);
}

#[actix_web::test]
async fn bad_parameters_are_400() {
    let server = london();
    server.get("/api/geocode").await.expect(400);
    server.get("/api/geocode?q=").await.expect(400);
    let long = "a".repeat(65);
    server
        .get(&format!("/api/geocode?q={long}"))
        .await
        .expect(400);
    let answer = server
        .get("/api/geocode?q=SE59RS&type=nope")
        .await
        .expect(400)
        .json();
    assert!(answer["detail"].as_str().unwrap().contains("nope"));
    server
        .get("/api/geocode?q=SE59RS&type=haven&k=0")
        .await
        .expect(400);
}

#[actix_web::test]
async fn searches_are_never_logged() {
    let server = london();
    server.get("/api/geocode?q=E1%206AN").await.expect(200);
    server.get("/api/geocode?q=QQ1%201QQ").await.expect(404);
    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    assert!(
        logs.contains("/api/geocode"),
        "the requests are logged, without their text"
    );
    for searched in ["E1 6AN", "E1%206AN", "E16AN", "QQ1", "QQ1 1QQ"] {
        assert!(!logs.contains(searched), "`{searched}` appears in the logs");
    }
}

#[actix_web::test]
async fn terminated_and_ungridded_postcodes_say_why() {
    let entry = |code: &str, grid, terminated: Option<&str>| PostcodeEntry {
        postcode: Postcode::parse(code).unwrap(),
        area_code: "E09000028".into(),
        grid,
        terminated: terminated.map(str::to_owned),
    };
    let directory = PostcodeDirectory::new(
        vec![
            entry("SE1 9ZZ", Some((532_000.0, 180_000.0)), Some("2019-05")),
            entry("SE1 9ZY", None, None),
        ],
        "test directory".into(),
    );
    let server = spawn_with(
        &bundled_paths(),
        ServerSettings {
            postcodes: Some(Postcodes::ready(directory)),
            ..ServerSettings::default()
        },
    );
    let terminated = server.get("/api/geocode?q=SE19ZZ").await.expect(404).json();
    assert!(
        terminated["detail"]
            .as_str()
            .unwrap()
            .contains("terminated in 2019-05")
    );
    let ungridded = server.get("/api/geocode?q=SE19ZY").await.expect(404).json();
    assert!(
        ungridded["detail"]
            .as_str()
            .unwrap()
            .contains("no grid reference")
    );
}

#[actix_web::test]
async fn without_a_directory_postcodes_are_503_and_names_still_work() {
    let server = spawn_with(&bundled_paths(), ServerSettings::default());
    let answer = server.get("/api/geocode?q=SE59RS").await.expect(503).json();
    assert!(
        answer["detail"]
            .as_str()
            .unwrap()
            .contains("postcode search is unavailable")
    );
    server.get("/api/geocode?q=Southwark").await.expect(200);
}
