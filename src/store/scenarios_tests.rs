//! Reading scenario edits: every problem named, an added site's defaults, ids.
use super::*;
use serde_json::json;

#[test]
fn every_problem_names_its_edit_and_field() {
    let edits = [
        json!({"op": "remove", "id": "x"}),
        json!({"op": "move", "id": "x"}),
        json!({"op": "add", "service": {"id": "New One", "type": "isva", "lat": 95, "lon": 0,
            "location_precision": "exact"}}),
        json!({"op": "add", "service": {"id": "n", "colour": "red"}}),
        json!({"op": "resize", "id": "x", "capacity": "lots"}),
    ];
    let problems = parse_edits(&edits).unwrap_err();
    let named: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.edit, p.field.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (1, ""),
            (2, "service.id"),
            (2, "service.lat"),
            (3, "service"),
            (4, "")
        ],
        "{problems:?}"
    );
    assert!(problems[0].message.contains("unknown variant `move`"));
    assert!(problems[3].message.contains("colour"));
}

#[test]
fn an_added_site_needs_only_its_place_and_type_and_keeps_as_it_was_read() {
    let edits = [
        json!({"op": "add", "service": {"id": "hub", "type": "isva", "lat": 51.5,
        "lon": -0.1, "location_precision": "exact", "capacity": 2}}),
    ];
    let parsed = parse_edits(&edits).unwrap();
    let Edit::Add(service) = &parsed[0] else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        (service.name.as_str(), service.provider.as_str()),
        ("hub", SCENARIO_PROVIDER)
    );
    assert_eq!(service.capacity, Some(2.0));
    let kept = StoredEdit::of(&parsed[0]);
    assert_eq!(kept.edit().unwrap(), parsed[0]);
    let text = serde_json::to_string(&kept).unwrap();
    assert_eq!(serde_json::from_str::<StoredEdit>(&text).unwrap(), kept);
}

#[test]
fn ids_are_32_lowercase_hex_digits() {
    assert!(is_scenario_id("0123456789abcdef0123456789abcdef"));
    assert!(!is_scenario_id("0123456789ABCDEF0123456789abcdef"));
    assert!(!is_scenario_id("0123456789abcdef"));
    assert!(!is_scenario_id("../../etc/passwd"));
}
