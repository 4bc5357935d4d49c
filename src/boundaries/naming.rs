//! Recognising each feature's GSS code and name: plain `code`/`name` properties, ONS Open Geography pairs
//! (`<PREFIX><yy>CD` / `<PREFIX><yy>NM`, e.g. `LAD22CD`/`LAD22NM`, `WD22CD`/`WD22NM`, `PFA23CD`/`PFA23NM`), or a
//! TopoJSON `id`; and, where the source has no code, finding it by name in a `code,name` CSV.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::ImportError;
use super::feature::SourceFeature;
use crate::domain::GssCode;

/// Which ONS Open Geography property pair names the features, e.g. prefix `LAD`, year 22.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OnsPair {
    /// Upper-case stem without the suffix, e.g. `LAD22`.
    stem: String,
    /// Two-digit year, e.g. 22.
    year: u8,
}

impl fmt::Display for OnsPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{0}CD/{0}NM", self.stem)
    }
}

/// The stem of an ONS-style key (`LAD22CD` → `LAD22`, year 22) and whether it is the code (`CD`) key.
fn ons_key(key: &str) -> Option<(OnsPair, bool)> {
    let upper = key.to_ascii_uppercase();
    let (stem, is_code) = match (upper.strip_suffix("CD"), upper.strip_suffix("NM")) {
        (Some(stem), _) => (stem, true),
        (None, Some(stem)) => (stem, false),
        (None, None) => return None,
    };
    let split = stem.len().checked_sub(2)?;
    let (prefix, year) = (stem.get(..split)?, stem.get(split..)?);
    let well_formed = !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && year.bytes().all(|b| b.is_ascii_digit());
    let year = year.parse().ok().filter(|_| well_formed)?;
    Some((
        OnsPair {
            stem: stem.to_owned(),
            year,
        },
        is_code,
    ))
}

/// A property's value by key, ignoring the key's case; strings are trimmed, numbers written out, and
/// anything else (or an empty string) counts as absent.
fn property(properties: &Map<String, Value>, key: &str) -> Option<String> {
    let value = properties
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)?;
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// Picks the ONS pair that identifies the features: one whose code property every feature has, preferring
/// pairs whose codes are all different (a ward file also carries its wards' `LAD22CD`, shared by many wards),
/// then the latest year, then alphabetical order so the choice is stable.
pub(super) fn ons_pair(features: &[SourceFeature]) -> Option<OnsPair> {
    let mut candidates: Vec<OnsPair> = Vec::new();
    for (index, feature) in features.iter().enumerate() {
        let here: Vec<OnsPair> = feature
            .properties
            .keys()
            .filter_map(|k| ons_key(k))
            .filter(|(_, is_code)| *is_code)
            .map(|(p, _)| p)
            .collect();
        if index == 0 {
            candidates = here;
        } else {
            candidates.retain(|c| here.contains(c));
        }
    }
    let distinct = |pair: &OnsPair| {
        let mut codes: Vec<Option<String>> = features
            .iter()
            .map(|f| property(&f.properties, &format!("{}CD", pair.stem)))
            .collect();
        codes.sort();
        codes.dedup();
        codes.len() == features.len()
    };
    candidates.into_iter().max_by(|a, b| {
        (distinct(a), a.year)
            .cmp(&(distinct(b), b.year))
            .then_with(|| b.stem.cmp(&a.stem))
    })
}

/// What a feature says about itself: its code (unchecked text) and its name, either possibly missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Identity {
    /// The code as written in the source.
    pub code: Option<String>,
    /// The name as written in the source, trimmed.
    pub name: Option<String>,
}

impl Identity {
    /// How to refer to the feature in messages: its name, else its code, else its position.
    pub fn label(&self, number: usize) -> String {
        match (&self.name, &self.code) {
            (Some(name), _) => name.clone(),
            (None, Some(code)) => code.clone(),
            (None, None) => format!("feature {number}"),
        }
    }
}

/// Reads a feature's code and name: `code`/`name` first, then the ONS pair, then the `id` (a code if it looks
/// like one, otherwise a name).
pub(super) fn identity(feature: &SourceFeature, pair: Option<&OnsPair>) -> Identity {
    let ons = |suffix: &str| {
        pair.and_then(|p| property(&feature.properties, &format!("{}{suffix}", p.stem)))
    };
    let id = feature
        .id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let id_is_code = id.is_some_and(|id| GssCode::parse(id).is_ok());
    Identity {
        code: property(&feature.properties, "code")
            .or_else(|| ons("CD"))
            .or_else(|| id.filter(|_| id_is_code).map(str::to_owned)),
        name: property(&feature.properties, "name")
            .or_else(|| ons("NM"))
            .or_else(|| id.filter(|_| !id_is_code).map(str::to_owned)),
    }
}

/// Normalises a name for matching: case-insensitive, surrounding and repeated white space ignored, `&` read
/// as `and` (so `Hammersmith & Fulham` matches `Hammersmith and Fulham`).
pub(super) fn normalise(name: &str) -> String {
    name.to_lowercase()
        .replace('&', " and ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// GSS codes by normalised name, read from a CSV with `code` and `name` columns.
#[derive(Debug)]
pub(super) struct CodeBook {
    /// The CSV the codes came from, for messages.
    pub file: PathBuf,
    by_name: HashMap<String, GssCode>,
    by_code: HashMap<GssCode, String>,
}

impl CodeBook {
    /// Reads the CSV. Every row must have a valid GSS code, and no two rows may share a name.
    pub fn read(path: &Path) -> Result<Self, ImportError> {
        let file = path.to_owned();
        let problem = |line: Option<u64>, reason: String| ImportError::Codes {
            file: file.clone(),
            line,
            reason,
        };
        let mut reader =
            csv::Reader::from_path(path).map_err(|e| problem(None, format!("cannot read: {e}")))?;
        let headers = reader
            .headers()
            .map_err(|e| problem(Some(1), e.to_string()))?
            .clone();
        let column = |wanted: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(wanted))
        };
        let (Some(code_at), Some(name_at)) = (column("code"), column("name")) else {
            return Err(problem(
                Some(1),
                "the header must have `code` and `name` columns".to_owned(),
            ));
        };
        let (mut by_name, mut by_code) = (HashMap::new(), HashMap::new());
        for record in reader.records() {
            let record =
                record.map_err(|e| problem(e.position().map(|p| p.line()), e.to_string()))?;
            let line = record.position().map(|p| p.line());
            let name = record.get(name_at).unwrap_or_default();
            let code = GssCode::parse(record.get(code_at).unwrap_or_default())
                .map_err(|e| problem(line, e))?;
            if normalise(name).is_empty() {
                return Err(problem(line, format!("area {code} has no name")));
            }
            if let Some(earlier) = by_name.insert(normalise(name), code.clone()) {
                return Err(problem(
                    line,
                    format!("the name `{name}` is given to both {earlier} and {code}"),
                ));
            }
            if by_code
                .insert(code.clone(), name.trim().to_owned())
                .is_some()
            {
                return Err(problem(line, format!("code {code} appears twice")));
            }
        }
        Ok(Self {
            file,
            by_name,
            by_code,
        })
    }

    /// The code for a name, matched as [`normalise`] describes.
    pub fn code_for(&self, name: &str) -> Option<&GssCode> {
        self.by_name.get(&normalise(name))
    }

    /// The name given to a code.
    pub fn name_for(&self, code: &GssCode) -> Option<&str> {
        self.by_code.get(code).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundaries::feature::SourceGeometry;
    use serde_json::json;

    fn feature(id: Option<&str>, properties: Value) -> SourceFeature {
        let Value::Object(properties) = properties else {
            panic!("properties must be an object")
        };
        SourceFeature {
            number: 1,
            id: id.map(str::to_owned),
            properties,
            geometry: SourceGeometry::Missing,
        }
    }

    #[test]
    fn ons_keys_of_any_prefix_and_year_are_recognised() {
        assert_eq!(
            ons_key("LAD23NM"),
            Some((
                OnsPair {
                    stem: "LAD23".into(),
                    year: 23
                },
                false
            ))
        );
        assert_eq!(
            ons_key("wd22cd"),
            Some((
                OnsPair {
                    stem: "WD22".into(),
                    year: 22
                },
                true
            ))
        );
        assert_eq!(ons_key("PFA23CD").map(|(p, _)| p.year), Some(23));
        assert_eq!(ons_key("LAD22NMW"), None);
        assert_eq!(ons_key("22CD"), None);
        assert_eq!(ons_key("CODE"), None);
    }

    #[test]
    fn the_pair_with_distinct_codes_wins_over_a_shared_parent_code() {
        let wards = [
            feature(
                None,
                json!({"WD22CD": "E05000001", "WD22NM": "Aldersgate", "LAD22CD": "E09000001"}),
            ),
            feature(
                None,
                json!({"WD22CD": "E05000002", "WD22NM": "Aldgate", "LAD22CD": "E09000001"}),
            ),
        ];
        let pair = ons_pair(&wards).unwrap();
        assert_eq!(pair.to_string(), "WD22CD/WD22NM");
        let who = identity(&wards[1], Some(&pair));
        assert_eq!(who.code.as_deref(), Some("E05000002"));
        assert_eq!(who.name.as_deref(), Some("Aldgate"));
    }

    #[test]
    fn plain_properties_come_first_and_an_id_is_a_code_only_if_it_looks_like_one() {
        let plain = feature(
            Some("E09000099"),
            json!({"Name": " Camden ", "code": "E09000007"}),
        );
        assert_eq!(
            identity(&plain, None),
            Identity {
                code: Some("E09000007".into()),
                name: Some("Camden".into())
            }
        );
        let named = feature(Some("Newham"), json!({}));
        assert_eq!(
            identity(&named, None),
            Identity {
                code: None,
                name: Some("Newham".into())
            }
        );
        let coded = feature(Some("E09000025"), json!({}));
        assert_eq!(
            identity(&coded, None),
            Identity {
                code: Some("E09000025".into()),
                name: None
            }
        );
    }

    #[test]
    fn names_match_ignoring_case_space_and_ampersand() {
        assert_eq!(
            normalise("  Hammersmith &  Fulham "),
            normalise("hammersmith and fulham")
        );
        assert_ne!(normalise("Barking"), normalise("Barking and Dagenham"));
    }

    #[test]
    fn code_book_reads_codes_and_rejects_a_bad_code_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        std::fs::write(
            &good,
            "code,name,population\nE09000013,Hammersmith and Fulham,1\n",
        )
        .unwrap();
        let book = CodeBook::read(&good).unwrap();
        assert_eq!(
            book.code_for("HAMMERSMITH & FULHAM").map(GssCode::as_str),
            Some("E09000013")
        );
        assert_eq!(book.code_for("Fulham"), None);

        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            "code,name\nE09000013,Hammersmith and Fulham\nE0900,Camden\n",
        )
        .unwrap();
        let err = CodeBook::read(&bad).unwrap_err();
        assert!(
            matches!(err, ImportError::Codes { line: Some(3), .. }),
            "{err}"
        );
    }
}
