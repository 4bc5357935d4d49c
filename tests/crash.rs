//! Durability: the real `gapmap serve`, taking a stream of concurrent submissions, is killed with SIGKILL
//! mid-stream. Every submission it acknowledged with 201 must be in the database afterwards, and the file must
//! pass SQLite's integrity check.

mod common;

use common::{api_fixture as fixture, free_port};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WRITERS: usize = 4;
/// How long submissions stream in before the kill.
const STREAM_FOR: Duration = Duration::from_secs(3);

/// `gapmap <args>` with the fixture data and `data_dir`.
fn gapmap(args: &[&str], data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gapmap"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        // This test streams submissions as fast as it can: lift the per-account limits it is not about.
        .env("GAPMAP_MAX_PENDING", "1000000")
        .env("GAPMAP_WRITES_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn");
    command
}

/// Starts `gapmap serve` on `data_dir`; `seed` names the listings file, which only an empty database may be given.
fn start(data_dir: &Path, seed: bool) -> (Child, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut command = gapmap(&["serve", "--bind", &addr, "--workers", "2"], data_dir);
    command
        .arg("--boundaries")
        .arg(fixture("areas.geojson"))
        .arg("--population")
        .arg(fixture("population.csv"))
        .arg("--types")
        .arg(fixture("types.csv"));
    if seed {
        command.arg("--services").arg(fixture("services.csv"));
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gapmap serve starts");
    (child, format!("http://{addr}"))
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(answer) = client.get(format!("{base}/readyz")).send().await
            && answer.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `gapmap accounts add …`, returning the token it prints.
fn add_account(data_dir: &Path, role: &str, org: Option<&str>) -> String {
    let mut command = gapmap(&["accounts", "add", "--role", role], data_dir);
    if let Some(org) = org {
        command.args(["--org", org]);
    }
    let output = command.output().expect("gapmap accounts add runs");
    assert!(
        output.status.success(),
        "accounts add failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("token is text")
        .trim()
        .to_owned()
}

fn listing(writer: usize, n: usize) -> Value {
    json!({"kind": "new", "listing_id": format!("crash-{writer}-{n}"), "fields": {
        "name": format!("Crash test site {writer}-{n}"), "provider": "Westfield Council", "type": "idva",
        "lat": 51.41, "lon": -0.28, "location_precision": "exact", "capacity": 1,
        "last_verified": "2026-02-01", "source": "crash test"
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_submission_survives_a_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let (mut child, base) = start(&data_dir, true);
    wait_ready(&client, &base).await;
    // Added while the server runs: it must work at once.
    let provider = add_account(&data_dir, "provider", Some("Westfield Council"));

    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (client, base, provider) = (client.clone(), base.clone(), provider.clone());
        let acknowledged = Arc::clone(&acknowledged);
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let sent = client
                    .post(format!("{base}/api/submissions"))
                    .bearer_auth(&provider)
                    .json(&listing(writer, n))
                    .send()
                    .await;
                let Ok(answer) = sent else { break };
                if answer.status().as_u16() != 201 {
                    let status = answer.status();
                    panic!("{status}: {}", answer.text().await.unwrap_or_default());
                }
                let Ok(body) = answer.json::<Value>().await else {
                    break;
                };
                let id = body["id"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("no id in {body}"));
                acknowledged.lock().expect("lock").push(id);
            }
        }));
    }
    tokio::time::sleep(STREAM_FOR).await;
    // SIGKILL on Unix: no graceful shutdown, requests in flight are cut off.
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for writer in writers {
        writer.await.expect("writer finished without panicking");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        !acknowledged.is_empty(),
        "nothing was acknowledged before the kill"
    );

    // Restart on the same data directory and look through the front door.
    let reviewer = add_account(&data_dir, "reviewer", None);
    let (mut child, base) = start(&data_dir, false);
    wait_ready(&client, &base).await;
    let listed: Value = client
        .get(format!("{base}/api/submissions"))
        .bearer_auth(&reviewer)
        .send()
        .await
        .expect("list submissions")
        .json()
        .await
        .expect("JSON list");
    child.kill().expect("stop the restarted server");
    child.wait().expect("reaped");
    let stored: Vec<i64> = listed["submissions"]
        .as_array()
        .unwrap_or_else(|| panic!("no submissions in {listed}"))
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    let survived = acknowledged.iter().filter(|id| stored.contains(id)).count();
    println!(
        "acknowledged {}, survived {survived} (stored {}: any extra committed but was cut off before its 201)",
        acknowledged.len(),
        stored.len()
    );
    assert_eq!(
        survived,
        acknowledged.len(),
        "an acknowledged submission was lost"
    );

    let store = gapmap::store::Store::open(&data_dir).expect("the database reopens");
    assert_eq!(store.integrity_check().expect("integrity check runs"), "ok");
}
