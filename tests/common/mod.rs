//! Starts the real server (the same `gapmap::http::serve` as `gapmap serve`) on 127.0.0.1:0 in a thread of its
//! own, and talks to it over real HTTP.

#![allow(dead_code)] // Each test file uses part of this.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use gapmap::app::{App, StoreMode};
use gapmap::config::Config;
use gapmap::domain::Dataset;
use gapmap::http::{AppState, DatasetCheck, ServerSettings};
use gapmap::load::{DataPaths, load_dataset};
use gapmap::store::Store;

/// A file of the small dataset under `tests/fixtures/api/`.
pub fn api_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/api")
        .join(name)
}

/// A port free on 127.0.0.1 when asked (for a server started as its own process).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The small dataset under `tests/fixtures/api/`: four square areas, three types, five sites of which one
/// (`rc-secret`, in Midford) is confidential.
pub fn fixture_paths() -> DataPaths {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api");
    DataPaths {
        boundaries: dir.join("areas.geojson"),
        population: dir.join("population.csv"),
        types: dir.join("types.csv"),
        services: dir.join("services.csv"),
        figures: Vec::new(),
    }
}

/// The bundled London data.
pub fn bundled_paths() -> DataPaths {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let d = DataPaths::default();
    DataPaths {
        boundaries: root.join(d.boundaries),
        population: root.join(d.population),
        types: root.join(d.types),
        services: root.join(d.services),
        figures: Vec::new(),
    }
}

/// A running server.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Its state, to replace the data under it.
    pub state: Arc<AppState>,
    /// A client that neither decompresses nor follows redirects, so headers are seen as sent.
    pub client: reqwest::Client,
}

/// Starts a server on `paths` with default settings and three real postcodes for `/api/geocode`
/// (`tests/fixtures/postcodes.csv`).
pub fn spawn(paths: &DataPaths) -> TestServer {
    let postcodes = gapmap::load::postcodes::read_postcodes(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/postcodes.csv"),
    )
    .expect("fixture postcodes read");
    let settings = ServerSettings {
        postcodes: Some(gapmap::http::Postcodes::ready(postcodes)),
        ..ServerSettings::default()
    };
    spawn_with(paths, settings)
}

/// Starts a server on `paths` with `settings`.
pub fn spawn_with(paths: &DataPaths, settings: ServerSettings) -> TestServer {
    let dataset = load_dataset(paths).unwrap_or_else(|e| panic!("fixture does not load:\n{e}"));
    start(dataset, settings)
}

/// Starts a server whose live store is a fresh database in `data_dir`, seeded from `paths` as `gapmap serve`
/// does; returns it with the store, for making accounts and inspecting what was written.
pub fn spawn_with_store(paths: &DataPaths, data_dir: &std::path::Path) -> (TestServer, Arc<Store>) {
    spawn_with_store_and(
        paths,
        data_dir,
        ServerSettings::default(),
        gapmap::store::DEFAULT_MAX_PENDING,
    )
}

/// [`spawn_with_store`] with `settings` and a cap of `max_pending` submissions awaiting review per account.
pub fn spawn_with_store_and(
    paths: &DataPaths,
    data_dir: &std::path::Path,
    settings: ServerSettings,
    max_pending: usize,
) -> (TestServer, Arc<Store>) {
    let config = Config {
        paths: paths.clone(),
        data_dir: Some(data_dir.to_owned()),
        max_pending,
        ..Config::bundled()
    };
    spawn_app(&config, settings, None)
}

/// Starts a server as `gapmap serve` does — the data put together by [`App::open`] from `config` — with `check`
/// applied to every later dataset when given; returns it with its store.
pub fn spawn_app(
    config: &Config,
    settings: ServerSettings,
    check: Option<DatasetCheck>,
) -> (TestServer, Arc<Store>) {
    let app = Arc::new(App::open(config, StoreMode::Serve).unwrap_or_else(|e| panic!("{e}")));
    let store = Arc::clone(app.store().expect("a store"));
    let (revision, dataset) = app.dataset().unwrap_or_else(|e| panic!("{e}"));
    let mut state =
        AppState::at_revision(dataset, revision, config.stale_months).expect("snapshot");
    if let Some(check) = check {
        state = state.with_check(check);
    }
    let settings = ServerSettings {
        app: Some(app),
        ..settings
    };
    (start_state(state, settings), store)
}

fn start(dataset: Dataset, settings: ServerSettings) -> TestServer {
    start_state(AppState::new(dataset).expect("snapshot"), settings)
}

fn start_state(state: AppState, settings: ServerSettings) -> TestServer {
    let state = Arc::new(state);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local address").port();
    let server_state = Arc::clone(&state);
    let settings = ServerSettings {
        workers: Some(1),
        ..settings
    };
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            gapmap::http::serve(listener, server_state, settings)
                .expect("server builds")
                .await
        })
    });
    TestServer {
        base: format!("http://127.0.0.1:{port}"),
        state,
        client: reqwest::Client::builder()
            .no_gzip()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

/// Makes an account in `store` and returns its token.
pub fn account_token(
    store: &Store,
    role: gapmap::store::Role,
    org: Option<&str>,
    name: &str,
) -> String {
    let (_, token) = store
        .add_account(&gapmap::store::NewAccount {
            role,
            organisation: org.map(str::to_owned),
            name: Some(name.to_owned()),
        })
        .expect("account added");
    token.expose().to_owned()
}

/// An answer, read whole.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The header's value as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}):\n{}", self.body))
    }

    /// Asserts the status, printing the body when it differs.
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "expected {status}, got {}; body:\n{}",
            self.status, self.body
        );
        self
    }
}

impl TestServer {
    /// GET `path` (with its query) and read the answer.
    pub async fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[]).await
    }

    /// GET `path` with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request, "GET", path).await
    }

    /// POST `body` (sent as JSON) to `path` with extra request headers.
    pub async fn post_with(&self, path: &str, headers: &[(&str, &str)], body: String) -> Answer {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request, "POST", path).await
    }
}

/// Sends `request` and reads its answer whole.
async fn read(request: reqwest::RequestBuilder, method: &str, path: &str) -> Answer {
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

/// Every row of every gapmap table as text (token hashes included), read without changing the file: equal dumps
/// mean equal databases.
pub fn table_rows(db: &Path) -> String {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(db, flags)
        .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    let mut text = String::new();
    for table in ["accounts", "listings", "submissions", "audit", "dataset"] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .expect("prepare");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            text.push_str(table);
            for i in 0..columns {
                text.push_str(&format!("|{:?}", row.get_ref(i).expect("value")));
            }
            text.push('\n');
        }
    }
    text
}

/// Everything logged by this test binary, captured so a test can grep it.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    Arc::clone(LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "trace,actix_server=debug,actix_http=trace,mio=info,reqwest=info,hyper=info,hyper_util=info",
            ))
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || Capture(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber per test binary");
        logs
    }))
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the `gapmap` binary with `args` followed by the four-square fixture's data files, from the crate root.
pub fn gapmap_on_fixture(args: &[&str]) -> std::process::Output {
    let paths = fixture_paths();
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    for (flag, path) in [
        ("--boundaries", &paths.boundaries),
        ("--population", &paths.population),
        ("--types", &paths.types),
        ("--services", &paths.services),
    ] {
        all.push(flag.to_owned());
        all.push(path.display().to_string());
    }
    std::process::Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(&all)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the gapmap binary runs")
}

/// The JSON a successful `gapmap plan` printed, failing the test with its stderr otherwise.
pub fn plan_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "gapmap plan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}
