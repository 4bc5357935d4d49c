//! `gapmap access`: E2SFCA (or 2SFCA) accessibility of one type, per demand point or per area.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{DataArgs, LiveArgs};
use crate::app::{App, StoreMode};
use crate::config::Config;
use crate::domain::access::DEFAULT_GRID_SPACING_KM;
use crate::domain::planning::fca::{self, Catchment, FcaModel};
use crate::domain::planning::{
    CostMatrix, Decay, DemandPoint, SupplySite, grid_demand, locate_demand, type_supply,
};
use crate::domain::{Dataset, ServiceType};
use crate::load::planning::{read_costs, read_demand, read_supply};

/// Output formats of `gapmap access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    /// `id,access` per demand point (or one row per area with `--by-area`).
    Csv,
    /// The same rows as a JSON array of objects.
    Json,
}

/// Which floating catchment to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Enhanced two-step floating catchment: pairs weighted by the decay.
    E2sfca,
    /// Plain two-step floating catchment: every pair within the max cost weighs 1.
    #[value(name = "2sfca")]
    TwoStep,
}

/// Arguments of `gapmap access`.
#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The service type (e.g. `idva`): its listings, basis, decay, max cost and benchmark are the defaults.
    #[arg(long = "type")]
    pub service_type: String,
    /// Demand points `id,lat,lon,weight` (or `id,weight` with `--cost`); default: each area's basis population
    /// spread evenly over its access sample grid.
    #[arg(long)]
    pub demand: Option<PathBuf>,
    /// Supply sites `id,lat,lon,capacity` (or `id,capacity` with `--cost`); default: the type's listings at their
    /// published points.
    #[arg(long)]
    pub supply: Option<PathBuf>,
    /// Costs `origin,destination,cost` (origin a demand id, destination a supply id; any unit) instead of
    /// geodesic km; pairs not listed are out of reach.
    #[arg(long)]
    pub cost: Option<PathBuf>,
    /// Decay `step:10=1,20=0.68,30=0.22` or `gaussian:SIGMA`, in the cost's unit; default: the type's.
    #[arg(long, value_parser = parse_decay)]
    pub decay: Option<Decay>,
    /// Max cost M (inclusive); default: the largest band of `--decay`, or the type's when no `--decay` is given.
    #[arg(long)]
    pub max_cost: Option<f64>,
    /// `e2sfca` (weighted by the decay) or `2sfca` (W ≡ 1 within the max cost).
    #[arg(long, value_enum, default_value_t = ModelArg::E2sfca)]
    pub model: ModelArg,
    /// One row per area (demand-weighted mean, minimum, share below the benchmark) instead of per point.
    #[arg(long)]
    pub by_area: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AccessFormat::Csv)]
    pub format: AccessFormat,
    /// Spacing in km of the default demand grid.
    #[arg(long, default_value_t = DEFAULT_GRID_SPACING_KM)]
    pub grid_km: f64,
    /// Also write the inputs used to this directory, for reference runs: `demand.csv` (`id,lat,lon,weight`),
    /// `supply.csv` (`id,lat,lon,capacity`) and `cost.csv` (`origin,destination,cost`, every pair within M).
    #[arg(long, hide = true)]
    pub write_inputs: Option<PathBuf>,
    /// The live store to read the listings from, if any.
    #[command(flatten)]
    pub live: LiveArgs,
    /// The data files.
    #[command(flatten)]
    pub data: DataArgs,
}

fn parse_decay(text: &str) -> Result<Decay, String> {
    Decay::parse(text).map_err(|e| e.to_string())
}

/// Runs `gapmap access`.
pub fn run(args: &AccessArgs, out: &mut dyn Write) -> Result<(), String> {
    if !(args.grid_km.is_finite() && (0.05..=100.0).contains(&args.grid_km)) {
        return Err(format!(
            "--grid-km {} must be between 0.05 and 100",
            args.grid_km
        ));
    }
    let config = Config {
        data_dir: args.live.data_dir.clone(),
        ..args.data.config()
    };
    let app = App::open(&config, StoreMode::Existing).map_err(|e| e.to_string())?;
    let (_, dataset) = app.dataset().map_err(|e| e.to_string())?;
    let service_type = dataset.service_type(&args.service_type).ok_or_else(|| {
        let known: Vec<&str> = dataset.types().iter().map(|t| t.id.as_str()).collect();
        format!(
            "unknown service type `{}` (known: {})",
            args.service_type,
            known.join(", ")
        )
    })?;
    let catchment = catchment(args, service_type)?;
    let mut demand = match &args.demand {
        Some(path) => read_demand(path).map_err(|e| e.to_string())?,
        None => grid_demand(dataset.reference(), &service_type.basis, args.grid_km),
    };
    let supply = match &args.supply {
        Some(path) => read_supply(path).map_err(|e| e.to_string())?,
        None => type_supply(&dataset, &service_type.id),
    };
    let costs = costs(args, &catchment, &demand, &supply)?;
    if let Some(dir) = &args.write_inputs {
        write_inputs(dir, &costs, &demand, &supply)?;
    }
    let result = fca::accessibility(&demand, &supply, &costs, &catchment);
    let written = if args.by_area {
        if args.demand.is_some() {
            if demand.iter().any(|d| d.point.is_none()) {
                return Err(
                    "--by-area needs demand points with lat,lon (to find their areas)".into(),
                );
            }
            locate_demand(dataset.reference(), &mut demand);
        }
        write_areas(
            &dataset,
            service_type,
            &demand,
            &result.access,
            args.format,
            out,
        )
    } else {
        write_points(&demand, &result.access, args.format, out)
    };
    written.map_err(|e| format!("cannot write the answer: {e}"))
}

/// The decay and max cost: the flags', else the type's.
fn catchment(args: &AccessArgs, service_type: &ServiceType) -> Result<Catchment, String> {
    let model = match args.model {
        ModelArg::E2sfca => FcaModel::E2sfca,
        ModelArg::TwoStep => FcaModel::TwoStep,
    };
    let (decay, default_max) = match &args.decay {
        Some(decay) => (decay.clone(), decay.default_max_cost()),
        None => (
            service_type.access_decay.clone(),
            Some(service_type.access_max_cost),
        ),
    };
    let max_cost = args
        .max_cost
        .or(default_max)
        .ok_or("--max-cost is required with a gaussian --decay (it has no largest band)")?;
    if !(max_cost.is_finite() && max_cost >= 0.0) {
        return Err(format!("--max-cost {max_cost} must be a finite number ≥ 0"));
    }
    Ok(Catchment {
        decay,
        max_cost,
        model,
    })
}

fn costs(
    args: &AccessArgs,
    catchment: &Catchment,
    demand: &[DemandPoint],
    supply: &[SupplySite],
) -> Result<CostMatrix, String> {
    if let Some(path) = &args.cost {
        let origins: Vec<&str> = demand.iter().map(|d| d.id.as_str()).collect();
        let destinations: Vec<&str> = supply.iter().map(|s| s.id.as_str()).collect();
        return read_costs(path, &origins, &destinations, catchment.max_cost)
            .map_err(|e| e.to_string());
    }
    catchment.geodesic_costs(demand, supply).ok_or_else(|| {
        let file = if demand.iter().any(|d| d.point.is_none()) {
            &args.demand
        } else {
            &args.supply
        };
        format!(
            "{}: rows without lat,lon need --cost (geodesic costs need positions)",
            file.as_deref()
                .map_or("input".into(), |p| p.display().to_string())
        )
    })
}

fn write_inputs(
    dir: &Path,
    costs: &CostMatrix,
    demand: &[DemandPoint],
    supply: &[SupplySite],
) -> Result<(), String> {
    let write = |name: &str, fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        let path = dir.join(name);
        let failed = |e: std::io::Error| format!("{}: cannot write: {e}", path.display());
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).map_err(failed)?);
        fill(&mut file).and_then(|()| file.flush()).map_err(failed)
    };
    let position = |point: Option<geo::Point<f64>>| {
        point.map_or_else(|| ",".to_owned(), |p| format!("{},{}", p.y(), p.x()))
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write("demand.csv", &|out| {
        writeln!(out, "id,lat,lon,weight")?;
        for d in demand {
            writeln!(
                out,
                "{},{},{}",
                csv_field(&d.id),
                position(d.point),
                d.weight
            )?;
        }
        Ok(())
    })?;
    write("supply.csv", &|out| {
        writeln!(out, "id,lat,lon,capacity")?;
        for s in supply {
            writeln!(
                out,
                "{},{},{}",
                csv_field(&s.id),
                position(s.point),
                s.capacity
            )?;
        }
        Ok(())
    })?;
    write("cost.csv", &|out| {
        writeln!(out, "origin,destination,cost")?;
        for (i, d) in demand.iter().enumerate() {
            for (j, cost) in costs.row(i) {
                writeln!(
                    out,
                    "{},{},{cost}",
                    csv_field(&d.id),
                    csv_field(&supply[j].id)
                )?;
            }
        }
        Ok(())
    })
}

fn write_points(
    demand: &[DemandPoint],
    access: &[f64],
    format: AccessFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        AccessFormat::Csv => {
            let mut out = std::io::BufWriter::new(out);
            writeln!(out, "id,access")?;
            for (point, a) in demand.iter().zip(access) {
                writeln!(out, "{},{a}", csv_field(&point.id))?;
            }
            out.flush()
        }
        AccessFormat::Json => {
            let rows: Vec<serde_json::Value> = demand
                .iter()
                .zip(access)
                .map(|(point, a)| serde_json::json!({"id": point.id, "access": a}))
                .collect();
            serde_json::to_writer(&mut *out, &rows)?;
            writeln!(out)
        }
    }
}

fn write_areas(
    dataset: &Dataset,
    service_type: &ServiceType,
    demand: &[DemandPoint],
    access: &[f64],
    format: AccessFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let per = service_type.rate_per();
    let areas = fca::by_area(
        demand,
        access,
        dataset.areas().len(),
        service_type.benchmark.as_ref(),
    );
    let rows: Vec<serde_json::Value> = dataset
        .areas()
        .iter()
        .zip(&areas)
        .map(|(area, a)| {
            serde_json::json!({
                "code": area.code.as_str(), "name": area.name, "points": a.points, "demand": a.demand,
                "mean_access": a.mean, "min_access": a.min, "mean_rate": a.mean.map(|m| m * per),
                "share_below": a.share_below,
            })
        })
        .collect();
    match format {
        AccessFormat::Json => {
            serde_json::to_writer(&mut *out, &rows)?;
            writeln!(out)
        }
        AccessFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "code",
                "name",
                "points",
                "demand",
                "mean_access",
                "min_access",
                "mean_rate",
                "share_below",
            ])?;
            let text = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
            for (area, a) in dataset.areas().iter().zip(&areas) {
                writer.write_record([
                    area.code.as_str().to_owned(),
                    area.name.clone(),
                    a.points.to_string(),
                    a.demand.to_string(),
                    text(a.mean),
                    text(a.min),
                    text(a.mean.map(|m| m * per)),
                    text(a.share_below),
                ])?;
            }
            writer.flush()
        }
    }
}

/// `id` quoted as CSV when it needs to be.
fn csv_field(id: &str) -> std::borrow::Cow<'_, str> {
    if id.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", id.replace('"', "\"\"")).into()
    } else {
        id.into()
    }
}
