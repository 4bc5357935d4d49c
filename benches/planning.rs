//! Planning benchmarks. `e2sfca`: accessibility (geodesic cost matrix, then both steps) on the bundled London data
//! (a type's default grid demand) and on the national input of `benches/national/` (the England and Wales
//! districts, demand on a 2 km grid of women, all 20,000 synthetic sites as supply), and on its UK-wide variant
//! (all 361 districts, `generate.py --uk`). The Python reference on the same input is
//! `bash tests/reference/national.sh` (`GAPMAP_NATIONAL_DIR=target/national-uk` for the UK).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gapmap::domain::access::DEFAULT_GRID_SPACING_KM;
use gapmap::domain::planning::fca::{Catchment, FcaModel, TypeAccess, accessibility};
use gapmap::domain::planning::{Decay, SupplySite, grid_demand};
use gapmap::load::{DataPaths, load_dataset};

/// The national benchmark's demand grid spacing in km (about 38,000 points over England and Wales).
pub const NATIONAL_GRID_KM: f64 = 2.0;
/// The national benchmark's decay (geodesic km) and max cost; `tests/reference/national.sh` uses the same.
pub const NATIONAL_DECAY: &str = "step:10=1,20=0.68,30=0.22";

fn bench_e2sfca(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2sfca");
    group.sample_size(10);
    let london = load_dataset(&DataPaths::default()).expect("the bundled data loads");
    let idva = london
        .types()
        .iter()
        .position(|t| t.id == "idva")
        .expect("idva");
    group.bench_function("london_idva_250m_grid", |b| {
        b.iter(|| {
            TypeAccess::compute(
                black_box(&london),
                idva,
                FcaModel::E2sfca,
                DEFAULT_GRID_SPACING_KM,
            )
        })
    });

    for (label, variable, default, generate) in [
        (
            "national",
            "GAPMAP_NATIONAL_DIR",
            "target/national",
            "bash benches/national/run.sh --generate-only",
        ),
        (
            "uk",
            "GAPMAP_NATIONAL_UK_DIR",
            "target/national-uk",
            "target/national-venv/bin/python benches/national/generate.py --uk --out target/national-uk \
             --gapmap target/release/gapmap",
        ),
    ] {
        bench_national(&mut group, label, variable, default, generate);
    }
    group.finish();
}

/// E2SFCA on one generated national input: demand on a 2 km grid of women, every site as supply.
fn bench_national(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    label: &str,
    variable: &str,
    default: &str,
    generate: &str,
) {
    let dir = PathBuf::from(std::env::var(variable).unwrap_or_else(|_| default.to_owned()));
    let paths = DataPaths {
        boundaries: dir.join("boundaries.geojson"),
        population: dir.join("population.csv"),
        types: dir.join("types.csv"),
        services: dir.join("services.csv"),
        figures: Vec::new(),
    };
    let national = load_dataset(&paths).unwrap_or_else(|e| {
        panic!(
            "no {label} input in {} ({e}): generate it with `{generate}` (or set {variable})",
            dir.display()
        )
    });
    let demand = grid_demand(national.reference(), "women", NATIONAL_GRID_KM);
    let supply: Vec<SupplySite> = national
        .services()
        .iter()
        .enumerate()
        .map(|(site, service)| SupplySite {
            id: service.id.clone(),
            point: Some(national.published_point(site)),
            capacity: service.capacity.unwrap_or(0.0),
        })
        .collect();
    let decay = Decay::parse(NATIONAL_DECAY).expect("a decay");
    let catchment = Catchment {
        max_cost: decay.default_max_cost().expect("a step decay"),
        decay,
        model: FcaModel::E2sfca,
    };
    let pairs = catchment
        .geodesic_costs(&demand, &supply)
        .expect("positions")
        .len();
    let name = format!(
        "{label}_{}_areas_{}_demand_{}_sites_{}_pairs",
        national.areas().len(),
        demand.len(),
        supply.len(),
        pairs
    );
    group.bench_function(name, |b| {
        b.iter(|| {
            let costs = catchment
                .geodesic_costs(black_box(&demand), &supply)
                .expect("positions");
            accessibility(&demand, &supply, &costs, &catchment)
        })
    });
}

criterion_group!(benches, bench_e2sfca);
criterion_main!(benches);
