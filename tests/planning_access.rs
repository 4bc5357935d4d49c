//! `gapmap access` (the real binary) and `GET /api/access` (real HTTP): the hand-built fixture of
//! tests/reference/fixtures/ pinned to hand-computed E2SFCA and 2SFCA values, errors that name what is wrong, the
//! per-area figures of the CLI and the API agreeing, and a confidential site's own position never mattering.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{fixture_paths, spawn};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn reference(name: &str) -> String {
    format!("{ROOT}/tests/reference/fixtures/{name}")
}

fn gapmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("the gapmap binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = gapmap(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "gapmap {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused(args: &[&str]) -> String {
    let out = gapmap(args);
    assert!(!out.status.success(), "gapmap {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The fixture's data files as flags (`--boundaries …`), so the CLI reads what the test server serves.
fn fixture_flags(services: &Path) -> Vec<String> {
    let paths = fixture_paths();
    [
        ("--boundaries", &paths.boundaries),
        ("--population", &paths.population),
        ("--types", &paths.types),
        ("--services", &services.to_path_buf()),
    ]
    .into_iter()
    .flat_map(|(flag, path)| [flag.to_owned(), path.display().to_string()])
    .collect()
}

fn rows(csv: &str) -> Vec<(String, f64)> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let (id, access) = line.split_once(',').expect("id,access");
            (id.to_owned(), access.parse().expect("a number"))
        })
        .collect()
}

fn hand(model: &str) -> Vec<(String, f64)> {
    let (demand, supply, cost) = (
        reference("demand.csv"),
        reference("supply.csv"),
        reference("cost.csv"),
    );
    rows(&ok(&[
        "access",
        "--type",
        "idva",
        "--demand",
        &demand,
        "--supply",
        &supply,
        "--cost",
        &cost,
        "--decay",
        "step:10=1,20=0.68,30=0.22",
        "--model",
        model,
    ]))
}

fn assert_close(actual: &[(String, f64)], expected: &[(&str, f64)]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?}");
    for ((id, a), (want_id, e)) in actual.iter().zip(expected) {
        assert_eq!(id, want_id);
        assert!((a - e).abs() <= 1e-15 * e.abs(), "{id}: {a} against {e}");
    }
}

#[test]
fn the_hand_fixture_gives_the_hand_computed_values() {
    // R = 3/334, 1/158, 2/2.2, 0 (see src/domain/planning/fca/tests.rs for the arithmetic).
    let (r1, r2, r3) = (3.0 / 334.0, 1.0 / 158.0, 2.0 / 2.2);
    assert_close(
        &hand("e2sfca"),
        &[
            ("d1", r1 + 0.22 * r2),
            ("d2", r1 + 0.68 * r2),
            ("d3", 0.68 * r1),
            ("d4", 0.22 * r3),
            ("d5", 0.0),
        ],
    );
    let (r1, r2) = (3.0 / 350.0, 1.0 / 300.0);
    assert_close(
        &hand("2sfca"),
        &[
            ("d1", r1 + r2),
            ("d2", r1 + r2),
            ("d3", r1),
            ("d4", 0.2),
            ("d5", 0.0),
        ],
    );
}

#[test]
fn bad_input_names_the_flag_or_the_file_line_and_field() {
    let stderr = refused(&["access", "--type", "idva", "--decay", "step:20=1,10=0.5"]);
    assert!(
        stderr.contains("--decay") && stderr.contains("strictly increase"),
        "{stderr}"
    );
    let stderr = refused(&["access", "--type", "idva", "--decay", "gaussian:3"]);
    assert!(stderr.contains("--max-cost"), "{stderr}");
    let stderr = refused(&["access", "--type", "nope"]);
    assert!(stderr.contains("unknown service type `nope`"), "{stderr}");

    let dir = tempfile::tempdir().expect("temp dir");
    let demand = dir.path().join("demand.csv");
    std::fs::write(&demand, "id,weight\na,1\nb,-3\n").expect("write");
    let stderr = refused(&[
        "access",
        "--type",
        "idva",
        "--demand",
        demand.to_str().expect("utf-8"),
        "--supply",
        &reference("supply.csv"),
        "--cost",
        &reference("cost.csv"),
    ]);
    assert!(
        stderr.contains("demand.csv") && stderr.contains('3') && stderr.contains("weight"),
        "{stderr}"
    );
    // Ids outside the cost file's demand: the cost file's row naming an unknown origin is named.
    std::fs::write(&demand, "id,weight\nd1,1\n").expect("write");
    let stderr = refused(&[
        "access",
        "--type",
        "idva",
        "--demand",
        demand.to_str().expect("utf-8"),
        "--supply",
        &reference("supply.csv"),
        "--cost",
        &reference("cost.csv"),
    ]);
    assert!(
        stderr.contains("cost.csv") && stderr.contains("unknown origin `d2`"),
        "{stderr}"
    );
    // No positions and no cost file: geodesic costs are impossible.
    let stderr = refused(&[
        "access",
        "--type",
        "idva",
        "--demand",
        &reference("demand.csv"),
        "--supply",
        &reference("supply.csv"),
    ]);
    assert!(stderr.contains("--cost"), "{stderr}");
}

#[test]
fn london_shares_out_every_site_capacity_exactly_once() {
    // Every bundled IDVA site lies in London, so each has demand within its catchment, and
    // Σ_i P_i·A_i = Σ_j R_j·Σ_i P_i·W(c_ij) = Σ_j S_j.
    let areas: Value = serde_json::from_str(&ok(&[
        "access",
        "--type",
        "idva",
        "--by-area",
        "--format",
        "json",
    ]))
    .expect("JSON");
    let areas = areas.as_array().expect("an array");
    assert_eq!(areas.len(), 33);
    let shared: f64 = areas
        .iter()
        .map(|a| a["demand"].as_f64().unwrap() * a["mean_access"].as_f64().unwrap_or(0.0))
        .sum();
    let services =
        std::fs::read_to_string(format!("{ROOT}/services/london-services.csv")).expect("read");
    let mut reader = csv::Reader::from_reader(services.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (kind, capacity) = (at("type"), at("capacity"));
    let total: f64 = reader
        .records()
        .map(|r| r.expect("a row"))
        .filter(|r| &r[kind] == "idva")
        .map(|r| r[capacity].parse::<f64>().unwrap_or(0.0))
        .sum();
    assert!(total > 0.0);
    assert!(
        (shared - total).abs() <= 1e-9 * total,
        "{shared} against {total}"
    );
    for a in areas {
        let (mean, min) = (a["mean_access"].as_f64(), a["min_access"].as_f64());
        if let (Some(mean), Some(min)) = (mean, min) {
            assert!(min <= mean * (1.0 + 1e-12), "{a}");
        }
        let share = a["share_below"].as_f64().expect("idva has a benchmark");
        assert!((0.0..=1.0).contains(&share), "{a}");
    }
}

#[test]
fn a_confidential_site_counts_at_its_published_point_only() {
    // Move rc-secret's true position within its own area: nothing computed may change.
    let original = fixture_paths().services;
    let text = std::fs::read_to_string(&original).expect("read");
    let moved = text.replace("51.4731837,-0.1286493", "51.4650000,-0.1350000");
    assert_ne!(
        moved, text,
        "the fixture's confidential row is where the test expects it"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let moved_path = dir.path().join("services.csv");
    std::fs::write(&moved_path, moved).expect("write");
    let run = |services: &Path, by_area: bool| {
        let mut args: Vec<String> = ["access", "--type", "rape_crisis"]
            .map(String::from)
            .to_vec();
        if by_area {
            args.push("--by-area".into());
        }
        args.extend(fixture_flags(services));
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    for by_area in [false, true] {
        let before = run(&original, by_area);
        assert!(before.lines().count() > 4, "{before}");
        assert_eq!(before, run(&moved_path, by_area));
    }
}

#[tokio::test]
async fn the_api_answers_the_same_wherever_a_confidential_site_really_is() {
    let original = fixture_paths();
    let text = std::fs::read_to_string(&original.services).expect("read");
    let moved = text.replace("51.4731837,-0.1286493", "51.4650000,-0.1350000");
    assert_ne!(moved, text);
    let dir = tempfile::tempdir().expect("temp dir");
    let moved_path = dir.path().join("services.csv");
    std::fs::write(&moved_path, moved).expect("write");
    let moved = gapmap::load::DataPaths {
        services: moved_path,
        ..fixture_paths()
    };
    let (a, b) = (spawn(&original), spawn(&moved));
    for path in [
        "/api/access?type=rape_crisis",
        "/api/access/points.geojson?type=rape_crisis",
    ] {
        let without_version = |mut v: Value| {
            v["version"] = Value::Null;
            v
        };
        let (x, y) = (a.get(path).await.expect(200), b.get(path).await.expect(200));
        assert!(!x.json()["features"].as_array().is_some_and(Vec::is_empty));
        assert_eq!(
            without_version(x.json()),
            without_version(y.json()),
            "{path}"
        );
        assert!(
            !x.body.contains("\"access\":-0.0}"),
            "{path}: a negative zero"
        );
    }
}

#[tokio::test]
async fn the_api_answers_per_area_and_per_point_as_the_cli_computes() {
    let server = spawn(&fixture_paths());
    let answer = server.get("/api/access?type=idva").await.expect(200);
    let body = answer.json();
    assert_eq!(body["type"], "idva");
    assert_eq!(body["model"], "e2sfca");
    assert_eq!(
        body["decay"],
        "step:1.6666666666666667=1,3.3333333333333335=0.68,5=0.22"
    );
    assert_eq!(body["max_cost_km"], 5.0);
    let cli: Value = serde_json::from_str(&ok(&{
        let mut args: Vec<String> = ["access", "--type", "idva", "--by-area", "--format", "json"]
            .map(String::from)
            .to_vec();
        args.extend(fixture_flags(&fixture_paths().services));
        args
    }
    .iter()
    .map(String::as_str)
    .collect::<Vec<_>>()))
    .expect("JSON");
    let areas = body["areas"].as_array().expect("areas");
    assert_eq!(areas.len(), 4, "{body}");
    for (api, cli) in areas.iter().zip(cli.as_array().expect("rows")) {
        assert_eq!(api["code"], cli["code"]);
        for (a, c) in [
            ("demand", "demand"),
            ("mean_access", "mean_access"),
            ("min_access", "min_access"),
            ("mean_rate", "mean_rate"),
            ("share_below_benchmark", "share_below"),
        ] {
            assert_eq!(api[a], cli[c], "{a} of {}", api["code"]);
        }
    }

    let points = server
        .get("/api/access/points.geojson?type=idva")
        .await
        .expect(200);
    assert!(
        points
            .header("content-type")
            .starts_with("application/geo+json")
    );
    let points = points.json();
    assert_eq!(points["type"], "FeatureCollection");
    assert_eq!(points["access"]["type"], "idva");
    let features = points["features"].as_array().expect("features");
    let total: f64 = features
        .iter()
        .map(|f| f["properties"]["weight"].as_f64().unwrap())
        .sum();
    let area_total: f64 = areas.iter().map(|a| a["demand"].as_f64().unwrap()).sum();
    assert!((total - area_total).abs() <= 1e-9 * area_total);
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        for c in f["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates")
        {
            let c = c.as_f64().unwrap();
            assert_eq!((c * 1e6).round() / 1e6, c, "rounded to 6 decimals: {f}");
        }
    }

    let two_step = server
        .get("/api/access?type=idva&model=2sfca")
        .await
        .expect(200);
    assert_eq!(two_step.json()["model"], "2sfca");
    for (query, parameter) in [
        ("", "type"),
        ("?type=nope", "type"),
        ("?type=idva&model=3sfca", "model"),
    ] {
        for path in ["/api/access", "/api/access/points.geojson"] {
            let answer = server.get(&format!("{path}{query}")).await.expect(400);
            assert!(
                answer.body.contains(parameter),
                "{path}{query}: {}",
                answer.body
            );
        }
    }
}
