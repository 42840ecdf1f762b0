//! Compiles the referrer database (`data/referers.yml`, Snowplow's, and our
//! `data/referers-extra.yml`) into sorted static tables for `src/attribution/referers.rs`:
//! `HOSTS` (host or host/path → medium, source) and `ALIASES` (lowercase `utm_source` spellings
//! and source names → medium, source). Both files have the same plain shape (medium → source →
//! `domains:` / `aliases:` / `parameters:` lists), so a line reader does; no YAML crate is pulled
//! into the build for it.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

/// Medium names, in the order of `attribution::referers::Medium`'s variants.
const MEDIUMS: [&str; 6] = ["unknown", "email", "social", "search", "paid", "chatbot"];

type Table = BTreeMap<String, (usize, String)>;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut hosts = Table::new();
    let mut aliases = Table::new();
    for file in ["referers.yml", "referers-extra.yml"] {
        let path = dir.join(file);
        println!("cargo::rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        read(&text, file, &mut hosts, &mut aliases);
    }
    let mut out = String::new();
    for (name, table) in [("HOSTS", &hosts), ("ALIASES", &aliases)] {
        writeln!(out, "pub static {name}: &[(&str, Medium, &str)] = &[").unwrap();
        for (key, (medium, source)) in table {
            writeln!(
                out,
                "    ({key:?}, Medium::{}, {source:?}),",
                variant(*medium)
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("referers.rs");
    std::fs::write(dest, out).unwrap();
    embed_assets();
}

/// `embedded.rs` for `src/assets/embedded.rs`: `DIST` and `SITE`, each `(name, bytes)` of
/// every file, `include_bytes!`-ed when the `embed-assets` feature is on, else empty. The
/// built assets come from `ZAPIS_EMBED_DIST` or the workspace's `dist/` (`cargo xtask dist`);
/// the demo site from `demo-site/`.
fn embed_assets() {
    println!("cargo::rerun-if-env-changed=ZAPIS_EMBED_DIST");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let on = std::env::var_os("CARGO_FEATURE_EMBED_ASSETS").is_some();
    let mut out = String::new();
    let dist = std::env::var_os("ZAPIS_EMBED_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    for (name, dir) in [("DIST", dist), ("SITE", root.join("demo-site"))] {
        writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        if on {
            println!("cargo::rerun-if-changed={}", dir.display());
            let files = files_of(&dir);
            if name == "DIST" && !files.iter().any(|(n, _)| n == "embed.js") {
                panic!(
                    "the embed-assets feature needs the built assets, and {} has no embed.js: \
                     run `cargo xtask dist` first (or set ZAPIS_EMBED_DIST, or build without \
                     --features embed-assets and serve them from ZAPIS_DIST)",
                    dir.display()
                );
            }
            for (file, path) in files {
                println!("cargo::rerun-if-changed={}", path.display());
                writeln!(
                    out,
                    "    ({file:?}, include_bytes!({:?})),",
                    path.display().to_string()
                )
                .unwrap();
            }
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}

/// The files directly in `dir` (name, absolute path), sorted; none when it does not exist.
fn files_of(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            let path = e.path().canonicalize().unwrap_or_else(|_| e.path());
            (e.file_name().to_string_lossy().into_owned(), path)
        })
        .collect();
    files.sort();
    files
}

fn variant(medium: usize) -> &'static str {
    ["Unknown", "Email", "Social", "Search", "Paid", "Chatbot"][medium]
}

/// Reads one file; a later file's entry replaces an earlier one for the same key. Source names
/// (lowercase) become aliases too.
fn read(text: &str, file: &str, hosts: &mut Table, aliases: &mut Table) {
    let (mut medium, mut source, mut list) = (None, String::new(), "");
    for (n, line) in text.lines().enumerate() {
        let code = line.split(" #").next().unwrap_or("").trim_end();
        let trimmed = code.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = code.len() - trimmed.len();
        let at = || format!("{file}:{}: {line}", n + 1);
        if let Some(item) = trimmed.strip_prefix("- ") {
            let m = medium.unwrap_or_else(|| panic!("an item outside a medium at {}", at()));
            let item = item.trim().to_lowercase();
            match list {
                "domains" => {
                    hosts.insert(item, (m, source.clone()));
                }
                "aliases" => {
                    aliases.insert(item, (m, source.clone()));
                }
                "parameters" => {}
                _ => panic!("an item outside a list at {}", at()),
            }
            continue;
        }
        let key = trimmed
            .strip_suffix(':')
            .unwrap_or_else(|| panic!("expected `key:` at {}", at()));
        match indent {
            0 => {
                medium = Some(
                    MEDIUMS
                        .iter()
                        .position(|m| *m == key)
                        .unwrap_or_else(|| panic!("unknown medium at {}", at())),
                );
                list = "";
            }
            2 => {
                source = key.to_owned();
                list = "";
                // A name under several mediums (Yandex: search, email, paid) means the most
                // telling one: search, social, email, chatbot, paid, unknown.
                let m = medium.unwrap();
                let rank = |m: usize| [5, 2, 1, 0, 4, 3][m];
                let e = aliases
                    .entry(key.to_lowercase())
                    .or_insert((m, source.clone()));
                if rank(m) < rank(e.0) {
                    *e = (m, source.clone());
                }
            }
            4 => {
                list = ["domains", "aliases", "parameters"]
                    .into_iter()
                    .find(|l| *l == key)
                    .unwrap_or_else(|| panic!("unknown list at {}", at()))
            }
            _ => panic!("unexpected indentation at {}", at()),
        }
    }
}
