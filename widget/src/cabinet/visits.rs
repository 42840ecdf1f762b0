//! Visits and class sign-ups: upcoming ones with the salon's rules for cancelling and moving
//! them shown before the buttons (a button only when the rule allows it now), past ones with
//! what was done and paid, "book again" (the booking widget, same services and master) and a
//! question about the visit. The Classes section is the same list, sign-ups only.

use leptos::{either::Either, prelude::*};
use protocol::cabinet::{Attendance, Rule, Visit, Visits};

use super::{
    app::{Section, action_error},
    state::{Ctx, Screen},
    texts::Texts,
};
use crate::{
    format::{self, Ymd},
    i18n::Lang,
    ui::loaded,
};

/// `12 декабря 14:00` / `12 December 14:00`.
pub fn day_time(lang: Lang, iso: &str) -> String {
    match Ymd::parse(iso) {
        Some(d) => format!(
            "{} {} {}",
            d.d,
            lang.t().months_of[d.m as usize - 1],
            format::hhmm(iso)
        ),
        None => iso.to_owned(),
    }
}

/// The salon's rule in words: "You can cancel until 12 December 14:00", or why not.
/// `words`: until / until the start / was possible until / not online.
pub fn rule_text(lang: Lang, rule: &Rule, words: [&'static str; 4]) -> String {
    let t = Texts::of(lang);
    match (rule.allowed, &rule.until) {
        (true, Some(u)) => format!("{}{}", words[0], day_time(lang, u)),
        (true, None) => words[1].to_owned(),
        (false, Some(u)) => format!("{}{}.{}", words[2], day_time(lang, u), t.call_salon),
        (false, None) => format!("{}{}", words[3], t.call_salon),
    }
}

pub fn cancel_words(t: &'static Texts) -> [&'static str; 4] {
    [
        t.cancel_until,
        t.cancel_till_start,
        t.cancel_was,
        t.cancel_no,
    ]
}

pub fn move_words(t: &'static Texts) -> [&'static str; 4] {
    [t.move_until, t.move_till_start, t.move_was, t.move_no]
}

/// `Стрижка, Укладка`.
pub fn titles(v: &Visit) -> String {
    v.services
        .iter()
        .map(|s| s.title.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn VisitsScreen(classes: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_visits(false);
    let confirm = RwSignal::new(None::<u64>);
    let list = move |v: Visits| {
        let keep = move |x: &Visit| !classes || x.event.is_some();
        let upcoming: Vec<Visit> = v.upcoming.into_iter().filter(keep).collect();
        let past: Vec<Visit> = v.past.into_iter().filter(keep).collect();
        let upcoming = if upcoming.is_empty() {
            Either::Left(view! {
                <p class="zw-empty" data-testid="no-upcoming">
                    {if classes { ctx.tn().no_classes } else { ctx.tn().no_upcoming }}
                </p>
            })
        } else {
            Either::Right(view! {
                <ul class="zw-list">
                    {upcoming.into_iter().map(|v| upcoming_card(ctx, v, confirm)).collect_view()}
                </ul>
            })
        };
        let past = if past.is_empty() {
            Either::Left(view! { <p class="zw-empty">{ctx.tn().no_past}</p> })
        } else {
            Either::Right(view! {
                <ul class="zw-list">{past.into_iter().map(|v| past_card(ctx, v)).collect_view()}</ul>
            })
        };
        view! {
            <h4>{ctx.tn().upcoming}</h4>
            <div>{action_error(ctx)}</div>
            {upcoming}
            <h4>{ctx.tn().past}</h4>
            {past}
        }
        .into_any()
    };
    let title: fn(&'static Texts) -> &'static str = if classes {
        |t| t.tab_classes
    } else {
        |t| t.tab_visits
    };
    view! {
        <Section name=if classes { "classes" } else { "visits" } title>
            {loaded(ctx.visits, move || ctx.load_visits(true), list)}
        </Section>
    }
}

/// What, when, who and where.
fn head(ctx: Ctx, v: &Visit) -> impl IntoView + use<> {
    let (when, master) = (v.datetime.clone(), v.master.clone());
    let title = titles(v);
    let class = v.event.is_some();
    let place = v.branch_title.clone();
    let at_salon = !v.online;
    view! {
        <p class="zw-item-title">
            {class.then(|| view! { <span class="zc-tag">{ctx.tn().class_mark}</span> })}
            {title}
        </p>
        <p>
            <b>{format::when(ctx.ln(), &when)}</b>
            " · "
            {move || if master.is_empty() { ctx.t().any_master.to_owned() } else { master.clone() }}
        </p>
        <p class="zw-muted">
            {place}
            {move || at_salon.then(|| format!(" · {}", ctx.t().at_salon))}
        </p>
    }
}

fn upcoming_card(ctx: Ctx, v: Visit, confirm: RwSignal<Option<u64>>) -> impl IntoView {
    let id = v.id;
    let (cancel, moving) = (v.cancel.clone(), v.reschedule.clone());
    let can_move = moving.allowed && v.event.is_none();
    let can_cancel = cancel.allowed;
    let move_rule = (v.event.is_none()).then(|| {
        let rule = moving.clone();
        view! {
            <p class="zc-rule" id=format!("zc-move-{id}") data-testid="reschedule-rule">
                {rule_text(ctx.ln(), &rule, move_words(ctx.tn()))}
            </p>
        }
    });
    let move_button = can_move.then(|| {
        view! {
            <button type="button" class="zw-btn zw-ghost" data-testid="reschedule"
                aria-describedby=format!("zc-move-{id}")
                on:click=move |_| ctx.go(Screen::Reschedule(id))>
                {ctx.tn().reschedule}
            </button>
        }
    });
    let cancel_button = can_cancel.then(|| {
        view! {
            <button type="button" class="zw-btn zw-ghost" data-testid="cancel"
                aria-describedby=format!("zc-cancel-{id}") aria-expanded=move || (confirm.get() == Some(id)).to_string()
                on:click=move |_| confirm.set(Some(id))>
                {ctx.tn().cancel}
            </button>
        }
    });
    let confirm_box = move || {
        (confirm.get() == Some(id)).then(|| {
            let yes = move |_| {
                let reply = ctx.api().cancel(ctx.lang.get_untracked(), &ctx.s(), id);
                ctx.run(reply, move |()| {
                    confirm.set(None);
                    ctx.load_visits(true);
                    ctx.notice.set(Some(
                        Texts::of(ctx.lang.get_untracked()).cancelled.to_owned(),
                    ));
                });
            };
            view! {
                <div class="zc-confirm" role="group" aria-label=ctx.tn().cancel_ask>
                    <p>{ctx.tn().cancel_ask}</p>
                    <button type="button" class="zw-btn zc-danger" data-testid="cancel-yes"
                        disabled=move || ctx.busy.get() on:click=yes>
                        {ctx.tn().cancel_yes}
                    </button>
                    <button type="button" class="zw-btn zw-ghost" data-testid="cancel-no"
                        on:click=move |_| confirm.set(None)>
                        {ctx.tn().keep}
                    </button>
                </div>
            }
        })
    };
    view! {
        <li class="zc-card" data-testid=format!("visit-{id}")>
            {head(ctx, &v)}
            {move_rule}
            <p class="zc-rule" id=format!("zc-cancel-{id}") data-testid="cancel-rule">
                {rule_text(ctx.ln(), &cancel, cancel_words(ctx.tn()))}
            </p>
            <div class="zc-actions">{move_button}{cancel_button}</div>
            {confirm_box}
        </li>
    }
}

fn past_card(ctx: Ctx, v: Visit) -> impl IntoView {
    let id = v.id;
    let lines = v
        .services
        .iter()
        .map(|s| {
            let (title, cost) = (s.title.clone(), s.cost);
            view! {
                <li>{title}<span class="zw-price">{format::price(ctx.ln(), cost, cost)}</span></li>
            }
        })
        .collect_view();
    let paid = v.paid;
    let attendance = match v.attendance {
        Attendance::Waiting => 0,
        Attendance::Confirmed => 1,
        Attendance::Came => 2,
        Attendance::NoShow => 3,
    };
    let again = (v.event.is_none() && !v.services.is_empty()).then(|| {
        let ids = v
            .services
            .iter()
            .map(|s| s.id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let (staff, branch) = (v.staff, v.branch);
        view! {
            <button type="button" class="zw-btn" data-testid="book-again"
                on:click=move |_| book_again(ctx, &ids, staff, branch)>
                {ctx.tn().book_again}
            </button>
        }
    });
    view! {
        <li class="zc-card" data-testid=format!("visit-{id}")>
            {head(ctx, &v)}
            <ul class="zc-lines">{lines}</ul>
            <p class="zw-muted" data-testid="attendance">{ctx.tn().attendance[attendance]}</p>
            {(paid > 0.0).then(|| view! {
                <p data-testid="paid">{format!("{}{}", ctx.tn().paid, format::price(ctx.ln(), paid, paid).unwrap_or_default())}</p>
            })}
            <div class="zc-actions">
                {again}
                <button type="button" class="zw-btn zw-ghost" data-testid="ask-about"
                    on:click=move |_| { ctx.about.set(Some(id)); ctx.go(Screen::Ask) }>
                    {ctx.tn().ask_about}
                </button>
            </div>
        </li>
    }
}

/// Opens the booking widget (another module, through embed.js' `zapis('open', …)`) with the
/// same services, master and branch; the cabinet's modal closes first so the two never stack.
fn book_again(ctx: Ctx, services: &str, staff: u64, branch: u64) {
    let o = js_sys::Object::new();
    crate::wire::put(&o, "service", services);
    crate::wire::put(&o, "staff", staff.to_string());
    crate::wire::put(&o, "branch", branch.to_string());
    if !crate::embed::zapis("open", &o, ctx.close) {
        ctx.notice.set(Some(ctx.t().no_zapis.to_owned()));
    }
}
