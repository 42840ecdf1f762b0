//! The widget's stylesheet, injected into its shadow root, and the theme. Brand colour, radius and
//! font come from the site config, and the host page may override them with custom properties on
//! `zapis-root` (`--zapis-brand`, `--zapis-radius`, `--zapis-font`); light, dark or auto.

use protocol::site::Theme;

pub const CSS: &str = r#"
:host{all:initial}
.zw-app{all:initial;display:block;--zb:var(--zapis-brand,#8a4baf);--zr:var(--zapis-radius,12px);--zf:var(--zapis-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);--bg:#fff;--fg:#1d1b20;--mu:#5f5b66;--ln:#d9d5de;--sk:#eceaef;--tint:color-mix(in srgb,var(--zb) 12%,transparent);--bad:#b3261e;--badbg:#fdecea;font:15px/1.4 var(--zf);color:var(--fg);-webkit-text-size-adjust:100%}
.zw-app[data-theme=dark]{--bg:#1f1d22;--fg:#eeeaf2;--mu:#b3aebb;--ln:#45414c;--sk:#2e2b33;--bad:#ffb4ab;--badbg:#3b1d1b}
@media (prefers-color-scheme:dark){.zw-app[data-theme=auto]{--bg:#1f1d22;--fg:#eeeaf2;--mu:#b3aebb;--ln:#45414c;--sk:#2e2b33;--bad:#ffb4ab;--badbg:#3b1d1b}}
*{box-sizing:border-box}
.zw-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147483646}
.zw-frame{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border-radius:var(--zr);overflow:hidden}
.zw-modal{position:fixed;z-index:2147483647;top:50%;left:50%;transform:translate(-50%,-50%);width:min(520px,calc(100vw - 32px));height:min(700px,calc(100vh - 32px));box-shadow:0 12px 40px rgba(0,0,0,.3)}
.zw-inline{position:relative;width:100%;height:min(680px,100vh);border:1px solid var(--ln)}
@media (max-width:560px){.zw-modal{top:0;left:0;transform:none;width:100vw;height:100vh;height:100dvh;border-radius:0}}
.zw-head{display:flex;align-items:center;gap:8px;padding:10px 12px;border-bottom:1px solid var(--ln)}
.zw-head h2{flex:1;font-size:18px;margin:0;text-align:center}
.zw-body{flex:1;overflow:auto;overscroll-behavior:contain;padding:0 16px;scroll-padding-bottom:112px}
.zw-step{display:flex;flex-direction:column;min-height:100%}
.zw-h{font-size:17px;margin:16px 0 10px}
h4{font-size:14px;margin:12px 0 6px;color:var(--mu);font-weight:600}
button,input,textarea,a{font:inherit;color:inherit}
:focus-visible{outline:3px solid var(--zb);outline-offset:2px}
[tabindex='-1']:focus{outline:none}
.zw-icon{width:40px;height:40px;border:0;background:none;border-radius:50%;font-size:22px;line-height:1;cursor:pointer;flex:none}
.zw-icon:disabled{visibility:hidden}
.zw-cal-head .zw-icon:disabled{visibility:visible;opacity:.3;cursor:default}
.zw-btn{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:10px 20px;border:2px solid var(--zb);border-radius:var(--zr);background:var(--zb);color:#fff;font-weight:600;cursor:pointer;text-decoration:none;text-align:center}
.zw-btn:disabled{opacity:.45;cursor:default}
.zw-ghost{background:none;color:var(--fg)}
.zw-wide{width:100%}
.zw-foot{position:sticky;bottom:0;margin-top:auto;display:flex;align-items:center;gap:12px;padding:12px 0 16px;background:var(--bg)}
.zw-total{flex:1;margin:0;font-size:14px;color:var(--mu)}
.zw-list{list-style:none;margin:0;padding:0;display:grid;gap:8px}
.zw-item{display:flex;flex-direction:column;gap:2px;width:100%;padding:12px 14px;margin:0 0 8px;border:1px solid var(--ln);border-radius:var(--zr);background:none;text-align:left;cursor:pointer}
@media (hover:hover){.zw-item:hover,.zw-slot:hover{border-color:var(--zb)}}
.zw-item[aria-current],.zw-slot[aria-current]{border-color:var(--zb);background:var(--tint)}
.zw-item:disabled{opacity:.5;cursor:default}
.zw-item-title{font-weight:600}
.zw-muted,.zw-note,.zw-sub{color:var(--mu);font-size:13px}
.zw-near{font-size:13px;color:var(--zb);font-weight:600}
.zw-person{flex-direction:row;align-items:center;gap:12px}
.zw-person-text{display:flex;flex-direction:column;gap:2px}
.zw-ava{flex:none;width:48px;height:48px;border-radius:50%;object-fit:cover;display:flex;align-items:center;justify-content:center;background:var(--tint);color:var(--zb);font-weight:700;font-size:18px}
.zw-rating{font-size:13px}
.zw-input{display:block;width:100%;min-height:44px;padding:10px 12px;border:1px solid var(--ln);border-radius:calc(var(--zr)*.66);background:var(--bg);font-size:16px}
.zw-search{margin-bottom:8px}
.zw-cat{border:0;margin:0 0 8px;padding:0}
.zw-cat legend{font-weight:600;color:var(--mu);font-size:13px;padding:8px 0 4px;text-transform:uppercase;letter-spacing:.03em}
.zw-svc{display:flex;align-items:flex-start;gap:12px;padding:10px 4px;border-bottom:1px solid var(--ln);cursor:pointer}
.zw-svc input,.zw-check input{width:20px;height:20px;margin:2px 0 0;accent-color:var(--zb);flex:none}
.zw-svc-main{flex:1;display:flex;flex-direction:column;gap:2px}
.zw-price{white-space:nowrap;font-weight:600}
.zw-cal-head{display:flex;align-items:center;justify-content:space-between}
.zw-cal-head h4{margin:0;color:var(--fg);font-size:15px}
.zw-cal{width:100%;border-collapse:collapse;table-layout:fixed;text-align:center}
.zw-cal th{font-size:12px;color:var(--mu);font-weight:600;padding:6px 0}
.zw-cal td{padding:2px}
.zw-day{width:40px;height:40px;max-width:100%;border:0;border-radius:50%;background:var(--tint);font-weight:600;cursor:pointer}
.zw-day[aria-disabled]{background:none;color:var(--mu);font-weight:400;opacity:.5;cursor:default}
.zw-day.zw-on{background:var(--zb);color:#fff}
.zw-slots{margin-bottom:4px}
.zw-slot-list{display:flex;flex-wrap:wrap;gap:8px}
.zw-slot{min-width:72px;min-height:44px;padding:8px 12px;border:1px solid var(--ln);border-radius:calc(var(--zr)*.66);background:none;cursor:pointer;font-variant-numeric:tabular-nums}
.zw-form{display:flex;flex-direction:column;flex:1}
.zw-field{margin-top:10px}
.zw-field label{display:block;font-size:14px;margin-bottom:4px}
.zw-input[aria-invalid=true],.zw-check input[aria-invalid=true]{border-color:var(--bad);outline-color:var(--bad)}
.zw-err,.zw-form-err{min-height:18px;margin:2px 0 0;font-size:13px;color:var(--bad)}
.zw-check{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;align-items:start}
.zw-check label{margin:0}
.zw-check .zw-err{grid-column:2}
.zw-check a{color:var(--zb)}
.zw-hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.zw-alert{margin:12px 0;padding:10px 12px;border-left:4px solid var(--bad);border-radius:8px;background:var(--badbg);color:var(--fg)}
.zw-alert p{margin:0 0 8px}
.zw-alert p:last-child{margin:0}
.zw-note{margin:0 0 8px}
.zw-sub{margin:-4px 0 8px}
.zw-empty{color:var(--mu);padding:16px 0}
.zw-skel i{display:block;height:56px;margin:0 0 8px;border-radius:var(--zr);background:var(--sk);animation:zw-pulse 1.2s ease-in-out infinite}
@keyframes zw-pulse{50%{opacity:.5}}
.zw-dates .zw-skel{padding-top:72px}
.zw-dates .zw-skel i{height:264px;border-radius:0;background:radial-gradient(circle,var(--sk) 19px,#0000 20px) 0 0/14.28% 44px}
.zw-dates .zw-skel i+i{display:none}
@media (prefers-reduced-motion:reduce){.zw-skel i{animation:none}}
.zw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.zw-sum{margin:0 0 8px;padding:10px 12px;border-radius:var(--zr);background:var(--tint);font-size:14px}
.zw-sum div{display:flex;justify-content:space-between;gap:12px;padding:3px 0}
.zw-sum dt{color:var(--mu)}
.zw-sum dd{margin:0;text-align:right;font-weight:600}
.zw-done{text-align:center}
.zw-done .zw-sum{text-align:left}
.zw-tick{margin:20px auto 0;width:56px;height:56px;border-radius:50%;background:var(--zb);color:#fff;font-size:30px;line-height:56px}
.zw-links{display:flex;flex-direction:column;gap:12px;align-items:center;margin:8px 0}
.zw-link{color:var(--zb)}
"#;

/// Keeps a theme value from closing the declaration it sits in.
fn clean(v: &str) -> String {
    v.chars()
        .filter(|c| !matches!(c, ';' | '{' | '}' | '<' | '>' | '\\'))
        .collect()
}

/// The site's theme as custom properties on the app root; the host's `--zapis-*` still win.
pub fn theme_vars(theme: &Theme) -> String {
    let mut out = String::new();
    for (var, host, value) in [
        ("--zb", "--zapis-brand", &theme.brand),
        ("--zr", "--zapis-radius", &theme.radius),
        ("--zf", "--zapis-font", &theme.font),
    ] {
        if !value.trim().is_empty() {
            out.push_str(&format!("{var}:var({host},{});", clean(value)));
        }
    }
    out
}
