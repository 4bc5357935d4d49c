//! The map page in a real browser: the real `gapmap serve` on the bundled data plus one hostile listing, driven by
//! Debian's chromium through playwright-core (`tests/browser/run.mjs`). Each test runs one scenario of the driver;
//! every scenario also checks that no request went to another host and that no dialog opened.
//!
//! Needs `/usr/bin/chromium` (or `GAPMAP_CHROMIUM`) and `npm ci` in `tests/browser`; `tests/run.sh` (which
//! `.ci/run` calls) installs both.
//! A missing browser is a failure, not a skip. Screenshots go to `target/screenshots/`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A listing whose name is markup: it must show as these characters, and never run.
const HOSTILE_LISTING: &str = "xss-test,<img src=x onerror=alert(1)>,\"<script>alert(2)</script>\",isva,51.54500,-0.14000,exact,,1,,community,020 7946 0999,https://example.org/xss,2026-01-01,illustrative browser-test row\n";

fn chromium() -> PathBuf {
    std::env::var_os("GAPMAP_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Fails with the fix when the browser or the driver is missing: CI must not pass by skipping these tests.
fn require_browser() {
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!("chromium at {}", chromium().display()));
    }
    if !Path::new(ROOT)
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        missing.push("tests/browser/node_modules (playwright-core)".to_owned());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_owned());
    }
    assert!(
        missing.is_empty(),
        "browser tests need {}. Run the project's test script (`bash tests/run.sh`), which installs them, or by hand: \
         `apt-get install -y chromium` and `(cd tests/browser && npm ci)`",
        missing.join(", ")
    );
}

/// The server under test; killed when dropped.
struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// The status code of `GET path`, or `None` when nothing answers yet.
fn status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Runs `gapmap accounts add` on `state` and returns the token it prints.
fn add_account(state: &Path, role: &str, org: &str, name: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args([
            "accounts",
            "add",
            "--role",
            role,
            "--org",
            org,
            "--name",
            name,
            "--data-dir",
        ])
        .arg(state)
        .output()
        .expect("gapmap accounts add runs");
    assert!(
        out.status.success(),
        "accounts add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Starts `gapmap serve` on the bundled data with the hostile listing added, and waits until it is ready.
/// `prepare` runs on the server's (empty) state directory first.
fn start_server(prepare: impl FnOnce(&Path)) -> Server {
    let data = tempfile::tempdir().expect("temp dir");
    let state = data.path().join("state");
    prepare(&state);
    let mut listings =
        std::fs::read_to_string(Path::new(ROOT).join("services/london-services.csv"))
            .expect("bundled listings");
    if !listings.ends_with('\n') {
        listings.push('\n');
    }
    listings.push_str(HOSTILE_LISTING);
    let services = data.path().join("services.csv");
    std::fs::write(&services, listings).expect("write listings");

    let addr = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["serve", "--bind", &addr, "--services"])
        .arg(&services)
        .arg("--data-dir")
        .arg(&state)
        .current_dir(ROOT)
        .env("RUST_LOG", "error")
        .env_remove("GAPMAP_TILE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gapmap serve starts");
    let mut server = Server {
        child,
        base: format!("http://{addr}"),
        _data: data,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while status(&addr, "/readyz") != Some(200) {
        if let Ok(Some(exit)) = server.child.try_wait() {
            panic!("gapmap serve exited before it was ready: {exit}");
        }
        assert!(
            Instant::now() < deadline,
            "gapmap serve was not ready within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        status(&addr, "/"),
        Some(200),
        "the server does not serve the map page at /"
    );
    server.base = format!("http://{addr}/");
    server
}

fn screenshots() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp, so this is <target>/screenshots wherever the target dir is.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| Path::new(ROOT).join("target"), Path::to_path_buf)
        .join("screenshots")
}

/// Runs one scenario of `tests/browser/run.mjs` against a fresh server; fails with the driver's report.
fn scenario(name: &str) {
    scenario_with(name, |_| Vec::new());
}

/// As [`scenario`], with accounts made by `accounts` on the server's state directory, whose `(variable, token)`
/// pairs are passed to the driver in its environment.
fn scenario_with(name: &str, accounts: impl FnOnce(&Path) -> Vec<(&'static str, String)>) {
    require_browser();
    let mut env = Vec::new();
    let server = start_server(|state| env = accounts(state));
    let out = Command::new("node")
        .arg(Path::new(ROOT).join("tests/browser/run.mjs"))
        .arg(&server.base)
        .arg(screenshots())
        .arg(name)
        .env("GAPMAP_CHROMIUM", chromium())
        .envs(env)
        .current_dir(Path::new(ROOT).join("tests/browser"))
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{report}");
    assert!(
        out.status.success(),
        "browser scenario `{name}` failed:\n{report}"
    );
}

#[test]
fn map_loads_with_33_areas_a_legend_and_under_500_kb() {
    scenario("map");
}

#[test]
fn switching_type_or_mode_recolours_the_areas() {
    scenario("recolour");
}

#[test]
fn clicking_an_area_opens_its_panel_with_the_api_figures() {
    scenario("panel");
}

#[test]
fn gaps_table_sorts_and_zooms_with_chart_and_lottery() {
    scenario("gaps");
}

#[test]
fn nearest_search_by_coordinates_and_by_click() {
    scenario("nearest");
}

#[test]
fn hostile_listing_shows_as_text_and_runs_nothing() {
    scenario("xss");
}

#[test]
fn phone_sized_screen_has_map_panel_and_gaps() {
    scenario("phone");
}

#[test]
fn provider_submits_reviewer_approves_and_the_map_changes() {
    scenario_with("submission", |state| {
        vec![
            (
                "GAPMAP_PROVIDER_TOKEN",
                add_account(state, "provider", "Browser Test Org", "browser-provider"),
            ),
            (
                "GAPMAP_REVIEWER_TOKEN",
                add_account(state, "reviewer", "Browser Review Team", "browser-reviewer"),
            ),
        ]
    });
}

#[test]
fn postcode_search_centres_the_map_at_both_sizes() {
    scenario("search");
}

#[test]
fn colours_put_gaps_first_with_a_one_sentence_legend() {
    scenario("colours");
}

#[test]
fn overview_heat_table_of_every_area_and_type() {
    scenario("overview");
}

#[test]
fn exports_beside_the_tables_filters_notice_and_a_one_page_print() {
    scenario("exports");
}

#[test]
fn navigation_wording_and_fit_at_both_sizes() {
    scenario("navigation");
}

#[test]
fn stale_listings_show_in_the_legend_panel_and_map() {
    scenario("freshness");
}

#[test]
fn provider_dashboard_checks_the_token_and_prevents_double_submits() {
    scenario_with("providers", |state| {
        vec![
            (
                "GAPMAP_STALE_PROVIDER_TOKEN",
                add_account(
                    state,
                    "provider",
                    "Harrow Domestic Abuse Partnership (illustrative)",
                    "harrow-provider",
                ),
            ),
            (
                "GAPMAP_REVIEWER_TOKEN",
                add_account(state, "reviewer", "Browser Review Team", "browser-reviewer"),
            ),
        ]
    });
}

#[test]
fn axe_finds_no_serious_violations_at_both_sizes() {
    scenario("axe");
}

#[test]
fn plan_hubs_draws_the_chosen_hubs_and_lists_the_account_at_both_sizes() {
    scenario("plan");
}

#[test]
fn accessibility_layer_colours_areas_by_e2sfca_access_at_both_sizes() {
    scenario("access");
}

#[test]
fn what_if_scenario_is_made_and_its_shared_link_opens_it() {
    scenario_with("scenario", |state| {
        vec![(
            "GAPMAP_SCENARIO_TOKEN",
            add_account(state, "provider", "Browser Test Org", "browser-analyst"),
        )]
    });
}
