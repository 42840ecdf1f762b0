//! Builds the browser assets into `dist/`:
//!
//! 1. `wasm-pack build --target web` for each module of [`MODULES`] — the booking widget
//!    (`widget-embed`), the events schedule (`events-embed`), call
//!    tracking (`phone-embed`) and the others, cdylibs with the cargo
//!    profile `wasm-release` (opt z, LTO, plus `-Zfmt-debug=none -Zlocation-detail=none`), std
//!    built with them and panics as bare traps by Debian's rustc-web ([`crate::std_build`]) — and the tracker (its own no_std workspace in `tracker/`, its release profile): wasm-pack runs
//!    cargo, the pinned wasm-bindgen CLI and npm's wasm-opt (binaryen 132) with the arguments in
//!    each crate's `[package.metadata.wasm-pack]`, offline (`--mode no-install`);
//! 2. the glue bundled by esbuild from an entry that imports only what embed.js calls, so unused
//!    exported classes are shaken out, and minified;
//! 3. content-hashed names (`widget.<hash10>.js|wasm`, one hash of the pair), and `embed.js`
//!    with the tracker's hash written in place of `__ZAPIS_TRACKER__` (the server lists the
//!    other modules in each site's embed config);
//! 4. `.gz` (zopfli) and `.br` beside each file; `manifest.json` with the sizes.
//!
//! Steps 2–4 are skipped when what wasm-pack made and embed.js are unchanged since the last build.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::{
    sh::{self, cmd, log},
    std_build::StdBuild,
};

/// One wasm module: its logical name, the crate wasm-pack builds, how, and what embed.js calls.
struct Module {
    name: &'static str,
    krate: &'static str,
    /// `wasm-pack build` profile arguments.
    profile: &'static [&'static str],
    /// Size flags for rustc (nightly-only flags, allowed by `RUSTC_BOOTSTRAP=1`); a module with
    /// flags is built by [`crate::std_build`]'s compiler.
    rustflags: Option<&'static str>,
    /// The glue's exports embed.js uses (`initSync` is wasm-bindgen's synchronous init).
    exports: &'static str,
}

const MODULES: &[Module] = &[
    Module {
        name: "tracker",
        krate: "tracker",
        profile: &["--release"],
        rustflags: None,
        // embed.js compiles the wasm itself (`WebAssembly.compileStreaming`) and instantiates it
        // with `initSync`: wasm-bindgen's async loader (`default`) is left out of the bundle.
        exports: "initSync, start, page, flush, track, consent, optout, context",
    },
    Module {
        name: "widget",
        krate: "widget-embed",
        // The workspace's `release` profile is the server's (opt-level 3, no LTO); the shipped
        // wasm has its own (`[profile.wasm-release]` in Cargo.toml).
        profile: &["--profile", "wasm-release"],
        // Measured on this widget: see widget/README.md ("Size").
        rustflags: Some("-Zfmt-debug=none -Zlocation-detail=none --cfg erase_components"),
        // Leptos CSR carries server_fn's streaming classes (`IntoUnderlying*`), never used here.
        exports: "initSync, open, mount, close, set_language",
    },
    Module {
        name: "phone",
        krate: "phone-embed",
        profile: &["--profile", "wasm-release"],
        rustflags: Some("-Zfmt-debug=none -Zlocation-detail=none"),
        exports: "initSync, mount",
    },
    Module {
        name: "events",
        krate: "events-embed",
        // Built as the widget is: the same crate underneath, the same profile and flags.
        profile: &["--profile", "wasm-release"],
        rustflags: Some("-Zfmt-debug=none -Zlocation-detail=none --cfg erase_components"),
        exports: "initSync, open, mount, close, set_language",
    },
    // Before `cabinet`, whose glue names its hash (`__ZAPIS_ACCOUNT__`).
    Module {
        name: "account",
        krate: "account-embed",
        // The cabinet's screens after the visits, loaded by the cabinet when first reached
        // (`widget/src/cabinet/split.rs`): built like the cabinet.
        profile: &["--profile", "wasm-release"],
        rustflags: Some("-Zfmt-debug=none -Zlocation-detail=none --cfg erase_components"),
        exports: "initSync, mount, go, unmount",
    },
    Module {
        name: "cabinet",
        krate: "cabinet-embed",
        // The client cabinet: built like the widget (the same profile and flags).
        profile: &["--profile", "wasm-release"],
        rustflags: Some("-Zfmt-debug=none -Zlocation-detail=none --cfg erase_components"),
        exports: "initSync, open, mount, close, set_language",
    },
];

pub struct Built {
    pub dir: PathBuf,
}

pub fn build() -> anyhow::Result<Built> {
    let root = sh::root();
    let dist = root.join("dist");
    let work = root.join("target/dist-work");
    log("building wasm with wasm-pack (widget: profile wasm-release; tracker: its own workspace)");
    let std_build = crate::std_build::ensure()?;
    let mut inputs = Sha256::new();
    for m in MODULES {
        let out = work.join(m.name);
        wasm_pack(m, &out, &std_build)?;
        for file in [glue(m, &out), wasm(m, &out)] {
            inputs.update(std::fs::read(&file).with_context(|| format!("{}", file.display()))?);
        }
    }
    let embed_src = std::fs::read(root.join("embed/embed.js")).context("embed/embed.js")?;
    inputs.update(&embed_src);
    inputs.update(env!("CARGO_PKG_VERSION"));
    let stamp_value = hex(&inputs.finalize());
    let stamp = root.join("target/dist.stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == stamp_value)
        && dist.join("embed.js").exists()
    {
        log("dist/ is up to date");
        return Ok(Built { dir: dist });
    }

    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;

    let mut assets = serde_json::Map::new();
    for m in MODULES {
        let out = work.join(m.name);
        let mut js = bundle(m, &out)?;
        // A module that loads another one names it by its hash: `__ZAPIS_ACCOUNT__`.
        for (name, hash) in &assets {
            let mark = format!("__ZAPIS_{}__", name.to_uppercase().replace('-', "_"));
            let text = String::from_utf8(js)?.replace(&mark, hash.as_str().unwrap_or_default());
            js = text.into_bytes();
        }
        let wasm = std::fs::read(wasm(m, &out))?;
        // One hash of the pair names both files (`name.<hash>.js|wasm`): embed.js carries only
        // the hash per module (the glue and the wasm only ever change together anyway).
        let hash = hex(&Sha256::new()
            .chain_update(&js)
            .chain_update(&wasm)
            .finalize())[..10]
            .to_owned();
        std::fs::write(dist.join(format!("{}.{hash}.wasm", m.name)), &wasm)?;
        std::fs::write(dist.join(format!("{}.{hash}.js", m.name)), &js)?;
        assets.insert(m.name.into(), serde_json::json!(hash));
    }
    // embed.js names the tracker (loaded at once, beside the site's config); the config names
    // the other modules (the server lists dist/).
    let tracker = assets["tracker"].as_str().unwrap_or_default().to_owned();
    let embed = String::from_utf8(embed_src)?.replace("__ZAPIS_TRACKER__", &tracker);
    let embed_tmp = work.join("embed.js");
    std::fs::write(&embed_tmp, embed)?;
    sh::run(
        cmd("esbuild")
            .arg(&embed_tmp)
            // es2020: dynamic import(), which the embed needs anyway, is ES2020.
            .args(["--minify", "--log-level=warning", "--target=es2020"])
            .arg(format!("--outfile={}", dist.join("embed.js").display())),
    )?;

    let mut manifest = serde_json::Map::new();
    // Listed before the loop: the loop adds the .gz/.br files to the same directory.
    let files: Vec<PathBuf> = std::fs::read_dir(&dist)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    for path in files {
        let bytes = std::fs::read(&path)?;
        let gz = gzip(&bytes)?;
        let br = brotli(&bytes)?;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        manifest.insert(
            name.clone(),
            serde_json::json!({"raw": bytes.len(), "gzip": gz.len(), "brotli": br.len()}),
        );
        std::fs::write(dist.join(format!("{name}.gz")), gz)?;
        std::fs::write(dist.join(format!("{name}.br")), br)?;
    }
    std::fs::write(
        dist.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    std::fs::write(&stamp, stamp_value)?;
    report(&manifest);
    Ok(Built { dir: dist })
}

/// wasm-pack's glue and module in `out`.
fn glue(m: &Module, out: &Path) -> PathBuf {
    out.join(format!("{}.js", m.name))
}

fn wasm(m: &Module, out: &Path) -> PathBuf {
    out.join(format!("{}_bg.wasm", m.name))
}

/// `wasm-pack build --target web` of one crate into `out`, offline: wasm-pack finds the pinned
/// wasm-bindgen CLI and npm's wasm-opt on PATH (`sh::path_env` puts them first) and installs
/// nothing (`--mode no-install`); its cache is ours, so nothing comes from `~/.cache`.
fn wasm_pack(m: &Module, out: &Path, std_build: &StdBuild) -> anyhow::Result<()> {
    let mut c = cmd("wasm-pack");
    c.args(["--quiet", "build"])
        .arg(sh::root().join(m.krate))
        .args([
            "--target",
            "web",
            "--mode",
            "no-install",
            "--no-pack",
            "--no-typescript",
            "--out-name",
            m.name,
        ])
        .arg("--out-dir")
        .arg(out)
        .args(m.profile)
        .env("WASM_PACK_CACHE", sh::root().join("target/wasm-pack-cache"));
    // The Leptos modules: std built with them by Debian's rustc-web (see `std_build`).
    if let Some(flags) = m.rustflags {
        std_build.apply(&mut c, flags);
    }
    sh::run(&mut c)
}

/// The glue, bundled from an entry that re-exports only what embed.js calls, and minified.
fn bundle(m: &Module, out: &Path) -> anyhow::Result<Vec<u8>> {
    let entry = out.join("entry.js");
    let from = format!("\"./{}.js\"", m.name);
    std::fs::write(&entry, format!("export {{ {} }} from {from};\n", m.exports))?;
    let min = out.join(format!("{}.min.js", m.name));
    sh::run(
        cmd("esbuild")
            .arg(&entry)
            .args([
                "--bundle",
                "--minify",
                "--format=esm",
                "--log-level=warning",
            ])
            .arg(format!("--outfile={}", min.display())),
    )?;
    Ok(std::fs::read(min)?)
}

/// The `.gz` dist/ serves: standard gzip written by zopfli (15 iterations), which finds longer
/// matches than zlib's `-9` (measured on the widget: 161,493 → 153,402 B, −5 %; ~2 s a build).
pub fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut out,
    )?;
    Ok(out)
}

fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out)
}

fn report(manifest: &serde_json::Map<String, serde_json::Value>) {
    let sum = |part: &str, key: &str| -> u64 {
        manifest
            .iter()
            // `name.<hash>.…` only: one module's name may begin another's.
            .filter(|(n, _)| n.split('.').next() == Some(part))
            .map(|(_, v)| v[key].as_u64().unwrap_or(0))
            .sum()
    };
    for part in MODULES.iter().map(|m| m.name).chain(["embed"]) {
        log(format!(
            "{part:8} raw {:>7} B   gzip {:>6} B   brotli {:>6} B",
            sum(part, "raw"),
            sum(part, "gzip"),
            sum(part, "brotli")
        ));
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
