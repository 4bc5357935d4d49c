//! `gapmap plan`: where k new hubs of a type would do most good (MCLP or p-median), printed as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{DataArgs, LiveArgs};
use crate::app::{App, StoreMode};
use crate::config::Config;
use crate::domain::planning::siting::{
    CAPACITATED_MAX_DEMAND, CandidateChoice, DEFAULT_MAX_COST_KM, DemandChoice, Inputs, Model,
    SolverChoice, site_inputs, solve,
};
use crate::load::planning::{read_candidates, read_costs, read_demand};

/// The siting models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanModel {
    /// Maximise demand within `--radius` of an open site.
    Mclp,
    /// Minimise demand-weighted cost to the nearest open site (capped at `--max-cost`).
    Pmedian,
}

/// Output formats of `gapmap plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// One JSON document.
    Json,
}

/// Arguments of `gapmap plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The service type (e.g. `idva`).
    #[arg(long = "type")]
    pub service_type: String,
    /// New sites to choose, beside the existing sites kept open.
    #[arg(long)]
    pub k: usize,
    /// What to optimise.
    #[arg(long, value_enum)]
    pub model: PlanModel,
    /// MCLP coverage radius, in the cost's unit (default: the type's `catchment_km`).
    #[arg(long)]
    pub radius: Option<f64>,
    /// p-median maximum cost M: demand with no open site within it counts at M (default: 60 km geodesic, or the
    /// largest cost in `--cost`).
    #[arg(long)]
    pub max_cost: Option<f64>,
    /// Candidates: `existing`, `areas` (representative points), `demand` (the demand points), joined by commas,
    /// or a file `id,lat,lon` (or `id` with `--cost`).
    #[arg(long, default_value = "existing,areas")]
    pub candidates: String,
    /// Demand: `grid` (each area's basis over its 250 m grid), `areas` (representative points weighted by the
    /// basis) or a file `id,lat,lon,weight` (or `id,weight` with `--cost`).
    #[arg(long, default_value = "grid")]
    pub demand: String,
    /// Costs `origin,destination,cost` (origin a demand id, destination a candidate id) instead of geodesic km.
    #[arg(long)]
    pub cost: Option<PathBuf>,
    /// Let the existing sites close: they are candidates only if `--candidates` names `existing`.
    #[arg(long)]
    pub no_keep_existing: bool,
    /// At least this many open sites (kept or new) located in every area.
    #[arg(long)]
    pub min_per_area: Option<usize>,
    /// Each open site serves at most its capacity turned into demand at the type's benchmark rate (capacity ×
    /// benchmark_per / benchmark_value): an existing site its listing's capacity, a candidate its file's
    /// `capacity`, else `--hub-capacity`, else no limit. Needs a benchmark. Implied by `--hub-capacity` and by a
    /// candidates file with a `capacity` column.
    #[arg(long)]
    pub capacitated: bool,
    /// Capacity of each new hub without one of its own, in the type's capacity unit (as listings, e.g. FTE
    /// advisers).
    #[arg(long, allow_negative_numbers = true)]
    pub hub_capacity: Option<f64>,
    /// Branch and bound to proven optimality, however long it takes.
    #[arg(long, conflicts_with = "heuristic")]
    pub exact: bool,
    /// Greedy + vertex substitution, with a proven bound and its gap.
    #[arg(long)]
    pub heuristic: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Json)]
    pub format: PlanFormat,
    /// Also write the instance to this directory: `demand.csv`, `candidates.csv`, `costs.csv` (pairs within the
    /// model's limit) and `instance.json`, for reference solvers.
    #[arg(long)]
    pub write_instance: Option<PathBuf>,
    /// The live store to read the listings from, if any.
    #[command(flatten)]
    pub live: LiveArgs,
    /// The data files.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs `gapmap plan`.
pub fn run(args: &PlanArgs, out: &mut dyn Write) -> Result<(), String> {
    let config = Config {
        data_dir: args.live.data_dir.clone(),
        ..args.data.config()
    };
    let app = App::open(&config, StoreMode::Existing).map_err(|e| e.to_string())?;
    let (_, dataset) = app.dataset().map_err(|e| e.to_string())?;
    let Some(service_type) = dataset.service_type(&args.service_type) else {
        let known: Vec<&str> = dataset.types().iter().map(|t| t.id.as_str()).collect();
        return Err(format!(
            "unknown service type `{}` (known: {})",
            args.service_type,
            known.join(", ")
        ));
    };
    let demand = match args.demand.as_str() {
        "grid" => DemandChoice::Grid,
        "areas" => DemandChoice::Areas,
        file => DemandChoice::Given(read_demand(Path::new(file)).map_err(|e| e.to_string())?),
    };
    let choice = candidate_choice(&args.candidates)?;
    let capacitated = args.capacitated
        || args.hub_capacity.is_some()
        || choice.given_capacity.iter().any(Option::is_some);
    if let Some(c) = args.hub_capacity.filter(|c| !(c.is_finite() && *c >= 0.0)) {
        return Err(format!(
            "--hub-capacity must be a finite number ≥ 0, not {c}"
        ));
    }
    let inputs = site_inputs(
        &dataset,
        &args.service_type,
        demand,
        choice,
        !args.no_keep_existing,
    )
    .map_err(|e| e.to_string())?;
    let (model, costs) = match &args.cost {
        Some(file) => {
            let origins: Vec<&str> = inputs.demand.iter().map(|d| d.id.as_str()).collect();
            let destinations: Vec<&str> = inputs.candidates.iter().map(|c| c.id.as_str()).collect();
            let costs = read_costs(file, &origins, &destinations, f64::INFINITY)
                .map_err(|e| e.to_string())?;
            let largest = (0..costs.origins())
                .flat_map(|i| costs.row(i).map(|(_, c)| c))
                .fold(0.0, f64::max);
            (model_of(args, service_type.catchment_km, largest)?, costs)
        }
        None => {
            let model = model_of(args, service_type.catchment_km, DEFAULT_MAX_COST_KM)?;
            let costs = inputs
                .geodesic_costs(model.limit())
                .map_err(|e| e.to_string())?;
            (model, costs)
        }
    };
    let mut instance = inputs
        .instance(&dataset, model, &costs, args.k, args.min_per_area)
        .map_err(|e| e.to_string())?;
    let capacities = if capacitated {
        if inputs.demand.len() > CAPACITATED_MAX_DEMAND {
            return Err(format!(
                "--capacitated: {} demand points is over the limit of {CAPACITATED_MAX_DEMAND} with capacities \
                 (the flow is too slow on the grid); use --demand areas or a smaller demand file",
                inputs.demand.len()
            ));
        }
        let capacities = inputs
            .capacities(service_type, args.hub_capacity)
            .map_err(|e| format!("--capacitated: {e}"))?;
        instance = instance
            .with_capacities(capacities.clone())
            .map_err(|e| e.to_string())?;
        Some(capacities)
    } else {
        None
    };
    if let Some(dir) = &args.write_instance {
        write_instance(dir, &inputs, &costs, model, args.k, capacities.as_deref())
            .map_err(|e| format!("cannot write the instance to {}: {e}", dir.display()))?;
    }
    let choice = match (args.exact, args.heuristic) {
        (true, _) => SolverChoice::Exact,
        (_, true) => SolverChoice::Heuristic,
        _ => SolverChoice::Auto,
    };
    let plan = solve(&instance, choice);
    let answer = inputs.answer(&dataset, &instance, &args.service_type, &plan);
    serde_json::to_writer_pretty(&mut *out, &answer).map_err(|e| e.to_string())?;
    writeln!(out).map_err(|e| e.to_string())
}

fn model_of(args: &PlanArgs, catchment: f64, default_max_cost: f64) -> Result<Model, String> {
    let (name, value) = match args.model {
        PlanModel::Mclp => ("--radius", args.radius.unwrap_or(catchment)),
        PlanModel::Pmedian => ("--max-cost", args.max_cost.unwrap_or(default_max_cost)),
    };
    if !(value.is_finite() && value >= 0.0) {
        return Err(format!("{name} must be a finite number ≥ 0, not {value}"));
    }
    Ok(match args.model {
        PlanModel::Mclp => Model::Mclp { radius: value },
        PlanModel::Pmedian => Model::PMedian { max_cost: value },
    })
}

/// `existing,areas,demand` keywords, or a candidates file.
fn candidate_choice(text: &str) -> Result<CandidateChoice, String> {
    let mut choice = CandidateChoice::default();
    let words: Vec<&str> = text.split(',').map(str::trim).collect();
    if words
        .iter()
        .all(|w| matches!(*w, "existing" | "areas" | "demand"))
    {
        choice.existing = words.contains(&"existing");
        choice.areas = words.contains(&"areas");
        choice.demand = words.contains(&"demand");
    } else {
        let file = read_candidates(Path::new(text)).map_err(|e| e.to_string())?;
        if file.with_capacity {
            choice.given_capacity = file.sites.iter().map(|s| Some(s.capacity)).collect();
        }
        choice.given = file.sites;
    }
    Ok(choice)
}

fn write_instance(
    dir: &Path,
    inputs: &Inputs,
    costs: &crate::domain::planning::CostMatrix,
    model: Model,
    k: usize,
    capacities: Option<&[f64]>,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut demand = csv::Writer::from_path(dir.join("demand.csv"))?;
    demand.write_record(["id", "lat", "lon", "weight"])?;
    for d in &inputs.demand {
        let (lat, lon) = d.point.map_or((String::new(), String::new()), |p| {
            (p.y().to_string(), p.x().to_string())
        });
        demand.write_record([d.id.clone(), lat, lon, d.weight.to_string()])?;
    }
    demand.flush()?;
    let mut candidates = csv::Writer::from_path(dir.join("candidates.csv"))?;
    let mut header = vec!["id", "lat", "lon", "fixed"];
    if capacities.is_some() {
        header.push("capacity");
    }
    candidates.write_record(&header)?;
    for (j, c) in inputs.candidates.iter().enumerate() {
        let (lat, lon) = c.point.map_or((String::new(), String::new()), |p| {
            (p.y().to_string(), p.x().to_string())
        });
        let mut record = vec![c.id.clone(), lat, lon, c.fixed.to_string()];
        if let Some(capacities) = capacities {
            // An unlimited site is written as `inf`.
            record.push(capacities[j].to_string());
        }
        candidates.write_record(&record)?;
    }
    candidates.flush()?;
    let mut pairs = csv::Writer::from_path(dir.join("costs.csv"))?;
    pairs.write_record(["origin", "destination", "cost"])?;
    for (i, d) in inputs.demand.iter().enumerate() {
        for (j, c) in costs.row(i).filter(|&(_, c)| c <= model.limit()) {
            pairs.write_record([&d.id, &inputs.candidates[j].id, &c.to_string()])?;
        }
    }
    pairs.flush()?;
    let (key, limit) = match model {
        Model::Mclp { radius } => ("radius", radius),
        Model::PMedian { max_cost } => ("max_cost", max_cost),
    };
    let mut meta = serde_json::Map::new();
    meta.insert("model".into(), model.name().into());
    meta.insert(key.into(), limit.into());
    meta.insert("k".into(), k.into());
    if capacities.is_some() {
        meta.insert("capacitated".into(), true.into());
    }
    std::fs::write(dir.join("instance.json"), serde_json::to_vec_pretty(&meta)?)?;
    Ok(())
}
