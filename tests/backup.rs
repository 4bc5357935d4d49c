//! `gapmap backup` and `gapmap restore` through the real binary: a restore brings back exactly what was backed up;
//! a backup taken while a real `gapmap serve` is taking writes is consistent; a restore under a running server, and
//! every bad input, is refused with a clear message and changes nothing; backups are private to their owner.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gapmap::load::{self, DataPaths};
use gapmap::store::{
    Account, Approval, ListingFields, NewAccount, Role, Store, SubmissionKind, SubmissionRequest,
    Version,
};
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};

mod common;
use common::table_rows;

const RIVERSIDE: &str = "Riverside Women's Aid";
const EASTSIDE: &str = "Eastside Advocacy";

fn fixture(set: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(set)
        .join(name)
}

fn store_paths() -> DataPaths {
    DataPaths {
        boundaries: fixture("store", "boundaries.geojson"),
        population: fixture("store", "population.csv"),
        types: fixture("store", "types.csv"),
        services: fixture("store", "services.csv"),
        figures: Vec::new(),
    }
}

/// `gapmap <args>`, run to completion.
fn gapmap<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("GAPMAP_DATA_DIR")
        .output()
        .expect("the gapmap binary runs")
}

/// `gapmap backup|restore <file> --data-dir <data_dir> [--force]`.
fn run(command: &str, file: &Path, data_dir: &Path, force: bool) -> Output {
    let mut args = vec![
        OsStr::new(command),
        file.as_os_str(),
        OsStr::new("--data-dir"),
        data_dir.as_os_str(),
    ];
    if force {
        args.push(OsStr::new("--force"));
    }
    gapmap(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts success and returns stdout.
fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "expected success; stderr:\n{}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts a clean failure (non-zero, no panic, every `needle` in stderr) and returns stderr.
fn refused(out: &Output, needles: &[&str]) -> String {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "expected a refusal, got success; stdout:\n{}",
        text(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr should say `{needle}`:\n{stderr}"
        );
    }
    stderr
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The first column of every row `sql` returns from the database `db`, read without changing it.
fn column<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> Vec<T> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let mut stmt = conn.prepare(sql).expect(sql);
    stmt.query_map([], |row| row.get(0))
        .and_then(Iterator::collect)
        .expect(sql)
}

/// What the store API reads from a data directory, for comparing field by field.
#[derive(Debug, PartialEq)]
struct State {
    listings: Vec<gapmap::store::Listing>,
    submissions: Vec<gapmap::store::Submission>,
    history: BTreeMap<String, Vec<Version>>,
    accounts: Vec<Account>,
    dataset_version: i64,
}

fn state(data_dir: &Path) -> State {
    let store = Store::open(data_dir).expect("the database opens");
    let accounts = store.accounts().expect("accounts");
    let reviewer = accounts
        .iter()
        .find(|a| a.name.as_deref() == Some("panel"))
        .expect("the panel reviewer");
    let ids: Vec<String> = column(
        store.path(),
        "SELECT DISTINCT listing_id FROM audit ORDER BY listing_id",
    );
    State {
        listings: store.listings().expect("listings"),
        submissions: store.submissions(reviewer, None).expect("submissions"),
        history: ids
            .into_iter()
            .map(|id| {
                let versions = store.history(&id).expect("history");
                (id, versions)
            })
            .collect(),
        accounts: accounts.clone(),
        dataset_version: store.dataset_version().expect("version"),
    }
}

fn change(listing_id: &str, fields: Value) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::Change,
        listing_id: listing_id.into(),
        fields: serde_json::from_value(fields).expect("fields"),
    }
}

fn new_listing(listing_id: &str) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::New,
        listing_id: listing_id.into(),
        fields: serde_json::from_value(json!({
            "name": "Riverside Outreach", "type": "idva", "lat": 51.42, "lon": -0.15,
            "location_precision": "exact", "capacity": 1, "last_verified": "2026-02-01",
            "source": "illustrative test submission"
        }))
        .expect("fields"),
    }
}

fn closure(listing_id: &str) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::Closure,
        listing_id: listing_id.into(),
        fields: ListingFields::default(),
    }
}

fn account(store: &Store, role: Role, org: Option<&str>, name: &str) -> (Account, String) {
    let (account, token) = store
        .add_account(&NewAccount {
            role,
            organisation: org.map(str::to_owned),
            name: Some(name.to_owned()),
        })
        .expect("add account");
    (account, token.expose().to_owned())
}

/// A data directory with every kind of row: accounts of each role (one revoked), submissions approved, rejected
/// and pending, a new listing, a closure, and so a history of several versions. Returns the riverside token.
fn seed(data_dir: &Path) -> String {
    let store = Store::open(data_dir).expect("open");
    store.seed_if_empty(&store_paths()).expect("seed");
    let reference = load::load_dataset(&store_paths())
        .expect("the fixture loads")
        .reference()
        .clone();
    let (riverside, token) = account(&store, Role::Provider, Some(RIVERSIDE), "riverside");
    let (eastside, _) = account(&store, Role::Provider, Some(EASTSIDE), "eastside");
    let (panel, _) = account(&store, Role::Reviewer, None, "panel");
    account(&store, Role::Admin, None, "admin");
    account(&store, Role::Reviewer, None, "departed");
    store.revoke_account("departed").expect("revoke");
    let submit = |who: &Account, request: &SubmissionRequest, key: Option<&str>| {
        store
            .submit(who, request, key, &reference)
            .expect("submit")
            .submission
            .id
    };
    let approved = submit(
        &riverside,
        &change("riverside-idva", json!({"capacity": "4.5"})),
        Some("capacity-2026"),
    );
    store
        .approve(
            &panel,
            approved,
            &Approval::with_comment(Some("checked with the service")),
            &reference,
        )
        .expect("approve");
    let rejected = submit(
        &eastside,
        &change("eastside-isva", json!({"capacity": "9"})),
        None,
    );
    store
        .reject(&panel, rejected, "no evidence for nine")
        .expect("reject");
    let opened = submit(&riverside, &new_listing("riverside-outreach"), None);
    store
        .approve(&panel, opened, &Approval::with_comment(None), &reference)
        .expect("approve new");
    let closed = submit(&riverside, &closure("riverside-outreach"), None);
    store
        .approve(&panel, closed, &Approval::with_comment(None), &reference)
        .expect("approve closure");
    submit(
        &riverside,
        &change("riverside-refuge", json!({"phone": "020 7946 0999"})),
        None,
    );
    token
}

#[test]
fn restore_brings_back_exactly_what_was_backed_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let riverside_token = seed(&data);
    let before = state(&data);
    let before_rows = table_rows(&data.join("gapmap.db"));
    assert_eq!(before.submissions.len(), 5);
    assert!(
        before.history.values().any(|v| v.len() == 2),
        "{:#?}",
        before.history
    );

    let file = dir.path().join("nightly.gapmap");
    let stdout = succeeded(&run("backup", &file, &data, false));
    let audit_entries: usize = before.history.values().map(Vec::len).sum();
    let expected = format!(
        "{} listings, 5 submissions, {audit_entries} audit entries, 5 accounts, {} bytes",
        before.listings.len(),
        std::fs::metadata(&file).expect("backup written").len()
    );
    assert!(
        stdout.contains(&expected),
        "expected `{expected}` in:\n{stdout}"
    );
    assert_eq!(mode(&file), 0o600);
    assert_eq!(
        table_rows(&file),
        before_rows,
        "the backup holds every row as it was"
    );

    // Life goes on after the backup: a decision, a new account, a new submission, a revocation.
    {
        let store = Store::open(&data).expect("open");
        let reference = load::load_dataset(&store_paths())
            .expect("the fixture loads")
            .reference()
            .clone();
        let panel = store
            .accounts()
            .expect("accounts")
            .into_iter()
            .find(|a| a.name.as_deref() == Some("panel"))
            .expect("the panel reviewer");
        let pending = before.submissions.last().expect("the pending one").id;
        store
            .approve(&panel, pending, &Approval::with_comment(None), &reference)
            .expect("approve");
        let (late, _) = account(&store, Role::Provider, Some(EASTSIDE), "late");
        store
            .submit(
                &late,
                &change("eastside-isva", json!({"capacity": "3"})),
                None,
                &reference,
            )
            .expect("submit");
        store.revoke_account("riverside").expect("revoke");
    }
    let after = state(&data);
    assert_ne!(after, before);
    let after_rows = table_rows(&data.join("gapmap.db"));

    // The database holds data: replacing it needs --force, and refusing changes nothing.
    let restore = |force: bool, into: &Path| run("restore", &file, into, force);
    let listing_before = names(&data);
    refused(
        &restore(false, &data),
        &["gapmap.db", "already holds", "--force"],
    );
    assert_eq!(table_rows(&data.join("gapmap.db")), after_rows);
    assert_eq!(names(&data), listing_before);

    let out = restore(true, &data);
    let stdout = succeeded(&out);
    assert!(stdout.contains("5 submissions"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("before-restore-"), "{stderr}");
    assert_eq!(mode(&data.join("gapmap.db")), 0o600);
    assert_eq!(table_rows(&data.join("gapmap.db")), before_rows);
    assert_eq!(
        state(&data),
        before,
        "listings, submissions, history and accounts as backed up"
    );

    // The replaced database was kept whole, beside the restored one.
    let kept: Vec<String> = names(&data)
        .into_iter()
        .filter(|n| n.starts_with("gapmap.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", names(&data));
    assert_eq!(table_rows(&data.join(&kept[0])), after_rows);
    assert_eq!(mode(&data.join(&kept[0])), 0o600);

    // Tokens work as they did at backup time: riverside's is valid again, the later account's is gone.
    let store = Store::open(&data).expect("open");
    assert_eq!(
        store
            .authenticate(&riverside_token)
            .expect("riverside's token works again")
            .name
            .as_deref(),
        Some("riverside")
    );
    assert!(
        store
            .accounts()
            .expect("accounts")
            .iter()
            .all(|a| a.name.as_deref() != Some("late"))
    );
    drop(store);

    // A fresh machine: a data directory that does not exist yet needs no --force.
    let fresh = dir.path().join("new-machine/data");
    let stdout = succeeded(&restore(false, &fresh));
    assert!(stdout.contains("restored"), "{stdout}");
    assert_eq!(state(&fresh), before);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A real `gapmap serve` on the API fixture, with a client for it; killed when dropped.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(data_dir: &Path) -> Server {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["serve", "--bind", &addr, "--workers", "2", "--data-dir"])
        // The writers below go as fast as they can: lift the per-account limits this test is not about.
        .env("GAPMAP_MAX_PENDING", "1000000")
        .env("GAPMAP_WRITES_PER_MINUTE", "1000000")
        .arg(data_dir)
        .arg("--boundaries")
        .arg(fixture("api", "areas.geojson"))
        .arg("--population")
        .arg(fixture("api", "population.csv"))
        .arg("--types")
        .arg(fixture("api", "types.csv"))
        .arg("--services")
        .arg(fixture("api", "services.csv"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gapmap serve starts");
    let server = Server {
        child,
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(answer) = server
            .client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            && answer.status().is_success()
        {
            return server;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `gapmap accounts add …` against `data_dir`, returning the token.
fn add_account(data_dir: &Path, role: &str, org: Option<&str>) -> String {
    let mut args = vec!["accounts", "add", "--role", role, "--data-dir"];
    let dir = data_dir.to_str().expect("utf-8 path");
    args.push(dir);
    if let Some(org) = org {
        args.extend(["--org", org]);
    }
    succeeded(&gapmap(&args)).trim().to_owned()
}

/// Posts one new listing for Westfield Council; returns the submission id once acknowledged.
async fn submit(client: &reqwest::Client, base: &str, token: &str, n: usize) -> Option<i64> {
    let body = json!({"kind": "new", "listing_id": format!("backup-{n}"), "fields": {
        "name": format!("Backup test site {n}"), "provider": "Westfield Council", "type": "idva",
        "lat": 51.41, "lon": -0.28, "location_precision": "exact", "capacity": 1,
        "last_verified": "2026-02-01", "source": "backup test"
    }});
    let answer = client
        .post(format!("{base}/api/submissions"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    assert_eq!(answer.status().as_u16(), 201, "{:?}", answer.text().await);
    answer.json::<Value>().await.ok()?["id"].as_i64()
}

/// Checks that a backup is one intact, self-consistent file; returns its submission ids and how many of them were
/// approved.
fn check_consistent(file: &Path, listed_at_start: usize) -> (Vec<i64>, i64) {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let ids: Vec<i64> = column(file, "SELECT id FROM submissions ORDER BY id");
    // Writes are serialised and committed in id order, so a consistent snapshot holds ids 1..=n exactly.
    assert!(
        ids.iter().enumerate().all(|(i, id)| *id == i as i64 + 1),
        "submission ids are not a prefix: {ids:?}"
    );
    // Every approval moved a listing, an audit row and the dataset version together.
    let approved = one("SELECT count(*) FROM submissions WHERE status = 'approved'");
    assert_eq!(
        one("SELECT count(*) FROM audit WHERE submission_id IS NOT NULL"),
        approved
    );
    assert_eq!(
        one("SELECT count(*) FROM listings"),
        listed_at_start as i64 + approved
    );
    assert_eq!(one("SELECT version FROM dataset"), 1 + approved);
    assert_eq!(one("PRAGMA user_version"), 3); // migration 3: scenarios
    (ids, approved)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_the_server_takes_writes_is_consistent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let server = serve(&data).await;
    let provider = add_account(&data, "provider", Some("Westfield Council"));
    let reviewer = add_account(&data, "reviewer", None);

    // Two clients submit new listings and a reviewer approves every other one, until told to stop.
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..2 {
        let (client, base, provider, reviewer) = (
            server.client.clone(),
            server.base.clone(),
            provider.clone(),
            reviewer.clone(),
        );
        let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) || n >= 2_000 {
                    break;
                }
                let Some(id) = submit(&client, &base, &provider, writer * 10_000 + n).await else {
                    break;
                };
                acknowledged.lock().expect("lock").push(id);
                if n % 2 == 0 {
                    let answer = client
                        .post(format!("{base}/api/submissions/{id}/approve"))
                        .bearer_auth(&reviewer)
                        .json(&json!({"comment": "ok"}))
                        .send()
                        .await
                        .expect("approve");
                    assert_eq!(answer.status().as_u16(), 200, "{:?}", answer.text().await);
                }
            }
        }));
    }

    let mut previous = 0;
    for round in 0..5 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let acked_before = acknowledged.lock().expect("lock").clone();
        let file = dir.path().join(format!("live-{round}.gapmap"));
        let (target, from) = (file.clone(), data.clone());
        let out = tokio::task::spawn_blocking(move || run("backup", &target, &from, false))
            .await
            .expect("backup ran");
        let stdout = succeeded(&out);
        let (ids, approved) = check_consistent(&file, 5);
        println!(
            "backup {round}: {} submissions ({approved} approved); {} acknowledged before it began",
            ids.len(),
            acked_before.len()
        );
        assert!(
            stdout.contains(&format!("{} submissions", ids.len())),
            "{stdout}"
        );
        assert!(
            acked_before.iter().all(|id| ids.contains(id)),
            "a submission acknowledged before the backup began is missing"
        );
        assert!(
            ids.len() > previous,
            "the server kept writing between backups"
        );
        previous = ids.len();
        let beside: Vec<String> = names(dir.path())
            .into_iter()
            .filter(|n| n.contains(&format!("live-{round}")))
            .collect();
        assert_eq!(
            beside,
            [format!("live-{round}.gapmap")],
            "one self-contained file"
        );
        assert_eq!(mode(&file), 0o600);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("writer finished without panicking");
    }
    drop(server);

    // The last backup restores and opens as a live store.
    let restored = dir.path().join("restored");
    succeeded(&run(
        "restore",
        &dir.path().join("live-4.gapmap"),
        &restored,
        false,
    ));
    let store = Store::open(&restored).expect("the restored database opens");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_while_the_server_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let server = serve(&data).await;
    let provider = add_account(&data, "provider", Some("Westfield Council"));
    let file = dir.path().join("b.gapmap");
    succeeded(&run("backup", &file, &data, false));
    let first = submit(&server.client, &server.base, &provider, 1)
        .await
        .expect("submitted");

    // The server is idle between requests: its open connections still hold the database.
    let before = names(&data);
    let (from, into) = (file.clone(), data.clone());
    let out = tokio::task::spawn_blocking(move || run("restore", &from, &into, true))
        .await
        .expect("restore ran");
    refused(
        &out,
        &[
            "gapmap.db",
            "in use by another process",
            "stop the server first",
        ],
    );
    assert_eq!(names(&data), before, "nothing was added or moved");

    // The server carries on with its own database, the submission made after the backup included.
    let second = submit(&server.client, &server.base, &provider, 2)
        .await
        .expect("submitted");
    assert_eq!(second, first + 1);
    drop(server);
    let store = Store::open(&data).expect("open");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[test]
fn backup_refuses_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    seed(&data);
    let file = dir.path().join("precious.txt");
    std::fs::write(&file, "do not lose me").expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let args = |force: bool| run("backup", &file, &data, force);
    refused(&args(false), &["precious.txt", "already exists", "--force"]);
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "do not lose me"
    );
    assert_eq!(
        names(dir.path()),
        ["data", "precious.txt"],
        "no temporary file left"
    );

    succeeded(&args(true));
    assert_eq!(mode(&file), 0o600, "a replaced file is private too");
    assert_eq!(table_rows(&file), table_rows(&data.join("gapmap.db")));
    assert_eq!(names(dir.path()), ["data", "precious.txt"]);

    // Never over the live database itself, not even with --force.
    let live = data.join("gapmap.db");
    let before = table_rows(&live);
    refused(
        &run("backup", &live, &data, true),
        &["gapmap.db", "live database"],
    );
    assert_eq!(table_rows(&live), before);
}

#[test]
fn backup_refuses_a_data_dir_without_a_database_and_creates_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-dir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    for data in [&missing, &empty] {
        let out = run("backup", &dir.path().join("b.gapmap"), data, false);
        refused(&out, &["no gapmap database", "gapmap.db", "--data-dir"]);
    }
    // The environment variable names the data directory too.
    let out = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args([
            OsStr::new("backup"),
            dir.path().join("b.gapmap").as_os_str(),
        ])
        .env("GAPMAP_DATA_DIR", &missing)
        .output()
        .expect("runs");
    refused(&out, &["no-such-dir"]);
    assert_eq!(names(dir.path()), ["empty"], "nothing created");
    assert!(names(&empty).is_empty(), "no database created");
}

#[test]
fn restore_refuses_files_that_are_not_intact_gapmap_databases() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    seed(&data);
    let live_rows = table_rows(&data.join("gapmap.db"));
    let listing = names(&data);
    let good = dir.path().join("good.gapmap");
    succeeded(&run("backup", &good, &data, false));

    let text_file = dir.path().join("notes.txt");
    std::fs::write(&text_file, "id,name\n1,not a database\n").expect("write");
    let empty_file = dir.path().join("empty.db");
    std::fs::write(&empty_file, "").expect("write");
    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .and_then(|c| {
            c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
        })
        .expect("another application's database");
    let newer = dir.path().join("newer.gapmap");
    std::fs::copy(&good, &newer).expect("copy");
    Connection::open(&newer)
        .and_then(|c| c.pragma_update(None, "user_version", 99))
        .expect("bump the schema version");
    let damaged = dir.path().join("damaged.gapmap");
    let mut bytes = std::fs::read(&good).expect("read");
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    for start in (page..bytes.len()).step_by(page) {
        bytes[start..start + 8].fill(0xA5);
    }
    std::fs::write(&damaged, bytes).expect("write");
    let missing = dir.path().join("missing.gapmap");

    let cases: [(&Path, &[&str]); 6] = [
        (&text_file, &["notes.txt", "is not a SQLite database"]),
        (
            &empty_file,
            &["empty.db", "is not a SQLite database", "empty"],
        ),
        (&other, &["other.sqlite", "not a gapmap database"]),
        (
            &newer,
            &[
                "newer.gapmap",
                "schema version 99",
                "newer than this gapmap",
            ],
        ),
        (&damaged, &["damaged.gapmap", "damaged"]),
        (&missing, &["missing.gapmap", "cannot read"]),
    ];
    for (file, needles) in cases {
        for data_dir in [data.clone(), dir.path().join("fresh")] {
            refused(&run("restore", file, &data_dir, true), needles);
        }
        assert_eq!(
            table_rows(&data.join("gapmap.db")),
            live_rows,
            "{}",
            file.display()
        );
        assert_eq!(names(&data), listing, "{}", file.display());
        assert!(!dir.path().join("fresh").exists(), "{}", file.display());
    }
}
