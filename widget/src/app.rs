//! The widget's root: the frame (a modal dialog or an inline region), the header with Back, and
//! the current step. Focus moves to each new step's heading; in the modal, Tab cycles inside and
//! Esc closes.

use crate::reactive::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use crate::{
    components::{
        branch_step::branch_step, calendar::date_step, contact_form::contact_form,
        error_banner::error_banner, error_banner::skeleton, service_step::service_step,
        sms_code::sms_code, staff_step::staff_step, success::success, time_step::time_step,
    },
    dom::{El, after, button, el, focus, watch},
    flow,
    state::{Ctx, Load, Step},
    style,
};

/// What can take focus inside the widget, in document order.
const FOCUSABLE: &str = "a[href],button:not([disabled]):not([tabindex='-1']),\
    input:not([disabled]):not([tabindex='-1']),textarea:not([disabled]),select:not([disabled])";

/// Builds the whole widget. `close` is set for the modal (close button, Esc, backdrop, "Done").
pub fn booking_app(ctx: Ctx, close: Option<fn()>) -> El {
    flow::load_site(ctx, false);
    watch(move || {
        if let Some(site) = ctx.site.ready()
            && ctx.step.get_untracked() == Step::Start
        {
            untrack(|| {
                flow::site_language(ctx, &site);
                flow::start(ctx, &site);
            });
        }
    });

    let modal = close.is_some();
    let frame = el("div")
        .cls(if modal {
            "zw-frame zw-modal"
        } else {
            "zw-frame zw-inline"
        })
        .attr("role", if modal { "dialog" } else { "region" })
        .attr("aria-labelledby", "zw-title")
        .testid("zapis");
    let frame = if modal {
        frame.attr("aria-modal", "true")
    } else {
        frame
    };
    let frame_node = frame.node().clone();
    let body = el("div").cls("zw-body");
    let body_node = body.node().clone();

    // A new step: scroll to its top and put focus on its heading (inline: only if focus was
    // already inside, so the host page never jumps while the widget loads).
    let shown = std::cell::Cell::new(Step::Start);
    watch(move || {
        let step = ctx.step.get();
        if shown.replace(step) != step {
            let (frame, body) = (frame_node.clone(), body_node.clone());
            after(0, move || {
                body.set_scroll_top(0);
                if modal || active_in(&frame).is_some() {
                    focus(&frame, "[data-step-title]");
                }
            });
        }
    });

    let frame_node = frame.node().clone();
    let frame = frame.on("keydown", move |ev| {
        let (Some(close), Some(ev)) = (close, ev.dyn_ref::<KeyboardEvent>()) else {
            return;
        };
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                close();
            }
            "Tab" => trap_tab(&frame_node, ev),
            _ => {}
        }
    });

    let back = button()
        .cls("zw-icon zw-back")
        .testid("back")
        .attr_dyn("aria-label", move || Some(ctx.t().back.into()))
        .flag("disabled", "", move || flow::previous(ctx).is_none())
        .text("←")
        .click(move || flow::back(ctx));
    let head = el("div")
        .cls("zw-head")
        .child(back)
        .child(
            el("h2")
                .attr("id", "zw-title")
                .text_dyn(move || ctx.t().title.into()),
        )
        .maybe(close.map(|close| {
            button()
                .cls("zw-icon zw-close")
                .testid("close")
                .attr_dyn("aria-label", move || Some(ctx.t().close.into()))
                .text("×")
                .click(close)
        }));
    let notice = el("div").kid_dyn(move || {
        ctx.notice.get().map(|m| {
            el("div")
                .cls("zw-alert")
                .attr("role", "alert")
                .testid("notice")
                .text(&m)
        })
    });
    let current = el("div").kid_dyn(move || {
        let step = ctx.step.get();
        Some(untrack(move || step_view(ctx, step, close)))
    });

    let app = el("div")
        .cls("zw-app")
        .attr_dyn("lang", move || Some(ctx.lang.get().code().into()))
        .attr_dyn("data-theme", move || {
            Some(
                ctx.site
                    .ready()
                    .map(|s| s.theme.mode)
                    .unwrap_or_else(|| "auto".into()),
            )
        })
        .attr_dyn("style", move || {
            ctx.site.ready().map(|s| style::theme_vars(&s.theme))
        });
    let app = match close {
        Some(close) => app.child(el("div").cls("zw-backdrop").click(close)),
        None => app,
    };
    app.child(frame.child(head).child(body.child(notice).child(current)))
}

fn step_view(ctx: Ctx, step: Step, close: Option<fn()>) -> El {
    match step {
        Step::Start => start_step(ctx),
        Step::Branch => branch_step(ctx),
        Step::Services => service_step(ctx),
        Step::Staff => staff_step(ctx),
        Step::Date => date_step(ctx),
        Step::Time => time_step(ctx),
        Step::Contact => contact_form(ctx),
        Step::Code => sms_code(ctx),
        Step::Done => success(ctx, close),
    }
}

/// Before the site config is in: a skeleton, or what went wrong with a retry.
fn start_step(ctx: Ctx) -> El {
    el("section")
        .cls("zw-step")
        .attr("data-step", "start")
        .kid_dyn(move || {
            Some(match ctx.site.state.get() {
                Load::Failed(e) => {
                    error_banner(ctx, e, Some(Box::new(move || flow::load_site(ctx, true))))
                }
                _ => skeleton(ctx),
            })
        })
}

/// The element focused inside this widget's shadow root, if any.
fn active_in(frame: &Element) -> Option<Element> {
    frame
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()?
        .active_element()
}

/// Keeps Tab inside the dialog: from the last control to the first, and Shift+Tab back.
fn trap_tab(frame: &Element, ev: &KeyboardEvent) {
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
