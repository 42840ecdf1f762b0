//! The widget's root: the frame (a modal dialog or an inline region), the header with Back, and
//! the current step. Focus moves to each new step's heading; in the modal, Tab cycles inside and
//! Esc closes.

use leptos::{
    either::{Either, EitherOf9},
    prelude::*,
};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::{
    flow, keep,
    state::{Ctx, Load, Step},
    steps::{
        branch::BranchStep, code::CodeStep, contact::ContactStep, date::DateStep,
        services::ServicesStep, staff::StaffStep, success::SuccessStep, time::TimeStep,
    },
};
use crate::{
    style,
    ui::{after, effect, error_banner::Skeleton, failed, focus},
};

/// What can take focus inside the widget, in document order.
pub(crate) const FOCUSABLE: &str = "a[href],button:not([disabled]):not([tabindex='-1']),\
    input:not([disabled]):not([tabindex='-1']),textarea:not([disabled]),select:not([disabled])";

/// The whole widget: loads the site, then shows the step the visitor is at.
#[component]
pub fn BookingApp() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let modal = ctx.close.is_some();
    flow::load_site(ctx, false);
    effect(move || {
        if let Some(site) = ctx.site.ready()
            && ctx.step.get_untracked() == Step::Start
        {
            untrack(|| {
                flow::site_language(ctx, &site);
                flow::start(ctx, &site);
            });
        }
    });

    // The draft follows every change; the modal holds the phone's Back button.
    effect(move || {
        if ctx.step.get() != Step::Start {
            keep::save(ctx);
        }
    });
    if modal {
        keep::hold_back_button(ctx);
    }

    // The one element reference (each NodeRef type costs ~1.5 KB of wasm): the body and the
    // calendar grid are found from it or from their events.
    let frame = NodeRef::<leptos::html::Div>::new();
    // A new step: scroll to its top and put focus on its heading (inline: only if focus was
    // already inside, so the host page never jumps while the widget loads).
    let shown = std::cell::Cell::new(Step::Start);
    effect(move || {
        let step = ctx.step.get();
        if shown.replace(step) != step {
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

    let on_key = move |ev: KeyboardEvent| {
        if !modal {
            return;
        }
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                keep::ask_close(ctx);
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
    };
    let theme = move || {
        ctx.site.state.with(|s| match s {
            Load::Ready(site) => site.theme.mode.clone(),
            _ => "auto".into(),
        })
    };
    let theme_vars = move || {
        ctx.site.state.with(|s| match s {
            Load::Ready(site) => Some(style::theme_vars(&site.theme)),
            _ => None,
        })
    };
    let notice = move || {
        ctx.notice
            .get()
            .map(|m| view! { <div class="zw-alert" role="alert" data-testid="notice">{m}</div> })
    };
    let close_button = modal.then(|| {
        view! {
            <button type="button" class="zw-icon zw-close" data-testid="close"
                aria-label=move || ctx.t().close on:click=move |_| keep::ask_close(ctx)>
                "×"
            </button>
        }
    });
    let frame_view = view! {
        <div class=if modal { "zw-frame zw-modal" } else { "zw-frame zw-inline" }
            role=if modal { "dialog" } else { "region" } aria-labelledby="zw-title"
            aria-modal=modal.then_some("true") data-testid="zapis"
            node_ref=frame on:keydown=on_key>
            <div class="zw-head">
                <button type="button" class="zw-icon zw-back" data-testid="back"
                    aria-label=move || ctx.t().back
                    disabled=move || flow::previous(ctx).is_none()
                    on:click=move |_| flow::back(ctx)>
                    "←"
                </button>
                <h2 id="zw-title">{move || ctx.t().title}</h2>
                {close_button}
            </div>
            <div class="zw-body">
                <div>{notice}</div>
                <div>{move || current(ctx.step.get())}</div>
            </div>
        </div>
    };
    let backdrop = modal
        .then(|| view! { <div class="zw-backdrop" on:click=move |_| keep::ask_close(ctx)></div> });
    view! {
        <div class="zw-app" lang=move || ctx.lang.get().code() data-theme=theme style=theme_vars>
            {backdrop}
            {frame_view}
        </div>
    }
}

/// The step shown: one static type for all nine (smaller than nine `AnyView`s).
fn current(step: Step) -> impl IntoView {
    match step {
        Step::Start => EitherOf9::A(view! { <StartStep/> }),
        Step::Branch => EitherOf9::B(view! { <BranchStep/> }),
        Step::Services => EitherOf9::C(view! { <ServicesStep/> }),
        Step::Staff => EitherOf9::D(view! { <StaffStep/> }),
        Step::Date => EitherOf9::E(view! { <DateStep/> }),
        Step::Time => EitherOf9::F(view! { <TimeStep/> }),
        Step::Contact => EitherOf9::G(view! { <ContactStep/> }),
        Step::Code => EitherOf9::H(view! { <CodeStep/> }),
        Step::Done => EitherOf9::I(view! { <SuccessStep/> }),
    }
}

/// Before the site config is in: a skeleton, or what went wrong with a retry.
#[component]
fn StartStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let shown = move || match ctx.site.state.get() {
        Load::Failed(e) => Either::Left(failed(
            e,
            std::sync::Arc::new(move || flow::load_site(ctx, true)),
        )),
        _ => Either::Right(view! { <Skeleton/> }),
    };
    view! { <section class="zw-step" data-step="start">{shown}</section> }
}

/// The element focused inside this widget's shadow root, if any.
pub(crate) fn active_in(frame: &Element) -> Option<Element> {
    frame
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()?
        .active_element()
}

/// Keeps Tab inside the dialog: from the last control to the first, and Shift+Tab back.
pub(crate) fn trap_tab(frame: &Element, ev: &KeyboardEvent) {
    let Ok(list) = frame.query_selector_all(FOCUSABLE) else {
        return;
    };
    let items: Vec<HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = active_in(frame);
    let at = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<Element>())
    };
    // Focus on the dialog's own headings moves on natively; only the ends wrap around.
    let inside = active
        .as_ref()
        .is_some_and(|a| frame.contains(Some(a.unchecked_ref())));
    let target = if ev.shift_key() {
        (at(first) || !inside).then_some(last)
    } else {
        (at(last) || !inside).then_some(first)
    };
    if let Some(el) = target {
        ev.prevent_default();
        let _ = el.focus();
    }
}
