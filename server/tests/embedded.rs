//! One binary: `zapis` built with `--features embed-assets` (as `cargo xtask demo` builds its
//! release) carries the built assets and the demo site, and serves them copied alone into an
//! empty folder. To stay cheap, the test builds the dev profile in the same target folder as the
//! other tests (only the `zapis` crate is compiled again, with the feature on), embedding a small
//! fixture `dist/` (`tests/data/embed-dist`, through `ZAPIS_EMBED_DIST`) instead of a wasm build.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

/// The server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds `zapis` with the assets embedded; the path of the executable cargo made.
fn build_with_embedded_assets(fixture: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "-p",
            "zapis",
            "--bin",
            "zapis",
            "--features",
            "embed-assets",
            "--message-format=json-render-diagnostics",
        ])
        .env("ZAPIS_EMBED_DIST", fixture)
        .current_dir(&root)
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "the build with embed-assets failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "zapis")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the zapis executable")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_alone_in_an_empty_folder_serves_the_embed_the_widget_and_the_demo_site() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/embed-dist");
    let built = build_with_embedded_assets(&fixture);
    // The binary alone in an empty folder: no dist/, no demo-site/.
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("zapis");
    std::fs::copy(&built, &bin).unwrap();
    std::fs::write(
        tmp.path().join("zapis.toml"),
        "[server]\naddr = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://zapis.db\"\nsite_dir = \"demo-site\"\n",
    )
    .unwrap();
    let mut child = Command::new(&bin)
        .args(["--config", "zapis.toml"])
        .current_dir(tmp.path())
        .env_remove("ZAPIS_DIST")
        .env_remove("ZAPIS_SITE_DIR")
        .env_remove("ZAPIS_CONFIG")
        .env_remove("DATABASE_URL")
        .env_remove("ZAPIS_ADDR")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("zapis starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let server = Server(child);
    let base = loop {
        let line = lines.next().expect("zapis says where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("zapis listening on ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    assert!(!tmp.path().join("dist").exists() && !tmp.path().join("demo-site").exists());

    let client = reqwest::Client::new();
    let get = |path: &str, encoding: &'static str| {
        client
            .get(format!("{base}{path}"))
            .header("accept-encoding", encoding)
            .send()
    };
    let embed = get("/embed.js", "identity").await.unwrap();
    assert_eq!(embed.status(), 200);
    assert_eq!(
        embed.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        embed.bytes().await.unwrap().as_ref(),
        std::fs::read(fixture.join("embed.js")).unwrap(),
        "embed.js as built"
    );
    let wasm = get("/widget.0123456789.wasm", "br").await.unwrap();
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"br-embedded");
    assert_eq!(get("/sizes.json", "identity").await.unwrap().status(), 404);

    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-site");
    for (path, file) in [("/", "index.html"), ("/services.html", "services.html")] {
        let page = get(path, "identity").await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(
            page.headers()["content-type"],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(
            page.bytes().await.unwrap().as_ref(),
            std::fs::read(site.join(file)).unwrap(),
            "{path} is the demo site's {file}"
        );
    }
    drop(server);
}
