//! [`AnalysisKey`]: the name of one analysis, a hash of everything [`crate::domain::analyse`] reads.

use sha2::{Digest, Sha256};

use crate::domain::{AnalysisOptions, Area, Benchmark, Dataset, Service, ServiceType};

/// The cache's format number. Bump it whenever the analysis code changes what it computes from the same input, or
/// the shape of [`crate::domain::Analysis`] changes, so that files written before are never read again.
pub const CACHE_FORMAT: u32 = 1;

/// Names one analysis: 32 hex digits of a SHA-256 over the cache format, the gapmap release, the analysis options,
/// every field of every area and type, and of each listing what the analysis reads of it.
///
/// Listings enter through what the engine derives from them — type, capacity, `serves` and the areas served, the
/// area the site lies in, and its *published* point — not through their true position: a confidential site is
/// measured from its area's representative point, so its position cannot change the analysis, and keeping it out
/// of the key keeps it out of file names. Names, phones, dates and other fields the analysis never reads are left
/// out too, so editing them does not cost a recomputation. Each struct is taken apart field by field without `..`,
/// so a field added to an area, a type or a listing does not compile until it is placed in or out of the key here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisKey(String);

impl AnalysisKey {
    /// The key of `dataset` analysed with `options`.
    pub fn new(dataset: &Dataset, options: &AnalysisOptions) -> Self {
        let mut hash = KeyHash(Sha256::new());
        hash.text("gapmap analysis");
        hash.count(CACHE_FORMAT as usize);
        hash.text(env!("CARGO_PKG_VERSION"));
        let AnalysisOptions { grid_spacing_km } = options;
        hash.float(*grid_spacing_km);
        hash.count(dataset.areas().len());
        for area in dataset.areas() {
            hash.area(area);
        }
        hash.count(dataset.types().len());
        for service_type in dataset.types() {
            hash.service_type(service_type);
        }
        hash.count(dataset.services().len());
        for (site, service) in dataset.services().iter().enumerate() {
            hash.service(dataset, site, service);
        }
        let digest = hash.0.finalize();
        Self(digest.iter().take(16).map(|b| format!("{b:02x}")).collect())
    }

    /// The key as hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SHA-256 fed with typed, length-prefixed fields, so that no two different inputs feed it the same bytes.
struct KeyHash(Sha256);

impl KeyHash {
    fn count(&mut self, n: usize) {
        self.0.update((n as u64).to_le_bytes());
    }

    fn text(&mut self, text: &str) {
        self.count(text.len());
        self.0.update(text.as_bytes());
    }

    /// The exact bits: the analysis sees every digit, not a rounded one.
    fn float(&mut self, value: f64) {
        self.0.update(value.to_bits().to_le_bytes());
    }

    fn optional_float(&mut self, value: Option<f64>) {
        match value {
            None => self.count(0),
            Some(value) => {
                self.count(1);
                self.float(value);
            }
        }
    }

    fn point(&mut self, point: geo::Point<f64>) {
        self.float(point.x());
        self.float(point.y());
    }

    fn area(&mut self, area: &Area) {
        let Area {
            code,
            name,
            boundary,
            representative_point,
            basis,
            basis_source,
        } = area;
        self.text(code.as_str());
        self.text(name);
        self.count(boundary.0.len());
        for polygon in &boundary.0 {
            self.count(polygon.interiors().len());
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                self.count(ring.0.len());
                for c in &ring.0 {
                    self.float(c.x);
                    self.float(c.y);
                }
            }
        }
        self.point(*representative_point);
        self.count(basis.len());
        for (column, value) in basis {
            self.text(column);
            self.float(*value);
        }
        self.text(basis_source);
    }

    fn service_type(&mut self, service_type: &ServiceType) {
        let ServiceType {
            id,
            label,
            benchmark,
            basis,
            capacity_unit,
            catchment_km,
            location_policy,
            capacity_max,
            access_decay,
            access_max_cost,
        } = service_type;
        self.text(id);
        self.text(label);
        match benchmark {
            None => self.count(0),
            Some(Benchmark { value, per, source }) => {
                self.count(1);
                self.float(*value);
                self.float(*per);
                self.text(source);
            }
        }
        self.text(basis);
        self.text(capacity_unit);
        self.float(*catchment_km);
        self.text(location_policy.as_str());
        self.float(*capacity_max);
        self.text(&access_decay.to_string());
        self.float(*access_max_cost);
    }

    fn service(&mut self, dataset: &Dataset, site: usize, service: &Service) {
        let Service {
            service_type,
            location_precision,
            serves,
            capacity,
            // Read only through the published point and the area the site lies in, both hashed below.
            location: _,
            id: _,
            name: _,
            provider: _,
            specialisms: _,
            setting: _,
            phone: _,
            website: _,
            last_verified: _,
            source: _,
        } = service;
        self.text(service_type);
        self.count(dataset.type_of(site));
        self.text(location_precision.as_str());
        self.point(dataset.published_point(site));
        self.count(dataset.located_in(site));
        self.text(&serves.to_field());
        let served = dataset.served_areas(site);
        self.count(served.len());
        for &area in served {
            self.count(area);
        }
        self.optional_float(*capacity);
    }
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
