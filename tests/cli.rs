//! The command line through the real binary: `report`, `validate`, and every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cli");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn gapmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the gapmap binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `validate` on `services` (contents) against the fixture areas and types.
fn validate_listing(services: &str) -> Output {
    validate_against(services, &fixture("types.csv"))
}

/// Runs `validate` on `services` (contents) against the fixture areas and the taxonomy at `types`.
fn validate_against(services: &str, types: &Path) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("listings.csv");
    std::fs::write(&file, services).expect("write listings");
    let out = gapmap(&[
        "validate",
        file.to_str().expect("utf-8 path"),
        "--boundaries",
        fixture("boundaries.geojson").to_str().expect("utf-8"),
        "--population",
        fixture("population.csv").to_str().expect("utf-8"),
        "--types",
        types.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        services,
        "validate must not change the file"
    );
    out
}

const HEADER: &str = "id,name,provider,type,lat,lon,location_precision,serves,capacity,specialisms,setting,phone,website,last_verified,source\n";
const GOOD_ROW: &str =
    "ok-1,Fine,Org,isva,51.52,-0.15,exact,,1,,community,,,2026-01-01,illustrative\n";

/// Asserts a failed run whose stderr names `line` and `field`, and returns stderr.
fn assert_rejected(out: &Output, line: u64, field: &str) -> String {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stdout: {}",
        text(&out.stdout)
    );
    assert!(
        stderr.contains(&format!("line {line}")),
        "stderr should name line {line}:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("field `{field}`")),
        "stderr should name field {field}:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn validate_accepts_the_fixture_and_the_bundled_listings() {
    let out = validate_listing(&std::fs::read_to_string(fixture("services.csv")).expect("fixture"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 listings, all valid against 2 areas and 2 service types"),
        "{}",
        text(&out.stdout)
    );

    let out = gapmap(&["validate", "services/london-services.csv"]);
    assert!(
        out.status.success(),
        "bundled listings must validate:\n{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_names_line_and_field_of_each_problem() {
    let cases = [
        (
            "unk-type,X,Org,counselling,51.52,-0.15,exact,,1,,community,,,2026-01-01,s\n",
            "type",
            "unknown service type",
        ),
        (
            "nan-lat,X,Org,isva,NaN,-0.15,exact,,1,,community,,,2026-01-01,s\n",
            "lat",
            "not a finite number",
        ),
        (
            "far-lon,X,Org,isva,51.52,200,exact,,1,,community,,,2026-01-01,s\n",
            "lon",
            "out of range",
        ),
        (
            "outside,X,Org,isva,52.5,-0.15,exact,,1,,community,,,2026-01-01,s\n",
            "lat",
            "outside every area",
        ),
        (
            "bad-code,X,Org,isva,51.52,-0.15,exact,E09000099,1,,community,,,2026-01-01,s\n",
            "serves",
            "unknown area code",
        ),
        (
            "bad-gss,X,Org,isva,51.52,-0.15,exact,Southwark,1,,community,,,2026-01-01,s\n",
            "serves",
            "not a GSS code",
        ),
        (
            "bad-cap,X,Org,isva,51.52,-0.15,exact,,lots,,community,,,2026-01-01,s\n",
            "capacity",
            "non-negative number",
        ),
        (
            "bad-date,X,Org,isva,51.52,-0.15,exact,,1,,community,,,01/02/2026,s\n",
            "last_verified",
            "ISO date",
        ),
        (
            "bad-prec,X,Org,isva,51.52,-0.15,vague,,1,,community,,,2026-01-01,s\n",
            "location_precision",
            "exact or confidential",
        ),
        (
            "ok-1,Dup,Org,isva,51.52,-0.15,exact,,1,,community,,,2026-01-01,s\n",
            "id",
            "duplicate `ok-1`",
        ),
        (
            "bad-spec,X,Org,isva,51.52,-0.15,exact,,1,deaf;youth,community,,,2026-01-01,s\n",
            "specialisms",
            "`youth` is not a specialism (one of young_people, bame, lgbt, disability, complex_needs, deaf, \
             older_women, migrant_women)",
        ),
        (
            "future,X,Org,isva,51.52,-0.15,exact,,1,,community,,,2999-01-01,s\n",
            "last_verified",
            "2999-01-01 is after today (",
        ),
    ];
    for (row, field, message) in cases {
        let out = validate_listing(&format!("{HEADER}{GOOD_ROW}{row}"));
        let stderr = assert_rejected(&out, 3, field);
        assert!(
            stderr.contains(message),
            "expected `{message}` for {field}:\n{stderr}"
        );
        assert!(
            stderr.contains("listings.csv"),
            "stderr should name the file:\n{stderr}"
        );
    }
}

#[test]
fn validate_reports_syntax_reference_and_geometry_problems_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let types = dir.path().join("types.csv");
    let fixture_types = std::fs::read_to_string(fixture("types.csv")).expect("fixture");
    // A type measured against a basis no area has: a reference problem of the types file (its line 4).
    std::fs::write(
        &types,
        format!("{fixture_types}outreach,Outreach,,,men,FTE workers,3,,exact_allowed,100\n"),
    )
    .expect("write types");
    let listings = format!(
        "{HEADER}{GOOD_ROW}\
         nan-lat,X,Org,isva,NaN,-0.15,exact,,1,,community,,,2026-01-01,s\n\
         unk-type,X,Org,counselling,51.52,-0.15,exact,,1,,community,,,2026-01-01,s\n\
         outside,X,Org,isva,52.5,-0.15,exact,,1,,community,,,2026-01-01,s\n"
    );
    let out = validate_against(&listings, &types);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    for expected in [
        "types.csv line 4, field `benchmark_basis`: basis `men` has no positive count",
        "listings.csv line 3, field `lat`: `NaN` is not a finite number",
        "listings.csv line 4, field `type`: unknown service type `counselling`",
        "listings.csv line 5, field `lat`: point (lat 52.5, lon -0.15) lies outside every area",
    ] {
        assert!(
            stderr.contains(expected),
            "expected `{expected}` in:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("line 2"),
        "the good row has no problem:\n{stderr}"
    );
}

#[test]
fn malformed_and_empty_files_are_refused_clearly() {
    let out = validate_listing(&format!("{HEADER}{GOOD_ROW}only,three,fields\n"));
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("line 3") && stderr.contains("malformed"),
        "{stderr}"
    );

    let out = validate_listing("");
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("listings.csv") && stderr.contains("empty"),
        "{stderr}"
    );

    let out = validate_listing("id,name,colour\nx,y,z\n");
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success()
            && stderr.contains("field `colour`")
            && stderr.contains("unknown column"),
        "{stderr}"
    );
    assert!(
        stderr.contains("field `lat`") && stderr.contains("missing column"),
        "{stderr}"
    );
}

#[test]
fn boundaries_that_are_not_a_feature_collection_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, contents, message) in [
        (
            "point.geojson",
            r#"{"type":"Point","coordinates":[0,51]}"#,
            "expected a GeoJSON FeatureCollection",
        ),
        (
            "broken.geojson",
            "{\"type\": \"FeatureCollection\", \"features\": [",
            "not valid GeoJSON",
        ),
        ("empty.geojson", "", "empty"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, contents).expect("write");
        let out = gapmap(&["report", "--boundaries", file.to_str().expect("utf-8")]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{name} should fail");
        assert!(
            stderr.contains(name) && stderr.contains(message),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn report_refuses_unknown_type_and_area() {
    let out = gapmap(&["report", "--type", "astrology"]);
    assert!(
        !out.status.success() && text(&out.stderr).contains("unknown service type `astrology`"),
        "{}",
        text(&out.stderr)
    );
    let out = gapmap(&["report", "--area", "E09000099"]);
    assert!(
        !out.status.success() && text(&out.stderr).contains("unknown area code `E09000099`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn report_json_covers_every_area_and_type_of_the_bundled_data() {
    let out = gapmap(&["report", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    let types = report["types"].as_array().expect("types array");
    let taxonomy = std::fs::read_to_string("services/types.csv").expect("types.csv");
    assert_eq!(
        types.len(),
        taxonomy
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count()
    );
    assert!(types.len() >= 10);
    for t in types {
        let areas = t["areas"].as_array().expect("areas array");
        assert_eq!(areas.len(), 33, "type {}", t["id"]);
        assert!(
            t["lottery"]["gini"].is_number() || t["lottery"]["gini"].is_null(),
            "{}",
            t["lottery"]
        );
        assert!(t["lottery"]["areas_none"].is_u64(), "{}", t["lottery"]);
    }
    assert!(
        report["notices"]["sample_data"]
            .as_str()
            .is_some_and(|n| n.contains("illustrative")),
        "{}",
        report["notices"]
    );
    let estimated = report["notices"]["estimated_basis"]
        .as_array()
        .expect("estimated list");
    assert!(
        estimated
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("Southwark"))),
        "{estimated:?}"
    );
    assert!(
        !estimated
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("Bexley"))),
        "Bexley's count is published"
    );
}

#[test]
fn report_places_the_havens_in_their_boroughs() {
    let out = gapmap(&["report", "--type", "haven"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line_of = |needle: &str| {
        stdout
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} missing:\n{stdout}"))
    };
    let area_before = |line: usize| {
        stdout
            .lines()
            .take(line)
            .filter(|l| l.trim_start().starts_with("E09"))
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        area_before(line_of("Paddington Haven")).contains("Westminster"),
        "{stdout}"
    );
    assert!(
        area_before(line_of("Whitechapel Haven")).contains("Tower Hamlets"),
        "{stdout}"
    );
    assert!(
        area_before(line_of("Camberwell Haven")).contains("Southwark"),
        "{stdout}"
    );
    assert!(
        stdout.contains("SAMPLE DATA"),
        "the sample notice must be printed:\n{stdout}"
    );
    assert!(
        stdout.contains("Council of Europe"),
        "the benchmark source must be printed:\n{stdout}"
    );
}

#[test]
fn report_csv_has_one_row_per_area_and_type() {
    let out = gapmap(&["report", "--format", "csv", "--type", "idva"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        out.stdout.starts_with(b"# SAMPLE DATA"),
        "the sample-data notice is the CSV's first line:\n{}",
        text(&out.stdout)
    );
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(out.stdout.as_slice());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[0], "code");
    assert!(headers.iter().any(|h| h == "shortfall"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 33);
    assert!(rows.iter().all(|r| &r[2] == "idva"));
}
