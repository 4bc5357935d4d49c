//! The submissions workflow through real HTTP against a real SQLite file: providers propose, reviewers decide,
//! the map changes only on approval, every version is kept, and every refusal is the right 4xx.

mod common;

use common::account_token as account;

use std::sync::Arc;

use common::{TestServer, captured_logs, fixture_paths, spawn_with_store};
use gapmap::store::{Role, Store};
use serde_json::{Value, json};
use tempfile::TempDir;

const WESTFIELD: &str = "E09000901";

/// A server on the API fixture with its own database, and one token per role.
struct Setup {
    server: TestServer,
    store: Arc<Store>,
    _dir: TempDir,
    /// Provider for Midford Trust (owns `idva-mid`).
    midford: String,
    /// Provider for Westfield Council (owns `idva-west`).
    westfield: String,
    /// Reviewer with no organisation.
    reviewer: String,
    /// Reviewer belonging to Midford Trust.
    midford_reviewer: String,
}

fn setup() -> Setup {
    captured_logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&fixture_paths(), dir.path());
    Setup {
        midford: account(&store, Role::Provider, Some("Midford Trust"), "midford"),
        westfield: account(
            &store,
            Role::Provider,
            Some("Westfield Council"),
            "westfield",
        ),
        reviewer: account(&store, Role::Reviewer, None, "reviewer"),
        midford_reviewer: account(
            &store,
            Role::Reviewer,
            Some("Midford Trust"),
            "midford-reviewer",
        ),
        server,
        store,
        _dir: dir,
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

impl Setup {
    async fn post(&self, path: &str, token: &str, body: &Value) -> common::Answer {
        self.server
            .post_with(path, &[("authorization", &bearer(token))], body.to_string())
            .await
    }

    async fn get(&self, path: &str, token: &str) -> common::Answer {
        self.server
            .get_with(path, &[("authorization", &bearer(token))])
            .await
    }

    /// Westfield's IDVA capacity share as `/api/areas` reports it now.
    async fn westfield_idva_capacity(&self) -> f64 {
        let areas = self
            .server
            .get("/api/areas?type=idva")
            .await
            .expect(200)
            .json();
        let west = areas["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == WESTFIELD))
            .unwrap_or_else(|| panic!("no Westfield in {areas}"));
        west["properties"]["coverage"]["idva"]["capacity_share"]
            .as_f64()
            .unwrap_or_else(|| panic!("no capacity share in {west}"))
    }

    /// How many submissions the database holds.
    fn submission_count(&self) -> usize {
        let reviewer = self.store.authenticate(&self.reviewer).expect("reviewer");
        self.store.submissions(&reviewer, None).expect("list").len()
    }
}

fn capacity_change(capacity: &str) -> Value {
    json!({"kind": "change", "listing_id": "idva-mid", "fields": {"capacity": capacity}})
}

fn new_listing(id: &str, provider: &str) -> Value {
    json!({"kind": "new", "listing_id": id, "fields": {
        "name": "Westfield outreach", "provider": provider, "type": "idva", "lat": 51.41, "lon": -0.28,
        "location_precision": "exact", "serves": "", "capacity": 1, "specialisms": "", "setting": "community",
        "phone": "", "website": "", "last_verified": "2026-02-01", "source": "test"
    }})
}

#[tokio::test]
async fn a_change_approved_shows_on_the_map_at_once_and_in_the_history() {
    let s = setup();
    // Westfield's IDVA share: its own 2 FTE plus 100,000 / 250,000 of Midford's 3 FTE.
    assert!((s.westfield_idva_capacity().await - 3.2).abs() < 1e-9);

    let answer = s
        .post("/api/submissions", &s.midford, &capacity_change("6"))
        .await
        .expect(201);
    let submission = answer.json();
    let id = submission["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id: {submission}"));
    assert_eq!(answer.header("location"), format!("/api/submissions/{id}"));
    assert_eq!(submission["status"], "pending");

    // Pending changes nothing on the map.
    assert!((s.westfield_idva_capacity().await - 3.2).abs() < 1e-9);

    let pending = s
        .get("/api/submissions?status=pending", &s.reviewer)
        .await
        .expect(200)
        .json();
    assert_eq!(
        pending["submissions"].as_array().map(Vec::len),
        Some(1),
        "{pending}"
    );
    let own = s
        .get("/api/submissions", &s.midford)
        .await
        .expect(200)
        .json();
    assert_eq!(
        own["submissions"].as_array().map(Vec::len),
        Some(1),
        "{own}"
    );
    let others = s
        .get("/api/submissions", &s.westfield)
        .await
        .expect(200)
        .json();
    assert_eq!(
        others["submissions"].as_array().map(Vec::len),
        Some(0),
        "{others}"
    );

    let detail = s
        .get(&format!("/api/submissions/{id}"), &s.reviewer)
        .await
        .expect(200)
        .json();
    let changed: Vec<&Value> = detail["diff"]
        .as_array()
        .unwrap_or_else(|| panic!("no diff: {detail}"))
        .iter()
        .filter(|d| d["changed"] == true)
        .collect();
    assert_eq!(changed.len(), 1, "{detail}");
    assert_eq!(changed[0]["field"], "capacity");
    assert_eq!(changed[0]["current"], "3");
    assert_eq!(changed[0]["proposed"], "6");

    let version_before = s
        .server
        .get("/api/areas")
        .await
        .expect(200)
        .header("etag")
        .to_owned();
    let approved = s
        .post(
            &format!("/api/submissions/{id}/approve"),
            &s.reviewer,
            &json!({"comment": "checked"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(approved["status"], "approved");
    // The very next read sees it: 2 + 0.4 × 6.
    assert!((s.westfield_idva_capacity().await - 4.4).abs() < 1e-9);
    let version_after = s
        .server
        .get("/api/areas")
        .await
        .expect(200)
        .header("etag")
        .to_owned();
    assert_ne!(
        version_before, version_after,
        "the dataset version must change"
    );

    let history = s
        .server
        .get("/api/services/idva-mid/history")
        .await
        .expect(200)
        .json();
    let versions = history["versions"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"));
    assert_eq!(versions.len(), 2, "{history}");
    assert_eq!(versions[0]["record"]["capacity"], "3");
    assert_eq!(versions[1]["record"]["capacity"], "6");
    assert_eq!(versions[1]["submitted_by"]["organisation"], "Midford Trust");
    assert!(versions[1]["approved_by"].is_object(), "{history}");
    // Organisations only, never a person's handle.
    assert!(!history.to_string().contains("midford\""), "{history}");
    assert!(!history.to_string().contains("reviewer"), "{history}");

    // Deciding twice is a conflict.
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.reviewer,
        &json!({}),
    )
    .await
    .expect(409);
}

#[tokio::test]
async fn a_confidential_sites_history_never_shows_its_position() {
    let s = setup();
    let history = s
        .server
        .get("/api/services/rc-secret/history")
        .await
        .expect(200)
        .json();
    let record = &history["versions"][0]["record"];
    assert_eq!(record["location_precision"], "confidential", "{history}");
    // Shown at the published point: the representative point of its area, as on the map.
    let published = s
        .server
        .get("/api/services/rc-secret")
        .await
        .expect(200)
        .json();
    let [lon, lat] = [0, 1].map(|i| published["geometry"]["coordinates"][i].as_f64().unwrap());
    assert_eq!(record["lat"], lat.to_string(), "{history}");
    assert_eq!(record["lon"], lon.to_string(), "{history}");
    assert!(!history.to_string().contains("51.473"), "{history}");
    s.server
        .get("/api/services/no-such-listing/history")
        .await
        .expect(404);
}

#[tokio::test]
async fn a_rejected_submission_changes_nothing_and_needs_a_reason() {
    let s = setup();
    let id = s
        .post("/api/submissions", &s.midford, &capacity_change("9"))
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .expect("id");
    let path = format!("/api/submissions/{id}/reject");
    let body = s
        .post(&path, &s.reviewer, &json!({}))
        .await
        .expect(422)
        .json();
    assert_eq!(body["problems"][0]["field"], "comment", "{body}");
    let rejected = s
        .post(
            &path,
            &s.reviewer,
            &json!({"comment": "capacity not evidenced"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["comment"], "capacity not evidenced");
    assert!((s.westfield_idva_capacity().await - 3.2).abs() < 1e-9);
    let history = s
        .server
        .get("/api/services/idva-mid/history")
        .await
        .expect(200)
        .json();
    assert_eq!(
        history["versions"].as_array().map(Vec::len),
        Some(1),
        "{history}"
    );
}

#[tokio::test]
async fn every_authorisation_refusal_is_a_json_401_or_403() {
    let s = setup();
    let change = capacity_change("5").to_string();

    // No token.
    let answer = s
        .server
        .post_with("/api/submissions", &[], change.clone())
        .await
        .expect(401);
    assert_eq!(answer.header("www-authenticate"), "Bearer");
    assert!(answer.json()["detail"].is_string());
    s.server.get("/api/submissions").await.expect(401);
    // A token of the wrong shape, and a well-shaped one with the wrong secret.
    s.post("/api/submissions", "not-a-token", &capacity_change("5"))
        .await
        .expect(401);
    let forged = format!("{}x", s.midford);
    s.post("/api/submissions", &forged, &capacity_change("5"))
        .await
        .expect(401);
    s.server
        .post_with(
            "/api/submissions",
            &[("authorization", "Basic abc")],
            change,
        )
        .await
        .expect(401);

    // Another organisation's listing.
    let body = s
        .post("/api/submissions", &s.westfield, &capacity_change("5"))
        .await
        .expect(403)
        .json();
    assert!(body["detail"].is_string(), "{body}");
    // A new listing in another organisation's name.
    s.post(
        "/api/submissions",
        &s.westfield,
        &new_listing("west-new", "Midford Trust"),
    )
    .await
    .expect(403);
    // A reviewer cannot submit, a provider cannot approve.
    s.post("/api/submissions", &s.reviewer, &capacity_change("5"))
        .await
        .expect(403);
    let id = s
        .post("/api/submissions", &s.midford, &capacity_change("5"))
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .expect("id");
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.midford,
        &json!({}),
    )
    .await
    .expect(403);
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.westfield,
        &json!({}),
    )
    .await
    .expect(403);
    // A provider cannot read another organisation's submission.
    s.get(&format!("/api/submissions/{id}"), &s.westfield)
        .await
        .expect(403);
    // A reviewer of the submitter's own organisation.
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.midford_reviewer,
        &json!({}),
    )
    .await
    .expect(403);

    // A revoked account stops working at once, on the running server.
    s.store.revoke_account("midford").expect("revoked");
    s.post("/api/submissions", &s.midford, &capacity_change("7"))
        .await
        .expect(401);

    // Nothing was approved.
    assert!((s.westfield_idva_capacity().await - 3.2).abs() < 1e-9);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_submission() {
    let s = setup();
    let headers = [
        ("authorization", bearer(&s.westfield)),
        ("idempotency-key", "retry-1".to_owned()),
    ];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = new_listing("west-outreach", "Westfield Council").to_string();
    let first = s
        .server
        .post_with("/api/submissions", &headers, body.clone())
        .await
        .expect(201)
        .json();
    let again = s
        .server
        .post_with("/api/submissions", &headers, body)
        .await
        .expect(200)
        .json();
    assert_eq!(first, again);
    assert_eq!(s.submission_count(), 1);
    // A new listing approved appears on the map.
    let id = first["id"].as_i64().expect("id");
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.reviewer,
        &json!({}),
    )
    .await
    .expect(200);
    s.server
        .get("/api/services/west-outreach")
        .await
        .expect(200);
}

#[tokio::test]
async fn invalid_submissions_are_422_with_every_problem_and_change_nothing() {
    let s = setup();
    let bad = json!({"kind": "new", "listing_id": "west-bad", "fields": {
        "name": "Bad", "provider": "Westfield Council", "type": "no_such_type", "lat": 95, "lon": -0.28,
        "location_precision": "somewhere", "last_verified": "yesterday", "source": "test"
    }});
    let body = s
        .post("/api/submissions", &s.westfield, &bad)
        .await
        .expect(422)
        .json();
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems: {body}"))
        .iter()
        .filter_map(|p| p["field"].as_str())
        .collect();
    for field in ["lat", "location_precision", "last_verified"] {
        assert!(fields.contains(&field), "{field} not reported: {body}");
    }
    assert_eq!(body["error"], "invalid submission");
    // Cross-references (type, areas served) are checked once each field reads well.
    let mut unknown_type = new_listing("west-bad", "Westfield Council");
    unknown_type["fields"]["type"] = json!("no_such_type");
    unknown_type["fields"]["serves"] = json!("E09000999");
    let body = s
        .post("/api/submissions", &s.westfield, &unknown_type)
        .await
        .expect(422)
        .json();
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems: {body}"))
        .iter()
        .filter_map(|p| p["field"].as_str())
        .collect();
    assert!(fields.contains(&"type"), "type not reported: {body}");

    // An unknown field, named.
    let unknown = json!({"kind": "change", "listing_id": "idva-mid", "fields": {"colour": "red"}});
    let body = s
        .post("/api/submissions", &s.midford, &unknown)
        .await
        .expect(422)
        .json();
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("colour")),
        "{body}"
    );
    // Not JSON at all.
    s.server
        .post_with(
            "/api/submissions",
            &[("authorization", &bearer(&s.midford))],
            "{".into(),
        )
        .await
        .expect(400);

    assert_eq!(s.submission_count(), 0);
    let history = s
        .server
        .get("/api/services/idva-mid/history")
        .await
        .expect(200)
        .json();
    assert_eq!(history["versions"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused() {
    let s = setup();
    let mut huge = new_listing("west-huge", "Westfield Council");
    huge["fields"]["name"] = Value::String("x".repeat(70 * 1024));
    let body = s
        .post("/api/submissions", &s.westfield, &huge)
        .await
        .expect(413)
        .json();
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("64 KiB")),
        "{body}"
    );
    assert_eq!(s.submission_count(), 0);
}

#[tokio::test]
async fn tokens_appear_neither_in_the_logs_nor_in_the_database_file() {
    let s = setup();
    s.post("/api/submissions", &s.midford, &capacity_change("4"))
        .await
        .expect(201);
    s.post("/api/submissions", &s.westfield, &capacity_change("4"))
        .await
        .expect(403);
    s.get("/api/submissions", &s.reviewer).await.expect(200);
    s.post(
        "/api/submissions",
        &format!("{}x", s.reviewer),
        &capacity_change("4"),
    )
    .await
    .expect(401);
    let logs = String::from_utf8_lossy(
        &captured_logs()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(
        logs.contains("submission received"),
        "the capture saw nothing:\n{logs}"
    );
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(s.store.path().parent().expect("data dir")).expect("list data dir")
    {
        files.push(std::fs::read(entry.expect("entry").path()).expect("read db file"));
    }
    for token in [&s.midford, &s.westfield, &s.reviewer, &s.midford_reviewer] {
        assert!(!logs.contains(token.as_str()), "a token was logged");
        for bytes in &files {
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "a token is stored in clear"
            );
        }
    }
}

#[tokio::test]
async fn a_listing_verified_long_ago_is_flagged_stale_and_counted_in_its_area() {
    let s = setup();
    let stale_in_westfield = |areas: &Value| {
        areas["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == WESTFIELD))
            .map(|f| f["properties"]["stale_listings"].clone())
    };
    let areas = s.server.get("/api/areas").await.expect(200).json();
    assert_eq!(stale_in_westfield(&areas), Some(json!(0)), "{areas}");
    let mut old = new_listing("west-old", "Westfield Council");
    old["fields"]["last_verified"] = json!("2020-01-01");
    let id = s
        .post("/api/submissions", &s.westfield, &old)
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .expect("id");
    s.post(
        &format!("/api/submissions/{id}/approve"),
        &s.reviewer,
        &json!({}),
    )
    .await
    .expect(200);
    let site = s
        .server
        .get("/api/services/west-old")
        .await
        .expect(200)
        .json();
    assert_eq!(site["properties"]["stale"], true, "{site}");
    let fresh = s
        .server
        .get("/api/services/idva-west")
        .await
        .expect(200)
        .json();
    assert_eq!(fresh["properties"]["stale"], false, "{fresh}");
    let areas = s.server.get("/api/areas").await.expect(200).json();
    assert_eq!(stale_in_westfield(&areas), Some(json!(1)), "{areas}");
}
