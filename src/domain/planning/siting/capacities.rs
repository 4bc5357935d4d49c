//! Capacities in an answer's terms: each candidate's capacity in demand units, from its listing (through the
//! type's benchmark), from a file or from the hub capacity, and what each open site serves.

use super::{Inputs, Plan, ServedAnswer, SiteCapacity, SitingProblem};
use crate::domain::ServiceType;

impl Inputs {
    /// Each candidate's capacity in demand units (README, "Hub siting" → capacities): a listed site's capacity ×
    /// `benchmark.per` / `benchmark.value` of `service_type` (the basis it serves at the benchmark rate), a given
    /// capacity as it is, else `hub_capacity`, else unlimited (`f64::INFINITY`). Refused when a listed site needs
    /// the benchmark and the type has none, or when nothing would be limited.
    pub fn capacities(
        &self,
        service_type: &ServiceType,
        hub_capacity: Option<f64>,
    ) -> Result<Vec<f64>, SitingProblem> {
        if let Some(c) = hub_capacity.filter(|c| c.is_nan() || *c < 0.0) {
            return Err(SitingProblem::BadCapacity(format!(
                "the hub capacity must be a number ≥ 0, not {c}"
            )));
        }
        let per_unit = service_type
            .benchmark
            .as_ref()
            .filter(|b| b.value > 0.0 && b.per > 0.0)
            .map(|b| b.per / b.value);
        let mut capacities = Vec::with_capacity(self.candidates.len());
        for candidate in &self.candidates {
            capacities.push(match candidate.capacity {
                SiteCapacity::Listing(listed) => {
                    let Some(per_unit) = per_unit else {
                        return Err(SitingProblem::BadCapacity(format!(
                            "type `{}` has no benchmark to turn its sites' capacity ({}) into {}: \
                             let the existing sites close (no_keep_existing) and give capacities in {} \
                             (hub_capacity, or a candidates file's `capacity`)",
                            service_type.id,
                            service_type.capacity_unit,
                            service_type.basis,
                            service_type.basis
                        )));
                    };
                    listed * per_unit
                }
                SiteCapacity::Demand(given) => given,
                SiteCapacity::Unset => hub_capacity.unwrap_or(f64::INFINITY),
            });
        }
        if capacities.iter().all(|c| c.is_infinite()) {
            return Err(SitingProblem::BadCapacity(format!(
                "no capacity to apply: type `{}` has no existing site in the question and no capacity was \
                 given (hub_capacity, or a candidates file's `capacity`)",
                service_type.id
            )));
        }
        Ok(capacities)
    }

    /// With capacities, every open site (fixed, then chosen in account order) with its capacity and the demand
    /// assigned to it.
    pub(super) fn served(&self, plan: &Plan) -> Option<Vec<ServedAnswer>> {
        let served = plan.served.as_ref()?;
        let fixed = (0..self.candidates.len()).filter(|&j| self.candidates[j].fixed);
        let open = fixed.chain(plan.steps.iter().map(|s| s.site));
        Some(
            open.map(|j| ServedAnswer {
                id: self.candidates[j].id.clone(),
                capacity: Some(served[j].capacity).filter(|c| c.is_finite()),
                served: served[j].served,
            })
            .collect(),
        )
    }
}
