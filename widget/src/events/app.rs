//! The events root: the frame (a modal dialog or an inline region, as the booking widget's:
//! focus to each new screen's heading, Tab kept inside the modal, Esc closes), the header with
//! Back, and the current screen.

use leptos::{
    either::{Either, EitherOf7},
    prelude::*,
};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::{
    flow,
    state::{Ctx, Step},
    steps::{
        branch::BranchList, code::CodeStep, contact::ContactStep, schedule::ScheduleStep,
        seats::SeatsStep, success::SuccessStep,
    },
    style::CSS,
};
use crate::{
    booking::{
        app::{active_in, trap_tab},
        state::Load,
    },
    style,
    ui::{after, effect, error_banner::Skeleton, failed, focus},
};

#[component]
pub fn EventsApp() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let close = ctx.close;
    let modal = close.is_some();
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

    // The first week in (the branch's today): no week before it; a preselected service's
    // category becomes the filter.
    effect(move || {
        if let Some(week) = ctx.week()
            && ctx.draft.week.get_untracked().is_none()
        {
            untrack(|| {
                ctx.first_week.set(crate::format::Ymd::parse(&week.from));
                flow::apply_service(ctx);
            });
        }
    });

    let frame = NodeRef::<leptos::html::Div>::new();
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
    let close_button = close.map(|close| {
        view! {
            <button type="button" class="zw-icon zw-close" data-testid="close"
                aria-label=move || ctx.t().close on:click=move |_| close()>
                "×"
            </button>
        }
    });
    let frame_view = view! {
        <div class=if modal { "zw-frame zw-modal" } else { "zw-frame zw-inline" }
            role=if modal { "dialog" } else { "region" } aria-labelledby="zw-title"
            aria-modal=modal.then_some("true") data-testid="zapis" data-mode="events"
            node_ref=frame on:keydown=on_key>
            <div class="zw-head">
                <button type="button" class="zw-icon zw-back" data-testid="back"
                    aria-label=move || ctx.t().back
                    disabled=move || flow::previous(ctx).is_none()
                    on:click=move |_| flow::back(ctx)>
                    "←"
                </button>
                <h2 id="zw-title">{move || ctx.et().title}</h2>
                {close_button}
            </div>
            <div class="zw-body">
                <div>{notice}</div>
                <div>{move || current(ctx.step.get())}</div>
            </div>
        </div>
    };
    let backdrop =
        close.map(|close| view! { <div class="zw-backdrop" on:click=move |_| close()></div> });
    view! {
        <style>{CSS}</style>
        <div class="zw-app" lang=move || ctx.lang.get().code() data-theme=theme style=theme_vars>
            {backdrop}
            {frame_view}
        </div>
    }
}

fn current(step: Step) -> impl IntoView {
    match step {
        Step::Start => EitherOf7::A(view! { <StartStep/> }),
        Step::Branch => EitherOf7::B(view! { <BranchList/> }),
        Step::Schedule => EitherOf7::C(view! { <ScheduleStep/> }),
        Step::Seats => EitherOf7::D(view! { <SeatsStep/> }),
        Step::Contact => EitherOf7::E(view! { <ContactStep/> }),
        Step::Code => EitherOf7::F(view! { <CodeStep/> }),
        Step::Done => EitherOf7::G(view! { <SuccessStep/> }),
    }
}

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
