//! The compiler of the shipped Leptos modules: Debian's `rustc-web` with the standard library's
//! source, so that std is compiled with each module (`-Zbuild-std`) and a panic is a bare trap
//! (`-Cpanic=immediate-abort`): no panic messages, locations or formatting in the wasm.
//! Measured on the booking widget: −14 KB gzip of 153 KB (widget/README.md, "Size").
//!
//! rustup's toolchain here has no `rust-src` and nothing else downloads, so the packages come
//! from the Debian registry: `apt-get download` and `dpkg -x` into `target/std-build/`, without
//! installing anything system-wide (Debian's rustc conflicts with rustup as a package). Tests and
//! the server keep rustup's stable toolchain; only `cargo xtask dist` uses this one.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::sh::{self, cmd, log};

/// The Rust release the shipped wasm is built with; `rustc --version` must name it.
const RUST: &str = "1.96";
/// The compiler, its driver library and std for build scripts and macros (host), std's source,
/// LLVM (the driver and the linker load it) and LLVM's linker, whose `wasm-ld` links the modules.
const PACKAGES: &[&str] = &[
    "rustc-web",
    "libstd-rust-web-1.96",
    "libstd-rust-web-dev",
    "rust-web-src",
    "libllvm22",
    "lld-22",
];

/// What `cargo` needs to build a module with it.
pub struct StdBuild {
    /// A wrapper that runs Debian's rustc with its libraries found (`RUSTC`).
    pub rustc: PathBuf,
    /// LLVM's `wasm-ld`, wrapped the same way (the target's linker).
    pub linker: PathBuf,
}

impl StdBuild {
    /// The environment a `cargo build --target wasm32-unknown-unknown` (or wasm-pack) needs,
    /// with `rustflags` (the module's own) plus the panic strategy.
    pub fn apply(&self, c: &mut std::process::Command, rustflags: &str) {
        c.env("RUSTC", &self.rustc)
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", &self.linker)
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("RUSTC_BOOTSTRAP", "1")
            .env(
                "RUSTFLAGS",
                format!("{rustflags} -Zunstable-options -Cpanic=immediate-abort"),
            );
    }
}

/// The toolchain, fetched and unpacked the first time (about 150 MB of packages).
pub fn ensure() -> anyhow::Result<StdBuild> {
    let dir = sh::root().join("target/std-build");
    let root = dir.join("root");
    let libs = root.join("usr/lib/x86_64-linux-gnu");
    let built = StdBuild {
        rustc: dir.join("rustc"),
        linker: dir.join("wasm-ld"),
    };
    let stamp = dir.join("stamp");
    let want = PACKAGES.join(" ");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) && built.rustc.exists() {
        return Ok(built);
    }
    let debs = dir.join("debs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&debs)?;
    log(format!(
        "fetching Debian's rustc-web {RUST} with std's source for the shipped wasm (apt-get download, unpacked into target/std-build)"
    ));
    if download(&debs).is_err() {
        // A machine whose package lists are stale or absent: read them, then try once more.
        sh::run(cmd("apt-get").args(["update", "-qq"]))
            .context("apt-get update (the Debian registry must be reachable)")?;
        download(&debs)?;
    }
    for deb in std::fs::read_dir(&debs)? {
        let deb = deb?.path();
        sh::run(cmd("dpkg").arg("-x").arg(&deb).arg(&root))?;
    }
    wrapper(&built.rustc, &libs, &root.join("usr/bin/rustc"))?;
    wrapper(
        &built.linker,
        &libs,
        &root.join("usr/lib/llvm-22/bin/wasm-ld"),
    )?;
    let version = sh::output(cmd(built.rustc.to_str().unwrap_or_default()).arg("--version"))
        .unwrap_or_default();
    if !version.starts_with(&format!("rustc {RUST}")) {
        bail!(
            "Debian's rustc-web is not {RUST} ({version:?}): update RUST and the package names in xtask/src/std_build.rs"
        );
    }
    if !root.join("usr/lib/rustlib/src/rust/library/std").exists() {
        bail!("rust-web-src did not unpack std's source under target/std-build/root");
    }
    std::fs::write(&stamp, want)?;
    Ok(built)
}

fn download(into: &Path) -> anyhow::Result<()> {
    sh::run(
        cmd("apt-get")
            .args(["download", "-qq"])
            .args(PACKAGES)
            .current_dir(into),
    )
}

/// A shell script that runs `program` with Debian's libraries (libLLVM, the compiler driver) on
/// the loader's path: nothing else the build runs sees them.
fn wrapper(path: &Path, libs: &Path, program: &Path) -> anyhow::Result<()> {
    let script = format!(
        "#!/bin/sh\nLD_LIBRARY_PATH='{}' exec '{}' \"$@\"\n",
        libs.display(),
        program.display()
    );
    std::fs::write(path, script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}
