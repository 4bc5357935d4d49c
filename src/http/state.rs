//! What the server shares between requests: one immutable [`Snapshot`] per dataset version, behind an
//! [`ArcSwap`] that readers load without waiting and [`AppState::replace`] swaps whole.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::reply::Body;
use super::views::areas::{self, DEFAULT_GAP_STATUSES};
use super::views::sites::{self, SiteFilter, SiteProperties};
use super::views::{self as view, Provenance};
use crate::domain::{Analysis, AnalysisOptions, DEFAULT_STALE_MONTHS, Dataset, analyse, is_stale};
use crate::export;
use crate::spatial::SiteIndex;

/// Why a snapshot could not be built (a bug: rendering in memory does not fail on valid data).
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A body could not be serialised as JSON.
    #[error("cannot render JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A CSV download could not be written.
    #[error("cannot render CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A body could not be compressed.
    #[error("cannot compress: {0}")]
    Io(#[from] std::io::Error),
}

/// Bodies rendered once per snapshot. Per-type lists are indexed 0 = all types, `t + 1` = type `t`.
#[derive(Debug)]
struct Stored {
    areas: Vec<Body>,
    area_detail: Vec<Body>,
    gaps: Vec<Body>,
    lottery: Vec<Body>,
    types: Body,
    services: Vec<Body>,
    service_detail: Vec<Body>,
    services_csv: Body,
    areas_csv: Body,
    services_geojson: Body,
}

/// One dataset version and everything derived from it: the analysis, the published view of every site, the
/// nearest-site indexes over published points, and the bodies of every answer that takes no free-form input.
#[derive(Debug)]
pub struct Snapshot {
    dataset: Dataset,
    analysis: Analysis,
    version: String,
    sample_data: Option<String>,
    area_geometry: Vec<Box<RawValue>>,
    site_geometry: Vec<Box<RawValue>>,
    sites: Vec<SiteProperties>,
    /// Per area: how many listings serving it are stale.
    stale_listings: Vec<u64>,
    /// Index 0: every site; `t + 1`: sites of type `t`. Built over published points only.
    site_indexes: Vec<SiteIndex>,
    stored: Stored,
}

/// Lower-case hex of the first 8 bytes of a digest: 64 bits, plenty to tell versions apart.
fn short_hex(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The dataset version: a hash of everything the API can publish — areas, taxonomy, and listings at their
/// *published* points — and of the gapmap release. Hashing true positions would let anyone who knows the other
/// fields search for a confidential site's position by trying candidates against the ETag.
pub fn dataset_version(dataset: &Dataset) -> Result<String, SnapshotError> {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    for area in dataset.areas() {
        hash.update(area.code.as_str().as_bytes());
        hash.update(area.name.as_bytes());
        hash.update(area.basis_source.as_bytes());
        for (column, value) in &area.basis {
            hash.update(column.as_bytes());
            hash.update(value.to_le_bytes());
        }
        for polygon in &area.boundary.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                hash.update((ring.0.len() as u64).to_le_bytes());
                for c in &ring.0 {
                    hash.update(c.x.to_le_bytes());
                    hash.update(c.y.to_le_bytes());
                }
            }
        }
    }
    hash.update(serde_json::to_vec(dataset.types())?);
    for site in 0..dataset.services().len() {
        hash.update(serde_json::to_vec(&export::published_record(
            dataset, site,
        ))?);
    }
    Ok(short_hex(&hash.finalize()))
}

impl Snapshot {
    /// Analyses `dataset` and renders every stored body. CPU-bound (about a second for London): run it off the
    /// request path.
    pub fn build(dataset: Dataset, stale_months: u32) -> Result<Self, SnapshotError> {
        let analysis = analyse(&dataset, &AnalysisOptions::default());
        let version = dataset_version(&dataset)?;
        let sample_data = export::sample_data_notice(&dataset);
        let area_geometry = dataset
            .areas()
            .iter()
            .map(|a| view::multipolygon_geometry(&a.boundary))
            .collect::<Result<_, _>>()?;
        let site_count = dataset.services().len();
        let site_geometry = (0..site_count)
            .map(|site| view::point_geometry(dataset.published_point(site)))
            .collect::<Result<_, _>>()?;
        // Staleness is judged on the day the snapshot is built; a data change rebuilds it.
        let today = chrono::Utc::now().date_naive();
        let stale: Vec<bool> = dataset
            .services()
            .iter()
            .map(|s| is_stale(s.last_verified, today, stale_months))
            .collect();
        let mut stale_listings = vec![0; dataset.areas().len()];
        for site in (0..site_count).filter(|&site| stale[site]) {
            for &area in dataset.served_areas(site) {
                stale_listings[area] += 1;
            }
        }
        let sites = (0..site_count)
            .map(|site| SiteProperties::new(&dataset, site, stale[site]))
            .collect();
        let type_filters: Vec<Option<usize>> = std::iter::once(None)
            .chain((0..dataset.types().len()).map(Some))
            .collect();
        let site_indexes = type_filters
            .iter()
            .map(|filter| {
                SiteIndex::new(
                    (0..site_count)
                        .filter(|&site| {
                            filter.is_none_or(|t| {
                                dataset.types()[t].id == dataset.services()[site].service_type
                            })
                        })
                        .map(|site| (site, dataset.published_point(site))),
                )
            })
            .collect();
        let mut snapshot = Self {
            dataset,
            analysis,
            version,
            sample_data,
            area_geometry,
            site_geometry,
            sites,
            stale_listings,
            site_indexes,
            stored: Stored {
                areas: Vec::new(),
                area_detail: Vec::new(),
                gaps: Vec::new(),
                lottery: Vec::new(),
                types: Body::once(Vec::new()),
                services: Vec::new(),
                service_detail: Vec::new(),
                services_csv: Body::once(Vec::new()),
                areas_csv: Body::once(Vec::new()),
                services_geojson: Body::once(Vec::new()),
            },
        };
        snapshot.stored = snapshot.render(&type_filters)?;
        Ok(snapshot)
    }

    fn render(&self, type_filters: &[Option<usize>]) -> Result<Stored, SnapshotError> {
        let per_type = |render: &dyn Fn(Option<usize>) -> serde_json::Result<Vec<u8>>| {
            type_filters
                .iter()
                .map(|&t| Ok(Body::stored(render(t)?)?))
                .collect::<Result<Vec<Body>, SnapshotError>>()
        };
        let mut areas_csv = Vec::new();
        export::write_area_csv(
            self.dataset
                .types()
                .iter()
                .zip(&self.analysis.types)
                .flat_map(|(st, result)| result.areas.iter().map(move |a| (st, a))),
            &mut areas_csv,
        )?;
        let mut services_csv = Vec::new();
        export::write_services_csv(&self.dataset, &mut services_csv)?;
        Ok(Stored {
            areas: per_type(&|t| areas::areas(self, t))?,
            area_detail: (0..self.dataset.areas().len())
                .map(|a| Ok(Body::stored(areas::area_detail(self, a)?)?))
                .collect::<Result<_, SnapshotError>>()?,
            gaps: per_type(&|t| areas::gaps(self, t, &DEFAULT_GAP_STATUSES))?,
            lottery: per_type(&|t| areas::lottery(self, t))?,
            types: Body::stored(areas::types(self)?)?,
            services: per_type(&|t| {
                sites::services(
                    self,
                    &SiteFilter {
                        service_type: t,
                        ..SiteFilter::default()
                    },
                )
            })?,
            service_detail: (0..self.sites.len())
                .map(|s| Ok(Body::stored(sites::service_detail(self, s)?)?))
                .collect::<Result<_, SnapshotError>>()?,
            services_csv: Body::stored(services_csv)?,
            areas_csv: Body::stored(areas_csv)?,
            services_geojson: Body::stored(sites::services_export(self)?)?,
        })
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Its analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The dataset version (hex), sent as the `ETag`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Version and sample-data notice, as every answer carries them.
    pub fn provenance(&self) -> Provenance<'_> {
        Provenance {
            version: &self.version,
            sample_data: self.sample_data.as_deref(),
        }
    }

    /// The id of type `t`, if given and known.
    pub fn type_id(&self, t: Option<usize>) -> Option<&str> {
        t.and_then(|t| self.dataset.types().get(t))
            .map(|st| st.id.as_str())
    }

    /// Area `area`'s GeoJSON geometry.
    pub fn area_geometry(&self, area: usize) -> &RawValue {
        &self.area_geometry[area]
    }

    /// Site `site`'s GeoJSON geometry: its published point.
    pub fn site_geometry(&self, site: usize) -> &RawValue {
        &self.site_geometry[site]
    }

    /// How many listings serving area `area` are stale.
    pub fn stale_listings(&self, area: usize) -> u64 {
        self.stale_listings.get(area).copied().unwrap_or(0)
    }

    /// Site `site`'s published properties.
    pub fn site(&self, site: usize) -> &SiteProperties {
        &self.sites[site]
    }

    /// The nearest-site index of type `t` (every site when `None`), over published points.
    pub fn site_index(&self, t: Option<usize>) -> &SiteIndex {
        let slot = t.map_or(0, |t| t + 1);
        &self.site_indexes[slot.min(self.site_indexes.len() - 1)]
    }

    fn per_type(bodies: &[Body], t: Option<usize>) -> Option<&Body> {
        bodies.get(t.map_or(0, |t| t + 1))
    }

    /// Stored `/api/areas` body.
    pub fn areas_body(&self, t: Option<usize>) -> Option<&Body> {
        Self::per_type(&self.stored.areas, t)
    }

    /// Stored `/api/areas/{code}` body.
    pub fn area_detail_body(&self, area: usize) -> Option<&Body> {
        self.stored.area_detail.get(area)
    }

    /// Stored `/api/gaps` body for the default statuses.
    pub fn gaps_body(&self, t: Option<usize>) -> Option<&Body> {
        Self::per_type(&self.stored.gaps, t)
    }

    /// Stored `/api/lottery` body.
    pub fn lottery_body(&self, t: Option<usize>) -> Option<&Body> {
        Self::per_type(&self.stored.lottery, t)
    }

    /// Stored `/api/types` body.
    pub fn types_body(&self) -> &Body {
        &self.stored.types
    }

    /// Stored `/api/services` body filtered by type only.
    pub fn services_body(&self, t: Option<usize>) -> Option<&Body> {
        Self::per_type(&self.stored.services, t)
    }

    /// Stored `/api/services/{id}` body.
    pub fn service_detail_body(&self, site: usize) -> Option<&Body> {
        self.stored.service_detail.get(site)
    }

    /// Stored `/api/export/services.csv` body.
    pub fn services_csv(&self) -> &Body {
        &self.stored.services_csv
    }

    /// Stored `/api/export/areas.csv` body.
    pub fn areas_csv(&self) -> &Body {
        &self.stored.areas_csv
    }

    /// Stored `/api/export/services.geojson` body.
    pub fn services_geojson(&self) -> &Body {
        &self.stored.services_geojson
    }
}

/// The server's shared state: the current snapshot, swapped whole when the data changes.
#[derive(Debug)]
pub struct AppState {
    current: ArcSwap<Snapshot>,
    /// Serialises writers so that two replacements finish in the order they started.
    writer: Mutex<()>,
    /// Age in months past which a listing's `last_verified` makes it stale.
    stale_months: u32,
}

impl AppState {
    /// State serving `dataset`, with listings stale after [`DEFAULT_STALE_MONTHS`].
    pub fn new(dataset: Dataset) -> Result<Self, SnapshotError> {
        Self::with_stale_months(dataset, DEFAULT_STALE_MONTHS)
    }

    /// State serving `dataset`, with listings stale once `last_verified` is over `stale_months` months old.
    pub fn with_stale_months(dataset: Dataset, stale_months: u32) -> Result<Self, SnapshotError> {
        Ok(Self {
            current: ArcSwap::from_pointee(Snapshot::build(dataset, stale_months)?),
            writer: Mutex::new(()),
            stale_months,
        })
    }

    /// The current snapshot. Readers never wait: a replacement in progress does not block them, and a request
    /// keeps the snapshot it started with to the end.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Analyses `dataset`, renders it, and makes it current; returns the new snapshot. Requests in flight finish
    /// on the old one. This is CPU-bound: from a request handler call it through `actix_web::web::block`, so it
    /// runs on the blocking pool, not on a worker. Concurrent calls are applied one after another.
    pub fn replace(&self, dataset: Dataset) -> Result<Arc<Snapshot>, SnapshotError> {
        let _writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let snapshot = Arc::new(Snapshot::build(dataset, self.stale_months)?);
        self.current.store(Arc::clone(&snapshot));
        tracing::info!(version = snapshot.version(), "dataset replaced");
        Ok(snapshot)
    }
}
