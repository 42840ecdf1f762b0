//! `cargo xtask screens`: the README's screenshots (`docs/screens/`), made by
//! `tests/src/bin/screens.rs` in headless Chromium from the demo site — so they show what the
//! code of this commit shows. Installs what it lacks like `cargo xtask test`.

use crate::{dist, sh, tools};

pub fn run() -> anyhow::Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    let built = dist::build()?;
    let out = sh::root().join("docs/screens");
    let mut c = sh::cmd("cargo");
    c.args(["run", "--quiet", "-p", "e2e", "--bin", "screens", "--"])
        .arg(&out)
        .env("ZAPIS_DIST", &built.dir)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER);
    sh::run(&mut c)?;
    sh::log(format!("screenshots in {}", out.display()));
    Ok(())
}
