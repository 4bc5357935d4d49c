//! Times hub siting: the exact solver on London (33 boroughs, every representative point a candidate, demand at
//! the representative points weighted by women, k = 1..6, MCLP at the `idva` catchment and p-median) — the
//! instance `tests/reference/spopt_london.py` solves with spopt + CBC — and the heuristic at national size (the
//! England and Wales districts of `benches/national/`, demand on a 2 km grid, every `isva` site and district
//! representative point a candidate, k = 20). Figures are in the README ("Performance").

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gapmap::domain::Dataset;
use gapmap::domain::planning::grid_demand;
use gapmap::domain::planning::siting::{
    CandidateChoice, DEFAULT_MAX_COST_KM, DemandChoice, Instance, Model, site_inputs, solve_exact,
    solve_heuristic,
};
use gapmap::load::{DataPaths, load_dataset};

fn instance(
    dataset: &Dataset,
    type_id: &str,
    demand: DemandChoice,
    choice: CandidateChoice,
    model: Model,
    k: usize,
) -> Instance {
    let inputs = site_inputs(dataset, type_id, demand, choice, false).expect("known type");
    let costs = inputs.geodesic_costs(model.limit()).expect("positions");
    inputs
        .instance(dataset, model, &costs, k, None)
        .expect("a feasible instance")
}

/// Women one hub serves at most in the capacitated London bench: less than a sixth of London's women.
const HUB_CAPACITY: f64 = 500_000.0;

fn bench_london(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let d = DataPaths::default();
    let dataset = load_dataset(&DataPaths {
        boundaries: root.join(d.boundaries),
        population: root.join(d.population),
        types: root.join(d.types),
        services: root.join(d.services),
        figures: Vec::new(),
    })
    .expect("the bundled data loads");
    let radius = dataset.service_type("idva").expect("idva").catchment_km;
    let areas = CandidateChoice {
        areas: true,
        ..CandidateChoice::default()
    };
    let mut group = c.benchmark_group("siting");
    for model in [
        Model::Mclp { radius },
        Model::PMedian {
            max_cost: DEFAULT_MAX_COST_KM,
        },
    ] {
        let instances: Vec<Instance> = (1..=6)
            .map(|k| {
                instance(
                    &dataset,
                    "idva",
                    DemandChoice::Areas,
                    areas.clone(),
                    model,
                    k,
                )
            })
            .collect();
        group.bench_function(format!("london_exact_{}_k1to6", model.name()), |b| {
            b.iter(|| {
                for instance in &instances {
                    black_box(solve_exact(black_box(instance), u64::MAX));
                }
            })
        });
        // The same with every hub serving at most HUB_CAPACITY women (binding at every k), as
        // tests/reference/capacitated_london.py solves it with CBC and HiGHS.
        let capped: Vec<Instance> = instances
            .iter()
            .map(|i| {
                let capacity = vec![HUB_CAPACITY; i.candidates()];
                i.clone().with_capacities(capacity).expect("capacities")
            })
            .collect();
        group.bench_function(
            format!("london_exact_capacitated_{}_k1to6", model.name()),
            |b| {
                b.iter(|| {
                    for instance in &capped {
                        black_box(solve_exact(black_box(instance), u64::MAX));
                    }
                })
            },
        );
    }
    group.finish();
}

/// The national input of `benches/national/` in `$GAPMAP_NATIONAL_DIR` (default `target/national`).
fn bench_national(c: &mut Criterion) {
    let dir = PathBuf::from(
        std::env::var("GAPMAP_NATIONAL_DIR").unwrap_or_else(|_| "target/national".to_owned()),
    );
    let paths = DataPaths {
        boundaries: dir.join("boundaries.geojson"),
        population: dir.join("population.csv"),
        types: dir.join("types.csv"),
        services: dir.join("services.csv"),
        figures: Vec::new(),
    };
    if !paths.services.exists() {
        panic!(
            "{} holds no national input: generate it with `bash benches/national/run.sh --generate-only` \
             (or set GAPMAP_NATIONAL_DIR)",
            dir.display()
        );
    }
    let dataset = load_dataset(&paths).expect("the national input loads");
    let demand = grid_demand(dataset.reference(), "women", 2.0);
    let choice = CandidateChoice {
        existing: true,
        areas: true,
        ..CandidateChoice::default()
    };
    let radius = dataset.service_type("isva").expect("isva").catchment_km;
    let mut group = c.benchmark_group("siting");
    group.sample_size(10);
    for model in [Model::Mclp { radius }, Model::PMedian { max_cost: 30.0 }] {
        let instance = instance(
            &dataset,
            "isva",
            DemandChoice::Given(demand.clone()),
            choice.clone(),
            model,
            20,
        );
        let plan = solve_heuristic(&instance);
        eprintln!(
            "national {}: {} demand points, {} candidates, {} pairs, k = 20: objective {}, bound {}, gap {:.4}%",
            model.name(),
            demand.len(),
            instance.candidates(),
            instance.pairs(),
            plan.objective,
            plan.bound,
            plan.gap * 100.0
        );
        group.bench_function(format!("national_heuristic_{}_k20", model.name()), |b| {
            b.iter(|| black_box(solve_heuristic(black_box(&instance))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_london, bench_national);
criterion_main!(benches);
