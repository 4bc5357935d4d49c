//! The budget of failed sign-ins per client address, through the real server: past it, every request that needs a
//! token is answered 429 with `Retry-After`, after a delay, even with a genuine token; reading the map is not
//! affected.

mod common;

use std::time::Instant;

use common::{fixture_paths, spawn_with_store};
use gapmap::http::auth::OVER_BUDGET_DELAY;
use gapmap::http::limits::AUTH_FAILURE_BURST;
use gapmap::store::{NewAccount, Role};

#[tokio::test]
async fn an_address_over_its_failed_sign_in_budget_gets_a_delayed_429() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, store) = spawn_with_store(&fixture_paths(), dir.path());
    let (account, token) = store
        .add_account(&NewAccount {
            role: Role::Provider,
            organisation: Some("Midford Trust".into()),
            name: Some("midford".into()),
        })
        .expect("account added");
    let genuine = format!("Bearer {}", token.expose());
    // The existing account's id with a wrong secret: the case that used to cost a slow hash.
    let forged = format!("Bearer gm_{}_{}", account.id, "ab".repeat(32));

    server
        .get_with("/api/submissions", &[("authorization", &genuine)])
        .await
        .expect(200);
    for _ in 0..AUTH_FAILURE_BURST {
        server
            .get_with("/api/submissions", &[("authorization", &forged)])
            .await
            .expect(401);
    }
    for authorization in [&forged, &genuine] {
        let started = Instant::now();
        let answer = server
            .get_with("/api/submissions", &[("authorization", authorization)])
            .await
            .expect(429);
        assert!(
            started.elapsed() >= OVER_BUDGET_DELAY,
            "{:?}",
            started.elapsed()
        );
        let retry_after: u64 = answer.header("retry-after").parse().expect("Retry-After");
        assert!(retry_after >= 1, "{retry_after}");
        assert!(answer.json()["detail"].is_string());
    }
    // The map is read without a token and is not limited.
    server.get("/api/areas").await.expect(200);
}
