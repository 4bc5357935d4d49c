//! The coverage engine: pure types and functions, no I/O and no HTTP.

pub mod access;
pub mod analysis;
mod area;
pub mod coverage;
mod dataset;
mod decay;
pub mod disclosure;
pub mod gaps;
mod listing;
pub mod lottery;
pub mod planning;
pub mod postcode;
pub mod published;
mod reference;
pub mod scenario;
mod service;

pub use analysis::{Analysis, AnalysisOptions, AreaCoverage, TypeAnalysis, analyse};
pub use area::{Area, GssCode};
pub use dataset::Dataset;
pub(crate) use listing::listing_schema;
pub use listing::{FieldInput, LISTING_FIELDS, ListingField, ListingRules, listing_fields_json};
pub use published::{Published, round_degrees};
pub use reference::{DatasetProblem, FieldProblem, Reference, Subject};
pub use service::{
    Benchmark, DEFAULT_RATE_PER, DEFAULT_STALE_MONTHS, LocationPolicy, LocationPrecision, Serves,
    Service, ServiceType, Setting, Specialism, is_stale,
};
