//! Services: the taxonomy of service types with their benchmarks, and the service sites themselves.

use chrono::{Months, NaiveDate};
use geo::Point;
use serde::Serialize;
use utoipa::ToSchema;

use super::GssCode;
use super::decay::Decay;

/// A published provision benchmark: `value` units of capacity per `per` people of the type's basis.
// `ToSchema`: schema metadata for the API document, not HTTP.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Benchmark {
    /// Capacity units required per `per` people, e.g. `1` (centre).
    pub value: f64,
    /// Size of the population the value refers to, e.g. `200000` (women).
    pub per: f64,
    /// Where the figure comes from, e.g. the Council of Europe's 2008 minimum standards.
    pub source: String,
}

/// A type of service, e.g. `isva`, and how its provision is measured.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceType {
    /// Slug used in files, URLs and JSON, e.g. `rape_crisis`.
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// The benchmark, where a recognised one exists.
    pub benchmark: Option<Benchmark>,
    /// Which basis population column rates are computed against (`women`, `population`).
    pub basis: String,
    /// What a site's capacity counts, e.g. `FTE advisers`, `family places`.
    pub capacity_unit: String,
    /// Travel catchment in kilometres used for the physical-access share.
    pub catchment_km: f64,
    /// Whether a site of this type may publish its own position.
    pub location_policy: LocationPolicy,
    /// The largest capacity one site may declare, in `capacity_unit`: a sanity limit against typing errors and
    /// against a single listing that would make every gap vanish.
    pub capacity_max: f64,
    /// Distance decay W(c) of the type's accessibility (E2SFCA), c in geodesic km: `access_decay` in `types.csv`,
    /// by default three bands at ⅓, ⅔ and all of `catchment_km` weighing 1, 0.68 and 0.22.
    #[schema(value_type = String, example = "step:1.6666666666666667=1,3.3333333333333335=0.68,5=0.22")]
    pub access_decay: Decay,
    /// Max cost M of the type's accessibility, in km (inclusive): `access_max_cost` in `types.csv`, by default the
    /// decay's largest band bound.
    pub access_max_cost: f64,
}

/// Whether the sites of a type may be listed with their own, public position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationPolicy {
    /// Every site must be `confidential` (refuges, rape crisis centres): an `exact` listing is refused on import,
    /// submission and approval.
    ConfidentialRequired,
    /// A site may be `exact` or `confidential`; a change from confidential to exact must be acknowledged by the
    /// approving reviewer.
    ExactAllowed,
}

impl LocationPolicy {
    /// Parses `confidential_required` or `exact_allowed`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "confidential_required" => Ok(Self::ConfidentialRequired),
            "exact_allowed" => Ok(Self::ExactAllowed),
            other => Err(format!(
                "`{other}` is not a location policy (confidential_required or exact_allowed)"
            )),
        }
    }

    /// The value as written in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfidentialRequired => "confidential_required",
            Self::ExactAllowed => "exact_allowed",
        }
    }

    /// Whether a site with `precision` obeys the policy.
    pub fn allows(self, precision: LocationPrecision) -> bool {
        self == Self::ExactAllowed || precision == LocationPrecision::Confidential
    }
}

/// The population size rates are expressed per when a type has no benchmark.
pub const DEFAULT_RATE_PER: f64 = 100_000.0;

impl ServiceType {
    /// The population size this type's rate is expressed per: the benchmark's `per`, else 100,000.
    pub fn rate_per(&self) -> f64 {
        self.benchmark.as_ref().map_or(DEFAULT_RATE_PER, |b| b.per)
    }
}

/// Whether a site's real position may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationPrecision {
    /// The address is public.
    Exact,
    /// The address must never leave the server (refuges, most rape crisis centres): only its area is published.
    Confidential,
}

impl LocationPrecision {
    /// Both precisions, in the order they are documented.
    pub const ALL: [LocationPrecision; 2] = [Self::Exact, Self::Confidential];

    /// Parses `exact` or `confidential`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "exact" => Ok(Self::Exact),
            "confidential" => Ok(Self::Confidential),
            other => Err(format!(
                "`{other}` is not a location precision (exact or confidential)"
            )),
        }
    }

    /// The value as written in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Confidential => "confidential",
        }
    }
}

/// Where a service is delivered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// A community base or drop-in.
    Community,
    /// A hospital, e.g. an A&E-based IDVA.
    Hospital,
    /// A court, e.g. a specialist domestic abuse court.
    Court,
    /// A housing office or refuge.
    Housing,
    /// A police station.
    Police,
    /// A health setting other than a hospital (GP, sexual health clinic).
    Health,
}

impl Setting {
    /// All settings, in the order they are documented.
    pub const ALL: [Setting; 6] = [
        Self::Community,
        Self::Hospital,
        Self::Court,
        Self::Housing,
        Self::Police,
        Self::Health,
    ];

    /// The value as written in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::Hospital => "hospital",
            Self::Court => "court",
            Self::Housing => "housing",
            Self::Police => "police",
            Self::Health => "health",
        }
    }

    /// Parses one of the six setting names.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Self::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| {
            format!("`{text}` is not a setting (community, hospital, court, housing, police or health)")
        })
    }
}

/// A group of survivors a service specialises in supporting, as listed in `specialisms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Specialism {
    /// Children and young people.
    YoungPeople,
    /// Black, Asian and minority ethnic women.
    Bame,
    /// Lesbian, gay, bisexual and trans survivors.
    Lgbt,
    /// Disabled women.
    Disability,
    /// Women with multiple or complex needs.
    ComplexNeeds,
    /// Deaf women.
    Deaf,
    /// Older women.
    OlderWomen,
    /// Migrant women.
    MigrantWomen,
}

impl Specialism {
    /// All specialisms, in the order `services/README.md` documents them.
    pub const ALL: [Specialism; 8] = [
        Self::YoungPeople,
        Self::Bame,
        Self::Lgbt,
        Self::Disability,
        Self::ComplexNeeds,
        Self::Deaf,
        Self::OlderWomen,
        Self::MigrantWomen,
    ];

    /// The value as written in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::YoungPeople => "young_people",
            Self::Bame => "bame",
            Self::Lgbt => "lgbt",
            Self::Disability => "disability",
            Self::ComplexNeeds => "complex_needs",
            Self::Deaf => "deaf",
            Self::OlderWomen => "older_women",
            Self::MigrantWomen => "migrant_women",
        }
    }

    /// Parses one of the eight specialism names; the error names them all.
    ///
    /// ```
    /// use gapmap::domain::Specialism;
    /// assert_eq!(Specialism::parse(" deaf "), Ok(Specialism::Deaf));
    /// assert!(Specialism::parse("youth").unwrap_err().contains("young_people, bame,"));
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Self::ALL.map(Self::as_str).to_vec();
                format!(
                    "`{text}` is not a specialism (one of {})",
                    allowed.join(", ")
                )
            })
    }
}

/// Which areas a site serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Serves {
    /// Empty `serves`: the area the site lies in.
    OwnArea,
    /// `*`: every area in the dataset.
    AllAreas,
    /// An explicit list of GSS codes.
    Areas(Vec<GssCode>),
}

impl Serves {
    /// The value as written in files: empty, `*` or `;`-separated codes.
    pub fn to_field(&self) -> String {
        match self {
            Self::OwnArea => String::new(),
            Self::AllAreas => "*".into(),
            Self::Areas(codes) => codes
                .iter()
                .map(GssCode::as_str)
                .collect::<Vec<_>>()
                .join(";"),
        }
    }
}

/// One service site.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Stable slug, unique within a dataset.
    pub id: String,
    /// Name of the service.
    pub name: String,
    /// Organisation that runs it.
    pub provider: String,
    /// Service type id (a row of the taxonomy).
    pub service_type: String,
    /// True position, WGS84 longitude/latitude degrees. Never published when confidential.
    pub location: Point<f64>,
    /// Whether `location` may be published.
    pub location_precision: LocationPrecision,
    /// Areas served.
    pub serves: Serves,
    /// Capacity in the type's unit; `None` when unknown.
    pub capacity: Option<f64>,
    /// Specialisms, each the text of a [`Specialism`], e.g. `young_people`, `bame`.
    pub specialisms: Vec<String>,
    /// Where it is delivered from, when known.
    pub setting: Option<Setting>,
    /// Public phone number.
    pub phone: String,
    /// Public website.
    pub website: String,
    /// When the listing was last checked with the provider.
    pub last_verified: NaiveDate,
    /// Where the listing comes from; invented sample rows say `illustrative`.
    pub source: String,
}

impl Service {
    /// Whether this listing is invented sample data (its source says `illustrative`).
    pub fn is_illustrative(&self) -> bool {
        self.source.to_ascii_lowercase().contains("illustrative")
    }
}

/// How old `last_verified` may be, in months, before a listing counts as stale.
pub const DEFAULT_STALE_MONTHS: u32 = 12;

/// Whether a listing last verified on `last_verified` is stale on `today`: verified before the same calendar day
/// `max_age_months` months earlier (clamped to the month's end, so 29 Feb less 12 months is 28 Feb).
///
/// ```
/// use chrono::NaiveDate;
/// use gapmap::domain::is_stale;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert!(!is_stale(day(2025, 6, 1), day(2026, 6, 1), 12)); // exactly 12 months: still current
/// assert!(is_stale(day(2025, 5, 31), day(2026, 6, 1), 12));
/// assert!(!is_stale(day(2026, 7, 1), day(2026, 6, 1), 12)); // a date in the future is not stale
/// ```
pub fn is_stale(last_verified: NaiveDate, today: NaiveDate, max_age_months: u32) -> bool {
    today
        .checked_sub_months(Months::new(max_age_months))
        .is_some_and(|cutoff| last_verified < cutoff)
}

#[cfg(test)]
mod stale_tests {
    use super::*;

    #[test]
    fn staleness_clamps_to_the_end_of_the_month() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(!is_stale(day(2023, 2, 28), day(2024, 2, 29), 12));
        assert!(is_stale(day(2023, 2, 27), day(2024, 2, 29), 12));
        assert!(is_stale(day(2026, 5, 31), day(2026, 6, 1), 0));
    }
}
