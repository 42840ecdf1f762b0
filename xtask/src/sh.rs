//! Running commands: the repo root, a PATH that finds what `tools` installed, logging.

use std::{
    path::{Path, PathBuf},
    process::{Command, ExitStatus},
};

use anyhow::{Context, bail};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
        })
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_INSTALL_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(cargo_home)
        .join("bin")
}

/// The npm tools (`.ci/tools/node_modules/.bin`): wasm-opt 132, esbuild.
pub fn npm_bin() -> PathBuf {
    root().join(".ci/tools/node_modules/.bin")
}

/// PATH with the npm tools and cargo's bin first (npm's wasm-opt must win over any Debian one).
pub fn path_env() -> std::ffi::OsString {
    let mut paths = vec![npm_bin(), cargo_bin(), cargo_home().join("bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("valid PATH")
}

/// A command with our PATH, run from the repo root.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", path_env()).current_dir(root());
    c
}

pub fn log(msg: impl AsRef<str>) {
    eprintln!("\x1b[1;34m[xtask]\x1b[0m {}", msg.as_ref());
}

/// Runs `c`, failing with its command line when it exits non-zero.
pub fn run(c: &mut Command) -> anyhow::Result<()> {
    let status = status(c)?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(c));
    }
    Ok(())
}

pub fn status(c: &mut Command) -> anyhow::Result<ExitStatus> {
    c.status()
        .with_context(|| format!("starting `{}`", describe(c)))
}

/// stdout of `c` when it succeeds.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Whether `program` is found on our PATH.
pub fn has(program: &str) -> bool {
    std::env::split_paths(&path_env()).any(|p| p.join(program).is_file())
}
