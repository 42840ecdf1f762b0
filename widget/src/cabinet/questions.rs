//! Questions to the salon: the threads (a badge on those with an answer not read yet), asking
//! about a visit or in general, and one thread with the salon's answers and a reply box.

use std::sync::Arc;

use leptos::prelude::*;
use protocol::cabinet::{Ask, Thread};

use super::{
    app::{Section, action_error},
    fields::nothing,
    state::{Ctx, Screen},
    visits::titles,
};
use crate::{
    format,
    ui::{
        Text,
        field::{Field, Spec},
        input_value, loaded,
    },
};

#[component]
pub fn QuestionsScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_threads(false);
    let list = move |threads: Vec<Thread>| {
        if threads.is_empty() {
            return view! {
                <p class="zw-empty" data-testid="no-questions">{ctx.tn().no_questions}</p>
            }
            .into_any();
        }
        let items = threads
            .into_iter()
            .map(|th| {
                let id = th.id;
                let first = th.messages.first().map(|m| m.text.clone()).unwrap_or_default();
                let at = th.messages.last().map(|m| m.at.clone()).unwrap_or_default();
                let unread = th.unread > 0;
                view! {
                    <li>
                        <button type="button" class="zw-item" data-testid=format!("thread-{id}")
                            on:click=move |_| ctx.go(Screen::Thread(id))>
                            <span class="zw-item-title zc-clip">{first}</span>
                            <span class="zw-muted">{format::local_when(ctx.ln(), &at)}</span>
                            {unread.then(|| view! {
                                <span class="zc-badge zc-new" data-testid="new-answer">{ctx.tn().new_answer}</span>
                            })}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="zw-list">{items}</ul> }.into_any()
    };
    view! {
        <Section name="questions" title=|t| t.tab_questions>
            <div class="zc-actions">
                <button type="button" class="zw-btn" data-testid="ask"
                    on:click=move |_| { ctx.about.set(None); ctx.go(Screen::Ask) }>
                    {ctx.tn().ask}
                </button>
            </div>
            {loaded(ctx.threads, move || ctx.load_threads(true), list)}
        </Section>
    }
}

/// The text box of a question or reply; `tried` shows its error when empty.
fn text_box(ctx: Ctx, text: RwSignal<String>, tried: RwSignal<bool>) -> impl IntoView {
    let error: Text<Option<String>> = Arc::new(move || {
        (tried.get() && text.with(|t| t.trim().is_empty())).then(|| ctx.t().err_text.to_owned())
    });
    let spec = Spec {
        multiline: true,
        max: "2000",
        ..Spec::text("question", "off")
    };
    view! {
        <Field spec label=Arc::new(move || ctx.t().question.to_owned()) value=text error
            left=nothing() edited=nothing()/>
    }
}

/// Sends `text` as a new thread (`thread` None) or into one; then shows the thread.
fn send(ctx: Ctx, thread: Option<u64>, text: RwSignal<String>, tried: RwSignal<bool>) {
    tried.set(true);
    let body = text.get_untracked().trim().to_owned();
    if body.is_empty() {
        return;
    }
    let about = if thread.is_none() {
        ctx.about.get_untracked()
    } else {
        None
    };
    let req = Ask {
        text: body,
        visit: about,
    };
    let reply = ctx
        .api()
        .ask(ctx.lang.get_untracked(), &ctx.s(), thread, &req);
    ctx.run(reply, move |th| {
        text.set(String::new());
        tried.set(false);
        ctx.threads.invalidate();
        ctx.thread.put(th.id.to_string(), th.clone());
        if thread.is_none() {
            ctx.go(Screen::Thread(th.id));
        }
    });
}

#[component]
pub fn AskScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_visits(false);
    let (text, tried) = (RwSignal::new(String::new()), RwSignal::new(false));
    let options = move || {
        let visits = ctx
            .visits
            .ready()
            .map(|v| [v.upcoming, v.past].concat())
            .unwrap_or_default();
        let chosen = ctx.about.get_untracked();
        visits
            .into_iter()
            .map(|v| {
                let label = format!("{} — {}", format::when(ctx.ln(), &v.datetime), titles(&v));
                view! { <option value=v.id.to_string() selected=chosen == Some(v.id)>{label}</option> }
            })
            .collect_view()
    };
    let on_change = move |ev: web_sys::Event| ctx.about.set(input_value(&ev).parse().ok());
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        send(ctx, None, text, tried);
    };
    view! {
        <Section name="ask" title=|t| t.ask>
            <form class="zw-form" novalidate="" on:submit=on_submit>
                <div class="zw-field">
                    <label for="zc-about">{ctx.tn().about}</label>
                    <select id="zc-about" class="zw-input" data-testid="about" on:change=on_change>
                        <option value="" selected=ctx.about.get_untracked().is_none()>{ctx.tn().general}</option>
                        {options}
                    </select>
                </div>
                {text_box(ctx, text, tried)}
                <div>{action_error(ctx)}</div>
                <div class="zw-foot">
                    <button type="submit" class="zw-btn zw-wide" data-testid="send" disabled=move || ctx.busy.get()>
                        {ctx.tn().send}
                    </button>
                </div>
            </form>
        </Section>
    }
}

#[component]
pub fn ThreadScreen(id: u64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_thread(id, true);
    let (text, tried) = (RwSignal::new(String::new()), RwSignal::new(false));
    let messages = move |th: Thread| {
        let about = th.visit.and_then(|v| {
            ctx.visits.ready().and_then(|all| {
                all.upcoming
                    .iter()
                    .chain(&all.past)
                    .find(|x| x.id == v)
                    .map(|x| {
                        format!(
                            "{} — {}",
                            format::when(ctx.lang.get_untracked(), &x.datetime),
                            titles(x)
                        )
                    })
            })
        });
        let list = th
            .messages
            .into_iter()
            .map(|m| {
                let salon = m.from_salon;
                view! {
                    <li class=if salon { "zc-msg zc-salon" } else { "zc-msg zc-mine" }
                        data-testid=if salon { "from-salon" } else { "from-me" }>
                        <p class="zw-muted">
                            {if salon { ctx.tn().salon } else { ctx.tn().you }}
                            " · "{format::local_when(ctx.ln(), &m.at)}
                        </p>
                        <p class="zc-text">{m.text}</p>
                    </li>
                }
            })
            .collect_view();
        view! {
            {about.map(|a| view! { <p class="zw-sub" data-testid="about-visit">{a}</p> })}
            <ul class="zc-msgs">{list}</ul>
        }
        .into_any()
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        send(ctx, Some(id), text, tried);
    };
    view! {
        <Section name="thread" title=|t| t.tab_questions>
            {loaded(ctx.thread, move || ctx.load_thread(id, true), messages)}
            <form class="zw-form" novalidate="" on:submit=on_submit>
                {text_box(ctx, text, tried)}
                <div>{action_error(ctx)}</div>
                <div class="zc-actions">
                    <button type="submit" class="zw-btn" data-testid="send" disabled=move || ctx.busy.get()>
                        {ctx.tn().reply}
                    </button>
                    <button type="button" class="zw-btn zw-ghost" data-testid="to-questions"
                        on:click=move |_| ctx.go(Screen::Questions)>
                        {ctx.tn().to_questions}
                    </button>
                </div>
            </form>
        </Section>
    }
}
