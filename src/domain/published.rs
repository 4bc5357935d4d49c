//! What gapmap publishes of a dataset: every site at its published point, which listings are stale, the
//! nearest-site indexes over published points, the sample-data notice, and the dataset version that names it all.
//! Pure: the date staleness is judged on is passed in.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::{Dataset, is_stale};
use crate::spatial::SiteIndex;

/// Rounds degrees to six decimals (about 0.1 m), the precision every published coordinate has.
///
/// ```
/// assert_eq!(gapmap::domain::round_degrees(-0.15000000000000002), -0.15);
/// ```
pub fn round_degrees(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// A dataset as it may be published.
#[derive(Debug)]
pub struct Published {
    dataset: Dataset,
    version: String,
    sample_data: Option<String>,
    stale: Vec<bool>,
    /// Per area: how many listings serving it are stale.
    stale_listings: Vec<u64>,
    /// Index 0: every site; `t + 1`: the sites of type `t`. Over published points only. Shared with the next
    /// version's while a type's sites stay where they are.
    site_indexes: Vec<Arc<SiteIndex>>,
}

impl Published {
    /// The published view of `dataset`, with listings verified more than `stale_months` months before `today`
    /// flagged stale.
    pub fn new(dataset: Dataset, today: NaiveDate, stale_months: u32) -> Self {
        Self::reusing(dataset, today, stale_months, None)
    }

    /// [`Published::new`] for a change from `previous`: the nearest-site index of a type whose sites are at the
    /// same positions in the same order is shared rather than built again. The same result as `new`.
    pub fn after(
        previous: &Published,
        dataset: Dataset,
        today: NaiveDate,
        stale_months: u32,
    ) -> Self {
        Self::reusing(dataset, today, stale_months, Some(previous))
    }

    fn reusing(
        dataset: Dataset,
        today: NaiveDate,
        stale_months: u32,
        previous: Option<&Published>,
    ) -> Self {
        let stale: Vec<bool> = dataset
            .services()
            .iter()
            .map(|s| is_stale(s.last_verified, today, stale_months))
            .collect();
        let mut stale_listings = vec![0; dataset.areas().len()];
        for site in (0..stale.len()).filter(|&site| stale[site]) {
            for &area in dataset.served_areas(site) {
                stale_listings[area] += 1;
            }
        }
        let placed = |d: &Dataset, t: Option<usize>| -> Vec<(usize, u64, u64)> {
            (0..d.services().len())
                .filter(|&site| t.is_none_or(|t| d.type_of(site) == t))
                .map(|site| {
                    let p = d.published_point(site);
                    (site, p.x().to_bits(), p.y().to_bits())
                })
                .collect()
        };
        let site_indexes = std::iter::once(None)
            .chain((0..dataset.types().len()).map(Some))
            .enumerate()
            .map(|(slot, t)| {
                let same = previous
                    .filter(|p| p.site_indexes.len() == dataset.types().len() + 1)
                    .filter(|p| placed(&p.dataset, t) == placed(&dataset, t));
                match same {
                    Some(p) => Arc::clone(&p.site_indexes[slot]),
                    None => Arc::new(site_index(&dataset, t)),
                }
            })
            .collect();
        Self {
            version: dataset_version(&dataset),
            sample_data: sample_data_notice(&dataset),
            dataset,
            stale,
            stale_listings,
            site_indexes,
        }
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The dataset version (16 hex digits), sent as the `ETag`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The notice to show wherever figures are, when any listing is invented sample data.
    pub fn sample_data(&self) -> Option<&str> {
        self.sample_data.as_deref()
    }

    /// Whether site `site`'s `last_verified` is older than the stale age.
    pub fn is_stale(&self, site: usize) -> bool {
        self.stale.get(site).copied().unwrap_or(false)
    }

    /// How many listings serving area `area` are stale.
    pub fn stale_listings(&self, area: usize) -> u64 {
        self.stale_listings.get(area).copied().unwrap_or(0)
    }

    /// The nearest-site index of type `t` (every site when `None`), over published points.
    pub fn site_index(&self, t: Option<usize>) -> &SiteIndex {
        let slot = t.map_or(0, |t| t + 1);
        &self.site_indexes[slot.min(self.site_indexes.len() - 1)]
    }
}

/// An index of the sites of type `t` (every site when `None`) at their published points: for a confidential site,
/// its area's representative point, the only point any distance to it is measured from.
pub fn site_index(dataset: &Dataset, t: Option<usize>) -> SiteIndex {
    SiteIndex::new(
        (0..dataset.services().len())
            .filter(|&site| t.is_none_or(|t| dataset.type_of(site) == t))
            .map(|site| (site, dataset.published_point(site))),
    )
}

/// The notice shown wherever figures are, when any listing is invented sample data.
pub fn sample_data_notice(dataset: &Dataset) -> Option<String> {
    let illustrative = dataset
        .services()
        .iter()
        .filter(|s| s.is_illustrative())
        .count();
    (illustrative > 0).then(|| {
        format!(
            "SAMPLE DATA: {illustrative} of {} service listings are illustrative rows invented for demonstration, \
             not a directory of real services.",
            dataset.services().len()
        )
    })
}

/// Feeds `text` to the hash with its length, so that field boundaries cannot shift.
fn field(hash: &mut Sha256, text: &str) {
    hash.update((text.len() as u64).to_le_bytes());
    hash.update(text.as_bytes());
}

/// The dataset version: a hash of everything the API can publish — areas, taxonomy, and listings at their
/// *published* points — and of the gapmap release. Hashing true positions would let anyone who knows the other
/// fields search for a confidential site's position by trying candidates against the ETag.
pub fn dataset_version(dataset: &Dataset) -> String {
    let mut hash = Sha256::new();
    field(&mut hash, env!("CARGO_PKG_VERSION"));
    hash.update(dataset.reference().digest());
    for (site, s) in dataset.services().iter().enumerate() {
        let p = dataset.published_point(site);
        let serves = s.serves.to_field();
        let setting = s.setting.map_or("", |v| v.as_str());
        for text in [
            s.id.as_str(),
            &s.name,
            &s.provider,
            &s.service_type,
            s.location_precision.as_str(),
            &serves,
            setting,
            &s.phone,
            &s.website,
            &s.source,
        ] {
            field(&mut hash, text);
        }
        // Numbers by their bits: the same values, without formatting 20,000 listings' worth of text.
        hash.update(round_degrees(p.y()).to_le_bytes());
        hash.update(round_degrees(p.x()).to_le_bytes());
        hash.update(s.capacity.map_or(f64::NAN, |c| c).to_le_bytes());
        hash.update(s.last_verified.num_days_from_ce().to_le_bytes());
        hash.update((s.specialisms.len() as u64).to_le_bytes());
        for specialism in &s.specialisms {
            field(&mut hash, specialism);
        }
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
