//! Fetches the map page's front-end libraries before the crate compiles, so that `cargo build` on a fresh clone
//! needs nothing but Rust and Node.js/npm.
//!
//! `web/package-lock.json` pins Leaflet (and leaflet.markercluster); this script runs `npm ci` in `web/` whenever
//! `web/node_modules` is missing or older than the lock file. `src/http/page.rs` then embeds `web/` and the
//! libraries' `dist` files into the binary with `rust-embed`. No third-party code is committed.

use std::path::Path;
use std::process::Command;

/// The library files the page loads; `src/http/page.rs` embeds exactly these.
const VENDOR_FILES: [&str; 4] = [
    "node_modules/leaflet/dist/leaflet.js",
    "node_modules/leaflet/dist/leaflet.css",
    "node_modules/leaflet.markercluster/dist/leaflet.markercluster.js",
    "node_modules/leaflet.markercluster/dist/MarkerCluster.css",
];

fn main() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    for watched in [
        "package.json",
        "package-lock.json",
        "node_modules/.package-lock.json",
        "index.html",
        "css",
        "js",
    ] {
        println!("cargo::rerun-if-changed=web/{watched}");
    }
    if needs_install(&web) {
        npm_ci(&web);
    }
    for file in VENDOR_FILES {
        if !web.join(file).is_file() {
            fail(&format!(
                "`npm ci` in web/ did not produce web/{file}; check web/package.json and web/package-lock.json"
            ));
        }
    }
}

/// Whether `npm ci` must run: a library file is missing, or the lock file changed since the last install
/// (npm writes `node_modules/.package-lock.json` on every install).
fn needs_install(web: &Path) -> bool {
    if VENDOR_FILES.iter().any(|f| !web.join(f).is_file()) {
        return true;
    }
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&web.join("package-lock.json")),
        modified(&web.join("node_modules/.package-lock.json")),
    ) {
        (Some(lock), Some(installed)) => lock > installed,
        _ => true,
    }
}

fn npm_ci(web: &Path) {
    println!("cargo::warning=installing the map page's libraries: npm ci in web/ (once)");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(web)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => fail(&format!(
            "`npm ci` in web/ failed ({s}); it fetches Leaflet from the npm registry, pinned by web/package-lock.json"
        )),
        Err(e) => fail(&format!(
            "cannot run npm ({e}). gapmap embeds its map page, whose libraries (Leaflet) are installed with npm: \
             install Node.js and npm (e.g. `apt-get install -y nodejs npm`) and build again"
        )),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}
