//! The cabinet's frame: a modal dialog or an inline region like the booking widget's, the
//! sections (tabs) once signed in, with the unread badge on Questions, and the screen shown.
//! Focus moves to each new screen's heading; in the modal, Tab cycles inside and Esc closes.

use leptos::prelude::*;
use protocol::cabinet::SignIn;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::{
    sign_in::{SecondStepScreen, SignInScreen},
    state::{Ctx, Screen},
    style::CSS,
    texts::Label,
    visits::VisitsScreen,
};
use crate::{
    booking::app::{active_in, trap_tab},
    ui::error_banner::{ErrorBanner, Skeleton},
    ui::{after, effect, focus},
};

/// A screen: `<section data-step=name>` and its heading, the focus target when it appears.
#[component]
pub fn Section(name: &'static str, title: Label, children: Children) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <section class="zw-step" data-step=name>
            <h3 class="zw-h" tabindex="-1" data-step-title="">{title(ctx.tn())}</h3>
            {children()}
        </section>
    }
}

/// The last action's error, if any (with "Try again" only where the screen offers one).
pub fn action_error(ctx: Ctx) -> impl IntoView {
    move || ctx.error.get().map(|error| view! { <ErrorBanner error/> })
}

/// Starts: a booking's receipt is exchanged for a session; else a kept session is used; else
/// sign in.
fn start(ctx: Ctx) {
    let receipt = ctx.opts.with_value(|o| o.receipt.clone());
    let kept = ctx.kept();
    match receipt {
        Some(receipt) => {
            let reply = ctx
                .api()
                .sign_in(ctx.lang.get_untracked(), &SignIn::Booking { receipt });
            leptos::task::spawn_local(async move {
                match reply.await {
                    Ok(signed) => ctx.signed_in(signed.session),
                    Err(_) => resume(ctx, kept),
                }
            });
        }
        None => resume(ctx, kept),
    }
}

fn resume(ctx: Ctx, kept: Option<String>) {
    match kept {
        Some(s) => {
            ctx.session.set(Some(s));
            ctx.load_me(true);
            ctx.go(Screen::Visits);
        }
        None => ctx.go(Screen::SignIn),
    }
}

// The booking frame's focus and key handling, for the cabinet's screens. Not shared with
// `booking/app.rs` as functions: there they are inlined into its frame, and as calls they cost
// the booking bundle ~0.8 KB gzip (measured).

/// A new step or screen (`current` changed): scroll to its top and put focus on its heading
/// (inline: only if focus was already inside, so the host page never jumps while it loads).
pub(super) fn follow<T: PartialEq + Copy + Send + Sync + 'static>(
    frame: NodeRef<leptos::html::Div>,
    current: RwSignal<T>,
    first: T,
    modal: bool,
) {
    let shown = std::cell::Cell::new(first);
    effect(move || {
        let now = current.get();
        if shown.replace(now) != now {
            after(0, move || {
                let Some(frame) = frame.try_get_untracked().flatten() else {
                    return;
                };
                if let Ok(Some(body)) = frame.query_selector(".zw-body") {
                    body.set_scroll_top(0);
                }
                if modal || active_in(&frame).is_some() {
                    focus(&frame, "[data-step-title]");
                }
            });
        }
    });
}

/// The modal's keys: Esc closes, Tab stays inside. Inline (`close` None) they do nothing.
fn modal_key(close: Option<fn()>, ev: KeyboardEvent) {
    let Some(close) = close else {
        return;
    };
    match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            if let Some(frame) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<Element>().ok())
            {
                trap_tab(&frame, &ev);
            }
        }
        _ => {}
    }
}

#[component]
pub fn CabinetApp() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let close = ctx.close;
    let modal = close.is_some();
    start(ctx);
    // The salon's look, as the booking widget wears it (nothing changes if it cannot be read).
    let theme = ctx.api().theme(ctx.ln());
    leptos::task::spawn_local(async move {
        if let Ok(t) = theme.await {
            ctx.theme.try_set(Some(t));
        }
    });
    let mode = move || {
        ctx.theme
            .with(|t| t.as_ref().map_or("auto".into(), |t| t.mode.clone()))
    };
    let vars = move || ctx.theme.with(|t| t.as_ref().map(crate::style::theme_vars));

    let frame = NodeRef::<leptos::html::Div>::new();
    follow(frame, ctx.screen, Screen::Start, modal);
    let on_key = move |ev: KeyboardEvent| modal_key(close, ev);
    let close_button = close.map(|close| {
        view! {
            <button type="button" class="zw-icon zw-close" data-testid="close"
                aria-label=move || ctx.lang.get().t().close on:click=move |_| close()>
                "×"
            </button>
        }
    });
    let backdrop =
        close.map(|close| view! { <div class="zw-backdrop" on:click=move |_| close()></div> });
    let signed_in = Memo::new(move |_| ctx.screen.get().tab().is_some());
    // The other screens are drawn by `ctx.link.more`, built once while they follow each other.
    let first = Memo::new(move |_| ctx.screen.get().first());
    let notice = move || {
        ctx.notice
            .get()
            .map(|m| view! { <p class="zc-notice" data-testid="notice">{m}</p> })
    };
    view! {
        <div class="zw-app" lang=move || ctx.lang.get().code() data-theme=mode style=vars>
            <style>{CSS}</style>
            {backdrop}
            <div class=if modal { "zw-frame zw-modal zc-frame" } else { "zw-frame zw-inline zc-frame" }
                role=if modal { "dialog" } else { "region" } aria-labelledby="zc-title"
                aria-modal=modal.then_some("true") data-testid="cabinet"
                node_ref=frame on:keydown=on_key>
                <div class="zw-head">
                    <h2 id="zc-title">{move || ctx.t().title}</h2>
                    {close_button}
                </div>
                <div class="zc-main">
                    {move || { ctx.lang.track(); signed_in.get().then(|| tabs(ctx)) }}
                    <div class="zw-body">
                        <div role="status" aria-live="polite">{notice}</div>
                        {move || { ctx.lang.track(); first.get().map_or_else(|| (ctx.link.more)(ctx), current) }}
                    </div>
                </div>
            </div>
        </div>
    }
}

/// The sections, as a navigation list of buttons (`aria-current` on the one shown).
fn tabs(ctx: Ctx) -> impl IntoView {
    let items: [(Screen, &'static str, Label); 5] = [
        (Screen::Visits, "tab-visits", |t| t.tab_visits),
        (Screen::Classes, "tab-classes", |t| t.tab_classes),
        (Screen::Balances, "tab-balances", |t| t.tab_balances),
        (Screen::Questions, "tab-questions", |t| t.tab_questions),
        (Screen::Profile, "tab-profile", |t| t.tab_profile),
    ];
    let list = items
        .into_iter()
        .map(|(screen, id, label)| {
            let badge = (screen == Screen::Questions).then_some(move || {
                let n = ctx.me.ready().map_or(0, |m| m.unread);
                (n > 0).then(|| {
                    view! {
                        <span class="zc-badge" data-testid="unread">
                            <span class="zw-sr">{ctx.tn().unread}</span>{n}
                        </span>
                    }
                })
            });
            view! {
                <li>
                    <button type="button" class="zc-tab" data-testid=id
                        aria-current=move || (ctx.screen.get().tab() == Some(screen)).then_some("page")
                        on:click=move |_| ctx.go(screen)>
                        {label(ctx.tn())}{badge}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="zc-nav" aria-label=ctx.tn().sections>
            <ul class="zc-tabs">{list}</ul>
        </nav>
    }
}

/// The screens of [`Screen::first`].
fn current(screen: Screen) -> AnyView {
    match screen {
        Screen::SignIn => view! { <SignInScreen/> }.into_any(),
        Screen::SecondStep => view! { <SecondStepScreen/> }.into_any(),
        Screen::Visits => view! { <VisitsScreen classes=false/> }.into_any(),
        Screen::Classes => view! { <VisitsScreen classes=true/> }.into_any(),
        _ => view! { <section class="zw-step" data-step="start"><Skeleton/></section> }.into_any(),
    }
}
