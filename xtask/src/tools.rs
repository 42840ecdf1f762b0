//! Installs what is missing, and nothing else: the wasm target, wasm-bindgen-cli at the version
//! the workspace pins, the npm tools (from the committed lockfile), and for tests the browsers
//! and their drivers. Every step checks first, so a second run installs nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::sh::{self, cmd, log};

pub const GECKODRIVER_VERSION: &str = "0.37.1";
/// The wasm tool: builds (`cargo xtask dist`) and browser tests (`wasm-pack test`).
pub const WASM_PACK_VERSION: &str = "0.15.1";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What building the assets needs.
pub fn ensure_build_tools() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_pack()?;
    ensure_npm_tools()?;
    Ok(())
}

/// wasm-pack at the pinned version, from crates.io with its own lockfile (about 3.5 min).
fn ensure_wasm_pack() -> anyhow::Result<()> {
    let bin = sh::cargo_bin().join("wasm-pack");
    let have = sh::output(std::process::Command::new(&bin).arg("--version")).unwrap_or_default();
    if have == format!("wasm-pack {WASM_PACK_VERSION}") {
        return Ok(());
    }
    log(format!(
        "installing wasm-pack {WASM_PACK_VERSION} from crates.io (about 3.5 min on 2 cores)"
    ));
    sh::run(cmd("cargo").args([
        "install",
        "--locked",
        "--quiet",
        "--force",
        "wasm-pack",
        "--version",
        WASM_PACK_VERSION,
    ]))
}

/// What the tests need on top: Chromium + chromedriver, Firefox ESR + geckodriver.
pub fn ensure_test_tools() -> anyhow::Result<()> {
    ensure_build_tools()?;
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if !Path::new(CHROMEDRIVER).exists() {
        missing.push("chromium-driver");
    }
    if !Path::new("/usr/bin/firefox-esr").exists() && !Path::new("/usr/bin/firefox").exists() {
        missing.push("firefox-esr");
    }
    if !missing.is_empty() {
        apt_install(&missing)?;
    }
    if !sh::cargo_bin().join("geckodriver").is_file() {
        log(format!(
            "installing geckodriver {GECKODRIVER_VERSION} from crates.io (about 2 min)"
        ));
        sh::run(cmd("cargo").args([
            "install",
            "--locked",
            "--quiet",
            "geckodriver",
            "--version",
            GECKODRIVER_VERSION,
        ]))?;
    }
    ensure_schemathesis()?;
    Ok(())
}

/// schemathesis (PyPI, pinned in `.ci/python/requirements.txt`) in a venv of its own under
/// `target/tools`, reinstalled when the requirements change. Returns the CLI's path.
pub fn ensure_schemathesis() -> anyhow::Result<PathBuf> {
    let requirements = sh::root().join(".ci/python/requirements.txt");
    let want = format!(
        "{:x}",
        sha2_digest(&std::fs::read(&requirements).context(".ci/python/requirements.txt")?)
    );
    let venv = sh::root().join("target/tools/schemathesis-venv");
    let bin = venv.join("bin/schemathesis");
    let stamp = venv.join(".zapis-stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) && bin.is_file() {
        return Ok(bin);
    }
    log(
        "installing schemathesis (.ci/python/requirements.txt) into target/tools/schemathesis-venv",
    );
    let _ = std::fs::remove_dir_all(&venv);
    if !sh::status(cmd("python3").args(["-m", "venv"]).arg(&venv))?.success() {
        // Debian's python3 keeps venv (and its pip) in a package of its own.
        let _ = std::fs::remove_dir_all(&venv);
        apt_install(&["python3-venv"])?;
        sh::run(cmd("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    sh::run(
        std::process::Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(stamp, want)?;
    Ok(bin)
}

fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let root = sh::output(cmd("id").arg("-u")).is_some_and(|u| u == "0");
    if !root {
        bail!(
            "missing Debian packages: {}. Install them with:\n    sudo apt-get install -y --no-install-recommends {}",
            packages.join(", "),
            packages.join(" ")
        );
    }
    log(format!("apt-get install {}", packages.join(" ")));
    sh::run(cmd("apt-get").args(["update", "-qq"]))?;
    sh::run(
        cmd("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages),
    )
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed =
        sh::output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        log("rustup target add wasm32-unknown-unknown");
        sh::run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// The version `[workspace.dependencies] wasm-bindgen = "=X"` pins.
pub fn pinned_wasm_bindgen() -> anyhow::Result<String> {
    let manifest = std::fs::read_to_string(sh::root().join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("wasm-bindgen = \"=")
                .and_then(|r| r.split('"').next())
        })
        .map(str::to_owned)
        .context("Cargo.toml must pin wasm-bindgen = \"=X.Y.Z\" in [workspace.dependencies]")
}

fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let want = pinned_wasm_bindgen()?;
    let bin = sh::cargo_bin().join("wasm-bindgen");
    let have = sh::output(std::process::Command::new(&bin).arg("--version")).unwrap_or_default();
    if have == format!("wasm-bindgen {want}") {
        return Ok(());
    }
    log(format!(
        "installing wasm-bindgen-cli {want} (about 4 min on 2 cores)"
    ));
    let direct = cmd("cargo")
        .args([
            "install",
            "--locked",
            "--quiet",
            "--force",
            "wasm-bindgen-cli",
            "--version",
            &want,
        ])
        .output()?;
    if direct.status.success() {
        return Ok(());
    }
    // The registry here lacks webpki-roots 1.0.11, which wasm-bindgen-cli 0.2.130's lockfile
    // pins (TOOLCHAIN.md P1): take the published source, move that one crate to 1.0.10, install
    // --locked from the path.
    log(
        "the CLI's lockfile does not resolve here; re-locking webpki-roots and installing from source",
    );
    let tmp = std::env::temp_dir().join(format!("zapis-wbcli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let fetch = tmp.join("fetch");
    sh::run(
        cmd("cargo")
            .args(["new", "--quiet", "--lib", "--name", "fetch_wbcli"])
            .arg(&fetch),
    )?;
    sh::run(cmd("cargo").current_dir(&fetch).args([
        "add",
        "--quiet",
        &format!("wasm-bindgen-cli@={want}"),
    ]))?;
    sh::run(cmd("cargo").current_dir(&fetch).args(["fetch", "--quiet"]))?;
    let meta = sh::output(cmd("cargo").current_dir(&fetch).args([
        "metadata",
        "--quiet",
        "--format-version",
        "1",
    ]))
    .context("cargo metadata of the fetch project")?;
    let meta: serde_json::Value = serde_json::from_str(&meta)?;
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "wasm-bindgen-cli"))
        .and_then(|p| p["manifest_path"].as_str())
        .context("wasm-bindgen-cli source not found")?;
    let src = Path::new(manifest).parent().context("manifest dir")?;
    let copy = tmp.join("wbcli");
    sh::run(cmd("cp").arg("-r").arg(src).arg(&copy))?;
    sh::run(cmd("cargo").current_dir(&copy).args([
        "update",
        "--quiet",
        "-p",
        "webpki-roots",
        "--precise",
        "1.0.10",
    ]))?;
    sh::run(
        cmd("cargo")
            .args(["install", "--locked", "--quiet", "--force", "--path"])
            .arg(&copy),
    )?;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// `npm ci` in `.ci/tools` when its lockfile changed since the last install.
fn ensure_npm_tools() -> anyhow::Result<()> {
    let dir = sh::root().join(".ci/tools");
    let lock =
        std::fs::read(dir.join("package-lock.json")).context(".ci/tools/package-lock.json")?;
    let want = format!("{:x}", sha2_digest(&lock));
    let stamp = dir.join("node_modules/.zapis-stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want)
        && sh::npm_bin().join("wasm-opt").exists()
    {
        return Ok(());
    }
    if !sh::has("npm") {
        bail!("npm is missing: install Node.js 20 and npm (Debian: apt-get install nodejs npm)");
    }
    log("npm ci in .ci/tools (wasm-opt 132, esbuild, axe-core, lighthouse)");
    sh::run(
        cmd("npm")
            .current_dir(&dir)
            .env("CHROMEDRIVER_SKIP_DOWNLOAD", "true")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]),
    )?;
    std::fs::write(stamp, want)?;
    Ok(())
}

fn sha2_digest(bytes: &[u8]) -> sha2::digest::Output<sha2::Sha256> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
}
