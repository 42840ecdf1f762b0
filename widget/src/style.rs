//! The widget's stylesheet, injected into its shadow root. Theme through custom properties set
//! on the host element (`--zapis-brand`, `--zapis-radius`, `--zapis-font`).

pub const CSS: &str = r#"
:host{all:initial;--zb:var(--zapis-brand,#8a4baf);--zr:var(--zapis-radius,12px);--zf:var(--zapis-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-family:var(--zf);color:#1d1b20}
*{box-sizing:border-box}
.zw-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147483646}
.zw-dialog{position:fixed;z-index:2147483647;top:50%;left:50%;transform:translate(-50%,-50%);width:min(480px,100vw);max-height:min(720px,100vh);overflow:auto;background:#fff;border-radius:var(--zr);box-shadow:0 12px 40px rgba(0,0,0,.25);padding:16px 20px}
.zw-head{display:flex;align-items:center;justify-content:space-between;gap:12px}
.zw-head h2{font-size:20px;margin:0}
.zw-close{font:inherit;font-size:24px;line-height:1;border:0;background:none;cursor:pointer;padding:4px 10px;border-radius:8px;color:inherit}
.zw-close:focus-visible,button:focus-visible{outline:3px solid var(--zb);outline-offset:2px}
.zw-step h3{font-size:16px;margin:16px 0 8px}
.zw-skeleton{margin:0;padding:14px;border-radius:8px;background:linear-gradient(90deg,#eee,#f6f6f6,#eee);color:#555}
@media (max-width:560px){.zw-dialog{top:0;left:0;transform:none;width:100vw;height:100vh;max-height:none;border-radius:0}}
@media (prefers-color-scheme:dark){:host([data-theme=auto]) .zw-dialog{background:#1f1d22;color:#eee}}
:host([data-theme=dark]) .zw-dialog{background:#1f1d22;color:#eee}
"#;
