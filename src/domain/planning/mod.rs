//! Planning inputs shared by accessibility (two-step floating catchment) and hub siting: weighted demand points,
//! supply sites with capacities, and the sparse cost matrix between them. Pure: files are read by
//! [`crate::load::planning`], answers computed by the modules that use these.
//!
//! Definitions are in the README ("Planning").

mod cost;
mod demand;
pub mod fca;
pub mod siting;

pub use super::decay::{Band, Decay, DecayError};
pub use cost::{CostMatrix, CostProblem};
pub use demand::{DemandPoint, SupplySite, grid_demand, locate_demand, type_supply};
