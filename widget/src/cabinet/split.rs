//! The shipped cabinet is two wasm modules, so that its first screen (sign-in, or the visits)
//! loads on its own within the size budget:
//!
//! - `cabinet` draws the frame, the tabs, sign-in and the visits, and a [`host`] where the
//!   other screens go; it loads `account` when a client first reaches one of them (from
//!   beside itself: `account.<hash>.js`, the hash written in by `cargo xtask dist`);
//! - `account` ([`mount`]) draws those screens inside the host, under its own reactive
//!   owner, with the session and language the first module gives it.
//!
//! The first module owns the frame and the navigation: the other one tells it where to go,
//! what to say, when the session ended and which data changed (`tell(kind, arg)`), and is told
//! in turn which screen to show ([`go`]). Tests draw every screen in one app
//! ([`super::more::here`]).

use std::cell::RefCell;

use js_sys::{Function, JSON, Promise, Reflect};
use leptos::{html::Div, prelude::*};
use wasm_bindgen::{JsCast, JsValue, prelude::*};
use web_sys::{Element, HtmlElement};

use super::{
    api::{CabinetApi, Http},
    more,
    state::{Ctx, Link, Screen},
};
use crate::{
    api::ApiError,
    booking::app::active_in,
    options::Options,
    ui::{Language, error_banner::ErrorBanner, error_banner::Skeleton},
};

#[wasm_bindgen(
    inline_js = "let p;export function more(b){const f=b+'account.__ZAPIS_ACCOUNT__.';return p=p||Promise.all([import(f+'js'),WebAssembly.compileStreaming(fetch(f+'wasm'))]).then(([m,module])=>(m.initSync({module}),m),e=>{p=0;throw e})}"
)]
extern "C" {
    /// `account`'s exports, loaded once (a failed load is tried again next time).
    #[wasm_bindgen(js_name = more)]
    fn load_more(base: &str) -> Promise;
}

fn call(module: &JsValue, name: &str, args: &[&JsValue]) {
    let Ok(f) = Reflect::get(module, &name.into()) else {
        return;
    };
    let f: Function = f.unchecked_into();
    let _ = match args {
        [a] => f.call1(module, a),
        [a, b, c] => f.call3(module, a, b, c),
        _ => f.call0(module),
    };
}

/// A JSON string literal.
fn quoted(s: &str) -> String {
    JSON::stringify(&s.into()).map_or_else(|_| "\"\"".into(), String::from)
}

/// The first module's ear: what `account` tells it. (Each host makes one; it lives as
/// long as the page, a few bytes.)
fn ear(ctx: Ctx) -> JsValue {
    Closure::<dyn Fn(String, String)>::new(move |kind: String, arg: String| {
        let screen = Screen::from_code(&arg);
        match kind.as_str() {
            "go" => ctx.go(screen.unwrap_or(Screen::Visits)),
            "out" => ctx.signed_out(None, screen.unwrap_or(Screen::SignIn)),
            "notice" => ctx.notice.set(Some(arg)),
            "me" => ctx.load_me(true),
            "visits" => ctx.load_visits(true),
            _ => {}
        }
    })
    .into_js_value()
}

/// [`Link::more`] of the shipped `cabinet`: a place for `account`, which is loaded, mounted
/// with the screen shown, then told each next screen, and unmounted when a first-module screen
/// (or another language) replaces this host.
pub fn host(ctx: Ctx) -> AnyView {
    let el = NodeRef::<Div>::new();
    let module = StoredValue::new_local(None::<JsValue>);
    let failed = RwSignal::new(false);
    crate::ui::effect(move || {
        let code = ctx.screen.get().code();
        module.with_value(|m| {
            if let Some(m) = m {
                call(m, "go", &[&code.into()]);
            }
        });
    });
    let start = move || {
        failed.set(false);
        let base = ctx.opts.with_value(|o| o.api.clone());
        let loading = wasm_bindgen_futures::JsFuture::from(load_more(&base));
        leptos::task::spawn_local(async move {
            let Ok(m) = loading.await else {
                failed.try_set(true);
                return;
            };
            let Some(div) = el.try_get_untracked().flatten() else {
                return;
            };
            let frame = div.closest(".zw-frame").ok().flatten();
            let focus = ctx.close.is_some() || frame.is_some_and(|f| active_in(&f).is_some());
            let opts = ctx.opts.with_value(|o| {
                format!(
                    r#"{{"site":{},"api":{},"lang":"{}","session":{},"screen":"{}","about":{},"focus":{focus}}}"#,
                    quoted(&o.site),
                    quoted(&o.api),
                    ctx.ln().code(),
                    quoted(&ctx.s()),
                    ctx.screen.get_untracked().code(),
                    ctx.about.get_untracked().unwrap_or(0),
                )
            });
            call(&m, "mount", &[div.as_ref(), &opts.into(), &ear(ctx)]);
            module.set_value(Some(m));
        });
    };
    el.on_load(move |_| start());
    on_cleanup(move || {
        if let Some(Some(m)) = module.try_get_value() {
            call(&m, "unmount", &[]);
        }
    });
    let waiting = move || {
        if failed.get() {
            let retry = std::sync::Arc::new(start);
            view! { <ErrorBanner error=ApiError::Network retry/> }.into_any()
        } else if module.with_value(Option::is_none) {
            view! { <Skeleton/> }.into_any()
        } else {
            ().into_any()
        }
    };
    view! {
        <div data-testid="more" node_ref=el></div>
        {waiting}
    }
    .into_any()
}

thread_local! {
    /// `account`'s one mount: its context and what keeps it alive.
    static MOUNTED: RefCell<Option<(Ctx, Box<dyn std::any::Any>)>> = const { RefCell::new(None) };
}

/// `account`: draws the screens inside `el` (the first module's host), with `opts_json`
/// as the first module wrote it and `tell` to talk back.
pub fn mount(el: Element, opts_json: &str, tell: Function) -> Result<(), JsValue> {
    unmount();
    let opts = Options::parse(opts_json)?;
    let part = JSON::parse(opts_json)?;
    let read = |k: &str| Reflect::get(&part, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let session = read("session").as_string().unwrap_or_default();
    let screen = Screen::from_code(&read("screen").as_string().unwrap_or_default());
    let about = read("about")
        .as_f64()
        .filter(|a| *a > 0.0)
        .map(|a| a as u64);
    let focus = read("focus").is_truthy();
    let api: CabinetApi = std::rc::Rc::new(Http::new(&opts.api, &opts.site));
    let made = std::rc::Rc::new(std::cell::Cell::new(None));
    let made_out = made.clone();
    let app = leptos::mount::mount_to(el.unchecked_into::<HtmlElement>(), move || {
        let lang = RwSignal::new(opts.language().unwrap_or_default());
        provide_context(Language(lang));
        let tell = Some(StoredValue::new_local(tell));
        let ctx = Ctx::provide(
            api,
            opts,
            lang,
            None,
            Link {
                more: more::here,
                tell,
            },
        );
        ctx.session.set(Some(session));
        ctx.about.set(about);
        ctx.show(screen.unwrap_or(Screen::Profile));
        made_out.set(Some(ctx));
        view! { <More focus/> }
    });
    let ctx = made.get().ok_or("the cabinet's screens did not mount")?;
    MOUNTED.with(|m| *m.borrow_mut() = Some((ctx, Box::new(app))));
    Ok(())
}

/// `account`: shows the screen the first module names.
pub fn go(code: &str) {
    let ctx = MOUNTED.with(|m| m.borrow().as_ref().map(|(ctx, _)| *ctx));
    if let (Some(ctx), Some(screen)) = (ctx, Screen::from_code(code))
        && ctx.screen.get_untracked() != screen
    {
        ctx.show(screen);
    }
}

/// `account`: takes its screens away (the first module's host is going).
pub fn unmount() {
    let gone = MOUNTED.with(|m| m.borrow_mut().take());
    drop(gone);
}

/// `account`'s root: the screen shown; focus moves to each new screen's heading (to the
/// first one too when `focus`: the modal, or focus was in the cabinet when it loaded).
#[component]
fn More(focus: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let root = NodeRef::<Div>::new();
    super::app::follow(root, ctx.screen, Screen::Start, focus);
    view! { <div node_ref=root>{more::here(ctx)}</div> }
}
