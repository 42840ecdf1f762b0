//! Builds the browser assets into `dist/`:
//!
//! 1. the widget (`widget-embed`, cdylib, profile `wasm-release`: opt z, LTO, panic=abort) and
//!    the tracker (its own no_std workspace in `tracker/`) for wasm32;
//! 2. `wasm-bindgen --target web` → `wasm-opt -Oz` (npm binaryen 132) → `esbuild --minify`;
//! 3. content-hashed names (`widget.<hash10>.js|wasm`), and `embed.js` with those names written
//!    in place of `__ZAPIS_ASSETS__`;
//! 4. `.gz` and `.br` beside each file; `manifest.json` with the sizes.
//!
//! Steps 2–4 are skipped when the input wasm and embed.js are unchanged since the last build.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::sh::{self, cmd, log};

/// One wasm module: its logical name and where cargo leaves it.
struct Module {
    name: &'static str,
    wasm: PathBuf,
}

pub struct Built {
    pub dir: PathBuf,
}

pub fn build() -> anyhow::Result<Built> {
    let root = sh::root();
    let dist = root.join("dist");
    log("building wasm (widget: profile wasm-release; tracker: its own workspace)");
    sh::run(cmd("cargo").args([
        "build",
        "--quiet",
        "--profile",
        "wasm-release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "widget-embed",
    ]))?;
    sh::run(cmd("cargo").current_dir(root.join("tracker")).args([
        "build",
        "--quiet",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let modules = [
        Module {
            name: "tracker",
            wasm: root.join("tracker/target/wasm32-unknown-unknown/release/tracker.wasm"),
        },
        Module {
            name: "widget",
            wasm: root.join("target/wasm32-unknown-unknown/wasm-release/widget_embed.wasm"),
        },
    ];
    let embed_src = std::fs::read(root.join("embed/embed.js")).context("embed/embed.js")?;

    let mut inputs = Sha256::new();
    for m in &modules {
        inputs.update(std::fs::read(&m.wasm).with_context(|| format!("{}", m.wasm.display()))?);
    }
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

    let work = root.join("target/dist-work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;

    let mut assets = serde_json::Map::new();
    for m in &modules {
        let (js, wasm) = bindgen(m, &work)?;
        let wasm_name = hashed(m.name, "wasm", &wasm);
        let js_name = hashed(m.name, "js", &js);
        std::fs::write(dist.join(&wasm_name), &wasm)?;
        std::fs::write(dist.join(&js_name), &js)?;
        assets.insert(m.name.into(), serde_json::json!([js_name, wasm_name]));
    }
    let embed = String::from_utf8(embed_src)?.replace(
        "__ZAPIS_ASSETS__",
        &serde_json::Value::Object(assets).to_string(),
    );
    let embed_tmp = work.join("embed.js");
    std::fs::write(&embed_tmp, embed)?;
    sh::run(
        cmd("esbuild")
            .arg(&embed_tmp)
            .args(["--minify", "--log-level=warning", "--target=es2019"])
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
    // The intermediates are not needed once dist/ is written.
    let _ = std::fs::remove_dir_all(&work);
    report(&manifest);
    Ok(Built { dir: dist })
}

/// wasm-bindgen → wasm-opt → esbuild; returns (minified glue, optimised wasm).
fn bindgen(m: &Module, work: &Path) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let out = work.join(m.name);
    sh::run(
        cmd("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--remove-name-section",
                "--remove-producers-section",
                "--no-typescript",
            ])
            .arg("--out-dir")
            .arg(&out)
            .arg(&m.wasm),
    )?;
    let stem = m.wasm.file_stem().unwrap().to_string_lossy().into_owned();
    let bg = out.join(format!("{stem}_bg.wasm"));
    let opt = out.join(format!("{stem}.opt.wasm"));
    sh::run(cmd("wasm-opt").arg("-Oz").arg(&bg).arg("-o").arg(&opt))?;
    let js = out.join(format!("{stem}.js"));
    let min = out.join(format!("{stem}.min.js"));
    sh::run(
        cmd("esbuild")
            .arg(&js)
            .args(["--minify", "--format=esm", "--log-level=warning"])
            .arg(format!("--outfile={}", min.display())),
    )?;
    Ok((std::fs::read(min)?, std::fs::read(opt)?))
}

fn hashed(name: &str, ext: &str, bytes: &[u8]) -> String {
    format!("{name}.{}.{ext}", &hex(&Sha256::digest(bytes))[..10])
}

fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
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
    let sum = |prefix: &str, key: &str| -> u64 {
        manifest
            .iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .map(|(_, v)| v[key].as_u64().unwrap_or(0))
            .sum()
    };
    for part in ["embed", "tracker", "widget"] {
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
