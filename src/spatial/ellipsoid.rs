//! Fast ellipsoidal distances for the access grid, with a stated error bound.
//!
//! A point on the WGS84 ellipsoid is converted once to Earth-centred Cartesian metres ([`Ecef`]), so the straight
//! chord between two points costs three subtractions and a square root. The chord is then turned into an arc on
//! the sphere whose radius is the ellipsoid's Gaussian mean radius of curvature √(M·N) at the first point's
//! latitude ([`arc_from_chord`]). Up to [`FAST_DISTANCE_MAX_KM`] that arc differs from the exact geodesic
//! (Karney) by at most [`FAST_DISTANCE_MAX_RELATIVE_ERROR`]; the tests check it against Karney on random pairs
//! across Great Britain. Beyond that range callers measure with [`super::geodesic_km`] instead.
//!
//! For a fixed first point the arc grows strictly with the chord, so the site with the shortest chord is also
//! the site with the shortest approximate distance: ranking needs only chords.

use geo::Point;

/// WGS84 semi-major axis, metres.
const SEMI_MAJOR_M: f64 = 6_378_137.0;
/// WGS84 flattening.
const FLATTENING: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
const ECCENTRICITY_SQUARED: f64 = FLATTENING * (2.0 - FLATTENING);

/// Longest distance for which [`arc_from_chord`] is used; longer ones are measured exactly.
pub const FAST_DISTANCE_MAX_KM: f64 = 300.0;

/// Largest relative difference between [`arc_from_chord`] and the exact geodesic, for distances up to
/// [`FAST_DISTANCE_MAX_KM`] between points in and around Great Britain (49.5°–61.5° N, 9° W–2.5° E). The
/// neglected term grows with the square of the distance: measured at most 3 × 10⁻⁸ up to 100 km and 3 × 10⁻⁷ up
/// to 300 km (20,000 random pairs against Karney), so the bound holds with a margin of more than three.
pub const FAST_DISTANCE_MAX_RELATIVE_ERROR: f64 = 1e-6;

/// A point on the ellipsoid's surface in Earth-centred, Earth-fixed Cartesian coordinates, metres.
pub type Ecef = [f64; 3];

/// The parts of [`ecef`] that depend on latitude only, so a grid row computes them once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parallel {
    /// Distance from the Earth's axis, metres (N·cos φ).
    pub axis_distance_m: f64,
    /// Height above the equatorial plane, metres (N·(1 − e²)·sin φ).
    pub z_m: f64,
    /// Gaussian mean radius of curvature √(M·N) at this latitude, metres.
    pub radius_m: f64,
}

impl Parallel {
    /// The parallel at latitude `lat_deg`.
    pub fn at(lat_deg: f64) -> Self {
        let (sin, cos) = lat_deg.to_radians().sin_cos();
        let w = 1.0 - ECCENTRICITY_SQUARED * sin * sin;
        let prime_vertical = SEMI_MAJOR_M / w.sqrt();
        let meridional = SEMI_MAJOR_M * (1.0 - ECCENTRICITY_SQUARED) / (w * w.sqrt());
        Self {
            axis_distance_m: prime_vertical * cos,
            z_m: prime_vertical * (1.0 - ECCENTRICITY_SQUARED) * sin,
            radius_m: (meridional * prime_vertical).sqrt(),
        }
    }

    /// The point of this parallel at the longitude whose cosine and sine are given.
    pub fn point(&self, (cos_lon, sin_lon): (f64, f64)) -> Ecef {
        [
            self.axis_distance_m * cos_lon,
            self.axis_distance_m * sin_lon,
            self.z_m,
        ]
    }
}

/// The cosine and sine of longitude `lon_deg`, as [`Parallel::point`] takes them.
pub fn meridian(lon_deg: f64) -> (f64, f64) {
    let (sin, cos) = lon_deg.to_radians().sin_cos();
    (cos, sin)
}

/// Earth-centred position of a longitude/latitude point on the ellipsoid.
pub fn ecef(point: Point<f64>) -> Ecef {
    Parallel::at(point.y()).point(meridian(point.x()))
}

/// Squared straight-line distance between two Earth-centred positions, square metres.
#[inline]
pub fn chord_squared(a: &Ecef, b: &Ecef) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// The arc, in metres, subtending a chord of `chord_m` on a sphere of radius `radius_m`: 2r·asin(c / 2r), by its
/// series to the fifth power (the next term is below 10⁻¹¹ relative at [`FAST_DISTANCE_MAX_KM`]).
#[inline]
pub fn arc_from_chord(chord_m: f64, radius_m: f64) -> f64 {
    let x2 = chord_m * chord_m / (4.0 * radius_m * radius_m);
    chord_m * (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0)))
}

/// [`arc_from_chord`] in kilometres from a squared chord, with the latitude's factors worked out once, for loops
/// that measure many pairs from one point (no division or square root of the radius per pair).
#[derive(Debug, Clone, Copy)]
pub struct ArcFromChord {
    inverse_four_radius_squared: f64,
}

impl ArcFromChord {
    /// For a point whose Gaussian radius (see [`Parallel::radius_m`]) is `radius_m`.
    pub fn new(radius_m: f64) -> Self {
        Self {
            inverse_four_radius_squared: 1.0 / (4.0 * radius_m * radius_m),
        }
    }

    /// The arc in km for a chord whose square is `chord_squared_m2` (m²); equal to
    /// `arc_from_chord(√chord², radius) / 1000` to within a few units in the last place.
    #[inline]
    pub fn km(&self, chord_squared_m2: f64) -> f64 {
        let x2 = chord_squared_m2 * self.inverse_four_radius_squared;
        chord_squared_m2.sqrt() * (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0))) * 1e-3
    }
}

/// Approximate geodesic distance in kilometres, within [`FAST_DISTANCE_MAX_RELATIVE_ERROR`] of the exact one up
/// to [`FAST_DISTANCE_MAX_KM`] and exact (Karney) beyond.
pub fn fast_geodesic_km(a: Point<f64>, b: Point<f64>) -> f64 {
    let chord = chord_squared(&ecef(a), &ecef(b)).sqrt();
    let km = arc_from_chord(chord, Parallel::at(a.y()).radius_m) / 1000.0;
    if km > FAST_DISTANCE_MAX_KM {
        super::geodesic_km(a, b)
    } else {
        km
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arc_from_chord_squared_equals_arc_from_chord() {
        let radius = Parallel::at(52.0).radius_m;
        let scale = ArcFromChord::new(radius);
        for chord in [0.0, 1.0, 250.0, 9_999.5, 30_000.0, 299_000.0] {
            let expected = arc_from_chord(chord, radius) / 1000.0;
            let got = scale.km(chord * chord);
            assert!(
                (got - expected).abs() <= 4.0 * f64::EPSILON * expected,
                "{chord}: {got} against {expected}"
            );
        }
    }
    use crate::spatial::geodesic_km;
    use geo::{Destination, Geodesic};

    use crate::spatial::test_uniform as uniform;

    /// Random pairs across Great Britain at distances spread evenly in log scale from 10 m to `max_m`, in every
    /// direction: the worst relative error of the fast distance against Karney.
    fn worst_relative_error(pairs: usize, max_m: f64) -> f64 {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut worst = 0.0f64;
        for _ in 0..pairs {
            let from = Point::new(
                -9.0 + 11.5 * uniform(&mut seed),
                49.5 + 12.0 * uniform(&mut seed),
            );
            let metres = (10f64.ln() + (max_m.ln() - 10f64.ln()) * uniform(&mut seed)).exp();
            let to = Geodesic.destination(from, 360.0 * uniform(&mut seed), metres);
            let exact = geodesic_km(from, to);
            let error = (fast_geodesic_km(from, to) - exact).abs() / exact;
            worst = worst.max(error);
        }
        worst
    }

    #[test]
    fn within_the_stated_bound_up_to_the_fast_range() {
        let worst = worst_relative_error(20_000, FAST_DISTANCE_MAX_KM * 1000.0);
        assert!(
            worst <= FAST_DISTANCE_MAX_RELATIVE_ERROR,
            "worst relative error {worst:e}"
        );
        // The bound is not loose by orders of magnitude either: the approximation is a real one.
        assert!(worst > 1e-9, "worst relative error {worst:e}");
    }

    #[test]
    fn within_a_hundred_thousandth_at_every_distance_in_great_britain() {
        // The premise of the access search's rank margin (10⁻⁴): even beyond the fast range the arc is within
        // 10⁻⁵ of the geodesic, so the nearest site by geodesic is never far down the ranking by chord.
        let mut seed = 11u64;
        for _ in 0..5_000 {
            let from = Point::new(
                -9.0 + 11.5 * uniform(&mut seed),
                49.5 + 12.0 * uniform(&mut seed),
            );
            let to = Point::new(
                -9.0 + 11.5 * uniform(&mut seed),
                49.5 + 12.0 * uniform(&mut seed),
            );
            let exact = geodesic_km(from, to);
            let arc = arc_from_chord(
                chord_squared(&ecef(from), &ecef(to)).sqrt(),
                Parallel::at(from.y()).radius_m,
            );
            assert!(
                (arc / 1000.0 - exact).abs() <= 1e-5 * exact,
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn short_distances_are_accurate_to_a_millimetre() {
        let mut seed = 7u64;
        for _ in 0..2_000 {
            let from = Point::new(-0.5 + uniform(&mut seed), 51.3 + 0.4 * uniform(&mut seed));
            let to = Geodesic.destination(
                from,
                360.0 * uniform(&mut seed),
                20_000.0 * uniform(&mut seed),
            );
            let error_m = (fast_geodesic_km(from, to) - geodesic_km(from, to)).abs() * 1000.0;
            assert!(error_m < 1e-3, "{from:?} → {to:?}: {error_m} m");
        }
    }

    #[test]
    fn beyond_the_fast_range_the_distance_is_exact() {
        let (a, b) = (Point::new(-5.7, 50.1), Point::new(-3.0, 58.6)); // Land's End to John o' Groats
        assert!(geodesic_km(a, b) > FAST_DISTANCE_MAX_KM);
        assert_eq!(fast_geodesic_km(a, b), geodesic_km(a, b));
    }

    #[test]
    fn chords_rank_like_distances_from_one_point() {
        let from = Point::new(-1.0, 53.0);
        let origin = ecef(from);
        let radius = Parallel::at(from.y()).radius_m;
        let mut last = 0.0;
        for km in [0.1, 1.0, 10.0, 50.0, 200.0] {
            let to = Geodesic.destination(from, 40.0, km * 1000.0);
            let arc = arc_from_chord(chord_squared(&origin, &ecef(to)).sqrt(), radius);
            assert!(arc > last);
            last = arc;
        }
    }
}
