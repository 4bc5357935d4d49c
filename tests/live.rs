//! One source of truth: every command that reads listings reads the live store when given a data directory, a
//! change made by another process reaches a running server, and an approval whose next dataset cannot be built
//! commits nothing. Through real HTTP, the real binary and real database files.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{account_token, fixture_paths, spawn_app, spawn_with_store, table_rows};
use gapmap::config::Config;
use gapmap::http::{DatasetCheck, ServerSettings};
use gapmap::store::Role;
use serde_json::{Value, json};

/// `gapmap <args>` on the API fixture's reference files.
fn gapmap(args: &[&str]) -> Command {
    let paths = fixture_paths();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gapmap"));
    command
        .args(args)
        .arg("--boundaries")
        .arg(&paths.boundaries)
        .arg("--population")
        .arg(&paths.population)
        .arg("--types")
        .arg(&paths.types);
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("gapmap runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn config(data_dir: &Path) -> Config {
    Config {
        paths: fixture_paths(),
        data_dir: Some(data_dir.to_owned()),
        ..Config::bundled()
    }
}

/// A provider's change to Midford's IDVA listing, as the API takes it.
fn change(fields: Value) -> String {
    json!({"kind": "change", "listing_id": "idva-mid", "fields": fields}).to_string()
}

/// A provider of Midford Trust and a reviewer, as bearer headers.
fn midford_and_reviewer(store: &gapmap::store::Store) -> (String, String) {
    let bearer = |token: String| format!("Bearer {token}");
    (
        bearer(account_token(
            store,
            Role::Provider,
            Some("Midford Trust"),
            "p",
        )),
        bearer(account_token(store, Role::Reviewer, None, "r")),
    )
}

/// Proposes a change of `fields` to Midford's IDVA listing; returns the submission's id.
async fn propose(server: &common::TestServer, provider: &str, fields: Value) -> i64 {
    server
        .post_with(
            "/api/submissions",
            &[("authorization", provider)],
            change(fields),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .expect("id")
}

/// Approves submission `id`.
async fn approve(server: &common::TestServer, reviewer: &str, id: i64) -> common::Answer {
    server
        .post_with(
            &format!("/api/submissions/{id}/approve"),
            &[("authorization", reviewer)],
            "{}".into(),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_approval_report_and_the_api_give_identical_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&fixture_paths(), dir.path());
    let (provider, reviewer) = midford_and_reviewer(&store);
    let id = propose(&server, &provider, json!({"capacity": "7.5"})).await;
    approve(&server, &reviewer, id).await.expect(200);

    let out = run(gapmap(&["report", "--format", "json"])
        .arg("--data-dir")
        .arg(dir.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("listings from the live store") && stderr(&out).contains("revision"),
        "{}",
        stderr(&out)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    assert!(
        report["notices"]["listings"]
            .as_str()
            .is_some_and(|s| s.contains("gapmap.db")),
        "{}",
        report["notices"]
    );
    let api = server.get("/api/areas").await.expect(200).json();
    let mut compared = 0;
    for t in report["types"].as_array().expect("types") {
        let id = t["id"].as_str().expect("type id");
        for area in t["areas"].as_array().expect("areas") {
            let code = area["code"].as_str().expect("code");
            let feature = api["features"]
                .as_array()
                .expect("features")
                .iter()
                .find(|f| f["id"] == code)
                .unwrap_or_else(|| panic!("no area {code} in /api/areas"));
            assert_eq!(
                &feature["properties"]["coverage"][id], area,
                "{code} × {id}: report and API differ"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 4 * 3, "every area × type compared");
    let idva_mid = report["types"]
        .as_array()
        .and_then(|types| types.iter().find(|t| t["id"] == "idva"))
        .expect("idva");
    // idva-west's 2 and the approved 7.5 of idva-mid, apportioned over the areas they serve.
    let total: f64 = idva_mid["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|a| a["capacity_share"].as_f64().expect("capacity_share"))
        .sum();
    assert!(
        (total - 9.5).abs() < 1e-9,
        "the approved capacity is in the report: {idva_mid}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_whose_next_dataset_cannot_be_built_commits_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Nothing in real data makes building a dataset fail once every rule has passed, so the test injects one.
    let check: DatasetCheck = Arc::new(|dataset| {
        match dataset
            .services()
            .iter()
            .find(|s| s.name.contains("POISON"))
        {
            Some(s) => Err(format!("injected failure on `{}`", s.id)),
            None => Ok(()),
        }
    });
    let (server, store) = spawn_app(&config(dir.path()), ServerSettings::default(), Some(check));
    let (provider, reviewer) = midford_and_reviewer(&store);
    let id = propose(&server, &provider, json!({"name": "POISON advocacy"})).await;
    let db = dir.path().join("gapmap.db");
    let before = table_rows(&db);
    let etag = server
        .get("/api/areas")
        .await
        .expect(200)
        .header("etag")
        .to_owned();

    let refused = approve(&server, &reviewer, id).await.expect(409);
    assert!(
        refused.body.contains("injected failure")
            && refused.body.contains("nothing was changed")
            && refused.body.contains("still pending"),
        "{}",
        refused.body
    );
    assert_eq!(
        table_rows(&db),
        before,
        "the refused approval wrote nothing"
    );
    let after = server.get("/api/areas").await.expect(200);
    assert_eq!(after.header("etag"), etag, "the map did not change");

    // A clean restart on the same database: the submission is still pending and can be approved.
    let (restarted, _) = spawn_app(&config(dir.path()), ServerSettings::default(), None);
    let pending = restarted
        .get_with(
            &format!("/api/submissions/{id}"),
            &[("authorization", &reviewer)],
        )
        .await
        .expect(200)
        .json();
    assert_eq!(pending["submission"]["status"], "pending", "{pending}");
    approve(&restarted, &reviewer, id).await.expect(200);
    let listing = restarted
        .get("/api/services/idva-mid")
        .await
        .expect(200)
        .json();
    assert_eq!(listing["properties"]["name"], "POISON advocacy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_by_another_process_reaches_the_running_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, _store) = spawn_with_store(&fixture_paths(), dir.path());
    let before = server
        .get("/api/services/idva-mid")
        .await
        .expect(200)
        .json();
    assert_ne!(before["properties"]["capacity"], 9.0);
    let csv = std::fs::read_to_string(fixture_paths().services).expect("fixture");
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let capacity = header
        .iter()
        .position(|c| *c == "capacity")
        .expect("capacity column");
    let row = lines
        .iter()
        .position(|l| l.starts_with("idva-mid,"))
        .expect("idva-mid row");
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
    cells[capacity] = "9".into();
    lines[row] = cells.join(",");
    let changed = dir.path().join("changed.csv");
    std::fs::write(&changed, lines.join("\n") + "\n").expect("write csv");

    let out = run(gapmap(&["import-services"])
        .arg(&changed)
        .arg("--data-dir")
        .arg(dir.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 changed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = server
            .get("/api/services/idva-mid")
            .await
            .expect(200)
            .json();
        if now["properties"]["capacity"] == 9.0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the running server never showed the import: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn serve_refuses_a_listings_file_for_a_database_that_holds_listings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let services = fixture_paths().services;
    let imported = run(gapmap(&["import-services"])
        .arg(&services)
        .arg("--data-dir")
        .arg(dir.path()));
    assert!(imported.status.success(), "{}", stderr(&imported));
    let out = run(gapmap(&["serve", "--bind", "127.0.0.1:0"])
        .arg("--services")
        .arg(&services)
        .arg("--data-dir")
        .arg(dir.path()));
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("already holds listings")
            && message.contains("gapmap import-services")
            && message.contains("empty --data-dir"),
        "{message}"
    );
}

#[test]
fn commands_that_only_read_never_create_a_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mistyped = dir.path().join("mistyped");
    for args in [
        vec!["accounts", "list"],
        vec!["accounts", "revoke", "someone"],
        vec!["export-services"],
    ] {
        let out = run(Command::new(env!("CARGO_BIN_EXE_gapmap"))
            .args(&args)
            .arg("--data-dir")
            .arg(&mistyped));
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("no gapmap database"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = run(gapmap(&["report"]).arg("--data-dir").arg(&mistyped));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no gapmap database"),
        "{}",
        stderr(&out)
    );
    assert!(
        !mistyped.exists(),
        "nothing was created at the mistyped path"
    );
}

#[test]
fn the_bundled_paths_are_explained_outside_the_checkout() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let out = run(Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .arg("report")
        .current_dir(elsewhere.path()));
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("boundaries/london-boroughs.geojson")
            && message.contains("relative to the working directory"),
        "{message}"
    );
}

#[test]
fn a_bad_boundary_file_is_reported_as_such_not_as_a_database_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{\"type\": \"FeatureCollection\", \"features\": [").expect("write");
    let paths = fixture_paths();
    let out = run(Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["serve", "--bind", "127.0.0.1:0", "--boundaries"])
        .arg(&broken)
        .arg("--population")
        .arg(&paths.population)
        .arg("--types")
        .arg(&paths.types)
        .arg("--data-dir")
        .arg(dir.path().join("data")));
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("broken.geojson") && !message.contains("database"),
        "{message}"
    );
}
