//! Moving between the events screens (Back keeps every choice), the weeks, the filters, and
//! loading what each screen shows. Sending the sign-up is in `submit.rs`.

use leptos::prelude::*;
use protocol::{catalog::SiteInfo, events::GroupEvent};

use super::{
    api::Week,
    state::{Ctx, Step},
};
use crate::{format::Ymd, i18n::Lang};

const ORDER: [Step; 6] = [
    Step::Branch,
    Step::Schedule,
    Step::Seats,
    Step::Contact,
    Step::Code,
    Step::Done,
];

/// Whether `step` is part of this branch's way at all.
fn included(ctx: Ctx, step: Step) -> bool {
    match step {
        Step::Branch => ctx.chain(),
        Step::Code => ctx.asks().0,
        _ => true,
    }
}

/// Shows `step`; messages that belonged to the previous one go away.
pub fn go(ctx: Ctx, step: Step) {
    ctx.notice.set(None);
    ctx.submit.error.set(None);
    ctx.step.set(step);
}

/// The step Back leads to, if any.
pub fn previous(ctx: Ctx) -> Option<Step> {
    let from = ctx.step.get();
    if matches!(from, Step::Start | Step::Done) {
        return None;
    }
    ORDER
        .iter()
        .copied()
        .take_while(|s| *s != from)
        .filter(|s| included(ctx, *s))
        .last()
}

pub fn back(ctx: Ctx) {
    if let Some(step) = untrack(|| previous(ctx)) {
        go(ctx, step);
    }
}

fn id(opt: Option<String>) -> Option<u64> {
    opt.and_then(|s| s.split(',').next()?.trim().parse().ok())
}

/// The site config is in: the branch (the only one, or the preselected one), the filters from
/// the options (`service` → its category once the week is in, `staff` → the master), then the
/// schedule.
pub fn start(ctx: Ctx, site: &SiteInfo) {
    let opts = ctx.opts.get_value();
    let preselected = id(opts.branch.clone());
    let branch = match site.branches.as_slice() {
        [only] => Some(only.id),
        all => preselected.filter(|id| all.iter().any(|b| b.id == *id)),
    };
    ctx.draft.branch.set(branch);
    ctx.draft.master.set(id(opts.staff).unwrap_or(0));
    go(
        ctx,
        if branch.is_some() {
            Step::Schedule
        } else {
            Step::Branch
        },
    );
}

/// A preselected service (`data-service`) narrows the schedule to its category, once a week
/// with that service is in.
pub fn apply_service(ctx: Ctx) {
    let Some(service) = ctx.opts.with_value(|o| id(o.service.clone())) else {
        return;
    };
    if ctx.draft.category.get_untracked() != 0 {
        return;
    }
    let category = ctx.schedule.state.with_untracked(|s| match s {
        crate::booking::state::Load::Ready(w) => w
            .days
            .iter()
            .flat_map(|d| &d.events)
            .find(|e| e.service == service)
            .map(|e| e.category),
        _ => None,
    });
    if let Some(c) = category {
        ctx.draft.category.set(c);
    }
}

pub fn choose_branch(ctx: Ctx, id: u64) {
    if ctx.draft.branch.get_untracked() != Some(id) {
        ctx.draft.branch.set(Some(id));
        ctx.draft.week.set(None);
        ctx.first_week.set(None);
        ctx.draft.category.set(0);
        ctx.draft.master.set(0);
        ctx.draft.event.set(None);
    }
    go(ctx, Step::Schedule);
}

/// The week `n` weeks from the one shown (never before the first one).
pub fn shift_week(ctx: Ctx, n: i64) {
    let Some(first) = ctx.first_week.get_untracked() else {
        return;
    };
    let now = ctx.draft.week.get_untracked().unwrap_or(first);
    let to = now.add_days(7 * n);
    ctx.draft.week.set((to > first).then_some(to));
    load_schedule(ctx, false);
}

/// An event with a seat was picked: how many seats (one to start with).
pub fn choose_event(ctx: Ctx, event: GroupEvent) {
    if event.full || event.seats_left == 0 {
        return;
    }
    let same = ctx
        .draft
        .event
        .with_untracked(|e| e.as_ref().is_some_and(|e| e.id == event.id));
    if !same {
        ctx.draft.seats.set(1);
    }
    ctx.draft.event.set(Some(event));
    go(ctx, Step::Seats);
}

/// The full event's next one of the same service, when this week has it.
pub fn next_of(ctx: Ctx, event: &GroupEvent) -> Option<GroupEvent> {
    let next = event.next?;
    ctx.week()?
        .days
        .into_iter()
        .flat_map(|d| d.events)
        .find(|e| e.id == next && !e.full)
}

/// One to the salon's (and the event's) limit.
pub fn set_seats(ctx: Ctx, n: u32) {
    let limit = untrack(|| ctx.seat_limit()).max(1);
    ctx.draft.seats.set(n.clamp(1, limit));
}

pub fn to_contact(ctx: Ctx) {
    set_seats(ctx, ctx.draft.seats.get_untracked());
    go(ctx, Step::Contact);
}

/// After a sign-up: the schedule again, with the seats as they are now.
pub fn restart(ctx: Ctx) {
    ctx.draft.event.set(None);
    ctx.draft.seats.set(1);
    ctx.draft.code.set(String::new());
    ctx.submit.result.set(None);
    load_schedule(ctx, true);
    go(ctx, Step::Schedule);
}

pub fn load_site(ctx: Ctx, force: bool) {
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.site
        .fetch(String::from("site"), force, move || api.config(lang));
}

/// The week shown; `force` asks past every cache (the seats changed).
pub fn load_schedule(ctx: Ctx, force: bool) {
    let Some(branch) = ctx.draft.branch.get_untracked() else {
        return;
    };
    let week = ctx.draft.week.get_untracked();
    let asked = Week {
        from: week.map(Ymd::iso),
        till: week.map(|d| d.add_days(6).iso()),
    };
    let key = format!("{branch}|{}", asked.from.clone().unwrap_or_default());
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.schedule.fetch(key, force, move || {
        api.schedule(lang, branch, &asked, force)
    });
}

/// Languages: the site's default applies only when neither the host nor the page chose one.
pub fn site_language(ctx: Ctx, site: &SiteInfo) {
    if ctx.opts.with_value(|o| o.language().is_none()) {
        ctx.lang.set(Lang::pick(Some(&site.lang)));
    }
}
