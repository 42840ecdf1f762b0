//! Moving between steps (Back keeps every choice), what each choice clears after it, and loading
//! what each step shows. Sending the booking is in `submit.rs`.

use protocol::catalog::SiteInfo;

use leptos::prelude::*;

use super::state::{Ctx, Step};
use crate::i18n::Lang;

const ORDER: [Step; 8] = [
    Step::Branch,
    Step::Services,
    Step::Staff,
    Step::Date,
    Step::Time,
    Step::Contact,
    Step::Code,
    Step::Done,
];

/// Whether `step` is part of this site's flow at all.
fn included(ctx: Ctx, step: Step) -> bool {
    match step {
        Step::Branch => ctx.chain(),
        Step::Code => ctx.branch().is_some_and(|b| b.phone_confirmation),
        _ => true,
    }
}

/// Shows `step`; messages that belonged to the previous one go away.
pub fn go(ctx: Ctx, step: Step) {
    ctx.notice.set(None);
    ctx.submit.error.set(None);
    ctx.step.set(step);
}

/// Forward from the current step; a step settled by a preselected master is skipped once.
pub fn next(ctx: Ctx) {
    let from = ctx.step.get_untracked();
    let mut after = ORDER.iter().copied().skip_while(|s| *s != from).skip(1);
    let Some(mut step) = after.find(|s| untrack(|| included(ctx, *s))) else {
        return;
    };
    if step == Step::Staff && ctx.skip.staff.get_untracked() {
        ctx.skip.staff.set(false);
        step = Step::Date;
    }
    go(ctx, step);
}

/// The step Back leads to, if any (choices are kept: only the step changes).
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

fn ids(list: &str) -> Vec<u64> {
    list.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The site config is in: apply the preselection from the options and show the first step.
pub fn start(ctx: Ctx, site: &SiteInfo) {
    let opts = ctx.opts.get_value();
    let d = ctx.draft;
    let preselected = opts
        .branch
        .as_deref()
        .and_then(|b| b.trim().parse::<u64>().ok());
    let branch = match site.branches.as_slice() {
        [only] => Some(only.id),
        all => preselected.filter(|id| all.iter().any(|b| b.id == *id)),
    };
    d.branch.set(branch);
    let services = opts.service.as_deref().map(ids).unwrap_or_default();
    let staff = opts
        .staff
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok());
    ctx.skip.services.set(!services.is_empty());
    ctx.skip.staff.set(staff.is_some());
    d.services.set(services);
    d.staff.set(staff);
    let step = super::keep::restore(ctx, site).unwrap_or(if branch.is_some() {
        Step::Services
    } else {
        Step::Branch
    });
    go(ctx, step);
}

/// Most services one booking may hold (the server's limit).
pub const MAX_SERVICES: usize = 10;

/// A branch was picked: a different one starts the choice of services over.
pub fn choose_branch(ctx: Ctx, id: u64) {
    let d = ctx.draft;
    if d.branch.get_untracked() != Some(id) {
        d.services.set(Vec::new());
        d.staff.set(None);
        d.date.set(None);
        d.slot.set(None);
        d.branch.set(Some(id));
    }
    next(ctx);
}

/// Adds or removes a service (up to [`MAX_SERVICES`] in one booking). The master is kept.
pub fn toggle_service(ctx: Ctx, id: u64) {
    let d = ctx.draft;
    d.services
        .update(|list| match list.iter().position(|s| *s == id) {
            Some(i) => {
                list.remove(i);
            }
            None if list.len() < MAX_SERVICES => list.push(id),
            None => {}
        });
    d.date.set(None);
    d.slot.set(None);
}

/// A master (0 = any) was picked.
pub fn choose_staff(ctx: Ctx, id: u64) {
    let d = ctx.draft;
    if d.staff.get_untracked() != Some(id) {
        d.date.set(None);
        d.slot.set(None);
        d.staff.set(Some(id));
    }
    next(ctx);
}

pub fn choose_date(ctx: Ctx, date: String) {
    let d = ctx.draft;
    if d.date.get_untracked().as_deref() != Some(date.as_str()) {
        d.slot.set(None);
        d.date.set(Some(date));
    }
    next(ctx);
}

pub fn choose_slot(ctx: Ctx, slot: protocol::catalog::Slot) {
    ctx.draft.slot.set(Some(slot));
    next(ctx);
}

/// Starts over after a booking (inline widgets stay on the page).
pub fn restart(ctx: Ctx) {
    let d = ctx.draft;
    d.services.set(Vec::new());
    d.staff.set(None);
    d.date.set(None);
    d.slot.set(None);
    d.code.set(String::new());
    ctx.submit.result.set(None);
    ctx.dates.invalidate();
    ctx.times.invalidate();
    go(
        ctx,
        if ctx.chain() {
            Step::Branch
        } else {
            Step::Services
        },
    );
}

fn join(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// What the current choices ask of the API: (branch, services, staff, key prefix).
fn query(ctx: Ctx) -> Option<(u64, Vec<u64>, u64, String)> {
    let d = ctx.draft;
    let branch = d.branch.get_untracked()?;
    let services = d.services.get_untracked();
    let staff = d.staff.get_untracked().unwrap_or(0);
    let key = format!("{branch}|{}|{staff}", join(&services));
    Some((branch, services, staff, key))
}

pub fn load_site(ctx: Ctx, force: bool) {
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.site
        .fetch(String::from("site"), force, move || api.config(lang));
}

pub fn load_services(ctx: Ctx, force: bool) {
    let Some(branch) = ctx.draft.branch.get_untracked() else {
        return;
    };
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.services.fetch(branch.to_string(), force, move || {
        api.services(lang, branch)
    });
}

pub fn load_staff(ctx: Ctx, force: bool) {
    let Some((branch, services, _, _)) = query(ctx) else {
        return;
    };
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    let key = format!("{branch}|{}", join(&services));
    ctx.staff
        .fetch(key, force, move || api.staff(lang, branch, &services));
}

pub fn load_dates(ctx: Ctx, force: bool) {
    let Some((branch, services, staff, key)) = query(ctx) else {
        return;
    };
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.dates.fetch(key, force, move || {
        api.dates(lang, branch, &services, staff)
    });
}

pub(crate) fn times_key(ctx: Ctx) -> Option<(u64, Vec<u64>, u64, String, String)> {
    let (branch, services, staff, key) = query(ctx)?;
    let date = ctx.draft.date.get_untracked()?;
    Some((branch, services, staff, format!("{key}|{date}"), date))
}

pub fn load_times(ctx: Ctx, force: bool) {
    let Some((branch, services, staff, key, date)) = times_key(ctx) else {
        return;
    };
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    ctx.times.fetch(key, force, move || {
        api.times(lang, branch, &services, staff, &date)
    });
}

/// Languages: the site's default applies only when neither the host nor the page chose one.
pub fn site_language(ctx: Ctx, site: &SiteInfo) {
    if ctx.opts.with_value(|o| o.language().is_none()) {
        ctx.lang.set(Lang::pick(Some(&site.lang)));
    }
}
