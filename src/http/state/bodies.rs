//! The stored answers of a [`Snapshot`]: one slot per answer that takes no free-form input, each rendered on first
//! use and kept for the snapshot's life.

use std::sync::OnceLock;

use super::{Snapshot, SnapshotError};
use crate::domain::Dataset;
use crate::domain::gaps::DEFAULT_GAP_STATUSES;
use crate::domain::planning::fca::{FcaModel, TypeAccess};
use crate::export;
use crate::http::reply::Body;
use crate::http::views::sites::{self, SiteFilter};
use crate::http::views::{access, areas};

/// A body rendered on first use and kept for the snapshot's life, so that building a snapshot (on every approval)
/// renders nothing that no one asks for.
#[derive(Debug, Default)]
pub(super) struct Slot(OnceLock<Body>);

impl Slot {
    /// The body, rendered by `render` if this is its first use. Two first uses at once may both render; one
    /// result is kept.
    fn get_or_render(
        &self,
        render: impl FnOnce() -> Result<Body, SnapshotError>,
    ) -> Result<&Body, SnapshotError> {
        if let Some(body) = self.0.get() {
            return Ok(body);
        }
        let body = render()?;
        Ok(self.0.get_or_init(|| body))
    }
}

/// Slots for the bodies of every answer that takes no free-form input. Per-type lists are indexed 0 = all types,
/// `t + 1` = type `t`.
#[derive(Debug)]
pub(super) struct Stored {
    areas: Vec<Slot>,
    area_detail: Vec<Slot>,
    gaps: Vec<Slot>,
    lottery: Vec<Slot>,
    types: Slot,
    services: Vec<Slot>,
    service_detail: Vec<Slot>,
    services_csv: Slot,
    areas_csv: Slot,
    services_geojson: Slot,
    /// Per type × model (`2t` E2SFCA, `2t + 1` 2SFCA): the accessibility and its two bodies.
    access: Vec<OnceLock<TypeAccess>>,
    access_areas: Vec<Slot>,
    access_points: Vec<Slot>,
}

impl Stored {
    pub(super) fn empty(dataset: &Dataset) -> Self {
        let slots = |n: usize| (0..n).map(|_| Slot::default()).collect::<Vec<_>>();
        let per_type = dataset.types().len() + 1;
        Self {
            areas: slots(per_type),
            area_detail: slots(dataset.areas().len()),
            gaps: slots(per_type),
            lottery: slots(per_type),
            types: Slot::default(),
            services: slots(per_type),
            service_detail: slots(dataset.services().len()),
            services_csv: Slot::default(),
            areas_csv: Slot::default(),
            services_geojson: Slot::default(),
            access: (0..2 * dataset.types().len())
                .map(|_| OnceLock::new())
                .collect(),
            access_areas: slots(2 * dataset.types().len()),
            access_points: slots(2 * dataset.types().len()),
        }
    }
}

impl Snapshot {
    fn per_type(slots: &[Slot], t: Option<usize>) -> Result<&Slot, SnapshotError> {
        slots
            .get(t.map_or(0, |t| t + 1))
            .ok_or(SnapshotError::Missing("type"))
    }

    fn one<'s>(
        slots: &'s [Slot],
        index: usize,
        what: &'static str,
    ) -> Result<&'s Slot, SnapshotError> {
        slots.get(index).ok_or(SnapshotError::Missing(what))
    }

    /// Stored `/api/areas` body.
    pub fn areas_body(&self, t: Option<usize>) -> Result<&Body, SnapshotError> {
        Self::per_type(&self.stored.areas, t)?
            .get_or_render(|| Ok(Body::stored(areas::areas(self.source(), t)?)?))
    }

    /// Stored `/api/areas/{code}` body.
    pub fn area_detail_body(&self, area: usize) -> Result<&Body, SnapshotError> {
        Self::one(&self.stored.area_detail, area, "area")?
            .get_or_render(|| Ok(Body::stored(areas::area_detail(self.source(), area)?)?))
    }

    /// Stored `/api/gaps` body for the default statuses.
    pub fn gaps_body(&self, t: Option<usize>) -> Result<&Body, SnapshotError> {
        Self::per_type(&self.stored.gaps, t)?.get_or_render(|| {
            let gaps = areas::gaps(self.source(), t, &DEFAULT_GAP_STATUSES)?;
            Ok(Body::stored(gaps)?)
        })
    }

    /// Stored `/api/lottery` body.
    pub fn lottery_body(&self, t: Option<usize>) -> Result<&Body, SnapshotError> {
        Self::per_type(&self.stored.lottery, t)?
            .get_or_render(|| Ok(Body::stored(areas::lottery(self.source(), t)?)?))
    }

    /// Stored `/api/types` body.
    pub fn types_body(&self) -> Result<&Body, SnapshotError> {
        self.stored
            .types
            .get_or_render(|| Ok(Body::stored(areas::types(self.source())?)?))
    }

    /// Stored `/api/services` body filtered by type only.
    pub fn services_body(&self, t: Option<usize>) -> Result<&Body, SnapshotError> {
        Self::per_type(&self.stored.services, t)?.get_or_render(|| {
            let filter = SiteFilter {
                service_type: t,
                ..SiteFilter::default()
            };
            Ok(Body::stored(sites::services(self.source(), &filter)?)?)
        })
    }

    /// Stored `/api/services/{id}` body.
    pub fn service_detail_body(&self, site: usize) -> Result<&Body, SnapshotError> {
        Self::one(&self.stored.service_detail, site, "service")?
            .get_or_render(|| Ok(Body::stored(sites::service_detail(self.source(), site)?)?))
    }

    /// Stored `/api/export/services.csv` body.
    pub fn services_csv(&self) -> Result<&Body, SnapshotError> {
        self.stored.services_csv.get_or_render(|| {
            let mut csv = Vec::new();
            export::write_services_csv(
                self.dataset(),
                0..self.dataset().services().len(),
                self.published.sample_data(),
                &mut csv,
            )?;
            Ok(Body::stored(csv)?)
        })
    }

    /// Stored `/api/export/areas.csv` body.
    pub fn areas_csv(&self) -> Result<&Body, SnapshotError> {
        self.stored.areas_csv.get_or_render(|| {
            let rows = self
                .dataset()
                .types()
                .iter()
                .zip(&self.analysis.types)
                .flat_map(|(st, result)| result.areas.iter().map(move |a| (st, a)));
            let mut csv = Vec::new();
            export::write_area_csv(rows, self.published.sample_data(), &mut csv)?;
            Ok(Body::stored(csv)?)
        })
    }

    /// Stored `/api/export/services.geojson` body.
    pub fn services_geojson(&self) -> Result<&Body, SnapshotError> {
        self.stored
            .services_geojson
            .get_or_render(|| Ok(Body::stored(sites::services_export(self.source())?)?))
    }

    fn access_of(&self, t: usize, model: FcaModel) -> Result<(usize, &TypeAccess), SnapshotError> {
        let at = 2 * t + usize::from(model == FcaModel::TwoStep);
        let cell = self
            .stored
            .access
            .get(at)
            .ok_or(SnapshotError::Missing("type"))?;
        Ok((
            at,
            cell.get_or_init(|| access::compute(self.source(), t, model)),
        ))
    }

    /// Stored `/api/access` body of type `t`, computed on first use.
    pub fn access_body(&self, t: usize, model: FcaModel) -> Result<&Body, SnapshotError> {
        let (at, result) = self.access_of(t, model)?;
        Self::one(&self.stored.access_areas, at, "type")?
            .get_or_render(|| Ok(Body::stored(access::areas(self.source(), t, result)?)?))
    }

    /// Stored `/api/access/points.geojson` body of type `t`, computed on first use.
    pub fn access_points_body(&self, t: usize, model: FcaModel) -> Result<&Body, SnapshotError> {
        let (at, result) = self.access_of(t, model)?;
        Self::one(&self.stored.access_points, at, "type")?
            .get_or_render(|| Ok(Body::stored(access::points(self.source(), t, result)?)?))
    }
}
