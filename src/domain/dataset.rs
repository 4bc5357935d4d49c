//! A dataset: service sites checked against the [`Reference`] areas and taxonomy, and linked to them once.

use std::sync::Arc;

use geo::Point;

use super::disclosure::{Reader, View, may_see_position};
use super::reference::{
    DatasetProblem, Reference, Subject, basis_problems, key_problems, unique_problems,
};
use super::{Area, Service, ServiceType};

/// Areas, types and services that are known to agree with each other, each service linked to the area it lies in
/// and the areas it serves.
#[derive(Debug, Clone)]
pub struct Dataset {
    reference: Arc<Reference>,
    services: Vec<Service>,
    /// For each service, the index of the area its point lies in.
    located_in: Vec<usize>,
    /// For each service, the indexes of the areas it serves (sorted, unique).
    served_areas: Vec<Vec<usize>>,
    /// For each service, the position of its type in the taxonomy: the id is matched once, here.
    type_of: Vec<usize>,
}

impl Dataset {
    /// Checks every cross-reference and links services to areas. Returns every problem found, not just the first:
    /// those of the areas and types as [`Reference::new`] finds them, and those of each service as
    /// [`Dataset::with_reference`] does.
    pub fn new(
        areas: Vec<Area>,
        types: Vec<ServiceType>,
        services: Vec<Service>,
    ) -> Result<Self, Vec<DatasetProblem>> {
        // The order problems have always been reported in: duplicate keys, duplicate ids, bases, each service.
        let keys = key_problems(&areas, &types);
        let bases = basis_problems(&areas, &types);
        let reference = Arc::new(Reference::unchecked(areas, types));
        Self::check(reference, services, keys, bases, None)
    }

    /// Checks `services` against reference data already checked (unique ids, and each service as
    /// [`Reference::check_service`] does) and links them, sharing the reference rather than copying it.
    pub fn with_reference(
        reference: Arc<Reference>,
        services: Vec<Service>,
    ) -> Result<Self, Vec<DatasetProblem>> {
        Self::check(reference, services, Vec::new(), Vec::new(), None)
    }

    /// [`Dataset::with_reference`] for a change from `previous` (same reference): a service equal to the one of
    /// the same id in `previous` keeps its checked links, and only the others are checked and placed again. The
    /// result is the same as checking everything afresh.
    pub fn changed_from(
        previous: &Dataset,
        services: Vec<Service>,
    ) -> Result<Self, Vec<DatasetProblem>> {
        Self::check(
            Arc::clone(&previous.reference),
            services,
            Vec::new(),
            Vec::new(),
            Some(previous),
        )
    }

    /// Checks and links `services`, reusing the links of those unchanged from `previous`. Reports `problems`
    /// (already found), then duplicate ids, then `after_ids`, then each service's own.
    fn check(
        reference: Arc<Reference>,
        services: Vec<Service>,
        mut problems: Vec<DatasetProblem>,
        after_ids: Vec<DatasetProblem>,
        previous: Option<&Dataset>,
    ) -> Result<Self, Vec<DatasetProblem>> {
        unique_problems(
            services.iter().map(|s| s.id.as_str()),
            Subject::Service,
            "id",
            &mut problems,
        );
        problems.extend(after_ids);
        let (dataset, service_problems) = Self::link(reference, services, previous);
        problems.extend(service_problems);
        if problems.is_empty() {
            Ok(dataset)
        } else {
            Err(problems)
        }
    }

    /// Links each service to its areas, with the problems of each; a service equal to its namesake in `previous`
    /// (checked then against the same reference) keeps that one's links.
    fn link(
        reference: Arc<Reference>,
        services: Vec<Service>,
        previous: Option<&Dataset>,
    ) -> (Self, Vec<DatasetProblem>) {
        let previous = previous.filter(|p| Arc::ptr_eq(&p.reference, &reference));
        let unchanged = previous.map(|p| unchanged_positions(&p.services, &services));
        let mut problems = Vec::new();
        let mut located_in = Vec::with_capacity(services.len());
        let mut served_areas = Vec::with_capacity(services.len());
        let positions: std::collections::HashMap<&str, usize> = reference
            .types()
            .iter()
            .enumerate()
            .map(|(t, st)| (st.id.as_str(), t))
            .collect();
        // A service of an unknown type is a problem `place` reports; its placeholder is never used.
        let type_of = services
            .iter()
            .map(|s| {
                positions
                    .get(s.service_type.as_str())
                    .copied()
                    .unwrap_or(usize::MAX)
            })
            .collect();
        for (s, service) in services.iter().enumerate() {
            let twin = previous.zip(unchanged.as_ref().and_then(|u| u[s]));
            if let Some((p, i)) = twin {
                located_in.push(p.located_in[i]);
                served_areas.push(p.served_areas[i].clone());
                continue;
            }
            let (placement, found) = reference.place(service);
            problems.extend(found.into_iter().map(|(field, message)| DatasetProblem {
                subject: Subject::Service(s),
                field,
                message,
            }));
            located_in.push(placement.home.unwrap_or(0));
            served_areas.push(placement.served);
        }
        let dataset = Self {
            reference,
            services,
            located_in,
            served_areas,
            type_of,
        };
        (dataset, problems)
    }

    /// The areas and types the services were checked against.
    pub fn reference(&self) -> &Arc<Reference> {
        &self.reference
    }

    /// The areas, in the order given.
    pub fn areas(&self) -> &[Area] {
        self.reference.areas()
    }

    /// The service taxonomy, in the order given.
    pub fn types(&self) -> &[ServiceType] {
        self.reference.types()
    }

    /// The service sites, in the order given.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The position in the taxonomy of site `site`'s type.
    pub fn type_of(&self, site: usize) -> usize {
        self.type_of[site]
    }

    /// The type with this id.
    pub fn service_type(&self, id: &str) -> Option<&ServiceType> {
        self.reference.service_type(id)
    }

    /// The position of the area with this code.
    pub fn area_position(&self, code: &str) -> Option<usize> {
        self.reference.area_position(code)
    }

    /// The position of the service with this id.
    pub fn service_position(&self, id: &str) -> Option<usize> {
        self.services.iter().position(|s| s.id == id)
    }

    /// For each of this dataset's services, the position in `previous` of the listing with the same id, if it is
    /// equal in every field (what a change left alone).
    pub fn unchanged_from(&self, previous: &Dataset) -> Vec<Option<usize>> {
        unchanged_positions(&previous.services, &self.services)
    }

    /// The area a point lies in (envelope query, then exact point-in-polygon).
    pub fn locate(&self, point: Point<f64>) -> Option<usize> {
        self.reference.locate(point)
    }

    /// The area service `site` lies in.
    pub fn located_in(&self, site: usize) -> usize {
        self.located_in[site]
    }

    /// The areas service `site` serves (sorted positions).
    pub fn served_areas(&self, site: usize) -> &[usize] {
        &self.served_areas[site]
    }

    /// The point that may be published for a site, and that every distance to it is measured from: its own
    /// location when exact, its area's representative point when confidential.
    pub fn published_point(&self, site: usize) -> Point<f64> {
        let service = &self.services[site];
        if may_see_position(
            Reader::Public,
            View::Public,
            &service.provider,
            service.location_precision,
        ) {
            service.location
        } else {
            self.areas()[self.located_in[site]].representative_point
        }
    }

    /// Whether any listing is invented sample data.
    pub fn has_illustrative_listings(&self) -> bool {
        self.services.iter().any(Service::is_illustrative)
    }
}

#[cfg(test)]
#[path = "dataset_tests.rs"]
mod tests;

/// For each of `services`, the position in `earlier` of the service with the same id, if the two are equal.
fn unchanged_positions(earlier: &[Service], services: &[Service]) -> Vec<Option<usize>> {
    let by_id: std::collections::HashMap<&str, usize> = earlier
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    services
        .iter()
        .map(|service| {
            by_id
                .get(service.id.as_str())
                .copied()
                .filter(|&i| earlier[i] == *service)
        })
        .collect()
}
