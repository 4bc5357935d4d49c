//! A CSV downloaded from the API begins with the sample-data notice as a `#` comment line; the loaders read such a
//! file back as it was.

use std::path::{Path, PathBuf};

#[test]
fn a_downloaded_listings_csv_with_its_notice_line_reads_back_whole() {
    let bundled = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("services/london-services.csv"),
    )
    .unwrap();
    let path = Path::new("download.csv");
    let (plain, _) = gapmap::load::parse_services(path, &bundled).unwrap();
    let with_notice = format!("# SAMPLE DATA: a notice, as every CSV download begins\n{bundled}");
    let (noticed, lines) = gapmap::load::parse_services(path, &with_notice).unwrap();
    assert_eq!(noticed, plain);
    assert_eq!(lines[0], 3, "line numbers count the notice line");
}
