//! Figures files (`--figures`): a type measured against per-area figures instead of a population, through the
//! binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn report(figures: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args([
            "report",
            "--type",
            "idva",
            "--format",
            "json",
            "--boundaries",
        ])
        .arg(fixture("api/areas.geojson"))
        .arg("--population")
        .arg(fixture("api/population.csv"))
        .arg("--types")
        .arg(fixture("figures/types.csv"))
        .arg("--services")
        .arg(fixture("api/services.csv"))
        .arg("--figures")
        .arg(figures)
        .output()
        .expect("gapmap runs")
}

#[test]
fn a_type_is_measured_against_the_figures_it_names() {
    let output = report(&fixture("figures/figures.csv"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let idva = &report["types"][0];
    assert_eq!(idva["basis"], "da_offences");
    let offences = [
        ("E09000901", 4000.0),
        ("E09000902", 5000.0),
        ("E09000903", 1000.0),
        ("E09000904", 2000.0),
    ];
    let areas = idva["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 4);
    let mut total_capacity = 0.0;
    for area in areas {
        let code = area["code"].as_str().unwrap();
        let count = offences.iter().find(|(c, _)| *c == code).unwrap().1;
        let share = area["capacity_share"].as_f64().unwrap();
        total_capacity += share;
        let rate = area["rate"].as_f64().unwrap();
        assert!(
            (rate - share / count * 1000.0).abs() < 1e-12,
            "{code}: rate {rate}, share {share}"
        );
        let required = area["required"].as_f64().unwrap();
        assert!(
            (required - count / 1000.0).abs() < 1e-12,
            "{code}: required {required}"
        );
    }
    let overall = idva["overall_rate"].as_f64().unwrap();
    assert!((overall - total_capacity / 12_000.0 * 1000.0).abs() < 1e-12);
    let notices = report["notices"]["estimated_basis"].to_string();
    assert!(
        notices.contains("da_offences: illustrative figures for tests (none (invented))"),
        "{notices}"
    );
}

#[test]
fn bad_figures_are_refused_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "code,da_offences,source\nE09000901,10,x\n",
            "no row for area E09000902",
        ),
        (
            "code,women,source\nE09000901,1,x\nE09000902,1,x\nE09000903,1,x\nE09000904,1,x\n",
            "column `women` is already a basis",
        ),
        (
            "code,da_offences,source\nE09000901,-3,x\nE09000902,1,x\nE09000903,1,x\nE09000904,1,x\n",
            "`-3` is not a positive number",
        ),
        (
            "code,da_offences,source\nE09000999,1,x\nE09000901,1,x\nE09000902,1,x\nE09000903,1,x\nE09000904,1,x\n",
            "unknown area E09000999",
        ),
        ("code,da_offences\nE09000901,1\n", "missing column `source`"),
    ];
    for (n, (text, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("figures-{n}.csv"));
        std::fs::write(&file, text).unwrap();
        let output = report(&file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "case {n} was accepted");
        assert!(
            stderr.contains(expected) && stderr.contains(&format!("figures-{n}.csv")),
            "case {n}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "case {n} printed a report");
    }
}
