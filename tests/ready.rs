//! `gapmap serve` answers from the moment it starts: `/healthz` at once, and everything computed from the data
//! with 503 until the first analysis is done. The analysis of unchanged data is read back from the data
//! directory's cache, and any change to the data misses it. Through the real binary, real HTTP and real files.

mod common;

use common::{api_fixture as fixture, free_port};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the test hook holds back a computed analysis: long enough to look at a server that is not ready.
const DELAY_MS: u64 = 4000;

/// The reference files of one start; the API fixture's unless replaced.
struct Data {
    dir: PathBuf,
    population: PathBuf,
    types: PathBuf,
}

/// A running `gapmap serve`, its log going to a file; killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
    started: Instant,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `gapmap serve` on `data`, seeding an empty database from `services` when given, logging to `<dir>/<log>`.
fn start(data: &Data, log: &str, services: Option<&Path>) -> Server {
    let addr = format!("127.0.0.1:{}", free_port());
    let log = data.dir.join(log);
    let child = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["serve", "--bind", &addr, "--workers", "1", "--data-dir"])
        .arg(data.dir.join("data"))
        .arg("--boundaries")
        .arg(fixture("areas.geojson"))
        .arg("--population")
        .arg(&data.population)
        .arg("--types")
        .arg(&data.types)
        .args(services.iter().flat_map(|s| [Path::new("--services"), s]))
        .env("GAPMAP_TEST_ANALYSIS_DELAY_MS", DELAY_MS.to_string())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("gapmap serve starts");
    Server {
        child,
        base: format!("http://{addr}"),
        log,
        started: Instant::now(),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    }
}

struct Answer {
    status: u16,
    retry_after: Option<String>,
    etag: Option<String>,
    body: String,
}

impl Server {
    async fn get(&self, path: &str) -> Option<Answer> {
        let answer = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .ok()?;
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Some(Answer {
            status: answer.status().as_u16(),
            retry_after: header("retry-after"),
            etag: header("etag"),
            body: answer.text().await.ok()?,
        })
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `path` answers `status`; panics with the log when it does not within `limit`, or the process
    /// exits.
    async fn wait_for(&mut self, path: &str, status: u16, limit: Duration) -> Answer {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(answer) = self.get(path).await
                && answer.status == status
            {
                return answer;
            }
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("gapmap serve exited ({exit}):\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{path} did not answer {status} within {limit:?}; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until ready; returns the `/api/areas` answer and where the analysis came from (`cache` or
    /// `computed`, from the log line that says the server is ready).
    async fn ready(&mut self) -> (Answer, String) {
        self.wait_for("/readyz", 200, Duration::from_secs(60)).await;
        let areas = self
            .wait_for("/api/areas", 200, Duration::from_secs(1))
            .await;
        let log = self.log();
        let origin = log
            .lines()
            .find(|line| line.contains(": ready "))
            .and_then(|line| line.split("analysis=").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(|origin| origin.trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("no `ready` line with its analysis in the log:\n{log}"));
        (areas, origin)
    }
}

/// Imports the fixture listings with one capacity changed into `data`'s store (`gapmap import-services`, as another
/// process would).
fn import_one_changed_capacity(data: &Data) {
    let changed = data.dir.join("services.csv");
    let csv = std::fs::read_to_string(fixture("services.csv")).expect("fixture");
    std::fs::write(
        &changed,
        csv.replace("E09000901;E09000902,3,", "E09000901;E09000902,4,"),
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .arg("import-services")
        .arg(&changed)
        .arg("--data-dir")
        .arg(data.dir.join("data"))
        .arg("--boundaries")
        .arg(fixture("areas.geojson"))
        .arg("--population")
        .arg(&data.population)
        .arg("--types")
        .arg(&data.types)
        .output()
        .expect("gapmap runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cache_files(data: &Data) -> Vec<PathBuf> {
    let dir = data.dir.join("data/cache");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|listing| listing.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_at_once_and_data_answers_wait_for_the_analysis() {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = Data {
        dir: temp.path().to_owned(),
        population: fixture("population.csv"),
        types: fixture("types.csv"),
    };
    let services = fixture("services.csv");
    let mut server = start(&data, "first.log", Some(&services));
    let health = server
        .wait_for("/healthz", 200, Duration::from_secs(30))
        .await;
    assert_eq!(health.body, r#"{"status":"ok"}"#);
    let up_after = server.started.elapsed();
    assert!(
        up_after < Duration::from_millis(DELAY_MS),
        "/healthz took {up_after:?}, as long as the analysis"
    );

    let not_ready = server.get("/readyz").await.expect("an answer");
    assert_eq!(not_ready.status, 503, "{}", not_ready.body);
    assert_eq!(not_ready.retry_after.as_deref(), Some("1"));
    let body: serde_json::Value = serde_json::from_str(&not_ready.body).expect("JSON");
    assert_eq!(body["error"], "not ready", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("being analysed")),
        "{body}"
    );
    for path in [
        "/api/areas",
        "/api/areas/E09000901",
        "/api/gaps",
        "/api/lottery",
        "/api/services",
        "/api/services/idva-mid",
        "/api/services/idva-mid/history",
        "/api/nearest?lat=51.42&lon=-0.19",
        "/api/types",
        "/api/export/areas.csv",
        "/api/export/services.csv",
        "/api/export/services.geojson",
        "/api/export/openreferral.json",
    ] {
        let answer = server.get(path).await.expect("an answer");
        assert_eq!(answer.status, 503, "{path}: {}", answer.body);
        assert_eq!(answer.retry_after.as_deref(), Some("1"), "{path}");
        assert_eq!(answer.body, not_ready.body, "{path}");
    }
    for path in ["/", "/api/config", "/api/listing-fields", "/healthz"] {
        let answer = server.get(path).await.expect("an answer");
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }
    let document: serde_json::Value = serde_json::from_str(
        &server
            .get("/api/openapi.json")
            .await
            .expect("an answer")
            .body,
    )
    .expect("JSON");
    assert!(
        document["paths"]["/api/areas"]["get"]["responses"]["503"].is_object(),
        "the document says data answers may be 503"
    );
    assert!(
        document["paths"]["/api/areas"]["get"]["parameters"][0]["schema"]["enum"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "idva")),
        "the type enum is there before the analysis is"
    );
    assert!(
        server.started.elapsed() < Duration::from_millis(DELAY_MS),
        "the checks above ran while the analysis was held back"
    );

    let (computed, origin) = server.ready().await;
    assert_eq!(origin, "computed");
    assert_eq!(cache_files(&data).len(), 1, "{:?}", cache_files(&data));
    drop(server);

    // Unchanged data: the analysis comes from the cache, without the delay, and every byte is the same.
    let mut server = start(&data, "second.log", None);
    let (cached, origin) = server.ready().await;
    assert_eq!(origin, "cache", "{}", server.log());
    assert!(
        server.started.elapsed() < Duration::from_millis(DELAY_MS),
        "a cache hit waits for no analysis"
    );
    assert_eq!(cached.etag, computed.etag);
    assert!(
        cached.body == computed.body,
        "the cached analysis answers differently"
    );
    drop(server);

    // A damaged file is a warning and a recomputation, never a failed start.
    let file = &cache_files(&data)[0];
    std::fs::write(file, b"{\"format\":1,\"key\":\"").expect("damage the cache file");
    let mut server = start(&data, "third.log", None);
    let (recomputed, origin) = server.ready().await;
    assert_eq!(origin, "computed");
    assert!(
        server.log().contains("the cached analysis cannot be used"),
        "{}",
        server.log()
    );
    assert!(recomputed.body == computed.body);
    drop(server);
    let mut server = start(&data, "fourth.log", None);
    assert_eq!(
        server.ready().await.1,
        "cache",
        "the damaged file was rewritten"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_listing_or_population_misses_the_cache() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mut data = Data {
        dir: temp.path().to_owned(),
        population: fixture("population.csv"),
        types: fixture("types.csv"),
    };
    let services = fixture("services.csv");
    let mut server = start(&data, "first.log", Some(&services));
    assert_eq!(server.ready().await.1, "computed");
    drop(server);

    // One capacity changed, imported while the server is down.
    import_one_changed_capacity(&data);
    let mut server = start(&data, "second.log", None);
    let (areas, origin) = server.ready().await;
    assert_eq!(origin, "computed", "a changed listing is a new analysis");
    assert!(areas.body.contains(r#""capacity_share":"#));
    drop(server);

    // One area's population changed.
    let population = temp.path().join("population.csv");
    let csv = std::fs::read_to_string(&data.population).expect("fixture");
    std::fs::write(&population, csv.replace("300000,150000", "300000,150100")).expect("write");
    data.population = population;
    let mut server = start(&data, "third.log", None);
    assert_eq!(
        server.ready().await.1,
        "computed",
        "a changed population too"
    );
    drop(server);
    let mut server = start(&data, "fourth.log", None);
    assert_eq!(server.ready().await.1, "cache");
    assert_eq!(cache_files(&data).len(), 3, "{:?}", cache_files(&data));
}

#[test]
fn a_bad_data_file_still_stops_the_start_before_it_serves() {
    let temp = tempfile::tempdir().expect("temp dir");
    let population = temp.path().join("population.csv");
    let csv = std::fs::read_to_string(fixture("population.csv")).expect("fixture");
    // Northholt loses its row: its area has no population.
    std::fs::write(
        &population,
        csv.lines()
            .filter(|l| !l.starts_with("E09000904"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .expect("write");
    let data = Data {
        dir: temp.path().to_owned(),
        population,
        types: fixture("types.csv"),
    };
    let services = fixture("services.csv");
    let mut server = start(&data, "bad.log", Some(&services));
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "a server started on bad data: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!exit.success());
    let log = server.log();
    assert!(
        log.contains("E09000904") && !log.contains("serving"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_picked_up_while_serving_is_cached_for_the_next_start() {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = Data {
        dir: temp.path().to_owned(),
        population: fixture("population.csv"),
        types: fixture("types.csv"),
    };
    let services = fixture("services.csv");
    let mut server = start(&data, "first.log", Some(&services));
    let (before, _) = server.ready().await;
    assert_eq!(cache_files(&data).len(), 1);

    // Another process changes one capacity while the server runs: its watcher rebuilds, then caches that analysis.
    import_one_changed_capacity(&data);
    let deadline = Instant::now() + Duration::from_secs(20);
    let live = loop {
        let answer = server.get("/api/areas").await.expect("answers");
        if answer.etag != before.etag && cache_files(&data).len() == 2 {
            break answer;
        }
        assert!(
            Instant::now() < deadline,
            "the change was not picked up and cached; log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    drop(server);

    let mut server = start(&data, "second.log", None);
    let (areas, origin) = server.ready().await;
    assert_eq!(
        origin, "cache",
        "the analysis cached after the change is used"
    );
    assert_eq!((areas.etag, areas.body), (live.etag, live.body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_that_no_longer_fit_the_data_stop_the_server_after_it_answered() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mut data = Data {
        dir: temp.path().to_owned(),
        population: fixture("population.csv"),
        types: fixture("types.csv"),
    };
    let mut server = start(&data, "first.log", Some(&fixture("services.csv")));
    server.ready().await;
    drop(server);

    // The taxonomy loses `isva`, which a stored listing has: the reference still loads, the listings do not.
    let types = temp.path().join("types.csv");
    let csv = std::fs::read_to_string(fixture("types.csv")).expect("fixture");
    let kept: Vec<&str> = csv.lines().filter(|l| !l.starts_with("isva,")).collect();
    std::fs::write(&types, kept.join("\n")).expect("write");
    data.types = types;
    let mut server = start(&data, "second.log", None);
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "a server kept serving listings that do not fit: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!exit.success(), "the start fails");
    let log = server.log();
    assert!(log.contains("isva") && !log.contains(": ready "), "{log}");
}
