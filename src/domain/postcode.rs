//! Postcodes: a UK postcode normalised to one spelling, the directory that places each at a British National
//! Grid position and a local authority, and the transform from the National Grid to WGS84 longitude/latitude.
//!
//! The transform and its accuracy are stated in the README ("Postcode search").

use std::fmt;
use std::sync::OnceLock;

use geo::Point;
use proj4rs::proj::Proj;

/// A postcode in its compact form: capital letters and digits without spaces, e.g. `SE59RS`. It can only be built
/// from text of a postcode's shape: an outward code of two to four characters that starts with a letter, and an
/// inward code of a digit and two letters.
///
/// ```
/// use gapmap::domain::postcode::Postcode;
/// let postcode = Postcode::parse(" se5  9rs ").unwrap();
/// assert_eq!(postcode.as_str(), "SE59RS");
/// assert_eq!(postcode.to_string(), "SE5 9RS");
/// assert!(Postcode::parse("SE5 9R").is_err());
/// assert!(Postcode::parse("Southwark").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(String);

impl Postcode {
    /// Parses a postcode, ignoring case and white space.
    pub fn parse(text: &str) -> Result<Self, String> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = compact.as_bytes();
        let shaped = (5..=7).contains(&bytes.len())
            && bytes.iter().all(u8::is_ascii_alphanumeric)
            && bytes[0].is_ascii_alphabetic()
            && bytes[bytes.len() - 3].is_ascii_digit()
            && bytes[bytes.len() - 2..].iter().all(u8::is_ascii_alphabetic);
        if shaped {
            Ok(Self(compact))
        } else {
            Err(format!(
                "`{}` is not a full postcode (an outward and an inward code, e.g. SE5 9RS)",
                text.trim()
            ))
        }
    }

    /// The compact form, e.g. `SE59RS`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory's sort key: the compact form padded with spaces to seven bytes.
    fn key(&self) -> [u8; 7] {
        key_of(&self.0)
    }
}

/// The usual spelling, outward and inward code separated by one space: `SE5 9RS`.
impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (outward, inward) = self.0.split_at(self.0.len() - 3);
        write!(f, "{outward} {inward}")
    }
}

fn key_of(compact: &str) -> [u8; 7] {
    let mut key = [b' '; 7];
    for (slot, byte) in key.iter_mut().zip(compact.bytes()) {
        *slot = byte;
    }
    key
}

/// What the directory holds for one postcode.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeEntry {
    /// The postcode.
    pub postcode: Postcode,
    /// The local authority district's GSS code it lies in, as the directory assigns it.
    pub area_code: String,
    /// British National Grid (OSGB36, EPSG:27700) easting and northing in metres, to the metre; `None` where the
    /// directory gives the postcode no grid reference.
    pub grid: Option<(f64, f64)>,
    /// The year and month the postcode was terminated (`2019-05`), for one no longer in use; `None` when live or
    /// when the source does not say.
    pub terminated: Option<String>,
}

/// Every postcode of a directory, sorted for lookup.
#[derive(Debug, Clone, Default)]
pub struct PostcodeDirectory {
    keys: Vec<[u8; 7]>,
    entries: Vec<PostcodeEntry>,
    /// Where the postcodes come from, e.g. "ONS Postcode Directory (November 2025)".
    source: String,
}

impl PostcodeDirectory {
    /// A directory of `entries` (a later entry for the same postcode replaces an earlier one).
    pub fn new(entries: Vec<PostcodeEntry>, source: String) -> Self {
        let mut entries = entries;
        entries.sort_by_key(|e| e.postcode.key());
        entries.dedup_by(|later, earlier| {
            let same = later.postcode == earlier.postcode;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        Self {
            keys: entries.iter().map(|e| e.postcode.key()).collect(),
            entries,
            source,
        }
    }

    /// The entry for `postcode`, if the directory has it.
    pub fn get(&self, postcode: &Postcode) -> Option<&PostcodeEntry> {
        let key = postcode.key();
        self.keys
            .binary_search(&key)
            .ok()
            .map(|index| &self.entries[index])
    }

    /// Number of postcodes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the directory is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where the postcodes come from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every entry, by postcode.
    pub fn entries(&self) -> &[PostcodeEntry] {
        &self.entries
    }
}

/// The British National Grid: OSGB36 on the Airy 1830 ellipsoid, transverse Mercator, with the seven-parameter
/// Helmert transformation to WGS84 that the Ordnance Survey publishes (EPSG:1314).
const BRITISH_NATIONAL_GRID: &str = "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 \
    +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs";
const WGS84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";

fn projections() -> Option<&'static (Proj, Proj)> {
    static PROJECTIONS: OnceLock<Option<(Proj, Proj)>> = OnceLock::new();
    PROJECTIONS
        .get_or_init(|| {
            Some((
                Proj::from_proj_string(BRITISH_NATIONAL_GRID).ok()?,
                Proj::from_proj_string(WGS84).ok()?,
            ))
        })
        .as_ref()
}

/// The WGS84 longitude/latitude (degrees) of a British National Grid position (metres), by the Helmert
/// transformation: within about 5 m of the Ordnance Survey's definitive OSTN15 transformation across Great
/// Britain. `None` for a position the projection cannot invert.
///
/// ```
/// use gapmap::domain::postcode::grid_to_wgs84;
/// let p = grid_to_wgs84(529_090.0, 179_645.0).unwrap(); // SW1A 1AA, Buckingham Palace
/// assert!((p.y() - 51.50101).abs() < 1e-4 && (p.x() + 0.14159).abs() < 1e-4);
/// ```
pub fn grid_to_wgs84(easting: f64, northing: f64) -> Option<Point<f64>> {
    if !(easting.is_finite() && northing.is_finite()) {
        return None;
    }
    let (grid, wgs84) = projections()?;
    let mut point = (easting, northing, 0.0);
    proj4rs::transform::transform(grid, wgs84, &mut point).ok()?;
    let (lon, lat) = (point.0.to_degrees(), point.1.to_degrees());
    (lon.is_finite() && lat.is_finite()).then(|| Point::new(lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::geodesic_km;

    #[test]
    fn the_transform_is_within_five_metres_of_ostn15() {
        // Caister water tower, the Ordnance Survey's worked example: OSTN15 places ETRS89 52°39′28.8282″ N,
        // 1°42′57.8663″ E at easting 651409.903, northing 313177.270. ETRS89 and WGS84 differ by under a metre.
        let etrs89 = Point::new(
            1.0 + 42.0 / 60.0 + 57.8663 / 3600.0,
            52.0 + 39.0 / 60.0 + 28.8282 / 3600.0,
        );
        let helmert = grid_to_wgs84(651_409.903, 313_177.270).unwrap();
        let metres = geodesic_km(etrs89, helmert) * 1000.0;
        assert!(metres < 5.0, "{metres} m from OSTN15");
        assert!(grid_to_wgs84(f64::NAN, 0.0).is_none());
    }

    #[test]
    fn lookups_find_each_spelling_and_the_latest_entry() {
        let entry = |code: &str, area: &str| PostcodeEntry {
            postcode: Postcode::parse(code).unwrap(),
            area_code: area.into(),
            grid: Some((529_090.0, 179_645.0)),
            terminated: None,
        };
        let directory = PostcodeDirectory::new(
            vec![
                entry("SW1A 1AA", "E09000001"),
                entry("E1 6AN", "E09000030"),
                entry("SW1A1AA", "E09000033"),
            ],
            "test".into(),
        );
        assert_eq!(directory.len(), 2);
        let found = directory.get(&Postcode::parse("sw1a1aa").unwrap()).unwrap();
        assert_eq!(found.area_code, "E09000033");
        assert!(directory.get(&Postcode::parse("E1 6AN").unwrap()).is_some());
        assert!(directory.get(&Postcode::parse("E1 6AM").unwrap()).is_none());
    }
}
