//! The shape of `src/`: no module cycle at any level of the tree, and no file over 400 lines (STYLE.md: data flows
//! one way, and a file over ~400 lines is usually two things). Run it with `cargo test --test architecture`.
//!
//! Each `src/**/*.rs` file is one module (`a/b.rs` and `a/b/mod.rs` are `a::b`, `lib.rs` is the root; `main.rs` is
//! a user of the crate, so it is left out). Comments, string and char literals and `#[cfg(test)]` items are skipped:
//! test code may reach anywhere. Every `use` tree and every inline `crate::`, `super::` or `self::` path is resolved
//! to the longest module prefix that exists, following a `pub use child::X` re-export down into `child`. A use from
//! anywhere inside module A of anywhere inside its sibling B is an edge A → B; a parent using its children, or a
//! child using its parent's own items, is not. Every cycle among siblings is reported with the uses behind it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A file over this many lines fails (STYLE.md, habit 1).
const MAX_LINES: usize = 400;

/// A module's path below the crate root, such as `["http", "state"]`; the root is empty.
type Module = Vec<String>;

/// Every `.rs` file under `src/`, keyed by its path below `src/` with `/` separators.
fn src_files() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &str, files: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("src/ is readable").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let key = format!("{prefix}{name}");
            if path.is_dir() {
                walk(&path, &format!("{key}/"), files);
            } else if key.ends_with(".rs") {
                files.insert(
                    key,
                    std::fs::read_to_string(&path).expect("source is UTF-8"),
                );
            }
        }
    }
    let mut files = BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walk(&src, "", &mut files);
    files
}

/// The module a file defines, or `None` for `main.rs`.
fn module_of(file: &str) -> Option<Module> {
    let stem = file.strip_suffix(".rs")?;
    match stem.strip_suffix("/mod").unwrap_or(stem) {
        "main" => None,
        "lib" => Some(Vec::new()),
        stem => Some(stem.split('/').map(str::to_owned).collect()),
    }
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Where the comment or string or char literal starting at `b[i]` ends, or `i` (block comments do not nest here).
fn skipped_end(b: &[u8], i: usize) -> usize {
    let find = |mut j: usize, close: &[u8], escapes: bool| {
        while j < b.len() && !b[j..].starts_with(close) {
            j += if escapes && b[j] == b'\\' { 2 } else { 1 };
        }
        (j + close.len()).min(b.len())
    };
    let r = i + usize::from(b[i..].starts_with(b"br"));
    let hashes = b[r + 1..].iter().take_while(|&&x| x == b'#').count();
    let raw_close = format!("\"{}", "#".repeat(hashes));
    let raw = b[r] == b'r' && b.get(r + 1 + hashes) == Some(&b'"');
    // `'a'`, `'\n'` or `'…'` is a char literal; `'a` alone is a lifetime.
    let width = b.get(i + 1).map_or(1, |x| x.leading_ones().max(1) as usize);
    let quote = |j: usize| b.get(j) == Some(&b'\'');
    let char_literal = quote(i) && (b.get(i + 1) == Some(&b'\\') || quote(i + 1 + width));
    if b[i..].starts_with(b"//") {
        find(i, b"\n", false)
    } else if b[i..].starts_with(b"/*") {
        find(i + 2, b"*/", false)
    } else if raw && (i == 0 || !is_word(b[i - 1])) {
        find(r + 2 + hashes, raw_close.as_bytes(), false)
    } else if b[i] == b'"' {
        find(i + 1, b"\"", true)
    } else if char_literal {
        find(i + 1, b"'", true)
    } else {
        i
    }
}

/// The tokens of `source` (words, `::`, single punctuation) outside comments, literals and `#[cfg(test)]` items.
fn tokens(source: &str) -> Vec<String> {
    let (b, mut all, mut i) = (source.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let end = skipped_end(b, i);
        let word = b[i..].iter().take_while(|&&x| is_word(x)).count();
        let len = match (end - i, word) {
            (0, 0) => 1 + usize::from(b[i..].starts_with(b"::")),
            (0, word) => word,
            (skipped, _) => skipped,
        };
        if end == i && !b[i].is_ascii_whitespace() {
            all.push(String::from_utf8_lossy(&b[i..i + len]).into_owned());
        }
        i += len;
    }
    const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let (mut kept, mut i, mut depth) = (Vec::new(), 0, 0);
    while i < all.len() {
        if !all[i..].iter().take(7).map(String::as_str).eq(CFG_TEST) {
            kept.push(all[i].clone());
            i += 1;
            continue;
        }
        // Skip the item: up to its `;`, or to the `}` that closes its body.
        i += 7;
        while let Some(token) = all.get(i).map(String::as_str) {
            i += 1;
            depth += i32::from(token == "{") - i32::from(token == "}");
            if depth == 0 && (token == "}" || token == ";") {
                break;
            }
        }
    }
    kept
}

/// A path as written, and the name it re-exports when it is a leaf of a `pub use` tree.
type Written = (Vec<String>, Option<String>);

/// The leaves of the `use` tree at `t[*i]`, each with the name it binds (`None` for a glob).
fn use_tree(t: &[String], i: &mut usize, mut path: Vec<String>, leaves: &mut Vec<Written>) {
    while let Some(token) = t.get(*i).map(String::as_str) {
        *i += 1;
        match token {
            "::" => {}
            "*" => return leaves.push((path, None)),
            "as" => {
                *i += 1;
                return leaves.push((path, t.get(*i - 1).cloned()));
            }
            "{" => {
                while t.get(*i).is_some_and(|s| s != "}") {
                    use_tree(t, i, path.clone(), leaves);
                    *i += usize::from(t.get(*i).is_some_and(|s| s == ","));
                }
                *i += 1;
                return;
            }
            _ if token.bytes().all(is_word) => path.push(token.to_owned()),
            _ => break,
        }
    }
    *i -= 1; // the `,`, `}` or `;` after a leaf is the caller's
    let name = path.iter().rev().find(|s| *s != "self").cloned();
    leaves.push((path, name));
}

/// Every `use` leaf, and every `crate::`, `super::` or `self::` path written in code.
fn written_paths(t: &[String]) -> Vec<Written> {
    let (mut out, mut i) = (Vec::new(), 0);
    let at = |j: usize, s: &str| t.get(j).is_some_and(|token| token == s);
    while i < t.len() {
        let after = |s: &str| i > 0 && at(i - 1, s);
        if t[i] == "use" {
            let mut leaves = Vec::new();
            let public = after("pub") || after(")"); // `pub use`, `pub(crate) use`
            i += 1;
            use_tree(t, &mut i, Vec::new(), &mut leaves);
            for (path, name) in leaves {
                out.push((path, name.filter(|_| public)));
            }
        } else if ["crate", "super", "self"].contains(&&*t[i]) && at(i + 1, "::") && !after("::") {
            let mut path = vec![t[i].clone()];
            while at(i + 1, "::") && t.get(i + 2).is_some_and(|s| s.bytes().all(is_word)) {
                path.push(t[i + 2].clone());
                i += 2;
            }
            out.push((path, None));
        }
        i += 1;
    }
    out
}

/// The crate's modules (with their files), the re-exports into a child of each, and every path each uses.
struct Crate {
    files: BTreeMap<Module, String>,
    reexports: BTreeMap<(Module, String), Vec<String>>,
    uses: Vec<(Module, Vec<String>)>,
}

impl Crate {
    fn build(sources: &BTreeMap<String, String>) -> Crate {
        let modules = sources
            .keys()
            .filter_map(|f| Some((module_of(f)?, f.clone())));
        let files: BTreeMap<Module, String> = modules.collect();
        let (mut reexports, mut uses) = (BTreeMap::new(), Vec::new());
        for (module, file) in &files {
            for (path, reexported) in written_paths(&tokens(&sources[file])) {
                let Some(first) = path.first() else { continue }; // `+ use<'a>` is not a path
                let ups = path.iter().take_while(|s| *s == "super").count();
                let child = [&module[..], &path[..1]].concat();
                let (mut abs, skip) = match first.as_str() {
                    "crate" => (Vec::new(), 1),
                    "self" => (module.clone(), 1),
                    "super" => (module[..module.len().saturating_sub(ups)].to_vec(), ups),
                    // `use child::X` in a mod.rs is relative; any other first segment is another crate.
                    _ if files.contains_key(&child) => (module.clone(), 0),
                    _ => continue,
                };
                abs.extend(path[skip..].iter().filter(|s| *s != "self").cloned());
                let into_child = abs.len() > module.len() + 1 && abs.starts_with(module);
                if let Some(name) = reexported
                    && into_child
                    && files.contains_key(&abs[..=module.len()])
                {
                    reexports.insert((module.clone(), name), abs.clone());
                }
                uses.push((module.clone(), abs));
            }
        }
        Crate {
            files,
            reexports,
            uses,
        }
    }

    /// The module `path` names: its longest module prefix, or where that module's re-export of the next name points.
    fn resolve(&self, path: &[String]) -> Module {
        let k = (0..=path.len()).rfind(|&k| self.files.contains_key(&path[..k]));
        let (module, rest) = path.split_at(k.unwrap_or(0));
        let key = (module.to_vec(), rest.first().cloned().unwrap_or_default());
        match self.reexports.get(&key) {
            Some(to) => self.resolve(&[&to[..], &rest[1..]].concat()),
            None => module.to_vec(),
        }
    }

    /// Edges between siblings (A → B when something inside A uses something inside B), with the uses behind each.
    fn sibling_edges(&self) -> BTreeMap<(Module, Module), BTreeSet<String>> {
        let mut edges: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
        for (user, path) in &self.uses {
            let used = self.resolve(path);
            let shared = user.iter().zip(&used).take_while(|(a, b)| a == b).count();
            if shared < user.len() && shared < used.len() {
                let edge = (user[..=shared].to_vec(), used[..=shared].to_vec());
                let why = format!("src/{} uses crate::{}", self.files[user], path.join("::"));
                edges.entry(edge).or_default().insert(why);
            }
        }
        edges
    }
}

/// Every elementary cycle of the graph, each starting from its least module.
fn cycles(edges: &BTreeMap<(Module, Module), BTreeSet<String>>) -> Vec<Vec<Module>> {
    let mut next: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    let mut found = Vec::new();
    for &start in next.keys() {
        let mut paths = vec![vec![start]];
        while let Some(path) = paths.pop() {
            for &to in next.get(path[path.len() - 1]).into_iter().flatten() {
                if to == start {
                    found.push(path.iter().map(|m| m.to_vec()).collect());
                } else if to > start && !path.contains(&to) {
                    paths.push([&path[..], &[to]].concat());
                }
            }
        }
    }
    found.sort();
    found
}

/// A cycle as `a → b → a`.
fn chain(cycle: &[Module]) -> String {
    let names = cycle.iter().chain(&cycle[..1]).map(|m| m.join("::"));
    names.collect::<Vec<_>>().join(" → ")
}

/// The files over [`MAX_LINES`] lines, with their counts.
fn oversized(sources: &BTreeMap<String, String>) -> Vec<String> {
    let lines = |text: &String| text.lines().count();
    let over = sources.iter().filter(|(_, text)| lines(text) > MAX_LINES);
    over.map(|(file, text)| format!("src/{file}: {} lines", lines(text)))
        .collect()
}

#[test]
fn src_has_no_module_cycle() {
    let edges = Crate::build(&src_files()).sibling_edges();
    let found = cycles(&edges);
    let mut report = vec![format!("{} module cycles in src/:", found.len())];
    report.extend(found.iter().map(|c| chain(c)));
    report.push("\nthe uses behind those edges:".into());
    let hops = found
        .iter()
        .flat_map(|c| c.iter().zip(&c[1..]).chain([(&c[c.len() - 1], &c[0])]));
    for (a, b) in hops.collect::<BTreeSet<_>>() {
        let uses = Vec::from_iter(edges[&(a.clone(), b.clone())].iter().cloned());
        let (a, b, uses) = (a.join("::"), b.join("::"), uses.join("; "));
        report.push(format!("{a} → {b}: {uses}"));
    }
    assert!(found.is_empty(), "{}", report.join("\n"));
}

#[test]
fn no_src_file_is_over_400_lines() {
    let over = oversized(&src_files()).join("\n");
    assert!(over.is_empty(), "files over {MAX_LINES} lines:\n{over}");
}

/// The checker on small made-up crates: it finds what is there, and nothing else.
mod checker {
    use super::*;

    /// The cycles in a crate written as lines `@file source…`; a file's source runs to the next `@`.
    fn cycle_chains(files: &str) -> Vec<String> {
        let parts = files.split("\n@").skip(1).filter_map(|f| f.split_once(' '));
        let sources = parts.map(|(f, s)| (f.to_owned(), s.to_owned())).collect();
        let found = cycles(&Crate::build(&sources).sibling_edges());
        found.iter().map(|c| chain(c)).collect()
    }

    const NONE: [&str; 0] = [];

    #[test]
    fn finds_cycles_through_use_trees_inline_paths_and_super_super() {
        let files = r#"
@lib.rs mod a; mod d; mod e;
@a/mod.rs mod b;
@a/b/mod.rs mod c;
@a/b/c.rs fn f<'x>(s: &'x str) { super::super::super::d::go(s) }
@d.rs const Q: char = '"'; use crate::{e::{self, E}, a::b::c::Z};
@e.rs #[arg(default_value = crate::d::X)] struct E;"#;
        assert_eq!(cycle_chains(files), ["a → d → a", "d → e → d"]);
    }

    #[test]
    fn finds_none_in_comments_strings_or_test_code() {
        let files = r##"
@lib.rs pub mod a; pub mod b;
@a.rs use crate::b::B;
@b.rs //! [`crate::a::A`]
/// crate::a::A
/* crate::a::A */ // crate::a::A
const S: &str = "a\" crate::a::A \""; const R: &str = r#"a " crate::a::A "#;
#[cfg(test)]
mod tests { use crate::a::A; fn t() { crate::a::f() } }
pub struct B;"##;
        assert_eq!(cycle_chains(files), NONE);
        let with_a_real_use = format!("{files} fn g() {{ crate::a::f() }}");
        assert_eq!(cycle_chains(&with_a_real_use), ["a → b → a"]);
    }

    #[test]
    fn follows_a_reexport_into_the_child_that_defines_it() {
        let files = r#"
@lib.rs pub mod p; pub mod q;
@p/mod.rs mod x; mod y; pub use x::Thing; pub(crate) use self::y::Other as Renamed;
@p/x.rs pub struct Thing; fn f() { crate::p::Renamed::new(); }
@p/y.rs use super::Thing; pub struct Other;
@q.rs use crate::p::Thing;"#;
        assert_eq!(cycle_chains(files), ["p::x → p::y → p::x"]);
        // What a parent defines itself is the parent's, not a sibling's.
        let files = r#"
@lib.rs mod p;
@p/mod.rs mod x; mod y; pub struct Own;
@p/x.rs use super::y::Y;
@p/y.rs use super::Own; pub struct Y;"#;
        assert_eq!(cycle_chains(files), NONE);
    }

    #[test]
    fn counts_lines_per_file() {
        let big = |n: usize| "x\n".repeat(n);
        let sources = BTreeMap::from([("big.rs".into(), big(401)), ("ok.rs".into(), big(400))]);
        assert_eq!(oversized(&sources), ["src/big.rs: 401 lines"]);
    }
}
