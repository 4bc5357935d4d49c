//! The OpenAPI document matches what the server really does: its paths are the routes the server registers,
//! every documented path answers, every documented query parameter is read (a bad value is rejected naming it),
//! and every answer's keys are exactly those its documented schema lists.

mod common;

use std::collections::BTreeSet;

use common::{TestServer, fixture_paths, spawn};
use gapmap::http::routes::{COMPUTE_ROUTES, ROUTES, STORE_ROUTES};
use serde_json::Value;

async fn document(server: &TestServer) -> Value {
    let answer = server.get("/api/openapi.json").await.expect(200);
    assert_eq!(answer.header("content-type"), "application/json");
    answer.json()
}

/// A valid value for each path parameter, from the fixture.
fn example_path(path: &str) -> String {
    path.replace("{code}", "E09000902")
        .replace("{id}", "rc-secret")
}

/// The query that makes an operation answer 200: its required parameters at their documented examples.
fn required_query(operation: &Value) -> Vec<(String, String)> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let example = p["example"].clone();
            assert!(
                !example.is_null(),
                "required parameter `{name}` has no example"
            );
            let value = example
                .as_str()
                .map_or_else(|| example.to_string(), str::to_owned);
            (name, value)
        })
        .collect()
}

fn url(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{path}?{}", pairs.join("&"))
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_its_paths_are_the_registered_routes() {
    let server = spawn(&fixture_paths());
    let doc = document(&server).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "gapmap");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    let registered: BTreeSet<&str> = ROUTES
        .iter()
        .copied()
        .chain(STORE_ROUTES.iter().map(|(path, _)| *path))
        .chain(COMPUTE_ROUTES.iter().map(|(path, _)| *path))
        .collect();
    assert_eq!(
        documented, registered,
        "documented paths ≠ registered routes"
    );
    assert_eq!(
        registered.len(),
        ROUTES.len() + STORE_ROUTES.len() + COMPUTE_ROUTES.len(),
        "a path is in two route tables"
    );
    for path in ROUTES {
        let item = &doc["paths"][path];
        let methods: Vec<&String> = item.as_object().expect("path item").keys().collect();
        assert_eq!(
            methods,
            ["get"],
            "{path} documents {methods:?}; the server answers GET only"
        );
        assert!(
            item["get"]["responses"]["200"].is_object(),
            "{path} documents no 200 answer"
        );
    }
    for (path, registered) in STORE_ROUTES.iter().chain(COMPUTE_ROUTES) {
        let item = &doc["paths"][path];
        let mut methods: Vec<&str> = item
            .as_object()
            .expect("path item")
            .keys()
            .map(String::as_str)
            .collect();
        methods.sort_unstable();
        let mut expected = registered.to_vec();
        expected.sort_unstable();
        assert_eq!(methods, expected, "{path}: documented ≠ registered methods");
        for method in expected {
            let operation = &item[method];
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|status| status.starts_with('2')),
                "{method} {path} documents no 2xx answer"
            );
            if operation["security"].is_array() {
                assert!(
                    operation["responses"]["401"].is_object(),
                    "{method} {path} needs a token but documents no 401"
                );
            }
        }
    }
    let operation_ids: BTreeSet<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    assert_eq!(
        operation_ids.len(),
        ROUTES.len()
            + STORE_ROUTES
                .iter()
                .chain(COMPUTE_ROUTES)
                .map(|(_, m)| m.len())
                .sum::<usize>(),
        "operationIds must be unique"
    );
    // Every $ref resolves.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let name = reference
            .split('"')
            .next()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref to {name}"
        );
    }
}

#[tokio::test]
async fn every_documented_path_and_parameter_exists() {
    let server = spawn(&fixture_paths());
    let doc = document(&server).await;
    for path in ROUTES {
        let operation = &doc["paths"][path]["get"];
        let required = required_query(operation);
        let ok = url(&example_path(path), &required);
        server.get(&ok).await.expect(200);
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap_or_default();
            match parameter["in"].as_str() {
                Some("path") => {
                    let bogus = path.replace(&format!("{{{name}}}"), "bogus-value");
                    let body = server.get(&bogus).await.expect(404).json();
                    assert!(
                        body["detail"]
                            .as_str()
                            .is_some_and(|d| d.contains("bogus-value")),
                        "{bogus}: {body}"
                    );
                }
                Some("query") => {
                    let mut query: Vec<(String, String)> = required
                        .iter()
                        .filter(|(k, _)| k != name)
                        .cloned()
                        .collect();
                    query.push((name.to_owned(), "bogus-value".to_owned()));
                    let bad = url(&example_path(path), &query);
                    if (*path, name) == ("/api/geocode", "q") {
                        // Free search text: any text is a valid question, and one that matches nothing is 404.
                        let body = server.get(&bad).await.expect(404).json();
                        assert!(
                            body["detail"]
                                .as_str()
                                .is_some_and(|d| d.contains("no postcode or area"))
                        );
                        continue;
                    }
                    let body = server.get(&bad).await.expect(400).json();
                    assert_eq!(
                        body["error"].as_str(),
                        Some(format!("invalid parameter `{name}`").as_str()),
                        "{bad}: the server does not read `{name}`: {body}"
                    );
                }
                other => panic!("{path}: parameter `{name}` in {other:?}"),
            }
        }
    }
}

/// Resolves `$ref`s, merges `allOf`, and picks the non-null branch of `oneOf`/`anyOf`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return resolve(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        return parts.iter().flat_map(|p| resolve(doc, p)).collect();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[key].as_array() {
            return branches
                .iter()
                .filter(|b| b["type"] != "null")
                .flat_map(|b| resolve(doc, b))
                .collect();
        }
    }
    vec![schema]
}

/// Asserts that `value`'s object keys are exactly the schema's properties, recursively.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) {
    if value.is_null() {
        return;
    }
    let parts = resolve(doc, schema);
    match value {
        Value::Object(object) => {
            let properties: Vec<&serde_json::Map<String, Value>> = parts
                .iter()
                .filter_map(|p| p["properties"].as_object())
                .collect();
            if !properties.is_empty() {
                let documented: BTreeSet<&str> = properties
                    .iter()
                    .flat_map(|p| p.keys().map(String::as_str))
                    .collect();
                let sent: BTreeSet<&str> = object.keys().map(String::as_str).collect();
                assert_eq!(sent, documented, "{at}: keys sent ≠ keys documented");
                for (key, child) in object {
                    let child_schema = properties
                        .iter()
                        .find_map(|p| p.get(key))
                        .unwrap_or(&Value::Null);
                    conforms(doc, child_schema, child, &format!("{at}.{key}"));
                }
            } else if let Some(values) = parts.iter().find_map(|p| p.get("additionalProperties")) {
                for (key, child) in object {
                    conforms(doc, values, child, &format!("{at}[{key}]"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = parts.iter().find_map(|p| p.get("items")) {
                for (i, child) in items.iter().enumerate().take(5) {
                    conforms(doc, item, child, &format!("{at}[{i}]"));
                }
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_answer_has_exactly_the_documented_keys() {
    let server = spawn(&fixture_paths());
    let doc = document(&server).await;
    let mut checked = 0;
    for path in ROUTES {
        let operation = &doc["paths"][path]["get"];
        let url = url(&example_path(path), &required_query(operation));
        let answer = server.get(&url).await.expect(200);
        let content_type = answer.header("content-type").to_owned();
        let documented = &operation["responses"]["200"]["content"];
        let media = documented
            .as_object()
            .and_then(|c| {
                c.iter()
                    .find(|(t, _)| content_type.starts_with(t.as_str()))
                    .map(|(_, m)| m)
            })
            .unwrap_or_else(|| panic!("{url}: {content_type} is not documented: {documented}"));
        if content_type.contains("json") && *path != "/api/openapi.json" {
            conforms(&doc, &media["schema"], &answer.json(), &url);
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} answers checked");
    let error = server.get("/api/areas?type=bogus").await.expect(400).json();
    conforms(
        &doc,
        &doc["paths"]["/api/areas"]["get"]["responses"]["400"]["content"]["application/json"]["schema"],
        &error,
        "error",
    );
}

#[tokio::test]
async fn parameters_list_the_values_the_data_accepts() {
    let server = spawn(&fixture_paths());
    let doc = document(&server).await;
    // The `field` of every member of the array `key` of the answer to `path`.
    let column = async |path: &str, key: &str, field: &str| -> Vec<Value> {
        let answer = server.get(path).await.expect(200).json();
        answer[key]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no `{key}`"))
            .iter()
            .map(|member| member[field].clone())
            .collect()
    };
    let types = column("/api/types", "types", "id").await;
    let codes = column("/api/areas", "features", "id").await;
    let parameter = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("{path} documents no `{name}`"))
    };
    // An empty value counts as absent, so it is one of the values accepted.
    let with_empty = |values: &[Value]| {
        std::iter::once(Value::from(""))
            .chain(values.iter().cloned())
            .collect::<Vec<_>>()
    };
    for path in [
        "/api/areas",
        "/api/gaps",
        "/api/lottery",
        "/api/services",
        "/api/nearest",
    ] {
        assert_eq!(
            parameter(path, "type")["schema"]["enum"]
                .as_array()
                .expect("enum"),
            &with_empty(&types),
            "{path}"
        );
    }
    for path in ["/api/services", "/api/export/areas.csv"] {
        assert_eq!(
            parameter(path, "area")["schema"]["enum"]
                .as_array()
                .expect("enum"),
            &with_empty(&codes),
            "{path}"
        );
    }
    let bbox = parameter("/api/services", "bbox");
    assert_eq!(
        (&bbox["style"], &bbox["explode"]),
        (&Value::from("form"), &Value::from(false))
    );
    assert_eq!(
        bbox["schema"]["prefixItems"].as_array().map(Vec::len),
        Some(4)
    );
    let code = parameter("/api/areas/{code}", "code");
    server
        .get(&format!(
            "/api/areas/{}",
            code["example"].as_str().expect("example")
        ))
        .await
        .expect(200);
}
