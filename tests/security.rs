//! Trust, tried as an attacker would, through real HTTP against a real database file: who may see a confidential
//! position on every endpoint that returns one (a table over readers × precision × endpoint), ids that cannot be
//! squatted or taken over, confidentiality that a type requires, bounded authentication and writes, spreadsheet
//! formulas defused, private logs, files and caches, `HEAD`, and a `--static-dir` that stays inside itself.

mod common;

use common::account_token as token;

use std::sync::Arc;

use common::{Answer, TestServer, captured_logs, spawn_with_store_and};
use gapmap::domain::{Dataset, LocationPolicy};
use gapmap::http::ServerSettings;
use gapmap::load::{DataPaths, load_areas, load_dataset, read_types};
use gapmap::store::{Role, Store};
use serde_json::{Value, json};
use tempfile::TempDir;

/// Runs a refuge (confidential) and an IDVA service (exact) in Riverside.
const OWNER: &str = "Riverside Women's Aid";
/// Runs an ISVA service in Eastside.
const OTHER: &str = "Eastside Advocacy";

/// Where the owner puts its new refuge (confidential): text that must never reach a reader who may not see it.
const SECRET_LAT: &str = "51.4571";
const SECRET_LON: &str = "-0.2471";
/// Where the owner moves its IDVA service (exact, public).
const PUBLIC_LAT: &str = "51.4433";
const PUBLIC_LON: &str = "-0.2133";

fn paths() -> DataPaths {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store");
    DataPaths {
        boundaries: dir.join("boundaries.geojson"),
        population: dir.join("population.csv"),
        types: dir.join("types.csv"),
        services: dir.join("services.csv"),
        figures: Vec::new(),
    }
}

/// A server on the store fixture with one account per kind of reader.
struct Env {
    server: TestServer,
    store: Arc<Store>,
    dir: TempDir,
    owner: String,
    other: String,
    reviewer: String,
    admin: String,
}

impl Env {
    fn new() -> Self {
        Self::with(
            ServerSettings::default(),
            gapmap::store::DEFAULT_MAX_PENDING,
        )
    }

    fn with(settings: ServerSettings, max_pending: usize) -> Self {
        captured_logs();
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let (server, store) = spawn_with_store_and(&paths(), &data, settings, max_pending);
        Self {
            owner: token(&store, Role::Provider, Some(OWNER), "owner"),
            other: token(&store, Role::Provider, Some(OTHER), "other"),
            reviewer: token(&store, Role::Reviewer, None, "reviewer"),
            admin: token(&store, Role::Admin, None, "admin"),
            server,
            store,
            dir,
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        self.server.get_with(path, &headers).await
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.server
            .post_with(
                path,
                &[("authorization", &format!("Bearer {token}"))],
                body.to_string(),
            )
            .await
    }

    /// Submits as `token` and returns the new submission's id.
    async fn submit(&self, token: &str, body: Value) -> i64 {
        let answer = self
            .post("/api/submissions", token, &body)
            .await
            .expect(201);
        answer.json()["id"].as_i64().expect("an id")
    }

    async fn approve(&self, id: i64, token: &str, body: Value) -> Answer {
        self.post(&format!("/api/submissions/{id}/approve"), token, &body)
            .await
    }
}

fn new_refuge(id: &str, lat: &str, lon: &str) -> Value {
    json!({"kind": "new", "listing_id": id, "fields": {
        "name": "Riverside Refuge Two", "type": "refuge", "lat": lat, "lon": lon,
        "location_precision": "confidential", "capacity": "6", "last_verified": "2026-06-01",
        "source": "illustrative test row"}})
}

fn shows(answer: &Answer, lat: &str, lon: &str) -> bool {
    answer.body.contains(lat) || answer.body.contains(lon)
}

/// Every endpoint that can return a site's position, for every kind of reader, with a confidential listing and
/// an exact one: the confidential position reaches only its organisation's providers, and reviewers and admins
/// while reviewing that one submission; the exact one is public.
#[tokio::test]
async fn who_sees_a_position_on_every_endpoint() {
    let env = Env::new();
    let confidential = env
        .submit(
            &env.owner,
            new_refuge("riverside-refuge-2", SECRET_LAT, SECRET_LON),
        )
        .await;
    let exact = env
        .submit(
            &env.owner,
            json!({"kind": "change", "listing_id": "riverside-idva",
                   "fields": {"lat": PUBLIC_LAT, "lon": PUBLIC_LON}}),
        )
        .await;
    let readers: [(&str, Option<&str>); 5] = [
        ("anonymous", None),
        ("owner", Some(&env.owner)),
        ("other provider", Some(&env.other)),
        ("reviewer", Some(&env.reviewer)),
        ("admin", Some(&env.admin)),
    ];

    // While pending: the submission views. (reader, endpoint) → whether the confidential position shows; the
    // exact one shows wherever the submission is visible at all.
    let pending_views = [
        ("/api/submissions", [false, true, false, false, false]),
        (
            &*format!("/api/submissions/{confidential}"),
            [false, true, false, true, true],
        ),
    ];
    for (path, confidential_shown) in pending_views {
        for (r, (reader, token)) in readers.iter().enumerate() {
            let answer = env.get(path, *token).await;
            assert_eq!(
                shows(&answer, SECRET_LAT, SECRET_LON),
                confidential_shown[r],
                "{reader} GET {path}: {} {}",
                answer.status,
                answer.body
            );
        }
    }
    for (r, (reader, token)) in readers.iter().enumerate() {
        let path = format!("/api/submissions/{exact}");
        let answer = env.get(&path, *token).await;
        let visible = [false, true, false, true, true][r];
        assert_eq!(
            shows(&answer, PUBLIC_LAT, PUBLIC_LON),
            visible,
            "{reader} GET {path}: {}",
            answer.body
        );
    }
    // The reviewer list shows the confidential submission at its published point, and says so.
    let list = env
        .get("/api/submissions", Some(&env.reviewer))
        .await
        .expect(200)
        .json();
    let listed = list["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == confidential)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(listed["position_withheld"], true, "{listed}");
    assert_ne!(listed["proposed"]["lat"], "", "{listed}");

    // Deciding is reviewing: the answer to the reviewer shows what was approved.
    let approved = env
        .approve(confidential, &env.reviewer, json!({}))
        .await
        .expect(200);
    assert!(
        shows(&approved, SECRET_LAT, SECRET_LON),
        "{}",
        approved.body
    );
    env.approve(exact, &env.admin, json!({})).await.expect(200);

    // Now listed: every public view, whoever asks (a token changes nothing there).
    let public = [
        "/api/services",
        "/api/services?type=refuge",
        "/api/services?bbox=-0.3,51.4,-0.1,51.6",
        "/api/services/riverside-refuge-2",
        "/api/services/riverside-idva",
        "/api/nearest?lat=51.457&lon=-0.247&k=10",
        "/api/nearest?lat=51.457&lon=-0.247&type=refuge",
        "/api/areas",
        "/api/areas/E09000101",
        "/api/areas/E09000102?type=idva",
        "/api/gaps",
        "/api/export/services.csv",
        "/api/export/services.geojson",
        "/api/export/openreferral.json",
        "/api/export/areas.csv",
        "/api/services/riverside-refuge-2/history",
        "/api/services/riverside-idva/history",
    ];
    // Where the exact listing itself is published.
    let exact_published = [
        "/api/services",
        "/api/services?bbox=-0.3,51.4,-0.1,51.6",
        "/api/services/riverside-idva",
        "/api/nearest?lat=51.457&lon=-0.247&k=10",
        "/api/export/services.csv",
        "/api/export/services.geojson",
        "/api/export/openreferral.json",
        "/api/services/riverside-idva/history",
    ];
    for path in public {
        for (reader, token) in &readers {
            let answer = env.get(path, *token).await.expect(200);
            assert!(
                !shows(&answer, SECRET_LAT, SECRET_LON),
                "{reader} GET {path} shows the confidential position: {}",
                answer.body
            );
            if exact_published.contains(&path) {
                assert!(
                    shows(&answer, PUBLIC_LAT, PUBLIC_LON),
                    "{reader} GET {path} lacks the exact position: {}",
                    answer.body
                );
            }
        }
    }
    // And the submission views after the decision: unchanged rules.
    for (r, (reader, token)) in readers.iter().enumerate() {
        let path = format!("/api/submissions/{confidential}");
        let answer = env.get(&path, *token).await;
        assert_eq!(
            shows(&answer, SECRET_LAT, SECRET_LON),
            [false, true, false, true, true][r],
            "{reader} GET {path}: {}",
            answer.body
        );
    }
}

/// Problem 1: a provider that files a `new` for a guessable id before its owner does never sees the owner's
/// position — not once the owner's listing is approved, not after its own is rejected, not after a move. An id
/// in use, or once used, by another organisation cannot be taken.
#[tokio::test]
async fn a_squatted_id_shows_nothing_of_the_owners_listing_and_ids_cannot_be_taken_over() {
    let env = Env::new();
    let squat = env
        .submit(
            &env.other,
            json!({"kind": "new", "listing_id": "riverside-refuge-2", "fields": {
                "name": "Squat", "type": "refuge", "lat": "51.5", "lon": "0.05",
                "location_precision": "confidential", "capacity": "1", "last_verified": "2026-06-01",
                "source": "illustrative"}}),
        )
        .await;
    let owners = env
        .submit(
            &env.owner,
            new_refuge("riverside-refuge-2", SECRET_LAT, SECRET_LON),
        )
        .await;
    env.approve(owners, &env.reviewer, json!({}))
        .await
        .expect(200);
    let path = format!("/api/submissions/{squat}");
    let seen = env.get(&path, Some(&env.other)).await.expect(200);
    assert!(!shows(&seen, SECRET_LAT, SECRET_LON), "{}", seen.body);
    let seen = seen.json();
    assert_eq!(seen["current_withheld"], true, "{seen}");
    assert!(
        seen["diff"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["current"].is_null()),
        "{seen}"
    );
    // Its approval is a conflict now; a rejection keeps it hidden.
    env.approve(squat, &env.reviewer, json!({}))
        .await
        .expect(409);
    env.post(
        &format!("/api/submissions/{squat}/reject"),
        &env.reviewer,
        &json!({"comment": "id taken"}),
    )
    .await
    .expect(200);
    let moved = env
        .submit(
            &env.owner,
            json!({"kind": "change", "listing_id": "riverside-refuge-2",
                   "fields": {"lat": "51.4671", "lon": "-0.2571"}}),
        )
        .await;
    env.approve(moved, &env.reviewer, json!({}))
        .await
        .expect(200);
    for listing in ["/api/submissions", &path] {
        let seen = env.get(listing, Some(&env.other)).await.expect(200);
        assert!(
            !shows(&seen, SECRET_LAT, SECRET_LON) && !seen.body.contains("51.4671"),
            "{listing}: {}",
            seen.body
        );
    }

    // Another organisation's current id: refused before anything is stored.
    let taken = env
        .post(
            "/api/submissions",
            &env.other,
            &new_refuge("riverside-refuge", "51.5", "0.05"),
        )
        .await
        .expect(409);
    assert!(taken.body.contains("taken"), "{}", taken.body);
    // A closed listing's id cannot be taken over with its history; its own organisation may reopen it.
    let closing = env
        .submit(
            &env.owner,
            json!({"kind": "closure", "listing_id": "riverside-refuge-2"}),
        )
        .await;
    env.approve(closing, &env.reviewer, json!({}))
        .await
        .expect(200);
    let takeover = env
        .post(
            "/api/submissions",
            &env.other,
            &new_refuge("riverside-refuge-2", "51.5", "0.05"),
        )
        .await
        .expect(409);
    assert!(
        takeover.body.contains("another organisation"),
        "{}",
        takeover.body
    );
    env.submit(
        &env.owner,
        new_refuge("riverside-refuge-2", SECRET_LAT, SECRET_LON),
    )
    .await;
}

/// Problem 2: a type that requires confidentiality refuses `exact` by submission, by import and at approval
/// (when the rule arrived after the submission); where a type allows both, publishing a confidential position
/// needs the reviewer's explicit acknowledgement, and the history never shows any version's own position.
#[tokio::test]
async fn confidentiality_is_a_rule_of_the_data() {
    let env = Env::new();
    let refused = env
        .post(
            "/api/submissions",
            &env.owner,
            &json!({"kind": "change", "listing_id": "riverside-refuge",
                    "fields": {"location_precision": "exact"}}),
        )
        .await
        .expect(422)
        .json();
    let problem = &refused["problems"][0];
    assert_eq!(problem["field"], "location_precision", "{refused}");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("confidential_required"),
        "{refused}"
    );

    // By import: the same rule in the loader that `gapmap validate` and `import-services` use.
    let csv = std::fs::read_to_string(paths().services).unwrap().replace(
        "refuge,51.45,-0.25,confidential",
        "refuge,51.45,-0.25,exact",
    );
    let exposed = env.dir.path().join("exposed.csv");
    std::fs::write(&exposed, csv).unwrap();
    let error = load_dataset(&DataPaths {
        services: exposed,
        ..paths()
    })
    .unwrap_err();
    assert!(
        error
            .0
            .iter()
            .any(|p| p.field.as_deref() == Some("location_precision")),
        "{error}"
    );

    // At approval: an exact ISVA submitted while the type allowed it, decided after the type stopped allowing it.
    let isva = env
        .submit(
            &env.other,
            json!({"kind": "change", "listing_id": "eastside-isva", "fields": {"capacity": "3"}}),
        )
        .await;
    let areas = load_areas(&paths().boundaries, &paths().population).unwrap();
    let (mut types, _) = read_types(&paths().types).unwrap();
    for t in types.iter_mut().filter(|t| t.id == "isva") {
        t.location_policy = LocationPolicy::ConfidentialRequired;
    }
    let before = env.server.state.snapshot().expect("ready");
    let services = before.dataset().services().to_vec();
    let stricter = services
        .iter()
        .map(|s| gapmap::domain::Service {
            // The stored ISVA site stays exact in the store; the served dataset only needs to load.
            location_precision: if s.service_type == "isva" {
                gapmap::domain::LocationPrecision::Confidential
            } else {
                s.location_precision
            },
            ..s.clone()
        })
        .collect();
    env.server
        .state
        .replace(
            Dataset::new(areas.clone(), types, stricter).unwrap(),
            before.revision(),
        )
        .unwrap();
    let refused = env
        .approve(isva, &env.reviewer, json!({}))
        .await
        .expect(422);
    assert!(
        refused.body.contains("confidential_required"),
        "{}",
        refused.body
    );
    env.server
        .state
        .replace(
            Dataset::new(areas, before.dataset().types().to_vec(), services).unwrap(),
            before.revision(),
        )
        .unwrap();
    env.post(
        &format!("/api/submissions/{isva}/reject"),
        &env.reviewer,
        &json!({"comment": "type rules changed"}),
    )
    .await
    .expect(200);

    // exact_allowed: confidential → exact needs an acknowledgement.
    let hide = env
        .submit(
            &env.other,
            json!({"kind": "change", "listing_id": "eastside-isva",
                   "fields": {"location_precision": "confidential"}}),
        )
        .await;
    env.approve(hide, &env.reviewer, json!({}))
        .await
        .expect(200);
    let reveal = env
        .submit(
            &env.other,
            json!({"kind": "change", "listing_id": "eastside-isva",
                   "fields": {"location_precision": "exact", "lat": "51.5123", "lon": "0.0512"}}),
        )
        .await;
    let review = env
        .get(&format!("/api/submissions/{reveal}"), Some(&env.reviewer))
        .await
        .expect(200)
        .json();
    assert_eq!(
        review["warnings"][0]["code"], "confidential_to_exact",
        "{review}"
    );
    let unacknowledged = env
        .approve(reveal, &env.reviewer, json!({}))
        .await
        .expect(422);
    assert!(
        unacknowledged.body.contains("acknowledge_exact_position"),
        "{}",
        unacknowledged.body
    );
    env.approve(
        reveal,
        &env.reviewer,
        json!({"acknowledge_exact_position": true}),
    )
    .await
    .expect(200);
    let now = env
        .get("/api/services/eastside-isva", None)
        .await
        .expect(200);
    assert!(now.body.contains("51.5123"), "{}", now.body);
    // The history shows every version (the exact ones included) at the same published point.
    let history = env
        .get("/api/services/eastside-isva/history", None)
        .await
        .expect(200)
        .json();
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3, "{history}");
    let points: std::collections::BTreeSet<String> = versions
        .iter()
        .map(|v| format!("{},{}", v["record"]["lat"], v["record"]["lon"]))
        .collect();
    assert_eq!(points.len(), 1, "{history}");
    assert!(
        !history.to_string().contains("51.5123") && !history.to_string().contains("0.05\""),
        "{history}"
    );
}

/// Problem 3: authentication costs a digest, failed attempts are rate-limited per address before the token is
/// even looked at, writes per account, and the body is never read for a client that did not authenticate.
#[tokio::test]
async fn authentication_is_cheap_bounded_and_comes_first() {
    let env = Env::with(
        ServerSettings {
            writes_per_minute: Some(3),
            ..ServerSettings::default()
        },
        gapmap::store::DEFAULT_MAX_PENDING,
    );
    // An existing account id with a wrong secret, and a body that is not even JSON: 401, not 422 or 400.
    let (id, _) = env.owner[3..].split_once('_').unwrap();
    let wrong = format!("gm_{id}_{}", "0".repeat(64));
    let answer = env
        .server
        .post_with(
            "/api/submissions",
            &[("authorization", &format!("Bearer {wrong}"))],
            "{not json".into(),
        )
        .await
        .expect(401);
    assert_eq!(answer.header("www-authenticate"), "Bearer");
    // Ten failures are allowed in a burst (this was the first); then 429 with Retry-After, for any token.
    for _ in 1..10 {
        env.get("/api/submissions", Some(&wrong)).await.expect(401);
    }
    let limited = env.get("/api/submissions", Some(&wrong)).await.expect(429);
    assert!(limited.header("retry-after").parse::<u64>().unwrap() >= 1);
    env.get("/api/submissions", Some(&env.owner))
        .await
        .expect(429);
    // Public reading is not affected.
    env.get("/api/areas", None).await.expect(200);

    // Writes per account: three a minute here, then 429.
    let env = Env::with(
        ServerSettings {
            writes_per_minute: Some(3),
            ..ServerSettings::default()
        },
        gapmap::store::DEFAULT_MAX_PENDING,
    );
    for n in 0..3 {
        env.submit(
            &env.owner,
            new_refuge(&format!("refuge-{n}"), SECRET_LAT, SECRET_LON),
        )
        .await;
    }
    let slow_down = env
        .post(
            "/api/submissions",
            &env.owner,
            &new_refuge("refuge-9", SECRET_LAT, SECRET_LON),
        )
        .await
        .expect(429);
    assert!(!slow_down.header("retry-after").is_empty());
    // The digest in the database is SHA-256, not argon2id.
    let stored: String = rusqlite::Connection::open(env.store.path())
        .unwrap()
        .query_row(
            "SELECT token_hash FROM accounts WHERE name = 'owner'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.starts_with("sha256:"), "{stored}");
}

/// Problem 4: spreadsheet formulas in a listing are defused in every CSV export; numbers are left alone.
#[tokio::test]
async fn csv_exports_defuse_formulas() {
    let env = Env::new();
    let id = env
        .submit(
            &env.owner,
            json!({"kind": "change", "listing_id": "riverside-idva", "fields": {
                "name": "=HYPERLINK(\"https://evil.example\",\"Click\")", "phone": "+44 20 7946 0100",
                "source": "@SUM(1+1) illustrative"}}),
        )
        .await;
    env.approve(id, &env.reviewer, json!({})).await.expect(200);
    let csv = env
        .get("/api/export/services.csv", None)
        .await
        .expect(200)
        .body;
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv.as_bytes());
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "riverside-idva")
        .unwrap();
    assert_eq!(&row[1], "'=HYPERLINK(\"https://evil.example\",\"Click\")");
    assert_eq!(&row[11], "'+44 20 7946 0100");
    assert_eq!(&row[14], "'@SUM(1+1) illustrative");
    assert_eq!(
        &row[5], "-0.2",
        "a negative number is a number, not a formula"
    );
    for record in reader.records().map(Result::unwrap) {
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '@']) || cell.parse::<f64>().is_ok(),
                "{cell}"
            );
        }
    }
}

/// Problem 5: request logs never record a position or a client's address.
#[tokio::test]
async fn logs_keep_no_positions_or_addresses() {
    let env = Env::new();
    env.get("/api/nearest?lat=51.48765&lon=-0.23456&type=idva", None)
        .await
        .expect(200);
    env.get(
        "/api/services?bbox=-0.29876,51.41234,-0.11111,51.59999",
        None,
    )
    .await
    .expect(200);
    env.get("/api/nearest?lat=91.12345&lon=-0.23456", None)
        .await
        .expect(400);
    // Spans close just after the answer is sent.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    assert!(
        logs.contains("lat,lon,type"),
        "the parameter names are logged"
    );
    for secret in ["51.48765", "-0.23456", "-0.29876", "51.41234", "91.12345"] {
        let line = logs.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "`{secret}` is in the logs: {line:?}");
    }
    // The client's address is in no request's line (the server's own listening address is logged at start).
    let request_lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("HTTP request"))
        .collect();
    assert!(!request_lines.is_empty());
    assert!(
        request_lines.iter().all(|l| !l.contains("127.0.0.1")),
        "{request_lines:#?}"
    );
}

/// Problem 6, the smaller ones.
#[tokio::test]
async fn every_write_path_is_bounded() {
    let env = Env::with(ServerSettings::default(), 2);
    // Capacity 1e308 would make every gap vanish: over the type's capacity_max.
    let huge = env
        .post(
            "/api/submissions",
            &env.owner,
            &json!({"kind": "change", "listing_id": "riverside-idva", "fields": {"capacity": "1e308"}}),
        )
        .await
        .expect(422);
    assert!(huge.body.contains("capacity_max"), "{}", huge.body);
    // An Idempotency-Key replays the same request, and refuses a different one.
    let key = [
        ("authorization", format!("Bearer {}", env.owner)),
        ("idempotency-key", "k-1".into()),
    ];
    let key: Vec<(&str, &str)> = key.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let first = new_refuge("refuge-a", SECRET_LAT, SECRET_LON).to_string();
    env.server
        .post_with("/api/submissions", &key, first.clone())
        .await
        .expect(201);
    env.server
        .post_with("/api/submissions", &key, first)
        .await
        .expect(200);
    let reused = env
        .server
        .post_with(
            "/api/submissions",
            &key,
            new_refuge("refuge-b", SECRET_LAT, SECRET_LON).to_string(),
        )
        .await
        .expect(422);
    assert!(reused.body.contains("Idempotency-Key"), "{}", reused.body);
    // At most two pending per account here.
    env.submit(&env.owner, new_refuge("refuge-c", SECRET_LAT, SECRET_LON))
        .await;
    let capped = env
        .post(
            "/api/submissions",
            &env.owner,
            &new_refuge("refuge-d", SECRET_LAT, SECRET_LON),
        )
        .await
        .expect(409);
    assert!(capped.body.contains("awaiting review"), "{}", capped.body);

    // Authenticated answers are never cached; public ones may be.
    let private = env
        .get("/api/submissions", Some(&env.owner))
        .await
        .expect(200);
    assert_eq!(private.header("cache-control"), "no-store");
    let public = env.get("/api/areas", None).await.expect(200);
    assert_ne!(public.header("cache-control"), "no-store");

    // HEAD wherever GET: headers only.
    for path in [
        "/api/areas",
        "/api/services/riverside-idva",
        "/healthz",
        "/",
    ] {
        let head = env
            .server
            .client
            .head(format!("{}{path}", env.server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status().as_u16(), 200, "HEAD {path}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} sent a body"
        );
    }

    // The data directory and the database are the owner's alone.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = env.dir.path().join("data");
    assert_eq!(mode(&data), 0o700);
    for file in ["gapmap.db", "gapmap.db-wal", "gapmap.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}

/// `--static-dir` pages get the built-in page's security headers and never anything outside the directory.
#[tokio::test]
async fn a_static_dir_stays_inside_itself() {
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>page</title>",
    )
    .unwrap();
    std::fs::write(root.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(root.path().join("secret.txt"), site.join("leak.txt")).unwrap();
    let data = root.path().join("data");
    let (server, _store) = spawn_with_store_and(
        &paths(),
        &data,
        ServerSettings {
            static_dir: Some(site),
            ..ServerSettings::default()
        },
        1,
    );
    let page = server.get("/").await.expect(200);
    assert!(
        page.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    let leak = server.get("/leak.txt").await;
    assert_eq!(leak.status, 404, "{}", leak.body);
    assert!(!leak.body.contains("outside"));
}

/// Simultaneous failed sign-ins cannot all slip past the check before any is charged: of 40 at once from one
/// address, at most the burst of 10 is even looked at.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_failures_are_bounded_by_the_burst() {
    let env = Env::new();
    let (id, _) = env.owner[3..].split_once('_').unwrap();
    let wrong = format!("gm_{id}_{}", "1".repeat(64));
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let request = env
            .server
            .client
            .get(format!("{}/api/submissions", env.server.base))
            .bearer_auth(&wrong);
        attempts.spawn(async move { request.send().await.expect("answered").status().as_u16() });
    }
    let statuses = attempts.join_all().await;
    let refused = statuses.iter().filter(|&&s| s == 401).count();
    let limited = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(refused + limited, 40, "{statuses:?}");
    assert!(
        refused <= 10,
        "{refused} attempts were checked: {statuses:?}"
    );
    // Reading the map needs no token and is unaffected.
    env.get("/api/areas", None).await.expect(200);
}
