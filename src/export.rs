//! Downloads for analysts, shared by `gapmap report` and the HTTP API: the area × type coverage CSV, the published
//! service listings.
//!
//! Confidential sites are always written at their published point ([`Dataset::published_point`]), never their own.
//! Every CSV cell is written [`formula_guarded`](crate::load::formula_guarded): analysts open these files in
//! spreadsheets, which would otherwise run a listing's `=HYPERLINK(…)` as a formula. When any listing is sample
//! data, every CSV starts with the sample-data notice as a comment line (`# SAMPLE DATA: …`), before the header.

use std::io::Write;

use crate::domain::{AreaCoverage, Dataset, ServiceType, round_degrees};
use crate::load::{SERVICE_COLUMNS, ServiceRecord, formula_guarded};

/// Columns of the area × type CSV.
pub const AREA_CSV_COLUMNS: [&str; 19] = [
    "code",
    "name",
    "type",
    "located",
    "serving",
    "serving_unknown_capacity",
    "capacity_share",
    "basis",
    "basis_population",
    "rate",
    "rate_per",
    "relative_rate",
    "required",
    "shortfall",
    "status",
    "access_mean_km",
    "access_p90_km",
    "within_catchment",
    "access_sample_points",
];

fn optional(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// Writes the sample-data notice, when there is one, as the comment line `# <notice>` that starts every CSV
/// gapmap writes (spreadsheets show it as the first row; `csv` readers skip it with `comment(Some(b'#'))`).
pub fn write_notice(notice: Option<&str>, out: &mut impl Write) -> std::io::Result<()> {
    match notice {
        // One line whatever the text: a line break inside would start a data row.
        Some(text) => writeln!(out, "# {}", text.replace(['\r', '\n'], " ")),
        None => Ok(()),
    }
}

/// Writes the area × type CSV: the sample-data [notice](write_notice) when there is one, the header
/// [`AREA_CSV_COLUMNS`], then one row per pair, in the order given. Figures are rounded to 4 decimals; a figure
/// that does not apply is left empty.
pub fn write_area_csv<'a>(
    rows: impl IntoIterator<Item = (&'a ServiceType, &'a AreaCoverage)>,
    notice: Option<&str>,
    mut out: impl Write,
) -> csv::Result<()> {
    write_notice(notice, &mut out)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(AREA_CSV_COLUMNS)?;
    for (service_type, a) in rows {
        let row = [
            a.code.as_str().to_owned(),
            a.name.clone(),
            a.service_type.clone(),
            a.located.to_string(),
            a.serving.to_string(),
            a.serving_unknown_capacity.to_string(),
            format!("{:.4}", a.capacity_share),
            service_type.basis.clone(),
            format!("{}", a.basis_population),
            format!("{:.4}", a.rate),
            format!("{}", a.rate_per),
            optional(a.relative_rate),
            optional(a.required),
            optional(a.shortfall),
            a.status.as_str().to_owned(),
            optional(a.access.map(|x| x.mean_km)),
            optional(a.access.map(|x| x.p90_km)),
            optional(a.access.map(|x| x.within_catchment)),
            a.access
                .map(|x| x.sample_points.to_string())
                .unwrap_or_default(),
        ];
        writer.write_record(row.iter().map(|cell| formula_guarded(cell).into_owned()))?;
    }
    writer.flush()?;
    Ok(())
}

/// The listing of site `site` as it may be published: the same fields as the listings file, with `lat`/`lon`
/// replaced by the published point (for a confidential site, its area's representative point), to six decimals.
pub fn published_record(dataset: &Dataset, site: usize) -> ServiceRecord {
    let point = dataset.published_point(site);
    ServiceRecord {
        lat: round_degrees(point.y()).to_string(),
        lon: round_degrees(point.x()).to_string(),
        ..ServiceRecord::from_service(&dataset.services()[site])
    }
}

/// Writes the listings `sites` (positions in the dataset) as published: the sample-data [notice](write_notice)
/// when there is one, then columns [`SERVICE_COLUMNS`], the listings file's own schema.
pub fn write_services_csv(
    dataset: &Dataset,
    sites: impl IntoIterator<Item = usize>,
    notice: Option<&str>,
    mut out: impl Write,
) -> csv::Result<()> {
    write_notice(notice, &mut out)?;
    // The header is written by hand so that it is there even without rows.
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    writer.write_record(SERVICE_COLUMNS)?;
    for site in sites {
        write_listing(&mut writer, &published_record(dataset, site))?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes one listing as a CSV row in [`SERVICE_COLUMNS`] order, every cell [`formula_guarded`] so that a
/// spreadsheet opening the file never runs a listing's text as a formula.
pub fn write_listing<W: Write>(
    writer: &mut csv::Writer<W>,
    record: &ServiceRecord,
) -> csv::Result<()> {
    writer.write_record(
        record
            .cells()
            .map(|cell| formula_guarded(cell).into_owned()),
    )
}
