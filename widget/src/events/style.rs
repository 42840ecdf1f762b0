//! What the events screens add to the widget's stylesheet (in the same shadow root, after it):
//! the week switcher, the filters, the event cards and the seats stepper. Kept here so the
//! booking widget ships none of it.

pub const CSS: &str = r#"
.ze-week{display:flex;align-items:center;justify-content:space-between;gap:8px}
.ze-week h4{margin:0;color:var(--fg);font-size:15px;text-align:center}
.ze-week .zw-icon:disabled,.ze-stepper .zw-icon:disabled{visibility:visible;opacity:.3;cursor:default}
.ze-filters{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.ze-filters label{flex:1 1 140px;display:flex;flex-direction:column;gap:4px;font-size:13px;color:var(--mu)}
.ze-filters select{min-height:44px;padding:8px;border:1px solid var(--ln);border-radius:calc(var(--zr)*.66);background:var(--bg);color:var(--fg);font:inherit;font-size:15px}
.ze-day h4{margin:16px 0 8px}
.ze-ev{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;align-items:start}
.ze-time{font-weight:700;font-variant-numeric:tabular-nums;font-size:16px}
.ze-main{display:flex;flex-direction:column;gap:2px}
.ze-left,.ze-next{grid-column:2;justify-self:start}
.ze-left{font-size:13px;font-weight:600;color:var(--zb)}
.ze-full{color:var(--bad)}
.ze-isfull{cursor:default}
.ze-seats-label{margin:12px 0 0;text-align:center;font-weight:600}
.ze-stepper{display:flex;align-items:center;justify-content:center;gap:20px;margin:8px 0}
.ze-stepper .zw-icon{border:2px solid var(--zb);color:var(--zb)}
.ze-stepper output{min-width:2ch;font-size:28px;font-weight:700;text-align:center;font-variant-numeric:tabular-nums}
"#;
