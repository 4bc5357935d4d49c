//! A snapshot built incrementally after a change ([`Snapshot::after`]: re-analysis of what the change can reach,
//! links and shapes of unchanged listings reused) answers exactly as one built from scratch, body for body.

use gapmap::domain::Dataset;
use gapmap::http::state::Snapshot;
use gapmap::load::{DataPaths, load_dataset};
use geo::Point;

fn bodies(snapshot: &Snapshot) -> Vec<(String, Vec<u8>)> {
    let dataset = snapshot.dataset();
    let mut all = Vec::new();
    let mut add = |name: String, body: Result<&gapmap::http::reply::Body, _>| {
        let body: &gapmap::http::reply::Body =
            body.unwrap_or_else(|e: gapmap::http::state::SnapshotError| panic!("{name}: {e}"));
        all.push((name, body.bytes().to_vec()));
    };
    for t in std::iter::once(None).chain((0..dataset.types().len()).map(Some)) {
        add(format!("areas {t:?}"), snapshot.areas_body(t));
        add(format!("gaps {t:?}"), snapshot.gaps_body(t));
        add(format!("lottery {t:?}"), snapshot.lottery_body(t));
        add(format!("services {t:?}"), snapshot.services_body(t));
    }
    for a in 0..dataset.areas().len() {
        add(format!("area {a}"), snapshot.area_detail_body(a));
    }
    for s in 0..dataset.services().len() {
        add(format!("service {s}"), snapshot.service_detail_body(s));
    }
    add("types".into(), snapshot.types_body());
    add("services.csv".into(), snapshot.services_csv());
    add("areas.csv".into(), snapshot.areas_csv());
    add("services.geojson".into(), snapshot.services_geojson());
    all
}

#[test]
fn an_incremental_snapshot_answers_as_a_fresh_one() {
    let before = load_dataset(&DataPaths::default()).expect("bundled data loads");
    let first = Snapshot::build(before.clone(), 1, 18).unwrap();
    type Change = (&'static str, fn(&mut gapmap::domain::Service));
    let changes: [Change; 3] = [
        ("capacity", |s| {
            s.capacity = Some(s.capacity.unwrap_or(0.0) + 3.0)
        }),
        ("moved 300 m", |s| {
            s.location = Point::new(s.location.x(), s.location.y() + 0.0027)
        }),
        ("renamed", |s| s.name.push_str(" (renamed)")),
    ];
    for (what, change) in changes {
        let mut services = before.services().to_vec();
        let site = services
            .iter()
            .position(|s| s.service_type == "idva")
            .unwrap();
        change(&mut services[site]);
        let incremental = Snapshot::after(
            &first,
            Dataset::changed_from(&before, services.clone()).unwrap(),
            2,
            18,
        )
        .unwrap();
        let fresh = Snapshot::build(
            Dataset::with_reference(before.reference().clone(), services).unwrap(),
            2,
            18,
        )
        .unwrap();
        assert_eq!(incremental.version(), fresh.version(), "{what}");
        assert_ne!(incremental.version(), first.version(), "{what}");
        assert_eq!(incremental.analysis(), fresh.analysis(), "{what}");
        let from = Point::new(-0.1, 51.5);
        for t in std::iter::once(None).chain((0..fresh.dataset().types().len()).map(Some)) {
            let index = |s: &Snapshot| s.published().site_index(t).nearest(from, 3);
            assert_eq!(
                index(&incremental),
                index(&fresh),
                "{what}: nearest of {t:?}"
            );
        }
        for ((name, a), (_, b)) in bodies(&incremental).into_iter().zip(bodies(&fresh)) {
            assert!(a == b, "{what}: {name} differs");
        }
    }
}
