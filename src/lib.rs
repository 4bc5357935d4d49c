//! gapmap shows who can reach specialist support for violence against women and girls, and where the gaps are.
//!
//! Areas (London's boroughs by default) and service sites (IDVAs, ISVAs, the Havens, rape crisis centres…) are
//! loaded by [`load`], linked and checked in [`domain::Dataset`], and analysed by [`domain::analyse`]: per area and
//! per type, what serves it, its capacity share, rate against a benchmark, shortfall, status and physical access,
//! and per type the "postcode lottery" summary. The definitions are in the README.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod app;
/// The offline boundary importer behind `gapmap import-boundaries`, run by hand to produce `boundaries/*.geojson`.
/// Nothing at run time uses it: the server reads its output through [`load`].
pub mod boundaries;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
pub mod export;
pub mod http;
pub mod load;
pub mod spatial;
pub mod store;
