//! A headless Chromium for one test: its own chromedriver on a free port, its own profile.
//! Dropping it ends the session and the driver.

use std::{process::Stdio, time::Duration};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

pub struct Browser {
    pub client: Client,
    driver: std::process::Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium with a `width`×`height` window.
    pub async fn chromium(width: u32, height: u32) -> anyhow::Result<Self> {
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = std::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting {driver_path}: {e}"))?;
        let profile = tempfile::tempdir()?;
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            match builder.capabilities(caps.clone()).connect(&url).await {
                Ok(client) => {
                    return Ok(Self {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut driver = driver;
        let _ = driver.kill();
        anyhow::bail!("chromedriver did not start a session: {last:?}")
    }

    /// Runs `js` (a function body; `arguments` as in WebDriver) and returns its result.
    pub async fn eval(&self, js: &str) -> anyhow::Result<serde_json::Value> {
        Ok(self.client.execute(js, vec![]).await?)
    }

    /// Polls `js` until it returns something truthy, for up to `secs` seconds.
    pub async fn wait_for(&self, js: &str, secs: u64) -> anyhow::Result<serde_json::Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.eval(js).await?;
            let truthy = !matches!(&v, serde_json::Value::Null | serde_json::Value::Bool(false))
                && v != json!("")
                && v != json!(0);
            if truthy {
                return Ok(v);
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!("timed out after {secs} s waiting for: {js}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs axe-core (from `.ci/tools`, installed by xtask) on `context_js` (an expression for
    /// the element to check) and returns its violations as `id: help (targets)` lines.
    pub async fn axe(&self, context_js: &str) -> anyhow::Result<Vec<String>> {
        let loaded = self.eval("return typeof window.axe === 'object'").await?;
        if loaded != serde_json::Value::Bool(true) {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../.ci/tools/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path).map_err(|e| {
                anyhow::anyhow!("{}: {e} (run cargo xtask test once)", path.display())
            })?;
            self.client.execute(&source, vec![]).await?;
        }
        let js = format!(
            "const done = arguments[arguments.length - 1]; axe.run({context_js}).then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => JSON.stringify(n.target)).join(', ') + ')'))).catch(e => done(['axe failed: ' + e]));"
        );
        let v = self.client.execute_async(&js, vec![]).await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Presses keys, each down then up, on whatever has focus (WebDriver key actions: they
    /// reach elements inside shadow roots, as a keyboard does).
    pub async fn keys(&self, keys: &[char]) -> anyhow::Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".into());
        for k in keys {
            seq = seq
                .then(KeyAction::Down { value: *k })
                .then(KeyAction::Up { value: *k });
        }
        self.client.perform_actions(seq).await?;
        Ok(())
    }

    /// Types `text` with the keyboard.
    pub async fn type_keys(&self, text: &str) -> anyhow::Result<()> {
        self.keys(&text.chars().collect::<Vec<_>>()).await
    }

    /// Presses Tab until the focused element (looking through shadow roots) matches `sel`.
    pub async fn tab_to(&self, sel: &str) -> anyhow::Result<()> {
        let js = format!(
            "let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return !!a && a.matches({sel:?});"
        );
        for _ in 0..120 {
            if self.eval(&js).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            self.keys(&[key::TAB]).await?;
        }
        anyhow::bail!("Tab never reached {sel}")
    }

    /// Fills and sends the dashboard's login form of `server`.
    pub async fn log_in(
        &self,
        server: &crate::TestServer,
        login: &str,
        password: &str,
    ) -> anyhow::Result<()> {
        self.client.goto(&server.url("/dashboard/login")).await?;
        self.wait_for("return !!document.getElementById('login')", 10)
            .await?;
        self.client
            .execute(
                "document.getElementById('login').value = arguments[0]; document.getElementById('password').value = arguments[1]; document.getElementById('login-submit').click();",
                vec![login.into(), password.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// WebDriver key codes.
pub mod key {
    pub const TAB: char = '\u{e004}';
    pub const ENTER: char = '\u{e007}';
    pub const ESCAPE: char = '\u{e00c}';
    pub const SPACE: char = '\u{e00d}';
    pub const ARROW_RIGHT: char = '\u{e014}';
}
