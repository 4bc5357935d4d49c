//! Hub siting through the front door: `gapmap plan` as a real process and `POST /api/plan` over real HTTP, on the
//! four-square fixture (areas 0.1° × 0.1° side by side: Westfield, Midford, Eastbury in a row, Northholt above
//! Westfield; women 100,000, 150,000, 50,000, 50,000; representative points at the squares' centres, about
//! 6.95 km apart along the row and 11.1 km up).

mod common;

use std::path::Path;

use serde_json::json;

use common::{gapmap_on_fixture as gapmap, plan_json as answer};

const AREAS_ONLY: [&str; 5] = [
    "--demand",
    "areas",
    "--candidates",
    "areas",
    "--no-keep-existing",
];

#[test]
fn mclp_on_the_fixture_by_hand() {
    // Within 7 km, Midford's point reaches Westfield's and Eastbury's (6.95 km) but not Northholt's (13.1 km):
    // 100,000 + 150,000 + 50,000 = 300,000 women. Then Northholt adds its own 50,000 and every woman is covered.
    for solver in ["--exact", "--heuristic"] {
        let mut args = vec!["plan", "--type", "idva", "--k", "2", "--model", "mclp"];
        args.extend(["--radius", "7", solver]);
        args.extend(AREAS_ONLY);
        let plan = answer(&gapmap(&args));
        assert_eq!(plan["chosen"], json!(["E09000902", "E09000904"]), "{plan}");
        assert_eq!(plan["objective"], 350_000.0);
        assert_eq!(plan["steps"][0]["adds"], 300_000.0);
        assert_eq!(plan["steps"][1]["adds"], 50_000.0);
        assert_eq!(plan["bound"], 350_000.0);
        assert_eq!(plan["optimal"], true);
        assert_eq!(plan["fixed"], json!([]));
        // Per area: nothing open before; after, every woman of every area is within 7 km of a chosen site.
        let areas = plan["areas"].as_array().expect("areas");
        let covered: Vec<(&str, f64, f64, f64)> = areas
            .iter()
            .map(|a| {
                let figure = |when: &str| a[when]["covered"].as_f64().expect("covered");
                (
                    a["code"].as_str().expect("code"),
                    a["demand"].as_f64().expect("demand"),
                    figure("before"),
                    figure("after"),
                )
            })
            .collect();
        assert_eq!(
            covered,
            [
                ("E09000901", 100_000.0, 0.0, 100_000.0),
                ("E09000902", 150_000.0, 0.0, 150_000.0),
                ("E09000903", 50_000.0, 0.0, 50_000.0),
                ("E09000904", 50_000.0, 0.0, 50_000.0),
            ],
            "{plan}"
        );
        assert_eq!(areas[1]["after"]["share"], 1.0);
        assert!(areas[1].get("mean_cost").is_none(), "{plan}");
    }
}

#[test]
fn pmedian_with_a_cost_file_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    // Demand 1, 1, 2 at 0, 4, 10 on a line; candidates at 0, 5, 10; cost |x − y|; M = 8 caps the far pairs.
    let demand = write("demand.csv", "id,weight\na,1\nb,1\nc,2\n");
    let candidates = write("candidates.csv", "id\nx0\nx5\nx10\n");
    let costs = write(
        "costs.csv",
        "origin,destination,cost\na,x0,0\na,x5,5\na,x10,10\nb,x0,4\nb,x5,1\nb,x10,6\nc,x0,10\nc,x5,5\nc,x10,0\n",
    );
    let base = [
        "plan",
        "--type",
        "idva",
        "--model",
        "pmedian",
        "--max-cost",
        "8",
    ];
    let run = |k: &str| {
        let mut args = base.to_vec();
        args.extend(["--k", k, "--demand", &demand, "--candidates", &candidates]);
        args.extend(["--cost", &costs, "--no-keep-existing", "--exact"]);
        answer(&gapmap(&args))
    };
    // k = 1: x10 costs 8 (capped) + 6 + 0 = 14, x5 16, x0 20. k = 2: {x0, x10} costs 0 + 4 + 0 = 4.
    let one = run("1");
    assert_eq!(
        (one["chosen"].clone(), one["objective"].clone()),
        (json!(["x10"]), json!(14.0))
    );
    assert_eq!(one["steps"][0]["adds"], 32.0 - 14.0);
    let two = run("2");
    assert_eq!(two["objective"], 4.0);
    assert_eq!(two["chosen"], json!(["x10", "x0"]));

    // A cost naming an unknown candidate: the file, line and field are named, and the exit is non-zero.
    let bad = write("bad.csv", "origin,destination,cost\na,x0,1\na,nowhere,2\n");
    let mut args = base.to_vec();
    args.extend(["--k", "1", "--demand", &demand, "--candidates", &candidates]);
    args.extend(["--cost", &bad, "--no-keep-existing"]);
    let out = gapmap(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.csv") && stderr.contains("line 3") && stderr.contains("destination"),
        "{stderr}"
    );
    // k beyond the candidates.
    let mut args = base.to_vec();
    args.extend([
        "--k",
        "4",
        "--demand",
        &demand,
        "--candidates",
        &candidates,
        "--cost",
        &costs,
        "--no-keep-existing",
    ]);
    let out = gapmap(&args);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("k = 4 but only 3 candidate sites"));
}

#[test]
fn confidential_sites_enter_at_their_published_point_and_output_is_reproducible() {
    let dir = tempfile::tempdir().expect("temp dir");
    let instance = dir.path().join("instance");
    let args = [
        "plan",
        "--type",
        "rape_crisis",
        "--k",
        "1",
        "--model",
        "mclp",
        "--demand",
        "areas",
        "--candidates",
        "areas",
        "--write-instance",
        instance.to_str().expect("utf-8"),
    ];
    let first = gapmap(&args);
    let plan = answer(&first);
    assert_eq!(plan["fixed"], json!(["rc-secret", "rc-west"]));
    let candidates = std::fs::read_to_string(instance.join("candidates.csv")).expect("candidates");
    let row = |id: &str| {
        candidates
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .map(|l| l.split(',').skip(1).take(2).collect::<Vec<_>>().join(","))
            .expect("a row")
    };
    // The confidential site is at Midford's representative point, and its own position is written nowhere.
    assert_eq!(row("rc-secret"), row("E09000902"));
    for file in ["candidates.csv", "costs.csv", "demand.csv"] {
        let text = std::fs::read_to_string(instance.join(file)).expect("written");
        assert!(
            !text.contains("51.4731837") && !text.contains("-0.1286493"),
            "{file}"
        );
    }
    assert!(!String::from_utf8_lossy(&first.stdout).contains("51.473"));
    assert_eq!(
        first.stdout,
        gapmap(&args).stdout,
        "the same question, the same answer"
    );
    assert!(Path::new(&instance.join("instance.json")).exists());
}

#[tokio::test]
async fn post_plan_answers_and_refuses_clearly() {
    let server = common::spawn(&common::fixture_paths());
    let post = |body: String| server.post_with("/api/plan", &[], body);
    let ok = post(
        json!({"type": "idva", "k": 2, "model": "mclp", "radius": 7, "demand": "areas",
               "candidates": "areas", "keep_existing": false, "solver": "exact"})
        .to_string(),
    )
    .await
    .expect(200);
    let plan = ok.json();
    assert_eq!(plan["chosen"], json!(["E09000902", "E09000904"]), "{plan}");
    assert_eq!(plan["objective"], 350_000.0);
    assert_eq!(plan["optimal"], true);

    // Inline candidates, and the confidential site kept open at Midford's representative point: within 1 m
    // it covers exactly Midford's 150,000 women (its real position is 3 km away from that point).
    let confidential = post(
        json!({"type": "rape_crisis", "k": 1, "model": "mclp", "radius": 0.001, "demand": "areas",
               "candidates": [{"id": "far", "lat": 51.58, "lon": -0.29}]})
        .to_string(),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(confidential["base"], 150_000.0, "{confidential}");
    assert_eq!(confidential["chosen"], json!(["far"]));

    // The per-area figures add up to the London-wide objective, on the default grid demand with the existing
    // sites kept open, for both models; the chosen sites' areas are marked.
    for (model, extra) in [("mclp", json!({"radius": 3})), ("pmedian", json!({}))] {
        let mut body = json!({"type": "idva", "k": 2, "model": model, "solver": "heuristic"});
        body.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        let plan = post(body.to_string()).await.expect(200).json();
        let areas = plan["areas"].as_array().expect("areas");
        assert_eq!(areas.len(), 4, "{plan}");
        let sum = |when: &str| -> f64 {
            areas
                .iter()
                .map(|a| match model {
                    "mclp" => a[when]["covered"].as_f64().expect("covered"),
                    _ => {
                        a["demand"].as_f64().expect("demand")
                            * a[when]["mean_cost"].as_f64().expect("mean")
                    }
                })
                .sum()
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        let objective = plan["objective"].as_f64().expect("objective");
        let base = plan["base"].as_f64().expect("base");
        assert!(
            close(sum("after"), objective),
            "{model}: {} vs {objective}",
            sum("after")
        );
        assert!(
            close(sum("before"), base),
            "{model}: {} vs {base}",
            sum("before")
        );
        let demand: f64 = areas
            .iter()
            .map(|a| a["demand"].as_f64().expect("demand"))
            .sum();
        assert!(
            close(demand, plan["demand_total"].as_f64().expect("total")),
            "{plan}"
        );
        let marked = areas.iter().filter(|a| a["chosen_here"] == true).count();
        assert!((1..=2).contains(&marked), "{plan}");
    }

    // With a hub capacity, the chosen hub (in Eastbury, which no IDVA site serves) is added as a site serving
    // Eastbury: its 50,000 women need 4 × 0.5 = 2 advisers, and a 2-adviser hub meets that.
    let east = json!([{"id": "east-hub", "lat": 51.43, "lon": -0.05}]);
    let plan = post(
        json!({"type": "idva", "k": 1, "model": "mclp", "candidates": east, "hub_capacity": 2})
            .to_string(),
    )
    .await
    .expect(200)
    .json();
    let areas = plan["areas"].as_array().expect("areas");
    let eastbury = areas
        .iter()
        .find(|a| a["code"] == "E09000903")
        .expect("Eastbury");
    assert_eq!(eastbury["chosen_here"], true, "{plan}");
    assert_eq!(
        eastbury["gaps"],
        json!({"before": {"capacity_share": 0.0, "shortfall": 2.0, "status": "none"},
               "after": {"capacity_share": 2.0, "shortfall": 0.0, "status": "meets"}}),
        "{plan}"
    );
    for other in areas.iter().filter(|a| a["code"] != "E09000903") {
        assert_eq!(other["gaps"]["before"], other["gaps"]["after"], "{plan}");
    }
    let without =
        post(json!({"type": "idva", "k": 1, "model": "mclp", "candidates": east}).to_string())
            .await
            .expect(200)
            .json();
    assert!(without["areas"][0].get("gaps").is_none(), "{without}");
    for (capacity, needle) in [(json!(101), "capacity_max"), (json!(-1), "finite number")] {
        let body = json!({"type": "idva", "k": 1, "model": "mclp", "candidates": east,
                          "hub_capacity": capacity});
        let refused = post(body.to_string()).await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert!(refused.body.contains("hub_capacity"), "{}", refused.body);
        assert!(refused.body.contains(needle), "{}", refused.body);
    }

    let bad_json = post("{\"type\": ".into()).await;
    assert_eq!(bad_json.status, 400, "{}", bad_json.body);
    for (body, needle) in [
        (json!({"type": "idva", "k": 51, "model": "mclp"}), "1..=50"),
        (
            json!({"type": "nope", "k": 1, "model": "mclp"}),
            "unknown service type",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "mclp", "candidates": "demand"}),
            "over the limit of 5000000",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "mclp", "candidates": "moon"}),
            "`moon`",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "median"}),
            "unknown variant `median`",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "mclp", "radius": -1}),
            "radius",
        ),
        (
            json!({"type": "idva", "k": 3, "model": "mclp", "min_per_area": 2, "keep_existing": false,
                "candidates": "areas"}),
            "needs 2 more sites",
        ),
    ] {
        let answer = post(body.to_string()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.body);
        assert!(answer.body.contains(needle), "{body}: {}", answer.body);
    }
}
