//! Driving the booking widget inside its shadow root from a test: every step by its
//! `data-testid` / `data-step` hooks, through JavaScript in the page (WebDriver cannot pierce a
//! shadow root by selector).

use crate::Browser;

/// `R()` is the widget's shadow root (the first `<zapis-root>`, or the one inside `host`).
fn prelude(host: &str) -> String {
    format!(
        "const H = {host}; const R = () => {{ const h = H ? document.querySelector(H).querySelector('zapis-root') : document.querySelector('zapis-root'); return h && h.shadowRoot; }};"
    )
}

pub struct Widget<'a> {
    pub browser: &'a Browser,
    host: String,
}

impl<'a> Widget<'a> {
    /// The modal widget.
    pub fn modal(browser: &'a Browser) -> Self {
        Self {
            browser,
            host: "null".into(),
        }
    }

    /// The inline widget inside the element matching `css`.
    pub fn inline(browser: &'a Browser, css: &str) -> Self {
        Self {
            browser,
            host: format!("{css:?}"),
        }
    }

    async fn js(&self, body: &str) -> anyhow::Result<serde_json::Value> {
        self.browser
            .eval(&format!("{} {body}", prelude(&self.host)))
            .await
    }

    /// Runs `body` with `R()` bound to the shadow root.
    pub async fn js_public(&self, body: &str) -> anyhow::Result<serde_json::Value> {
        self.js(body).await
    }

    /// Waits until `sel` exists in the shadow root.
    pub async fn wait(&self, sel: &str, secs: u64) -> anyhow::Result<()> {
        let js = format!(
            "{} return !!(R() && R().querySelector({sel:?}));",
            prelude(&self.host)
        );
        if let Err(e) = self.browser.wait_for(&js, secs).await {
            let shown = self.js("const r = R(); if (!r) return 'no widget'; const a = r.querySelector('.zw-app') || r; return a.innerText.slice(0, 800);").await.unwrap_or_default();
            anyhow::bail!("{sel} did not appear in {secs} s ({e}); the widget shows: {shown}");
        }
        Ok(())
    }

    /// The current step's name (`data-step` of the visible section).
    pub async fn step(&self) -> anyhow::Result<String> {
        let v = self.js("const s = R() && R().querySelector('[data-step]'); return s ? s.getAttribute('data-step') : '';").await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    pub async fn wait_step(&self, step: &str, secs: u64) -> anyhow::Result<()> {
        let js = format!(
            "{} const s = R() && R().querySelector('[data-step]'); return !!s && s.getAttribute('data-step') === {step:?};",
            prelude(&self.host)
        );
        if let Err(e) = self.browser.wait_for(&js, secs).await {
            let at = self.step().await.unwrap_or_default();
            let error = self.text("[data-testid=error]").await.unwrap_or_default();
            anyhow::bail!("{e}: the widget is at step {at:?} showing {error:?}");
        }
        Ok(())
    }

    pub async fn click(&self, sel: &str) -> anyhow::Result<()> {
        self.wait(sel, 15).await?;
        self.js(&format!("R().querySelector({sel:?}).click(); return true;"))
            .await?;
        Ok(())
    }

    /// Types `text` into an input as a person would (value + input event).
    pub async fn type_in(&self, sel: &str, text: &str) -> anyhow::Result<()> {
        self.wait(sel, 15).await?;
        self.js(&format!(
            "const e = R().querySelector({sel:?}); e.focus(); e.value = {text:?}; e.dispatchEvent(new InputEvent('input', {{bubbles: true, inputType: 'insertText', data: {text:?}}})); return true;"
        ))
        .await?;
        Ok(())
    }

    pub async fn text(&self, sel: &str) -> anyhow::Result<String> {
        let v = self
            .js(&format!(
                "const e = R() && R().querySelector({sel:?}); return e ? e.textContent : null;"
            ))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    pub async fn exists(&self, sel: &str) -> anyhow::Result<bool> {
        Ok(self
            .js(&format!("return !!(R() && R().querySelector({sel:?}));"))
            .await?
            == serde_json::Value::Bool(true))
    }

    /// Branch (if asked) → first service → any master → first free day → first time; ends on
    /// the contact form.
    pub async fn choose_first_slot(&self, branch: Option<u64>) -> anyhow::Result<Chosen> {
        self.choose_slot(branch, false).await
    }

    /// Like [`choose_first_slot`](Self::choose_first_slot), with the first named master
    /// instead of "any master" when `named`.
    pub async fn choose_slot(&self, branch: Option<u64>, named: bool) -> anyhow::Result<Chosen> {
        if let Some(b) = branch {
            self.click(&format!("[data-testid=branch-{b}]")).await?;
        }
        self.wait("input[type=checkbox][data-testid^=service-]", 20)
            .await?;
        let service = self.js("const s = R().querySelector('input[type=checkbox][data-testid^=service-]'); s.click(); return s.getAttribute('data-testid');").await?;
        self.click("[data-testid=next]").await?;
        let staff = if named {
            self.wait(
                "button[data-testid^=staff-]:not([data-testid=staff-0]):not([disabled])",
                20,
            )
            .await?;
            let id = self
                .js("const b = R().querySelector('button[data-testid^=staff-]:not([data-testid=staff-0]):not([disabled])'); b.click(); return b.getAttribute('data-testid');")
                .await?;
            id.as_str()
                .unwrap_or_default()
                .trim_start_matches("staff-")
                .parse()?
        } else {
            self.click("[data-testid=staff-0]").await?;
            0
        };
        self.wait("[data-date]:not([aria-disabled])", 20).await?;
        let date = self.js("const d = R().querySelector('[data-date]:not([aria-disabled])'); d.click(); return d.getAttribute('data-date');").await?;
        self.wait("[data-time]", 20).await?;
        let time = self.js("const t = R().querySelector('[data-time]'); t.click(); return t.getAttribute('data-time');").await?;
        self.wait_step("contact", 15).await?;
        let text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(Chosen {
            service: text(service).trim_start_matches("service-").parse()?,
            staff,
            date: text(date),
            time: text(time),
        })
    }

    pub async fn fill_contact(&self, name: &str, phone: &str) -> anyhow::Result<()> {
        self.type_in("#zw-name", name).await?;
        self.type_in("#zw-phone", phone).await?;
        self.js(
            "const c = R().querySelector('#zw-consent'); if (!c.checked) c.click(); return true;",
        )
        .await?;
        Ok(())
    }
}

/// What `choose_first_slot` picked.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub service: u64,
    /// 0 = any master.
    pub staff: u64,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub time: String,
}
