//! What-if scenarios through real HTTP against a real SQLite file: made with a token, read by id by anyone, the
//! differences right by hand, the live answers untouched, kept across a restart, confidential positions never
//! shown, and bad edits refused with nothing kept.

mod common;

use std::path::Path;

use common::{
    TestServer, account_token, bundled_paths, fixture_paths, spawn_app, spawn_with_store,
};
use gapmap::config::Config;
use gapmap::http::ServerSettings;
use gapmap::store::Role;
use serde_json::{Value, json};

const WESTFIELD: &str = "E09000901";
const NORTHHOLT: &str = "E09000904";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn create(server: &TestServer, token: &str, body: Value) -> common::Answer {
    server
        .post_with(
            "/api/scenarios",
            &[("authorization", &bearer(token))],
            body.to_string(),
        )
        .await
}

fn scenario_rows(db: &Path) -> Vec<(String, String)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
    let mut stmt = conn
        .prepare("SELECT id, edits FROM scenarios ORDER BY rowid")
        .expect("the scenarios table");
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// Northholt (50,000 women) has no IDVA: the benchmark (4 FTE per 100,000 women) asks 2 of it. A scenario adds
/// a 1.5 FTE IDVA there: capacity_share 0 → 1.5, shortfall 2 → 0.5, status none → below, rate 0 → 3.
#[tokio::test]
async fn a_scenario_changes_the_figures_it_should_and_the_live_ones_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&fixture_paths(), dir.path());
    let token = account_token(&store, Role::Provider, Some("Midford Trust"), "midford");
    let live_areas = server.get("/api/areas").await.expect(200);
    let live_gaps = server.get("/api/gaps").await.expect(200);
    let live_lottery = server.get("/api/lottery").await.expect(200);

    let made = create(
        &server,
        &token,
        json!({"name": "An IDVA for Northholt", "edits": [{"op": "add", "service": {
            "id": "idva-north", "type": "idva", "lat": 51.55, "lon": -0.25,
            "location_precision": "exact", "capacity": 1.5}}]}),
    )
    .await
    .expect(201);
    let body = made.json();
    let id = body["scenario"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(id.len(), 32, "{body}");
    assert_eq!(made.header("location"), format!("/api/scenarios/{id}"));
    assert_eq!(body["scenario"]["live"], false);
    assert_eq!(
        body["scenario"]["based_on"],
        body["scenario"]["computed_on"]
    );

    let read = server
        .get(&format!("/api/scenarios/{id}"))
        .await
        .expect(200)
        .json();
    assert_eq!(read["differences"], body["differences"]);
    let areas = read["differences"]["areas"].as_array().expect("areas");
    let north = areas
        .iter()
        .find(|d| d["code"] == NORTHHOLT)
        .unwrap_or_else(|| panic!("Northholt changes: {read}"));
    assert_eq!(north["type"], "idva");
    let (before, after) = (&north["before"], &north["after"]);
    assert_eq!(
        (&before["located"], &after["located"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(
        (&before["serving"], &after["serving"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(before["capacity_share"], 0.0);
    assert_eq!(after["capacity_share"], 1.5);
    assert_eq!(
        (&before["required"], &after["required"]),
        (&json!(2.0), &json!(2.0))
    );
    assert_eq!(before["shortfall"], 2.0);
    assert_eq!(after["shortfall"], 0.5);
    assert_eq!(
        (&before["status"], &after["status"]),
        (&json!("none"), &json!("below"))
    );
    assert_eq!(
        (&before["rate"], &after["rate"]),
        (&json!(0.0), &json!(3.0))
    );
    let (was, is) = (
        before["access_mean_km"].as_f64(),
        after["access_mean_km"].as_f64(),
    );
    assert!(is.expect("measured") < was.expect("measured"), "{north}");
    // Every other change is of IDVAs too, and only in how near the nearest site is.
    for other in areas.iter().filter(|d| d["code"] != NORTHHOLT) {
        assert_eq!(other["type"], "idva", "{other}");
        for figure in [
            "located",
            "serving",
            "capacity_share",
            "shortfall",
            "status",
        ] {
            assert_eq!(other["before"][figure], other["after"][figure], "{other}");
        }
    }
    let idva = read["differences"]["types"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["type"] == "idva"))
        .unwrap_or_else(|| panic!("idva's summary changes: {read}"));
    // Eastbury and Northholt had no IDVA; now only Eastbury.
    assert_eq!(idva["before"]["lottery"]["areas_none"], 2);
    assert_eq!(idva["after"]["lottery"]["areas_none"], 1);

    // The scenario's /areas is the live shape with `scenario`, and says the same as its differences.
    let scenario_areas = server
        .get(&format!("/api/scenarios/{id}/areas?type=idva"))
        .await
        .expect(200);
    assert_eq!(
        scenario_areas.header("content-type"),
        "application/geo+json"
    );
    let scenario_areas = scenario_areas.json();
    let live_idva = server.get("/api/areas?type=idva").await.expect(200).json();
    let keys = |v: &Value| {
        v.as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut expected = keys(&live_idva);
    expected.push("scenario".into());
    expected.sort();
    assert_eq!(keys(&scenario_areas), expected);
    assert_eq!(scenario_areas["scenario"]["id"], id.as_str());
    let feature = |v: &Value, code: &str| {
        v["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == code))
            .cloned()
            .expect("the area")
    };
    let coverage = &feature(&scenario_areas, NORTHHOLT)["properties"]["coverage"]["idva"];
    assert_eq!(coverage["capacity_share"], 1.5);
    assert_eq!(coverage["status"], "below");
    assert_eq!(
        feature(&scenario_areas, WESTFIELD)["properties"]["coverage"]["idva"]["capacity_share"],
        feature(&live_idva, WESTFIELD)["properties"]["coverage"]["idva"]["capacity_share"]
    );
    assert_ne!(
        server
            .get(&format!("/api/scenarios/{id}/areas"))
            .await
            .header("etag"),
        live_areas.header("etag")
    );
    let gaps = server
        .get(&format!("/api/scenarios/{id}/gaps?type=idva"))
        .await
        .expect(200)
        .json();
    let north_gap = feature(&gaps, NORTHHOLT);
    assert_eq!(north_gap["properties"]["status"], "below", "{gaps}");
    let lottery = server
        .get(&format!("/api/scenarios/{id}/lottery?type=idva"))
        .await
        .expect(200)
        .json();
    assert_eq!(lottery["types"][0]["lottery"], idva["after"]["lottery"]);
    assert_eq!(lottery["scenario"]["live"], false);

    // The live answers are byte for byte what they were.
    assert_eq!(
        server.get("/api/areas").await.expect(200).body,
        live_areas.body
    );
    assert_eq!(
        server.get("/api/gaps").await.expect(200).body,
        live_gaps.body
    );
    assert_eq!(
        server.get("/api/lottery").await.expect(200).body,
        live_lottery.body
    );
    assert_eq!(server.get("/api/services/idva-north").await.status, 404);
}

#[tokio::test]
async fn a_scenario_is_kept_across_a_restart_and_read_by_anyone_with_its_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        paths: fixture_paths(),
        data_dir: Some(dir.path().to_owned()),
        ..Config::bundled()
    };
    let (server, store) = spawn_app(&config, ServerSettings::default(), None);
    let token = account_token(&store, Role::Reviewer, None, "reviewer");
    let made = create(
        &server,
        &token,
        json!({"name": "Fewer IDVAs, a higher bar", "edits": [
            {"op": "resize", "id": "idva-west", "capacity": 1},
            {"op": "benchmark", "type": "idva", "value": 5, "per": 100000}]}),
    )
    .await
    .expect(201)
    .json();
    let id = made["scenario"]["id"].as_str().expect("id").to_owned();
    // Westfield: 1 FTE of its own plus 1.2 of Midford's 3 (100,000 of 250,000 women): 2.2; asks 5.
    let west = made["differences"]["areas"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == WESTFIELD))
        .cloned()
        .unwrap_or_else(|| panic!("{made}"));
    assert!(
        (west["after"]["capacity_share"].as_f64().unwrap() - 2.2).abs() < 1e-12,
        "{west}"
    );
    assert_eq!(west["before"]["required"], 4.0);
    assert_eq!(west["after"]["required"], 5.0);
    assert!(
        (west["after"]["shortfall"].as_f64().unwrap() - 2.8).abs() < 1e-12,
        "{west}"
    );
    drop(server);

    // A second server on the same database file, with nothing in memory: the same answer, no token needed.
    let (restarted, _) = spawn_app(&config, ServerSettings::default(), None);
    let read = restarted
        .get(&format!("/api/scenarios/{id}"))
        .await
        .expect(200)
        .json();
    assert_eq!(read["differences"], made["differences"]);
    assert_eq!(read["edits"], made["edits"]);
    assert_eq!(read["scenario"]["name"], "Fewer IDVAs, a higher bar");
    let missing = "0123456789abcdef0123456789abcdef";
    restarted
        .get(&format!("/api/scenarios/{missing}"))
        .await
        .expect(404);
    let bad = restarted
        .get("/api/scenarios/not-an-id/areas")
        .await
        .expect(400)
        .json();
    assert_eq!(bad["error"], "invalid parameter `id`", "{bad}");
    restarted
        .get(&format!("/api/scenarios/{id}/areas?type=bogus"))
        .await
        .expect(400);
}

#[tokio::test]
async fn bad_edits_are_refused_naming_each_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&fixture_paths(), dir.path());
    let token = account_token(&store, Role::Provider, Some("Midford Trust"), "midford");
    let db = dir.path().join("gapmap.db");
    let refused = create(
        &server,
        &token,
        json!({"name": "Wrong", "edits": [
            {"op": "benchmark", "type": "bogus", "value": 1, "per": 1000},
            {"op": "remove", "id": "no-such-site"},
            {"op": "resize", "id": "idva-west", "capacity": 1000},
            {"op": "add", "service": {"id": "far", "type": "idva", "lat": 10, "lon": 10,
                "location_precision": "exact"}},
            {"op": "add", "service": {"id": "idva-mid", "type": "idva", "lat": 51.45, "lon": -0.25,
                "location_precision": "exact"}}]}),
    )
    .await
    .expect(422)
    .json();
    let fields: Vec<&str> = refused["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "edits[0].type",
            "edits[1].id",
            "edits[2].capacity",
            "edits[3].service.lat",
            "edits[4].service.id"
        ],
        "{refused}"
    );
    let syntax = create(
        &server,
        &token,
        json!({"name": "Wrong", "edits": [{"op": "move", "id": "idva-west"},
            {"op": "add", "service": {"id": "Bad Id", "type": "idva", "lat": 95, "lon": 0}}]}),
    )
    .await
    .expect(422)
    .json();
    assert!(
        syntax["detail"]
            .as_str()
            .is_some_and(|d| d.contains("edits[0]: unknown variant `move`")),
        "{syntax}"
    );
    assert!(
        syntax["detail"]
            .as_str()
            .is_some_and(|d| d.contains("edits[1].service.lat")),
        "{syntax}"
    );
    create(&server, &token, json!({"name": "Nothing", "edits": []}))
        .await
        .expect(422);
    create(
        &server,
        &token,
        json!({"name": " ", "edits": [{"op": "remove", "id": "idva-west"}]}),
    )
    .await
    .expect(422);
    let many: Vec<Value> = (0..101)
        .map(|_| json!({"op": "remove", "id": "idva-west"}))
        .collect();
    create(&server, &token, json!({"name": "Many", "edits": many}))
        .await
        .expect(422);
    server
        .post_with(
            "/api/scenarios",
            &[],
            json!({"name": "x", "edits": [{"op": "remove", "id": "idva-west"}]}).to_string(),
        )
        .await
        .expect(401);
    assert!(scenario_rows(&db).is_empty(), "nothing was kept");
}

/// On the bundled London data, where rape crisis centres must be confidential.
#[tokio::test]
async fn confidential_sites_stay_confidential_in_every_scenario_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&bundled_paths(), dir.path());
    let token = account_token(&store, Role::Reviewer, None, "reviewer");
    let db = dir.path().join("gapmap.db");
    let site = |precision: &str| {
        json!({"name": "A new centre", "edits": [{"op": "add", "service": {"id": "rc-new",
            "type": "rape_crisis", "lat": 51.5443217, "lon": -0.0557123,
            "location_precision": precision, "capacity": 1}}]})
    };
    let refused = create(&server, &token, site("exact"))
        .await
        .expect(422)
        .json();
    assert_eq!(
        refused["problems"][0]["field"], "edits[0].service.location_precision",
        "{refused}"
    );
    assert!(scenario_rows(&db).is_empty());

    let made = create(&server, &token, site("confidential"))
        .await
        .expect(201)
        .json();
    let id = made["scenario"]["id"].as_str().expect("id").to_owned();
    // Hackney's representative point is where the site is kept and shown.
    let areas = server
        .get("/api/areas?type=rape_crisis")
        .await
        .expect(200)
        .json();
    let hackney = areas["features"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["properties"]["name"] == "Hackney"))
        .cloned()
        .expect("Hackney");
    let point = &hackney["properties"]["representative_point"];
    let service = &made["edits"][0]["service"];
    assert_eq!(service["location_precision"], "confidential");
    let shown = [
        service["lon"].as_str().unwrap().parse::<f64>().unwrap(),
        service["lat"].as_str().unwrap().parse::<f64>().unwrap(),
    ];
    assert!(
        (shown[0] - point[0].as_f64().unwrap()).abs() < 1e-6,
        "{service} vs {point}"
    );
    assert!(
        (shown[1] - point[1].as_f64().unwrap()).abs() < 1e-6,
        "{service} vs {point}"
    );
    let hackney_change = made["differences"]["areas"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["name"] == "Hackney" && d["type"] == "rape_crisis")
        })
        .cloned()
        .unwrap_or_else(|| panic!("{made}"));
    assert_eq!(
        hackney_change["after"]["located"],
        hackney_change["before"]["located"].as_u64().unwrap() + 1
    );

    let mut answers = vec![made.to_string()];
    for path in [
        "",
        "/areas",
        "/gaps",
        "/lottery",
        "/areas?type=rape_crisis",
        "/gaps?status=none,below,meets",
    ] {
        answers.push(
            server
                .get(&format!("/api/scenarios/{id}{path}"))
                .await
                .expect(200)
                .body,
        );
    }
    answers.extend(scenario_rows(&db).into_iter().map(|(_, edits)| edits));
    for answer in &answers {
        for secret in ["51.54432", "-0.05571", "51.5443217", "-0.0557123"] {
            assert!(
                !answer.contains(secret),
                "`{secret}` shown: {}",
                &answer[..answer.len().min(400)]
            );
        }
    }
}
