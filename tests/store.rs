//! The store against a real SQLite file in a fresh temporary directory per test: the submission and review flow,
//! every refusal, idempotency, the audit log's guarantees, and the account and CSV commands through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use gapmap::domain::{Dataset, Reference};
use gapmap::load::{self, DataPaths};
use gapmap::store::{
    Account, Approval, AuthError, ListingFields, NewAccount, Role, Store, StoreError,
    SubmissionKind, SubmissionRequest, SubmissionStatus, Token,
};
use rusqlite::Connection;
use tempfile::TempDir;

mod common;
use common::table_rows;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/store");
const RIVERSIDE: &str = "Riverside Women's Aid";
const EASTSIDE: &str = "Eastside Advocacy";

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn paths() -> DataPaths {
    DataPaths {
        boundaries: fixture("boundaries.geojson"),
        population: fixture("population.csv"),
        types: fixture("types.csv"),
        services: fixture("services.csv"),
        figures: Vec::new(),
    }
}

/// The fixture areas and types that submissions are checked against.
fn reference() -> Reference {
    load::load_dataset(&paths())
        .expect("the fixture dataset is valid")
        .reference()
        .as_ref()
        .clone()
}

/// A seeded store in its own temporary directory, with a provider from each organisation and reviewers.
struct Env {
    dir: TempDir,
    store: Store,
    reference: Reference,
    riverside: Account,
    eastside: Account,
    /// A reviewer from the Eastside organisation (so not allowed to decide on Eastside's submissions).
    eastside_reviewer: Account,
    /// A reviewer with no organisation.
    panel: Account,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        let seeded = store.seed_if_empty(&paths()).expect("seed");
        assert_eq!(seeded.map(|s| s.added), Some(3));
        let add = |role, org: Option<&str>, name: &str| {
            store
                .add_account(&NewAccount {
                    role,
                    organisation: org.map(str::to_owned),
                    name: Some(name.to_owned()),
                })
                .expect("add account")
                .0
        };
        let riverside = add(Role::Provider, Some(RIVERSIDE), "riverside");
        let eastside = add(Role::Provider, Some(EASTSIDE), "eastside");
        let eastside_reviewer = add(Role::Reviewer, Some(EASTSIDE), "eastside-reviewer");
        let panel = add(Role::Reviewer, None, "panel");
        Self {
            dir,
            store,
            reference: reference(),
            riverside,
            eastside,
            eastside_reviewer,
            panel,
        }
    }

    fn submit(
        &self,
        account: &Account,
        request: &SubmissionRequest,
        key: Option<&str>,
    ) -> Result<gapmap::store::Submitted, StoreError> {
        self.store.submit(account, request, key, &self.reference)
    }

    /// Every row of every table, as text: equal snapshots mean an unchanged database.
    fn contents(&self) -> String {
        table_rows(self.store.path())
    }
}

fn change(listing_id: &str, fields: ListingFields) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::Change,
        listing_id: listing_id.into(),
        fields,
    }
}

fn new_listing(listing_id: &str, fields: ListingFields) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::New,
        listing_id: listing_id.into(),
        fields,
    }
}

fn closure(listing_id: &str) -> SubmissionRequest {
    SubmissionRequest {
        kind: SubmissionKind::Closure,
        listing_id: listing_id.into(),
        fields: ListingFields::default(),
    }
}

fn capacity(value: &str) -> ListingFields {
    ListingFields {
        capacity: Some(value.into()),
        ..ListingFields::default()
    }
}

fn complete_fields() -> ListingFields {
    serde_json::from_value(serde_json::json!({
        "name": "Riverside Outreach",
        "type": "idva",
        "lat": 51.42,
        "lon": -0.15,
        "location_precision": "exact",
        "capacity": 1,
        "last_verified": "2026-02-01",
        "source": "illustrative test submission",
    }))
    .expect("fields")
}

#[test]
fn approval_changes_the_listing_bumps_the_version_and_history_keeps_both_versions() {
    let env = Env::new();
    let version_before = env.store.dataset_version().unwrap();
    let submitted = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("4.5")),
            None,
        )
        .unwrap();
    assert!(!submitted.replayed);
    let submission = submitted.submission;
    assert_eq!(submission.status, SubmissionStatus::Pending);
    assert_eq!(submission.proposed.capacity, "4.5");
    assert_eq!(
        submission.proposed.name, "Riverside IDVA Service",
        "a partial change keeps the rest"
    );
    assert_eq!(submission.base_version, Some(1));

    // Pending: nothing visible has changed.
    assert_eq!(
        env.store
            .listing("riverside-idva")
            .unwrap()
            .unwrap()
            .record
            .capacity,
        "3"
    );
    assert_eq!(env.store.dataset_version().unwrap(), version_before);
    let diff = env.store.diff(submission.id).unwrap();
    let changed: Vec<_> = diff.iter().filter(|d| d.changed).collect();
    assert_eq!(changed.len(), 1, "{diff:#?}");
    assert_eq!(changed[0].field, "capacity");
    assert_eq!(changed[0].current.as_deref(), Some("3"));
    assert_eq!(changed[0].proposed.as_deref(), Some("4.5"));
    assert_eq!(diff.len(), 15);

    let approved = env
        .store
        .approve(
            &env.panel,
            submission.id,
            &Approval::with_comment(Some("checked with the service")),
            &env.reference,
        )
        .unwrap();
    assert_eq!(approved.status, SubmissionStatus::Approved);
    assert_eq!(approved.reviewer, Some(env.panel.id));
    assert!(approved.decided_at.is_some());

    let listing = env.store.listing("riverside-idva").unwrap().unwrap();
    assert_eq!(
        (listing.record.capacity.as_str(), listing.version),
        ("4.5", 2)
    );
    assert_eq!(env.store.dataset_version().unwrap(), version_before + 1);
    let snapshot = env.store.snapshot().unwrap();
    assert_eq!(snapshot.version, version_before + 1);
    let service = snapshot
        .services
        .iter()
        .find(|s| s.id == "riverside-idva")
        .unwrap();
    assert_eq!(service.capacity, Some(4.5));
    Dataset::new(
        env.reference.areas().to_vec(),
        env.reference.types().to_vec(),
        env.store.current_services().unwrap(),
    )
    .expect("the current services make a valid dataset");

    let history = env.store.history("riverside-idva").unwrap();
    assert_eq!(history.len(), 2, "{history:#?}");
    assert_eq!(
        (history[0].version, history[0].record.capacity.as_str()),
        (1, "3")
    );
    assert_eq!(
        history[0].submitted_by, None,
        "the first version came from the seed CSV"
    );
    assert!(
        history[0].origin.starts_with("seed "),
        "{}",
        history[0].origin
    );
    assert_eq!(
        (history[1].version, history[1].record.capacity.as_str()),
        (2, "4.5")
    );
    assert_eq!(history[1].kind, SubmissionKind::Change);
    assert_eq!(history[1].submission_id, Some(submission.id));
    let who = |actor: &Option<gapmap::store::Actor>| actor.as_ref().and_then(|a| a.name.clone());
    assert_eq!(who(&history[1].submitted_by).as_deref(), Some("riverside"));
    assert_eq!(who(&history[1].approved_by).as_deref(), Some("panel"));
    assert!(history[1].approved_at >= history[0].approved_at);
}

#[test]
fn new_listings_and_closures_go_through_review_too() {
    let env = Env::new();
    let new = env
        .submit(
            &env.riverside,
            &new_listing("riverside-outreach", complete_fields()),
            None,
        )
        .unwrap()
        .submission;
    assert_eq!(
        new.proposed.provider, RIVERSIDE,
        "the provider defaults to the submitter's organisation"
    );
    assert_eq!(new.base_version, None);
    assert!(env.store.listing("riverside-outreach").unwrap().is_none());
    env.store
        .approve(
            &env.eastside_reviewer,
            new.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap();
    assert_eq!(
        env.store
            .listing("riverside-outreach")
            .unwrap()
            .unwrap()
            .version,
        1
    );

    let closing = env
        .submit(&env.riverside, &closure("riverside-outreach"), None)
        .unwrap()
        .submission;
    let diff = env.store.diff(closing.id).unwrap();
    assert!(
        diff.iter()
            .all(|d| d.proposed.is_none() && d.current.is_some()),
        "{diff:#?}"
    );
    env.store
        .approve(
            &env.panel,
            closing.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap();
    assert!(env.store.listing("riverside-outreach").unwrap().is_none());
    assert!(
        env.store
            .current_services()
            .unwrap()
            .iter()
            .all(|s| s.id != "riverside-outreach")
    );
    let kinds: Vec<_> = env
        .store
        .history("riverside-outreach")
        .unwrap()
        .iter()
        .map(|v| (v.version, v.kind))
        .collect();
    assert_eq!(
        kinds,
        [(1, SubmissionKind::New), (2, SubmissionKind::Closure)]
    );
}

#[test]
fn rejection_leaves_the_listing_unchanged() {
    let env = Env::new();
    let submission = env
        .submit(&env.eastside, &change("eastside-isva", capacity("9")), None)
        .unwrap()
        .submission;
    let before = env.store.listing("eastside-isva").unwrap();
    let version = env.store.dataset_version().unwrap();
    let err = env
        .store
        .reject(&env.panel, submission.id, "  ")
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "comment"),
        "{err}"
    );

    let rejected = env
        .store
        .reject(&env.panel, submission.id, "capacity not evidenced")
        .unwrap();
    assert_eq!(rejected.status, SubmissionStatus::Rejected);
    assert_eq!(rejected.comment.as_deref(), Some("capacity not evidenced"));
    assert_eq!(env.store.listing("eastside-isva").unwrap(), before);
    assert_eq!(env.store.dataset_version().unwrap(), version);
    assert_eq!(env.store.history("eastside-isva").unwrap().len(), 1);

    let again = env
        .store
        .approve(
            &env.panel,
            submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict(_)),
        "a decision is final: {again}"
    );
}

#[test]
fn a_provider_cannot_touch_another_organisations_listings() {
    let env = Env::new();
    let before = env.contents();
    for request in [
        change("eastside-isva", capacity("1")),
        closure("eastside-isva"),
    ] {
        let err = env.submit(&env.riverside, &request, None).unwrap_err();
        assert!(
            matches!(err, StoreError::Forbidden(_)),
            "{request:?}: {err}"
        );
    }
    let handover = ListingFields {
        provider: Some(EASTSIDE.into()),
        ..ListingFields::default()
    };
    let err = env
        .submit(&env.riverside, &change("riverside-idva", handover), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let mut foreign = complete_fields();
    foreign.provider = Some(EASTSIDE.into());
    let err = env
        .submit(&env.riverside, &new_listing("someone-else", foreign), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert_eq!(env.contents(), before);
}

#[test]
fn a_reviewer_cannot_decide_on_their_own_organisations_submission() {
    let env = Env::new();
    let submission = env
        .submit(&env.eastside, &change("eastside-isva", capacity("3")), None)
        .unwrap()
        .submission;
    let err = env
        .store
        .approve(
            &env.eastside_reviewer,
            submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let err = env
        .store
        .reject(&env.eastside_reviewer, submission.id, "no")
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert_eq!(
        env.store
            .listing("eastside-isva")
            .unwrap()
            .unwrap()
            .record
            .capacity,
        "2.5"
    );
    env.store
        .approve(
            &env.panel,
            submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .expect("another reviewer may");
}

#[test]
fn only_providers_submit_and_only_reviewers_decide() {
    let env = Env::new();
    let err = env
        .submit(&env.panel, &change("eastside-isva", capacity("1")), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let submission = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("1")),
            None,
        )
        .unwrap()
        .submission;
    let err = env
        .store
        .approve(
            &env.eastside,
            submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let err = env
        .store
        .approve(
            &env.riverside,
            submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");

    assert_eq!(env.store.submissions(&env.panel, None).unwrap().len(), 1);
    assert_eq!(
        env.store
            .submissions(&env.riverside, Some(SubmissionStatus::Pending))
            .unwrap()
            .len(),
        1
    );
    assert!(
        env.store
            .submissions(&env.eastside, None)
            .unwrap()
            .is_empty()
    );
    assert!(
        env.store
            .submissions(&env.panel, Some(SubmissionStatus::Approved))
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        env.store.submission(&env.eastside, submission.id),
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        env.store
            .submission(&env.riverside, submission.id)
            .unwrap()
            .id,
        submission.id
    );
}

#[test]
fn an_approval_against_an_outdated_version_is_a_conflict() {
    let env = Env::new();
    let first = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("4")),
            None,
        )
        .unwrap();
    let phone = ListingFields {
        phone: Some("020 7946 0199".into()),
        ..ListingFields::default()
    };
    let second = env
        .submit(&env.riverside, &change("riverside-idva", phone), None)
        .unwrap();
    env.store
        .approve(
            &env.panel,
            first.submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap();
    let err = env
        .store
        .approve(
            &env.panel,
            second.submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "approving would undo the first change: {err}"
    );
    assert_eq!(
        env.store
            .listing("riverside-idva")
            .unwrap()
            .unwrap()
            .record
            .capacity,
        "4"
    );
}

fn token_for(store: &Store, role: Role, org: Option<&str>, name: &str) -> (Account, Token) {
    store
        .add_account(&NewAccount {
            role,
            organisation: org.map(str::to_owned),
            name: Some(name.into()),
        })
        .unwrap()
}

#[test]
fn a_revoked_token_is_refused() {
    let env = Env::new();
    let (account, token) = token_for(&env.store, Role::Provider, Some(RIVERSIDE), "leaver");
    assert_eq!(env.store.authenticate(token.expose()).unwrap(), account);
    let revoked = env.store.revoke_account("leaver").unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(matches!(
        env.store.authenticate(token.expose()),
        Err(AuthError::Revoked)
    ));
    // Revoking again, by id, keeps the first time.
    assert_eq!(
        env.store
            .revoke_account(&account.id.to_string())
            .unwrap()
            .revoked_at,
        revoked.revoked_at
    );
    let err = env
        .submit(&revoked, &change("riverside-idva", capacity("1")), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert!(matches!(
        env.store.revoke_account("nobody"),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn a_wrong_unknown_or_malformed_token_is_refused() {
    let env = Env::new();
    let (account, token) = token_for(&env.store, Role::Reviewer, None, "checker");
    let secret = token.expose().rsplit('_').next().unwrap().to_owned();
    let flipped: String = secret
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == 'a' { 'b' } else { 'a' }
            } else {
                c
            }
        })
        .collect();
    let wrong = format!("gm_{}_{flipped}", account.id);
    assert!(matches!(
        env.store.authenticate(&wrong),
        Err(AuthError::WrongSecret)
    ));
    // Another account's id with this account's secret.
    let borrowed = format!("gm_{}_{secret}", env.panel.id);
    assert!(matches!(
        env.store.authenticate(&borrowed),
        Err(AuthError::WrongSecret)
    ));
    let unknown = format!("gm_9999_{secret}");
    assert!(matches!(
        env.store.authenticate(&unknown),
        Err(AuthError::UnknownAccount)
    ));
    for malformed in [
        "",
        "Bearer x",
        &secret,
        "gm_1_short",
        &format!("{}x", token.expose()),
    ] {
        assert!(
            matches!(env.store.authenticate(malformed), Err(AuthError::Malformed)),
            "{malformed}"
        );
    }
    assert_eq!(
        env.store.authenticate(token.expose()).unwrap().id,
        account.id
    );
}

#[test]
fn an_idempotent_retry_returns_the_same_submission_and_adds_no_row() {
    let env = Env::new();
    let request = change("riverside-idva", capacity("5"));
    let first = env
        .submit(&env.riverside, &request, Some("retry-1"))
        .unwrap();
    let after_first = env.contents();
    let retry = env
        .submit(&env.riverside, &request, Some("retry-1"))
        .unwrap();
    assert!(retry.replayed && !first.replayed);
    assert_eq!(retry.submission, first.submission);
    assert_eq!(env.contents(), after_first, "a retry writes nothing");
    // The key belongs to the account: another account may use the same key.
    let other = env
        .submit(
            &env.eastside,
            &change("eastside-isva", capacity("7")),
            Some("retry-1"),
        )
        .unwrap();
    assert!(!other.replayed);
    assert_ne!(other.submission.id, first.submission.id);
    assert_eq!(env.store.submissions(&env.panel, None).unwrap().len(), 2);
}

#[test]
fn invalid_submissions_report_every_problem_and_leave_the_database_unchanged() {
    let env = Env::new();
    let before = env.contents();
    let bad_fields = ListingFields {
        lat: Some("north".into()),
        website: Some("ftp://riverside.example.org".into()),
        last_verified: Some("15/01/2026".into()),
        ..ListingFields::default()
    };
    match env.submit(&env.riverside, &change("riverside-idva", bad_fields), None) {
        Err(StoreError::Invalid(problems)) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
            assert_eq!(fields, ["lat", "website", "last_verified"], "{problems:?}");
        }
        other => panic!("expected every field problem, got {other:?}"),
    }
    let bad_references = ListingFields {
        service_type: Some("helicopter".into()),
        serves: Some("E09000101;E09000999".into()),
        ..ListingFields::default()
    };
    match env.submit(
        &env.riverside,
        &change("riverside-idva", bad_references),
        None,
    ) {
        Err(StoreError::Invalid(problems)) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
            assert_eq!(fields, ["type", "serves"], "{problems:?}");
            assert!(problems[1].1.contains("E09000999"), "{problems:?}");
        }
        other => panic!("expected the cross-reference problems, got {other:?}"),
    }
    let mut outside = complete_fields();
    outside.lon = Some("1.5".into());
    let err = env
        .submit(&env.riverside, &new_listing("far-away", outside), None)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "lat"),
        "{err}"
    );
    let too_long = ListingFields {
        name: Some("x".repeat(load::services::MAX_TEXT_CHARS + 1)),
        ..ListingFields::default()
    };
    let err = env
        .submit(&env.riverside, &change("riverside-idva", too_long), None)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "name"),
        "{err}"
    );
    let err = env
        .submit(
            &env.riverside,
            &new_listing("Bad Id!", complete_fields()),
            None,
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "id"),
        "{err}"
    );
    let err = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("3")),
            None,
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "fields"),
        "no change: {err}"
    );
    let err = env
        .submit(
            &env.riverside,
            &new_listing("riverside-idva", complete_fields()),
            None,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let err = env
        .submit(&env.riverside, &closure("never-listed"), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let with_fields = SubmissionRequest {
        fields: capacity("1"),
        ..closure("riverside-idva")
    };
    let err = env.submit(&env.riverside, &with_fields, None).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("1")),
            Some("bad\u{7}key"),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref p) if p[0].0 == "idempotency_key"),
        "{err}"
    );
    assert_eq!(
        env.contents(),
        before,
        "a refused submission must leave no trace"
    );
}

#[test]
fn the_audit_log_and_decided_submissions_refuse_update_and_delete() {
    let env = Env::new();
    let submitted = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("4")),
            None,
        )
        .unwrap();
    env.store
        .approve(
            &env.panel,
            submitted.submission.id,
            &Approval::with_comment(None),
            &env.reference,
        )
        .unwrap();
    let conn = Connection::open(env.store.path()).unwrap();
    for sql in [
        "UPDATE submissions SET comment = 'rewritten'",
        "UPDATE audit SET origin = 'forged'",
        "DELETE FROM audit",
        "DELETE FROM submissions",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        let message = err.to_string();
        assert!(
            ["append-only", "never deleted", "cannot change"]
                .iter()
                .any(|m| message.contains(m)),
            "{sql}: {message}"
        );
    }
    let history = env.store.history("riverside-idva").unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|v| v.origin != "forged"));
    let kept = env
        .store
        .submission(&env.panel, submitted.submission.id)
        .unwrap();
    assert_eq!(kept.comment, None);
}

#[test]
fn reopening_migrates_nothing_twice_and_seeds_only_once() {
    let env = Env::new();
    let submitted = env
        .submit(
            &env.riverside,
            &change("riverside-idva", capacity("6")),
            None,
        )
        .unwrap();
    let before = env.contents();
    let user_version = || -> i64 {
        Connection::open(env.store.path())
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    let version = user_version();
    assert!(version >= 1);
    for _ in 0..2 {
        let reopened = Store::open(env.dir.path()).expect("reopen");
        assert_eq!(reopened.seed_if_empty(&paths()).unwrap(), None);
        let unreadable_seed = DataPaths {
            services: env.dir.path().join("missing.csv"),
            ..paths()
        };
        assert_eq!(
            reopened.seed_if_empty(&unreadable_seed).unwrap(),
            None,
            "the CSV is not read once seeded"
        );
        assert_eq!(
            reopened
                .submission(&env.panel, submitted.submission.id)
                .unwrap(),
            submitted.submission
        );
    }
    assert_eq!(user_version(), version);
    assert_eq!(env.contents(), before);
}

#[test]
fn tokens_are_never_stored_in_clear_and_the_file_is_sound() {
    let env = Env::new();
    let (_, token) = token_for(&env.store, Role::Admin, None, "root");
    let secret = token.expose().rsplit('_').next().unwrap().to_owned();
    env.store.authenticate(token.expose()).unwrap();
    env.submit(
        &env.riverside,
        &change("riverside-idva", capacity("2")),
        Some("k"),
    )
    .unwrap();
    drop(env.store);
    let mut scanned = 0;
    for entry in std::fs::read_dir(env.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        scanned += bytes.len();
        for needle in [secret.as_bytes(), token.expose().as_bytes()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a token is stored in clear"
            );
        }
    }
    assert!(scanned > 0);
    let store = Store::open(env.dir.path()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let hash: String = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT token_hash FROM accounts WHERE name = 'root'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("sha256:"), "{hash}");
    assert_eq!(hash.len(), "sha256:".len() + 64, "{hash}");
}

#[test]
fn submissions_from_many_threads_all_land() {
    let env = Env::new();
    let store = Arc::new(env.store);
    let reference = Arc::new(env.reference);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (store, reference) = (Arc::clone(&store), Arc::clone(&reference));
            let account = if i % 2 == 0 {
                env.riverside.clone()
            } else {
                env.eastside.clone()
            };
            let listing = if i % 2 == 0 {
                "riverside-refuge"
            } else {
                "eastside-isva"
            };
            std::thread::spawn(move || {
                let request = change(listing, capacity(&format!("{}", 10 + i)));
                let key = format!("thread-{i}");
                let first = store
                    .submit(&account, &request, Some(&key), &reference)
                    .unwrap();
                let again = store
                    .submit(&account, &request, Some(&key), &reference)
                    .unwrap();
                assert_eq!(first.submission.id, again.submission.id);
                store.history(listing).unwrap();
                first.submission.id
            })
        })
        .collect();
    let mut ids: Vec<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert_eq!(
        store
            .submissions(&env.panel, Some(SubmissionStatus::Pending))
            .unwrap()
            .len(),
        8
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn account_rules_are_enforced() {
    let env = Env::new();
    let add = |role, org: Option<&str>, name: Option<&str>| {
        env.store.add_account(&NewAccount {
            role,
            organisation: org.map(str::to_owned),
            name: name.map(str::to_owned),
        })
    };
    assert!(matches!(
        add(Role::Provider, None, None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        add(Role::Provider, Some("  "), None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        add(Role::Reviewer, None, Some("panel")),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        add(Role::Reviewer, None, Some("123")),
        Err(StoreError::Invalid(_))
    ));
    let (unnamed, _) = add(Role::Admin, None, None).unwrap();
    assert_eq!(unnamed.label(), format!("account {}", unnamed.id));
    assert_eq!(env.store.accounts().unwrap().len(), 5);
}

// ---- the commands, through the real binary -------------------------------------------------------------------

fn gapmap(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(args)
        .env("GAPMAP_DATA_DIR", data_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the gapmap binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn accounts_add_prints_the_token_once_and_list_never_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = succeeded(&gapmap(
        dir.path(),
        &[
            "accounts", "add", "--role", "provider", "--org", RIVERSIDE, "--name", "river",
        ],
    ));
    let token = stdout.trim();
    assert_eq!(
        stdout.lines().count(),
        1,
        "stdout is the token alone: {stdout}"
    );
    assert!(token.starts_with("gm_1_"), "{token}");
    let secret = token.rsplit('_').next().unwrap();

    // Added by another process, valid at once.
    let store = Store::open(dir.path()).unwrap();
    let account = store.authenticate(token).unwrap();
    assert_eq!(
        (account.role, account.organisation.as_deref()),
        (Role::Provider, Some(RIVERSIDE))
    );

    let other = tempfile::tempdir().unwrap();
    let refused = gapmap(other.path(), &["accounts", "add", "--role", "provider"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("organisation"),
        "{}",
        text(&refused.stderr)
    );
    assert!(refused.stdout.is_empty());

    let listed = succeeded(&gapmap(dir.path(), &["accounts", "list"]));
    assert!(
        listed.contains("river") && listed.contains(RIVERSIDE),
        "{listed}"
    );
    assert!(!listed.contains(secret), "list must not show the token");

    let revoked = succeeded(&gapmap(dir.path(), &["accounts", "revoke", "river"]));
    assert!(revoked.contains("revoked river"), "{revoked}");
    assert!(matches!(store.authenticate(token), Err(AuthError::Revoked)));
    // `--data-dir` given after the subcommand overrides the environment.
    let elsewhere = succeeded(&gapmap(
        other.path(),
        &[
            "accounts",
            "list",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
    ));
    assert!(elsewhere.contains("river"), "{elsewhere}");
}

#[test]
fn export_services_round_trips_through_import_services() {
    let first = tempfile::tempdir().unwrap();
    let reference = |dir: &Path, file: &str| {
        vec![
            "import-services".to_owned(),
            file.to_owned(),
            "--data-dir".to_owned(),
            dir.to_str().unwrap().to_owned(),
            "--boundaries".to_owned(),
            fixture("boundaries.geojson").to_str().unwrap().to_owned(),
            "--population".to_owned(),
            fixture("population.csv").to_str().unwrap().to_owned(),
            "--types".to_owned(),
            fixture("types.csv").to_str().unwrap().to_owned(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        gapmap(Path::new("/nonexistent"), &args)
    };
    let imported = succeeded(&run(reference(
        first.path(),
        fixture("services.csv").to_str().unwrap(),
    )));
    assert!(
        imported.contains("3 added, 0 changed, 0 unchanged"),
        "{imported}"
    );

    let exported = first.path().join("exported.csv");
    succeeded(&gapmap(
        first.path(),
        &["export-services", "-o", exported.to_str().unwrap()],
    ));
    let csv = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some(load::SERVICE_COLUMNS.join(",").as_str())
    );
    assert_eq!(csv.lines().count(), 4, "{csv}");

    let again = succeeded(&run(reference(first.path(), exported.to_str().unwrap())));
    assert!(again.contains("0 added, 0 changed, 3 unchanged"), "{again}");

    let second = tempfile::tempdir().unwrap();
    succeeded(&run(reference(second.path(), exported.to_str().unwrap())));
    let stdout = succeeded(&gapmap(second.path(), &["export-services"]));
    assert_eq!(stdout, csv, "export → import → export is the identity");

    let broken = first.path().join("broken.csv");
    std::fs::write(&broken, csv.replace("51.5,-0.2", "51.5,2.0")).unwrap();
    let before = table_rows(&first.path().join("gapmap.db"));
    let refused = run(reference(first.path(), broken.to_str().unwrap()));
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("outside every area"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(table_rows(&first.path().join("gapmap.db")), before);
}

#[test]
fn a_token_from_an_earlier_release_still_works_and_its_digest_is_upgraded() {
    use argon2::password_hash::PasswordHasher;
    let env = Env::new();
    let secret = "ab".repeat(32);
    let legacy = argon2::Argon2::default()
        .hash_password(secret.as_bytes())
        .expect("argon2id hash")
        .to_string();
    let conn = Connection::open(env.store.path()).unwrap();
    let id: i64 = conn
        .query_row(
            "INSERT INTO accounts (name, role, organisation, token_hash, created_at)
             VALUES ('old', 'reviewer', NULL, ?1, '2026-01-01T00:00:00.000Z') RETURNING id",
            [&legacy],
            |r| r.get(0),
        )
        .unwrap();
    let wrong = format!("gm_{id}_{}", "cd".repeat(32));
    assert!(matches!(
        env.store.authenticate(&wrong),
        Err(AuthError::WrongSecret)
    ));
    let token = format!("gm_{id}_{secret}");
    assert_eq!(env.store.authenticate(&token).unwrap().id, id);
    let stored: String = conn
        .query_row("SELECT token_hash FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(stored.starts_with("sha256:"), "{stored}");
    assert_eq!(env.store.authenticate(&token).unwrap().id, id);
    assert!(env.store.authenticate(&wrong).is_err());
}
