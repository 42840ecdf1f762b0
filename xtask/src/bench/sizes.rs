//! Sizes of what a host page downloads: the pasted snippet + embed.js, the tracker (glue + wasm),
//! the widget (glue + wasm), the events schedule (glue + wasm), each raw, gzip -9 and brotli -q 11 (file by file, summed: they are
//! fetched as separate files), beside Plausible's tracker from npm measured the same way.
//! [`check_sizes`] is the CI gate on the gzip budgets.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use serde_json::json;

use super::report::{Row, Section, Verdict, thousands};
use crate::sh::{self, cmd};

/// The snippet exactly as the owner pastes it (README, DESIGN §3): the queue stub and the tag.
pub const SNIPPET: &str = "<script>window.zapis=window.zapis||function(){(zapis.q=zapis.q||[]).push(arguments)}</script>\n\
<script async src=\"https://BOOKING-HOST/embed.js\" data-site=\"SITE-KEY\"></script>\n";

/// DESIGN.md §8, in bytes of gzip (1 KB = 1024 B).
pub const BUDGET_EMBED_GZ: u64 = 1536;
/// 6 KB since classification moved to the server (#22; DESIGN.md §8).
pub const BUDGET_TRACKER_GZ: u64 = 6 * 1024;
pub const BUDGET_WIDGET_GZ: u64 = 150 * 1024;
/// The call-tracking module, loaded after the tracker on every page of a site that tracks calls
/// (and only there). DESIGN.md §8 has no line for it; #17 asks that what it costs be said:
/// 15.9 KB gzip, most of it wasm-bindgen's and std's runtime (its own code is ~3 KB); a no_std
/// build in the tracker's manner would be about a third. The gate keeps it from growing.
pub const BUDGET_PHONE_GZ: u64 = 16 * 1024;
/// The events schedule (its own module, loaded only on pages with an events trigger): the
/// widget's budget.
pub const BUDGET_EVENTS_GZ: u64 = 150 * 1024;
/// DESIGN.md §8: the client cabinet, first screen on its own: the `cabinet` module (frame,
/// sign-in, visits).
pub const BUDGET_CABINET_GZ: u64 = 150 * 1024;
/// The cabinet's other screens (`account`, loaded when first reached): the widget's budget.
pub const BUDGET_ACCOUNT_GZ: u64 = 150 * 1024;
/// DESIGN.md §8: where the Leptos widget should head (not a gate).
pub const AIM_WIDGET_GZ: u64 = 120 * 1024;
/// The widget before Leptos (own signal core and DOM builder), `bench/RESULTS.md` of 2026-11-25.
pub const PRE_LEPTOS_WIDGET: (u64, u64, u64) = (88_097, 207_751, 73_678);

pub const PLAUSIBLE_PACKAGE: &str = "@plausible-analytics/tracker";

#[derive(Clone, Debug, Default)]
pub struct Size {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    pub files: Vec<String>,
}

impl Size {
    fn of(name: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        Ok(Self {
            raw: bytes.len() as u64,
            gzip: gzip(bytes)?,
            brotli: brotli(bytes)?,
            files: vec![name.to_owned()],
        })
    }

    fn add(mut self, o: Size) -> Self {
        self.raw += o.raw;
        self.gzip += o.gzip;
        self.brotli += o.brotli;
        self.files.extend(o.files);
        self
    }

    fn json(&self) -> serde_json::Value {
        json!({"raw": self.raw, "gzip": self.gzip, "brotli": self.brotli, "files": self.files})
    }

    fn show(&self) -> String {
        format!(
            "{} B gzip ({} raw, {} br)",
            thousands(self.gzip),
            thousands(self.raw),
            thousands(self.brotli)
        )
    }
}

pub struct Parts {
    pub snippet: Size,
    pub embed: Size,
    pub tracker: Size,
    pub widget: Size,
    /// Call tracking (`phone-embed`), only for sites that track calls.
    pub phone: Size,
    pub events: Size,
    pub cabinet: Size,
    pub account: Size,
}

impl Parts {
    pub fn stub_embed(&self) -> Size {
        self.snippet.clone().add(self.embed.clone())
    }
}

/// The built files in `dist` (`embed.js`, `tracker.<hash>.js|wasm`, `widget.<hash>.js|wasm`).
pub fn measure(dist: &Path) -> anyhow::Result<Parts> {
    let embed_path = dist.join("embed.js");
    let embed = Size::of(
        "embed.js",
        &std::fs::read(&embed_path)
            .with_context(|| format!("{} (run `cargo xtask dist`)", embed_path.display()))?,
    )?;
    let snippet = Size::of("snippet (2 lines)", SNIPPET.as_bytes())?;
    Ok(Parts {
        snippet,
        embed,
        tracker: module(dist, "tracker")?,
        widget: module(dist, "widget")?,
        phone: module(dist, "phone")?,
        events: module(dist, "events")?,
        cabinet: module(dist, "cabinet")?,
        account: module(dist, "account")?,
    })
}

/// `name.<hash>.js` + `name.<hash>.wasm`.
fn module(dist: &Path, name: &str) -> anyhow::Result<Size> {
    let mut total = Size::default();
    let mut found = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dist)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let file = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let parts: Vec<&str> = file.split('.').collect();
        if parts.len() == 3 && parts[0] == name && (parts[2] == "js" || parts[2] == "wasm") {
            total = total.add(Size::of(&file, &std::fs::read(&path)?)?);
            found += 1;
        }
    }
    if found != 2 {
        bail!(
            "expected {name}.<hash>.js and {name}.<hash>.wasm in {}, found {found} file(s)",
            dist.display()
        );
    }
    Ok(total)
}

/// Fails when a budget is exceeded; prints the three figures either way.
pub fn check_sizes(dist: &Path) -> anyhow::Result<()> {
    let p = measure(dist)?;
    let checks = [
        ("snippet + embed.js", p.stub_embed().gzip, BUDGET_EMBED_GZ),
        ("tracker (glue + wasm)", p.tracker.gzip, BUDGET_TRACKER_GZ),
        ("widget (glue + wasm)", p.widget.gzip, BUDGET_WIDGET_GZ),
        ("phone (glue + wasm)", p.phone.gzip, BUDGET_PHONE_GZ),
        ("events (glue + wasm)", p.events.gzip, BUDGET_EVENTS_GZ),
        ("cabinet (glue + wasm)", p.cabinet.gzip, BUDGET_CABINET_GZ),
        ("account (glue + wasm)", p.account.gzip, BUDGET_ACCOUNT_GZ),
    ];
    let mut over = Vec::new();
    for (what, gz, budget) in checks {
        let ok = gz <= budget;
        println!(
            "{} {what:24} {:>7} B gzip  (budget {:>6} B)",
            if ok { "ok  " } else { "OVER" },
            thousands(gz),
            thousands(budget)
        );
        if !ok {
            over.push(format!("{what}: {gz} B gzip > {budget} B"));
        }
    }
    if !over.is_empty() {
        bail!("size budget exceeded (DESIGN.md §8): {}", over.join("; "));
    }
    Ok(())
}

/// Plausible's npm tracker as shipped (already minified), and the same file through our
/// esbuild --minify for the record.
fn plausible() -> anyhow::Result<(String, Size, Size)> {
    let dir = sh::root()
        .join(".ci/tools/node_modules")
        .join(PLAUSIBLE_PACKAGE);
    let pkg: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("package.json"))
            .context("Plausible's tracker is not installed in .ci/tools")?,
    )?;
    let version = pkg["version"].as_str().unwrap_or("?").to_owned();
    let file = pkg["module"]
        .as_str()
        .or(pkg["main"].as_str())
        .unwrap_or("plausible.js")
        .trim_start_matches("./")
        .to_owned();
    let shipped = Size::of(&file, &std::fs::read(dir.join(&file))?)?;
    let out = sh::root().join("bench/tmp/plausible.min.js");
    std::fs::create_dir_all(out.parent().expect("dir"))?;
    sh::run(
        cmd("esbuild")
            .arg(dir.join(&file))
            .args(["--minify", "--format=esm", "--log-level=warning"])
            .arg(format!("--outfile={}", out.display())),
    )?;
    let minified = Size::of(&format!("{file} (esbuild --minify)"), &std::fs::read(&out)?)?;
    Ok((version, shipped, minified))
}

pub fn run(dist: &Path) -> anyhow::Result<Section> {
    let mut s = Section::new("sizes", "Sizes");
    let p = measure(dist)?;
    let (pv, pl, pl_min) = plausible()?;
    let stub_embed = p.stub_embed();
    let first_load = stub_embed.clone().add(p.tracker.clone());
    let how =
        "dist/ of this run; gzip as served (zopfli), brotli q11 (brotli crate); per file, summed";
    s.rows.push(Row::new(
        "snippet + embed.js",
        "≤ 1.5 KB gzip (1,536 B)",
        stub_embed.show(),
        Verdict::of(stub_embed.gzip <= BUDGET_EMBED_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "tracker (glue + wasm)",
        "≤ 6 KB gzip (6,144 B)",
        p.tracker.show(),
        Verdict::of(p.tracker.gzip <= BUDGET_TRACKER_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "widget (glue + wasm), Leptos 0.8",
        "≤ 150 KB gzip (153,600 B), aim ≤ 120 KB (122,880 B)",
        p.widget.show(),
        Verdict::of(p.widget.gzip <= BUDGET_WIDGET_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "phone: call tracking (glue + wasm), sites that track calls only",
        "≤ 16 KB gzip (16,384 B), not to grow",
        p.phone.show(),
        Verdict::of(p.phone.gzip <= BUDGET_PHONE_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "events schedule (glue + wasm), Leptos 0.8",
        "≤ 150 KB gzip (153,600 B)",
        p.events.show(),
        Verdict::of(p.events.gzip <= BUDGET_EVENTS_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "client cabinet (glue + wasm), Leptos 0.8",
        "≤ 150 KB gzip (153,600 B)",
        p.cabinet.show(),
        Verdict::of(p.cabinet.gzip <= BUDGET_CABINET_GZ),
        how,
    ));
    s.rows.push(Row::new(
        "client cabinet, other screens (account: glue + wasm), loaded when first reached",
        "≤ 150 KB gzip (153,600 B)",
        p.account.show(),
        Verdict::of(p.account.gzip <= BUDGET_ACCOUNT_GZ),
        how,
    ));
    let widget_gzip9: u64 = p
        .widget
        .files
        .iter()
        .map(|f| {
            std::fs::read(dist.join(f))
                .map_err(anyhow::Error::from)
                .and_then(|b| gzip9(&b))
        })
        .sum::<anyhow::Result<u64>>()?;
    s.rows.push(Row::info(
        "widget (glue + wasm) with zlib's gzip -9",
        format!(
            "{} B (aim ≤ {} B: {})",
            thousands(widget_gzip9),
            thousands(AIM_WIDGET_GZ),
            if p.widget.gzip <= AIM_WIDGET_GZ {
                "met"
            } else {
                "not yet"
            }
        ),
        "what `gzip -9` gives for the same files; the budget row counts what dist/ serves",
    ));
    let (old_gz, old_raw, old_br) = PRE_LEPTOS_WIDGET;
    s.rows.push(Row::info(
        "widget before Leptos (own signal core + DOM builder)",
        format!(
            "{} B gzip ({} raw, {} br); Leptos adds {} B gzip ({:+.0} %)",
            thousands(old_gz),
            thousands(old_raw),
            thousands(old_br),
            thousands(p.widget.gzip.saturating_sub(old_gz)),
            (p.widget.gzip as f64 / old_gz as f64 - 1.0) * 100.0
        ),
        "bench/RESULTS.md of 2026-11-25 (commit b89a926), same measure",
    ));
    let breakdown = widget_breakdown();
    match &breakdown {
        Ok(b) => {
            let top: Vec<String> = b
                .by_crate
                .iter()
                .take(10)
                .map(|(k, v)| {
                    format!(
                        "{k} {} ({:.0} %)",
                        thousands(*v),
                        *v as f64 * 100.0 / b.code as f64
                    )
                })
                .collect();
            s.rows.push(Row::info(
                "widget wasm by part (raw bytes before compression)",
                format!(
                    "code {} B in {} functions, data {} B; code by crate: {}",
                    thousands(b.code),
                    b.functions,
                    thousands(b.data),
                    top.join(", ")
                ),
                "a names build of the same cargo output (wasm-bindgen --keep-debug, wasm-opt -g with the shipping arguments), xtask/src/bench/wasm_parts.rs",
            ));
        }
        Err(e) => s.rows.push(Row::info(
            "widget wasm by part",
            format!("not measured: {e:#}"),
            "",
        )),
    }
    s.rows.push(Row::info(
        format!(
            "Plausible tracker (npm {PLAUSIBLE_PACKAGE}@{pv}, {})",
            pl.files[0]
        ),
        pl.show(),
        "same run, same compressors; file as shipped (already minified)",
    ));
    s.rows.push(Row::info(
        "ratio zapis tracker / Plausible (gzip)",
        format!(
            "{:.2}× ({} / {} B); brotli {:.2}×",
            p.tracker.gzip as f64 / pl.gzip as f64,
            p.tracker.gzip,
            pl.gzip,
            p.tracker.brotli as f64 / pl.brotli as f64
        ),
        "tracker glue + wasm vs plausible.js",
    ));
    s.rows.push(Row::info(
        "ratio zapis on page load (snippet + embed.js + tracker) / Plausible (gzip)",
        format!(
            "{:.2}× ({} / {} B)",
            first_load.gzip as f64 / pl.gzip as f64,
            first_load.gzip,
            pl.gzip
        ),
        "what every page fetches before any intent to book",
    ));
    s.data = json!({
        "snippet": p.snippet.json(), "embed": p.embed.json(), "snippet_plus_embed": stub_embed.json(),
        "tracker": p.tracker.json(), "widget": p.widget.json(), "events": p.events.json(), "cabinet": p.cabinet.json(), "account": p.account.json(), "phone": p.phone.json(), "page_load_total": first_load.json(),
        "plausible": {"package": PLAUSIBLE_PACKAGE, "version": pv, "shipped": pl.json(), "esbuild_minified": pl_min.json()},
        "budgets_gzip": {"snippet_plus_embed": BUDGET_EMBED_GZ, "tracker": BUDGET_TRACKER_GZ, "widget": BUDGET_WIDGET_GZ, "events": BUDGET_EVENTS_GZ, "cabinet": BUDGET_CABINET_GZ, "account": BUDGET_ACCOUNT_GZ, "phone": BUDGET_PHONE_GZ},
    });
    s.notes = vec![
        format!("Files: `dist/` as `cargo xtask dist` builds it (wasm-pack build --target web: wasm-bindgen 0.2.130 and wasm-opt -Oz from npm binaryen 132; esbuild --bundle --minify of the glue); {}.", [&p.embed.files[..], &p.tracker.files[..], &p.widget.files[..], &p.events.files[..], &p.cabinet.files[..], &p.account.files[..], &p.phone.files[..]].concat().join(", ")),
        "\"snippet\" is the two lines the owner pastes (README), placeholders included; it is inline HTML, compressed here on its own, which over-counts it slightly.".into(),
        "Each file is compressed on its own (the browser fetches them separately) and the sizes are summed: gzip as dist/ precompresses and serves it (zopfli, 15 iterations: standard gzip, `zopfli -c FILE | wc -c`; about 5 % under `gzip -9`, shown in its own row), brotli quality 11, window 22 (as `brotli -q 11`).".into(),
        format!("Peer: `npm install {PLAUSIBLE_PACKAGE}@{pv}` (pinned in .ci/tools/package.json), its `{}` as shipped: {} raw / {} gzip / {} br; through esbuild --minify: {} / {} / {}.", pl.files[0], pl.raw, pl.gzip, pl.brotli, pl_min.raw, pl_min.gzip, pl_min.brotli),
        "Plausible's npm tracker is a JS module a site bundles; zapis's tracker is glue JS + wasm loaded by embed.js. Both are what a visitor downloads to be tracked.".into(),
        "The same gzip budgets are enforced by `cargo xtask bench check-sizes` (exit 1 when over), meant for CI.".into(),
    ];
    Ok(s)
}

/// The shipped widget's cargo output again through wasm-bindgen and wasm-opt, this time keeping
/// function names (`--keep-debug`, `-g`), then attributed by [`super::wasm_parts`].
fn widget_breakdown() -> anyhow::Result<super::wasm_parts::Parts> {
    let root = sh::root();
    let input = root.join("target/wasm32-unknown-unknown/wasm-release/widget_embed.wasm");
    let out = root.join("bench/tmp/widget-names");
    let _ = std::fs::remove_dir_all(&out);
    sh::run(
        cmd("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--keep-debug",
                "--out-dir",
            ])
            .arg(&out)
            .arg(&input),
    )?;
    let named = out.join("named.wasm");
    sh::run(
        cmd("wasm-opt")
            .arg("-g")
            .args([
                "--remove-exports",
                "--pass-arg=remove-exports@*intounderlying*",
                "-Oz",
            ])
            .arg(out.join("widget_embed_bg.wasm"))
            .arg("-o")
            .arg(&named),
    )?;
    super::wasm_parts::parts(&std::fs::read(&named)?)
        .context("the names build is not a wasm module")
}

/// gzip bytes as dist/ serves them (zopfli, see `dist::gzip`).
pub fn gzip(bytes: &[u8]) -> anyhow::Result<u64> {
    Ok(crate::dist::gzip(bytes)?.len() as u64)
}

/// `gzip -9` (zlib's best), for comparison with figures measured that way.
pub fn gzip9(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len() as u64)
}

pub fn brotli(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out.len() as u64)
}
