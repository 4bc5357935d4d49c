//! Confidential locations never leave the server: every endpoint is walked — every area and site, every type and
//! filter, nearest-site queries asked from exactly the confidential sites' true positions, the downloads and the
//! API description — and no answer may hold a confidential site's true coordinates, nor a distance measured to
//! anything but its published point (its area's representative point).

mod common;

use common::{TestServer, bundled_paths, fixture_paths, spawn};
use gapmap::domain::LocationPrecision;
use gapmap::http::routes::ROUTES;
use gapmap::load::DataPaths;
use gapmap::spatial::geodesic_km;
use geo::Point;
use serde_json::Value;

/// A confidential site as the test knows it (the server must not tell).
struct Secret {
    id: String,
    site: usize,
    truth: Point<f64>,
    published: Point<f64>,
}

fn secrets(server: &TestServer) -> Vec<Secret> {
    let snapshot = server.state.snapshot().expect("ready");
    let dataset = snapshot.dataset();
    dataset
        .services()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.location_precision == LocationPrecision::Confidential)
        .map(|(site, s)| Secret {
            id: s.id.clone(),
            site,
            truth: s.location,
            published: dataset.published_point(site),
        })
        .collect()
}

/// Every URL worth asking, including nearest-site queries from each secret's true position.
fn urls(server: &TestServer, secrets: &[Secret]) -> Vec<String> {
    let snapshot = server.state.snapshot().expect("ready");
    let dataset = snapshot.dataset();
    let codes: Vec<String> = dataset.areas().iter().map(|a| a.code.to_string()).collect();
    let types: Vec<String> = dataset.types().iter().map(|t| t.id.clone()).collect();
    let mut urls = Vec::new();
    for route in ROUTES {
        if route.contains("{code}") {
            urls.extend(codes.iter().map(|c| route.replace("{code}", c)));
        } else if route.contains("{id}") {
            urls.extend(
                dataset
                    .services()
                    .iter()
                    .map(|s| route.replace("{id}", &s.id)),
            );
        } else if *route != "/api/nearest"
            && *route != "/api/geocode"
            && !route.starts_with("/api/access")
        {
            // (`/api/access` needs a type, `/api/geocode` a place: asked per type below.)
            urls.push((*route).to_owned());
        }
    }
    for t in &types {
        for path in [
            "/api/areas",
            "/api/gaps",
            "/api/lottery",
            "/api/services",
            // `/api/access/points.geojson` is left out: its grid points, 250 m apart, can share three decimals
            // with a secret by chance; tests/planning_access.rs shows the body does not change when the secret moves.
            "/api/access",
        ] {
            urls.push(format!("{path}?type={t}"));
        }
        urls.push(format!(
            "/api/gaps?type={t}&status=none,below,meets,no_benchmark"
        ));
        for area in dataset.areas() {
            let name = area.name.replace(' ', "%20");
            urls.push(format!("/api/geocode?q={name}&type={t}&k=50"));
        }
    }
    urls.extend(codes.iter().map(|c| format!("/api/services?area={c}")));
    urls.push("/".into());
    for secret in secrets {
        let (lat, lon) = (secret.truth.y(), secret.truth.x());
        urls.push(format!(
            "/api/services?bbox={},{},{},{}",
            lon - 0.001,
            lat - 0.001,
            lon + 0.001,
            lat + 0.001
        ));
        for (dlat, dlon) in [(0.0, 0.0), (0.0005, 0.0), (0.0, -0.0005), (-0.002, 0.002)] {
            let (lat, lon) = (lat + dlat, lon + dlon);
            urls.push(format!("/api/nearest?lat={lat}&lon={lon}&k=50"));
            urls.push(format!("/api/nearest?lat={lat}&lon={lon}&k=1"));
            for t in &types {
                urls.push(format!("/api/nearest?lat={lat}&lon={lon}&type={t}&k=50"));
            }
        }
    }
    urls
}

/// Looks for confidential coordinates in answers: each written at 3 to 7 decimals, as a pair (`lon,lat` as in
/// GeoJSON, `lat,lon` as in CSV) and, where asked, on its own.
struct Detector {
    /// First coordinate as written → the written forms of the second that complete a pair.
    pairs: std::collections::HashMap<String, Vec<String>>,
    /// Written forms of single coordinates.
    singles: Vec<String>,
}

impl Detector {
    fn new(points: impl Iterator<Item = Point<f64>>, check_single_numbers: bool) -> Self {
        let mut pairs: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut singles = Vec::new();
        for p in points {
            for d in 3..=7 {
                let (lat, lon) = (format!("{:.d$}", p.y()), format!("{:.d$}", p.x()));
                pairs.entry(lon.clone()).or_default().push(lat.clone());
                pairs.entry(lat.clone()).or_default().push(lon.clone());
                if check_single_numbers {
                    singles.extend([lat, lon]);
                }
            }
        }
        Self { pairs, singles }
    }

    /// The first confidential coordinate written in `body`, if any. A number is a run of digits, `.` and `-`;
    /// a pair is two numbers separated by one comma, the second starting with the expected digits.
    fn find(&self, body: &str) -> Option<String> {
        let numeric = |c: char| c.is_ascii_digit() || c == '.' || c == '-';
        let mut tokens: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in body
            .char_indices()
            .chain(std::iter::once((body.len(), ' ')))
        {
            match (start, numeric(c)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    tokens.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        for (n, &(s, e)) in tokens.iter().enumerate() {
            let token = &body[s..e];
            if let Some(single) = self.singles.iter().find(|p| token.contains(p.as_str())) {
                return Some(single.clone());
            }
            let Some(seconds) = self.pairs.get(token) else {
                continue;
            };
            if let Some(&(s2, e2)) = tokens.get(n + 1)
                && &body[e..s2] == ","
                && let Some(second) = seconds
                    .iter()
                    .find(|p| body[s2..e2].starts_with(p.as_str()))
            {
                return Some(format!("{token},{second}"));
            }
        }
        None
    }
}

/// Checks every nearest-site answer: distances to a confidential site are to its published point, and the order
/// is the order of those distances.
fn check_nearest(url: &str, body: &Value, secrets: &[Secret], server: &TestServer) {
    let Some(query) = url.strip_prefix("/api/nearest?") else {
        return;
    };
    let value = |key: &str| -> f64 {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{url}: no {key}"))
    };
    let from = Point::new(value("lon"), value("lat"));
    let snapshot = server.state.snapshot().expect("ready");
    let dataset = snapshot.dataset();
    let features = body["features"]
        .as_array()
        .unwrap_or_else(|| panic!("{url}: {body}"));
    let mut previous = 0.0;
    for feature in features {
        let id = feature["id"].as_str().unwrap_or_default();
        let site = dataset
            .service_position(id)
            .unwrap_or_else(|| panic!("{url}: unknown site {id}"));
        let distance = feature["properties"]["distance_km"]
            .as_f64()
            .unwrap_or(f64::NAN);
        let expected = geodesic_km(from, dataset.published_point(site));
        assert!(
            (distance - expected).abs() < 1e-6,
            "{url}: {id} is {distance} km away, its published point {expected} km:\n{body}"
        );
        assert!(
            distance + 1e-9 >= previous,
            "{url}: not nearest first:\n{body}"
        );
        previous = distance;
        if let Some(secret) = secrets.iter().find(|s| s.site == site) {
            assert_eq!(feature["properties"]["location_precision"], "confidential");
            // Asked from (next to) its true position, the answer must not be the tiny distance to it.
            let to_truth = geodesic_km(from, secret.truth);
            let hidden_by = geodesic_km(secret.truth, secret.published);
            assert!(
                to_truth > 0.5 || hidden_by < 1.0 || distance > 0.5,
                "{url}: the distance to {} is to its true position:\n{body}",
                secret.id
            );
        }
    }
}

async fn walk(paths: &DataPaths, check_single_numbers: bool) -> usize {
    let server = spawn(paths);
    let secrets = secrets(&server);
    assert!(
        !secrets.is_empty(),
        "the data has no confidential site to protect"
    );
    let detector = Detector::new(secrets.iter().map(|s| s.truth), check_single_numbers);
    let urls = urls(&server, &secrets);
    for url in &urls {
        let answer = server.get(url).await;
        assert_eq!(answer.status, 200, "{url}:\n{}", answer.body);
        if let Some(found) = detector.find(&answer.body) {
            panic!(
                "{url} reveals a confidential position ({found}):\n{}",
                answer.body
            );
        }
        if url.starts_with("/api/nearest") {
            check_nearest(url, &answer.json(), &secrets, &server);
        }
        if url.starts_with("/api/services/") {
            let id = url.trim_start_matches("/api/services/");
            if let Some(secret) = secrets.iter().find(|s| s.id == id) {
                let site = answer.json();
                assert_eq!(site["properties"]["location_precision"], "confidential");
                let published = [
                    gapmap::domain::round_degrees(secret.published.x()),
                    gapmap::domain::round_degrees(secret.published.y()),
                ];
                assert_eq!(
                    site["geometry"]["coordinates"],
                    serde_json::json!(published),
                    "{url}: not shown at its area's representative point"
                );
            }
        }
    }
    urls.len()
}

#[tokio::test]
async fn confidential_positions_never_leave_the_server_fixture() {
    // Fixture coordinates are chosen so that no other figure can share a confidential one's digits.
    let asked = walk(&fixture_paths(), true).await;
    assert!(asked > 50, "only {asked} URLs walked");
}

#[tokio::test]
async fn confidential_positions_never_leave_the_server_bundled() {
    // Boundary vertices may share single numbers with a site by chance, so only pairs are looked for.
    let asked = walk(&bundled_paths(), false).await;
    assert!(asked > 300, "only {asked} URLs walked");
}

#[tokio::test]
async fn a_box_around_a_confidential_site_does_not_find_it() {
    let server = spawn(&fixture_paths());
    let secrets = secrets(&server);
    for secret in &secrets {
        let (lat, lon) = (secret.truth.y(), secret.truth.x());
        let url = format!(
            "/api/services?bbox={},{},{},{}",
            lon - 0.0001,
            lat - 0.0001,
            lon + 0.0001,
            lat + 0.0001
        );
        let answer = server.get(&url).await.expect(200).json();
        let found = answer["features"].as_array().map(Vec::len);
        assert_eq!(
            found,
            Some(0),
            "{url} finds the site by its true position:\n{answer}"
        );
        let (plat, plon) = (secret.published.y(), secret.published.x());
        let url = format!(
            "/api/services?bbox={},{},{},{}",
            plon - 0.0001,
            plat - 0.0001,
            plon + 0.0001,
            plat + 0.0001
        );
        let answer = server.get(&url).await.expect(200).json();
        assert!(
            answer["features"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["id"] == secret.id.as_str())),
            "{url} does not find it at its published point:\n{answer}"
        );
    }
}

#[tokio::test]
async fn the_open_referral_export_never_reveals_a_confidential_position() {
    let server = common::spawn(&common::fixture_paths());
    let text = server
        .get("/api/export/openreferral.json")
        .await
        .expect(200)
        .body;
    let export: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for key in ["organization", "service", "location", "service_at_location"] {
        assert!(export[key].is_array(), "no {key}: {export}");
    }
    assert_eq!(
        export["service"].as_array().map(Vec::len),
        Some(5),
        "{export}"
    );
    let secret = export["location"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["id"] == "location-rc-secret"))
        .unwrap_or_else(|| panic!("no confidential location: {export}"));
    assert!(
        secret["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("Confidential location in")),
        "{secret}"
    );
    // The fixture's true position (51.4731837, -0.1286493) appears nowhere.
    assert!(!text.contains("51.473"), "{text}");
    assert!(!text.contains("-0.1286"), "{text}");
}
