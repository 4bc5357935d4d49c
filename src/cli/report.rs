//! Renders the analysis for `gapmap report` as a table, CSV or JSON, always with the data notices.

use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use crate::domain::lottery::Lottery;
use crate::domain::{Analysis, AreaCoverage, Dataset, ServiceType};

/// Which part of the analysis to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Only this type.
    pub service_type: Option<&'a str>,
    /// Only this area code.
    pub area: Option<&'a str>,
}

/// The notices every output carries: sample data, and estimated basis figures.
#[derive(Debug, Serialize)]
struct Notices {
    /// Where the listings were read from: a file, or the live store and its revision.
    listings: String,
    sample_data: Option<String>,
    estimated_basis: Vec<String>,
}

fn notices(dataset: &Dataset, listings: &str) -> Notices {
    let sample_data = crate::domain::published::sample_data_notice(dataset);
    let estimated_basis = dataset
        .areas()
        .iter()
        .filter(|a| a.has_estimated_basis())
        .map(|a| {
            let figures: Vec<String> = a
                .basis
                .iter()
                .map(|(column, value)| format!("{column} {value}"))
                .collect();
            format!(
                "{} ({}): {} — {}",
                a.name,
                a.code,
                figures.join(", "),
                a.basis_source
            )
        })
        .collect();
    Notices {
        listings: listings.to_owned(),
        sample_data,
        estimated_basis,
    }
}

#[derive(Serialize)]
struct TypeReport<'a> {
    #[serde(flatten)]
    service_type: &'a ServiceType,
    overall_rate: f64,
    lottery: Option<&'a Lottery>,
    areas: Vec<&'a AreaCoverage>,
}

#[derive(Serialize)]
struct Report<'a> {
    notices: Notices,
    types: Vec<TypeReport<'a>>,
}

fn select<'a>(
    dataset: &'a Dataset,
    analysis: &'a Analysis,
    filter: &Filter,
) -> Vec<TypeReport<'a>> {
    dataset
        .types()
        .iter()
        .filter(|t| filter.service_type.is_none_or(|id| id == t.id))
        .filter_map(|t| {
            let result = analysis.for_type(&t.id)?;
            Some(TypeReport {
                service_type: t,
                overall_rate: result.overall_rate,
                lottery: result.lottery.as_ref(),
                areas: result
                    .areas
                    .iter()
                    .filter(|a| filter.area.is_none_or(|code| code == a.code.as_str()))
                    .collect(),
            })
        })
        .collect()
}

/// Writes the report in `format`; `listings` says where the listings were read from.
pub fn write(
    dataset: &Dataset,
    analysis: &Analysis,
    filter: &Filter,
    listings: &str,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    let report = Report {
        notices: notices(dataset, listings),
        types: select(dataset, analysis, filter),
    };
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        Format::Csv => write_csv(&report, out),
        Format::Table => write_table(&report, dataset, out),
    }
}

fn write_csv(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows = report
        .types
        .iter()
        .flat_map(|t| t.areas.iter().map(move |a| (t.service_type, *a)));
    crate::export::write_area_csv(rows, report.notices.sample_data.as_deref(), out)?;
    Ok(())
}

fn write_table(report: &Report, dataset: &Dataset, out: &mut dyn Write) -> io::Result<()> {
    if let Some(notice) = &report.notices.sample_data {
        writeln!(out, "{notice}\n")?;
    }
    for t in &report.types {
        let st = t.service_type;
        writeln!(
            out,
            "== {} ({}) — capacity in {}, basis: {}",
            st.label, st.id, st.capacity_unit, st.basis
        )?;
        match &st.benchmark {
            Some(b) => writeln!(
                out,
                "   benchmark: {} per {} {} — {}",
                b.value, b.per, st.basis, b.source
            )?,
            None => writeln!(
                out,
                "   no recognised benchmark; rate per {} {}",
                st.rate_per(),
                st.basis
            )?,
        }
        writeln!(
            out,
            "   overall rate {:.3} per {} {}",
            t.overall_rate,
            st.rate_per(),
            st.basis
        )?;
        writeln!(
            out,
            "   {:<9} {:<24} {:>4} {:>4} {:>9} {:>8} {:>6} {:>9} {:>9} {:<12} {:>6} {:>6} {:>6}",
            "code",
            "name",
            "loc",
            "serv",
            "capacity",
            "rate",
            "rel",
            "required",
            "shortfall",
            "status",
            "mean",
            "p90",
            "catch"
        )?;
        for a in &t.areas {
            let unknown = if a.serving_unknown_capacity > 0 {
                format!("+{}?", a.serving_unknown_capacity)
            } else {
                String::new()
            };
            writeln!(
                out,
                "   {:<9} {:<24} {:>4} {:>4} {:>9} {:>8.3} {:>6} {:>9} {:>9} {:<12} {:>6} {:>6} {:>6}",
                a.code.as_str(),
                truncate(&a.name, 24),
                a.located,
                format!("{}{unknown}", a.serving),
                format!("{:.2}", a.capacity_share),
                a.rate,
                a.relative_rate.map(|r| fixed(r, 2)).unwrap_or_else(dash),
                a.required.map(|r| fixed(r, 2)).unwrap_or_else(dash),
                a.shortfall.map(|r| fixed(r, 2)).unwrap_or_else(dash),
                a.status.as_str(),
                a.access.map(|x| fixed(x.mean_km, 1)).unwrap_or_else(dash),
                a.access.map(|x| fixed(x.p90_km, 1)).unwrap_or_else(dash),
                a.access
                    .map(|x| format!("{:.0}%", x.within_catchment * 100.0))
                    .unwrap_or_else(dash),
            )?;
            if report.types.len() == 1 || t.areas.len() <= 3 {
                list_located(dataset, &st.id, a, out)?;
            }
        }
        if let Some(l) = t.lottery {
            writeln!(
                out,
                "   lottery: {} none, {} below; {:.1}% of {} in gap; rate min {:.3} / median {:.3} / max {:.3}; \
                 max/min {}; CV {}; Gini {}",
                l.areas_none,
                l.areas_below,
                l.basis_share_in_gap * 100.0,
                st.basis,
                l.rate_min,
                l.rate_median,
                l.rate_max,
                l.max_min_ratio
                    .map(|r| format!("{r:.2}"))
                    .unwrap_or_else(|| "unbounded (min is 0)".into()),
                l.coefficient_of_variation
                    .map(|r| fixed(r, 3))
                    .unwrap_or_else(dash),
                l.gini.map(|r| fixed(r, 3)).unwrap_or_else(dash),
            )?;
        }
        writeln!(out)?;
    }
    if !report.notices.estimated_basis.is_empty() {
        writeln!(out, "Estimated basis figures:")?;
        for line in &report.notices.estimated_basis {
            writeln!(out, "  {line}")?;
        }
    }
    if let Some(notice) = &report.notices.sample_data {
        writeln!(out, "\n{notice}")?;
    }
    Ok(())
}

/// Lists the sites of a type located in an area (confidential ones by name only, never their position).
fn list_located(
    dataset: &Dataset,
    service_type: &str,
    area: &AreaCoverage,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(position) = dataset.area_position(area.code.as_str()) else {
        return Ok(());
    };
    for (site, service) in dataset.services().iter().enumerate() {
        if service.service_type == service_type && dataset.located_in(site) == position {
            writeln!(
                out,
                "             located here: {} ({}, {})",
                service.name,
                service.id,
                service.location_precision.as_str()
            )?;
        }
    }
    Ok(())
}

/// `value` with `decimals` decimals.
fn fixed(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// What the table shows for a figure that does not apply.
fn dash() -> String {
    "-".into()
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}
