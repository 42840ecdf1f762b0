//! The cabinet's own rules, on top of the booking widget's stylesheet (`crate::style`, which
//! every mount injects): a `<style>` inside the cabinet's view, so the booking widget's bundle
//! carries none of it. The sections are a scrolling row of tabs on a phone and a column beside
//! the screen when the frame is wide (a container query: the same inline or in the modal).

pub const CSS: &str = r#"
.zc-frame{container-type:inline-size}
.zw-modal.zc-frame{width:min(880px,calc(100vw - 32px));height:min(760px,calc(100vh - 32px))}
@media (max-width:560px){.zw-modal.zc-frame{width:100vw;height:100vh;height:100dvh}}
.zw-inline.zc-frame{height:auto;min-height:480px}
.zc-main{flex:1;display:flex;flex-direction:column;min-height:0}
.zc-nav{border-bottom:1px solid var(--ln);overflow-x:auto}
.zc-tabs{list-style:none;margin:0;padding:0 8px;display:flex;gap:4px}
.zc-tab{position:relative;min-height:44px;padding:8px 12px;border:0;border-bottom:3px solid transparent;background:none;cursor:pointer;white-space:nowrap;font-weight:600;color:var(--mu)}
.zc-tab[aria-current]{color:var(--fg);border-bottom-color:var(--zb)}
@container (min-width:640px){.zc-main{flex-direction:row}.zc-nav{border-bottom:0;border-right:1px solid var(--ln);flex:none;width:190px}.zc-tabs{flex-direction:column;padding:8px}.zc-tab{width:100%;text-align:left;border-bottom:0;border-left:3px solid transparent;border-radius:0 8px 8px 0}.zc-tab[aria-current]{border-left-color:var(--zb);background:var(--tint)}}
.zc-badge{display:inline-block;min-width:20px;margin-left:6px;padding:0 6px;border-radius:10px;background:var(--zb);color:#fff;font-size:12px;line-height:20px;text-align:center}
.zc-new{align-self:flex-start;margin:4px 0 0}
.zc-card{padding:12px 14px;border:1px solid var(--ln);border-radius:var(--zr)}
.zc-card p{margin:0 0 4px}
.zc-tag{display:inline-block;margin-right:6px;padding:0 6px;border-radius:6px;background:var(--tint);color:var(--zb);font-size:12px}
.zc-rule{color:var(--mu);font-size:13px}
.zc-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.zc-actions .zw-btn{min-height:40px;padding:8px 14px}
.zc-confirm{margin-top:8px;padding:10px;border-radius:8px;background:var(--tint);display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.zc-confirm p{flex-basis:100%;margin:0;font-weight:600}
.zc-danger{background:var(--bad);border-color:var(--bad);color:#fff}
.zc-danger-text{color:var(--bad);border-color:var(--bad)}
.zc-lines{margin:4px 0 8px;padding-left:18px}
.zc-lines li{display:flex;justify-content:space-between;gap:12px}
.zc-msgs{list-style:none;margin:0 0 8px;padding:0;display:flex;flex-direction:column;gap:8px}
.zc-msg{max-width:85%;padding:8px 12px;border-radius:var(--zr);background:var(--sk)}
.zc-msg p{margin:0}
.zc-salon{align-self:flex-start;background:var(--tint)}
.zc-mine{align-self:flex-end}
.zc-text{white-space:pre-wrap}
.zc-clip{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.zc-modes{display:flex;gap:8px;margin-bottom:8px}
.zc-mode{flex:1;min-height:44px;border:1px solid var(--ln);border-radius:var(--zr);background:none;cursor:pointer}
.zc-mode[aria-pressed=true]{border-color:var(--zb);background:var(--tint);font-weight:600}
.zc-hint{margin:4px 0 0;font-size:13px;color:var(--bad)}
.zc-notice{margin:12px 0 0;padding:8px 12px;border-left:4px solid var(--zb);border-radius:8px;background:var(--tint)}
.zc-plain{border:0;background:none;cursor:pointer;padding:8px 0;text-decoration:underline}
.zc-check{margin:12px 0}
.zc-foot{position:static}
"#;
