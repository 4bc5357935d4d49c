//! Capacitated hub siting through the front door: `gapmap plan` as a real process and `POST /api/plan` over real
//! HTTP, on the four-square fixture (Westfield, Midford, Eastbury in a row, Northholt above Westfield; women
//! 100,000, 150,000, 50,000, 50,000; representative points about 6.95 km apart along the row and 11.1 km up).
//! `idva`'s benchmark is 4 FTE advisers per 100,000 women, so one adviser serves 25,000 women; its sites are
//! idva-west (2 advisers, 5.2 km from Westfield's point, 10 km and more from the others) and idva-mid (3 advisers,
//! 5.3 km from Westfield's point and 4.3 km from Midford's). `isva` has no benchmark.

mod common;

use std::process::Output;

use serde_json::{Value, json};

use common::{gapmap_on_fixture as gapmap, plan_json as answer};

fn refused(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const MCLP_AREAS: [&str; 13] = [
    "plan",
    "--type",
    "idva",
    "--model",
    "mclp",
    "--radius",
    "7",
    "--demand",
    "areas",
    "--candidates",
    "areas",
    "--no-keep-existing",
    "--exact",
];

#[test]
fn a_binding_hub_capacity_changes_the_choice_and_a_loose_one_does_not() {
    let run = |k: &str, extra: &[&str]| {
        let mut args = MCLP_AREAS.to_vec();
        args.extend(["--k", k]);
        args.extend(extra);
        answer(&gapmap(&args))
    };
    // Uncapacitated, k = 2: Midford's point covers Westfield, Midford and Eastbury (300,000), Northholt's its own.
    let plain = run("2", &[]);
    assert_eq!(plain["objective"], 350_000.0);
    assert!(plain.get("served").is_none(), "{plain}");
    // At most 8 advisers (8 × 25,000 = 200,000 women) per hub: {Midford, Northholt} serves 200,000 + 50,000; two hubs on the row reach
    // Westfield, Midford and Eastbury and can serve all 300,000 of them between them — the optimum.
    let capped = run("2", &["--hub-capacity", "8"]);
    assert_eq!(capped["objective"], 300_000.0, "{capped}");
    assert_eq!(capped["optimal"], true);
    assert!(
        !capped["chosen"]
            .as_array()
            .unwrap()
            .contains(&json!("E09000904"))
    );
    let served: f64 = capped["served"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["served"].as_f64().unwrap())
        .sum();
    assert_eq!(served, 300_000.0);
    for site in capped["served"].as_array().unwrap() {
        assert_eq!(site["capacity"], 200_000.0);
        assert!(site["served"].as_f64().unwrap() <= 200_000.0);
    }
    // Per area, what the assignment gives each area's demand: the rows add up to the capacitated objective and
    // base, not to the demand within reach (350,000).
    let rows = capped["areas"].as_array().expect("areas");
    let total = |when: &str| -> f64 {
        rows.iter()
            .map(|r| r[when]["covered"].as_f64().expect("covered"))
            .sum()
    };
    assert!((total("after") - 300_000.0).abs() < 1e-6, "{capped}");
    assert!((total("before") - capped["base"].as_f64().unwrap()).abs() < 1e-6);
    // 14 advisers (350,000 women) per hub never binds: the uncapacitated answer, chosen sites, account and bound alike.
    let loose = run("2", &["--hub-capacity", "14"]);
    for key in ["chosen", "objective", "bound", "base", "steps", "optimal"] {
        assert_eq!(loose[key], plain[key], "{key}: {loose} vs {plain}");
    }
    let heuristic = {
        let mut args = MCLP_AREAS[..12].to_vec();
        args.extend(["--k", "2", "--hub-capacity", "8", "--heuristic"]);
        answer(&gapmap(&args))
    };
    assert_eq!(heuristic["objective"], 300_000.0);
}

#[test]
fn existing_sites_serve_their_advisers_at_the_benchmark_rate() {
    // Kept open with `--capacitated`: idva-west serves at most 2 × 25,000 = 50,000 (Westfield only), idva-mid
    // 3 × 25,000 = 75,000 (Westfield, Midford): 125,000 women (250,000 without capacities). A new hub without a
    // capacity is unlimited: at Midford's point it serves the other 175,000 of Westfield, Midford and Eastbury.
    let args = [
        "plan",
        "--type",
        "idva",
        "--k",
        "1",
        "--model",
        "mclp",
        "--radius",
        "7",
        "--demand",
        "areas",
        "--candidates",
        "areas",
        "--capacitated",
        "--exact",
    ];
    let plan = answer(&gapmap(&args));
    assert_eq!(plan["base"], 125_000.0, "{plan}");
    assert_eq!(plan["objective"], 300_000.0);
    assert_eq!(plan["chosen"], json!(["E09000902"]));
    assert_eq!(
        plan["served"],
        json!([
            {"id": "idva-west", "capacity": 50_000.0, "served": 50_000.0},
            {"id": "idva-mid", "capacity": 75_000.0, "served": 75_000.0},
            {"id": "E09000902", "capacity": null, "served": 175_000.0},
        ])
    );
    // Per area, what the assignment gives: before, 125,000 between Westfield and Midford (250,000 lie within reach
    // of the kept sites); after, the objective.
    let rows = plan["areas"].as_array().expect("areas");
    let total = |when: &str| -> f64 {
        rows.iter()
            .map(|r| r[when]["covered"].as_f64().expect("covered"))
            .sum()
    };
    assert!((total("before") - 125_000.0).abs() < 1e-6, "{plan}");
    assert!((total("after") - 300_000.0).abs() < 1e-6, "{plan}");
}

#[test]
fn a_candidates_file_with_capacities_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    // Demand 1, 1, 2 (× 25,000 women) at 0, 4, 10 on a line; candidates at 0, 5, 10 with 2 advisers each
    // (serving at most 2 × 25,000 women at idva's benchmark); M = 8. Every figure below is 25,000 × the unit one.
    let demand = write("demand.csv", "id,weight\na,25000\nb,25000\nc,50000\n");
    let candidates = write("candidates.csv", "id,capacity\nx0,2\nx5,2\nx10,2\n");
    let costs = write(
        "costs.csv",
        "origin,destination,cost\na,x0,0\na,x5,5\na,x10,10\nb,x0,4\nb,x5,1\nb,x10,6\nc,x0,10\nc,x5,5\nc,x10,0\n",
    );
    let instance = dir.path().join("instance");
    let run = |k: &str, candidates: &str| {
        gapmap(&[
            "plan",
            "--type",
            "idva",
            "--model",
            "pmedian",
            "--max-cost",
            "8",
            "--k",
            k,
            "--demand",
            &demand,
            "--candidates",
            candidates,
            "--cost",
            &costs,
            "--no-keep-existing",
            "--exact",
            "--write-instance",
            instance.to_str().expect("utf-8"),
        ])
    };
    // k = 1 (in units of 25,000): x10 serves c's 2 at cost 0, a and b count at M: 16 (14 without capacities);
    // x0 20; x5 30. The instance written has each capacity in women.
    let one = answer(&run("1", &candidates));
    assert_eq!(
        (one["chosen"].clone(), one["objective"].clone()),
        (json!(["x10"]), json!(400_000.0))
    );
    // k = 2: {x0, x10} serves everyone within the capacities: 4, as without them.
    let two = answer(&run("2", &candidates));
    assert_eq!(two["objective"], 100_000.0);
    let written = std::fs::read_to_string(instance.join("candidates.csv")).expect("written");
    assert!(
        written.starts_with("id,lat,lon,fixed,capacity\nx0,,,false,50000\n"),
        "{written}"
    );

    for (text, needle) in [
        ("id,capacity\nx0,2\nx5,-1\nx10,2\n", "line 3"),
        ("id,capacity\nx0,NaN\nx5,1\nx10,2\n", "line 2"),
    ] {
        let bad = write("bad.csv", text);
        let stderr = refused(&run("1", &bad));
        assert!(
            stderr.contains("bad.csv") && stderr.contains(needle) && stderr.contains("capacity"),
            "{stderr}"
        );
    }
}

#[test]
fn capacities_are_refused_clearly() {
    let base = [
        "plan", "--type", "idva", "--k", "1", "--model", "mclp", "--demand", "areas",
    ];
    for bad in ["-5", "NaN", "inf"] {
        let mut args = base.to_vec();
        args.extend(["--hub-capacity", bad]);
        let stderr = refused(&gapmap(&args));
        assert!(stderr.contains("--hub-capacity"), "{bad}: {stderr}");
    }
    // The 250 m grid is too many demand points for the flow: refused with the limit, not left running.
    let stderr = refused(&gapmap(&[
        "plan",
        "--type",
        "idva",
        "--k",
        "1",
        "--model",
        "mclp",
        "--capacitated",
    ]));
    assert!(
        stderr.contains("over the limit of 1000") && stderr.contains("--demand areas"),
        "{stderr}"
    );
    // isva has no benchmark: its sites' advisers cannot be turned into women.
    let mut args = base.to_vec();
    args[2] = "isva";
    args.push("--capacitated");
    let stderr = refused(&gapmap(&args));
    assert!(stderr.contains("no benchmark"), "{stderr}");
    // Nor can a hub capacity, even with the existing sites free to close.
    args.extend([
        "--no-keep-existing",
        "--candidates",
        "areas",
        "--hub-capacity",
        "5",
    ]);
    let stderr = refused(&gapmap(&args));
    assert!(stderr.contains("no benchmark"), "{stderr}");
}

#[tokio::test]
async fn post_plan_with_capacities() {
    let server = common::spawn(&common::fixture_paths());
    let post = |body: Value| server.post_with("/api/plan", &[], body.to_string());
    let question = json!({"type": "idva", "k": 2, "model": "mclp", "radius": 7, "demand": "areas",
        "candidates": "areas", "keep_existing": false, "solver": "exact", "hub_capacity": 8,
        "capacitated": true});
    let plan = post(question.clone()).await.expect(200).json();
    assert_eq!(plan["objective"], 300_000.0, "{plan}");
    assert_eq!(plan["served"].as_array().map(Vec::len), Some(2), "{plan}");

    // Existing sites at their advisers' worth, with an inline place of its own capacity.
    let inline = post(
        json!({"type": "idva", "k": 1, "model": "mclp", "radius": 7, "demand": "areas",
        "candidates": [{"id": "east", "lat": 51.45, "lon": -0.05, "capacity": 1.6}]}),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(inline["base"], 125_000.0, "{inline}");
    assert_eq!(inline["objective"], 165_000.0, "{inline}");

    for (body, field, needle) in [
        (
            json!({"type": "idva", "k": 1, "model": "mclp", "hub_capacity": -1}),
            "hub_capacity",
            "≥ 0",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "mclp",
                   "candidates": [{"id": "p", "lat": 51.45, "lon": -0.1, "capacity": -3}]}),
            "candidates",
            "capacity",
        ),
        (
            json!({"type": "isva", "k": 1, "model": "mclp", "capacitated": true, "demand": "areas"}),
            "capacitated",
            "no benchmark",
        ),
        (
            json!({"type": "idva", "k": 1, "model": "mclp", "capacitated": true}),
            "demand",
            "over the limit of 1000",
        ),
    ] {
        let answer = post(body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.body);
        let error: Value = serde_json::from_str(&answer.body).expect("JSON");
        assert!(
            answer.body.contains(field) && answer.body.contains(needle),
            "{body}: {error}"
        );
    }
}
