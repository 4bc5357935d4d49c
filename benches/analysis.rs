//! Times the whole analysis (`gapmap::domain::analyse`) on the bundled London data, on a synthetic national-size
//! box (350 square areas tiling about 158,000 km², the size of England and Wales, 20,000 sites of 10 types) and on
//! the national input of `benches/national/` (the real England and Wales districts, 20,000 synthetic sites of
//! 10 types), which is generated rather than bundled. Figures are recorded in the README ("Performance") and in
//! `benches/national/README.md`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use gapmap::domain::{
    AnalysisOptions, Area, Benchmark, Dataset, GssCode, LocationPolicy, LocationPrecision, Serves,
    Service, ServiceType, analyse,
};
use gapmap::load::{DataPaths, load_dataset};
use geo::{MultiPolygon, Point, polygon};

/// Deterministic xorshift, so every run times the same input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 14 × 25 cells of 0.3° × 0.2° (about 20 km × 22 km each) from (-4°, 50.5°).
fn synthetic_national() -> Dataset {
    let (cols, rows, width, height) = (14, 25, 0.3, 0.2);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut areas = Vec::new();
    for row in 0..rows {
        for col in 0..cols {
            let (x0, y0) = (-4.0 + col as f64 * width, 50.5 + row as f64 * height);
            let cell = MultiPolygon(vec![polygon![
                (x: x0, y: y0), (x: x0 + width, y: y0), (x: x0 + width, y: y0 + height), (x: x0, y: y0 + height)
            ]]);
            let population = 60_000.0 + 400_000.0 * rng.next();
            let basis = BTreeMap::from([
                ("population".to_owned(), population),
                ("women".to_owned(), population * 0.51),
            ]);
            let code = GssCode::parse(&format!("E0{:07}", areas.len() + 1))
                .expect("synthetic codes are well formed");
            areas.push(
                Area::new(
                    code,
                    format!("Area {}", areas.len() + 1),
                    cell,
                    basis,
                    String::new(),
                )
                .expect("non-empty"),
            );
        }
    }
    let types: Vec<ServiceType> = (0..10)
        .map(|t| ServiceType {
            id: format!("type_{t}"),
            label: format!("Type {t}"),
            benchmark: (t % 2 == 0).then(|| Benchmark {
                value: 1.0,
                per: 100_000.0,
                source: "synthetic".into(),
            }),
            basis: "women".into(),
            capacity_unit: "units".into(),
            catchment_km: 5.0,
            location_policy: LocationPolicy::ExactAllowed,
            capacity_max: 1_000.0,
            access_decay: gapmap::domain::planning::Decay::from_catchment(5.0),
            access_max_cost: 5.0,
        })
        .collect();
    let codes: Vec<GssCode> = areas.iter().map(|a| a.code.clone()).collect();
    let services = (0..20_000)
        .map(|i| {
            let (x, y) = (
                -4.0 + rng.next() * cols as f64 * width,
                50.5 + rng.next() * rows as f64 * height,
            );
            let serves = match i % 10 {
                0 => Serves::AllAreas,
                1 => Serves::Areas(
                    (0..3)
                        .map(|_| codes[(rng.next() * codes.len() as f64) as usize].clone())
                        .collect(),
                ),
                _ => Serves::OwnArea,
            };
            Service {
                id: format!("site-{i}"),
                name: format!("Site {i}"),
                provider: "synthetic".into(),
                service_type: format!("type_{}", i % 10),
                location: Point::new(x, y),
                location_precision: if i % 7 == 0 {
                    LocationPrecision::Confidential
                } else {
                    LocationPrecision::Exact
                },
                serves,
                capacity: (i % 13 != 0).then(|| 1.0 + (rng.next() * 10.0).floor()),
                specialisms: vec![],
                setting: None,
                phone: String::new(),
                website: String::new(),
                last_verified: NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date"),
                source: "synthetic".into(),
            }
        })
        .collect();
    Dataset::new(areas, types, services).expect("synthetic dataset is consistent")
}

fn bench(c: &mut Criterion) {
    let london = load_dataset(&DataPaths::default())
        .expect("bundled data loads (run from the repository root)");
    let mut group = c.benchmark_group("analyse");
    group.sample_size(10);
    group.bench_function("london_250m_grid", |b| {
        b.iter(|| analyse(black_box(&london), &AnalysisOptions::default()))
    });
    let national = synthetic_national();
    // A 250 m grid over 158,000 km² is 2.5 million sample points; the reduced run samples a 1 km grid (1/16 of them).
    group.bench_function("national_350_areas_20000_sites_250m_grid", |b| {
        b.iter(|| analyse(black_box(&national), &AnalysisOptions::default()))
    });
    let reduced = AnalysisOptions {
        grid_spacing_km: 1.0,
    };
    group.bench_function("national_350_areas_20000_sites_1km_grid_reduced", |b| {
        b.iter(|| analyse(black_box(&national), &reduced))
    });
    group.finish();
}

/// The England and Wales districts with 20,000 synthetic sites, as `benches/national/generate.py` writes them
/// into `$GAPMAP_NATIONAL_DIR` (default `target/national`), at the default 250 m grid.
fn bench_national_lad(c: &mut Criterion) {
    let dir = PathBuf::from(
        std::env::var("GAPMAP_NATIONAL_DIR").unwrap_or_else(|_| "target/national".to_owned()),
    );
    let generate = "bash benches/national/run.sh --generate-only";
    let paths = DataPaths {
        boundaries: dir.join("boundaries.geojson"),
        population: dir.join("population.csv"),
        types: dir.join("types.csv"),
        services: dir.join("services.csv"),
        figures: Vec::new(),
    };
    if !paths.services.exists() {
        panic!(
            "{} holds no national input: generate it with `{generate}` (or set GAPMAP_NATIONAL_DIR)",
            dir.display()
        );
    }
    let dataset = load_dataset(&paths).unwrap_or_else(|e| {
        panic!(
            "the national input in {} does not load ({e}); regenerate it with `{generate}`",
            dir.display()
        )
    });
    let name = format!(
        "{}_areas_{}_sites_{}_types_250m_grid",
        dataset.areas().len(),
        dataset.services().len(),
        dataset.types().len()
    );
    let mut group = c.benchmark_group("analyse_national_lad");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| analyse(black_box(&dataset), &AnalysisOptions::default()))
    });
    group.finish();
}

criterion_group!(benches, bench, bench_national_lad);
criterion_main!(benches);
