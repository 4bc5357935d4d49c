//! Capacities in an answer's terms: each candidate's capacity in demand units, from its listing (through the
//! type's benchmark), from a file or from the hub capacity, and what each open site serves.

use super::{Inputs, Plan, ServedAnswer, SiteCapacity, SitingProblem};
use crate::domain::ServiceType;

impl Inputs {
    /// Each candidate's capacity in demand units (README, "Hub siting" → capacities): its capacity in the type's
    /// unit — a listed site's, a given one, else `hub_capacity`, else unlimited (`f64::INFINITY`) — times
    /// `benchmark.per` / `benchmark.value` of `service_type` (the basis it serves at the benchmark rate). Refused
    /// when the type has no benchmark, or when nothing would be limited.
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
        let Some(per_unit) = service_type
            .benchmark
            .as_ref()
            .filter(|b| b.value > 0.0 && b.per > 0.0)
            .map(|b| b.per / b.value)
        else {
            return Err(SitingProblem::BadCapacity(format!(
                "type `{}` has no benchmark to say how many of its {} one unit of capacity ({}) serves, which \
                 capacitated siting needs",
                service_type.id, service_type.basis, service_type.capacity_unit
            )));
        };
        let capacities: Vec<f64> = self
            .candidates
            .iter()
            .map(|candidate| match candidate.capacity {
                SiteCapacity::Listing(units) | SiteCapacity::Given(units) => units * per_unit,
                SiteCapacity::Unset => hub_capacity.map_or(f64::INFINITY, |units| units * per_unit),
            })
            .collect();
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
