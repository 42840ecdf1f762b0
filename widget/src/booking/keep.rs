//! The draft kept for the tab's life: choices and typed contact (never the SMS code) in the host
//! page's `sessionStorage`, so a reload, a close with × or the backdrop, or the phone's Back
//! reopens where the visitor was. A booking made, or a trigger that preselects something else,
//! starts afresh.
//!
//! In the modal the phone's Back steps back inside the widget: opening pushes a history entry
//! (same URL, `{zapis: 1}` as its state), each Back that can go a step back re-pushes it, and Back
//! from the first step closes the modal. Closing any other way takes the entry off again.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use leptos::prelude::*;
use protocol::catalog::SiteInfo;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use super::{
    flow,
    state::{Ctx, Step},
};
use crate::wire::{self, Kept};

const STEPS: [Step; 7] = [
    Step::Branch,
    Step::Services,
    Step::Staff,
    Step::Date,
    Step::Time,
    Step::Contact,
    Step::Code,
];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn key(ctx: Ctx) -> String {
    format!("zapis_draft_{}", ctx.opts.with_value(|o| o.site.clone()))
}

/// Writes the draft (tracks every signal it reads: an effect calls it); a booking made clears it.
pub fn save(ctx: Ctx) {
    let (d, step) = (ctx.draft, ctx.step.get());
    let Some(store) = storage() else {
        return;
    };
    if step == Step::Done {
        let _ = store.remove_item(&key(ctx));
        return;
    }
    let (Some(branch), true) = (d.branch.get(), STEPS.contains(&step)) else {
        return;
    };
    let kept = Kept {
        // The code is never kept: the code step comes back as the contact step.
        step: if step == Step::Code {
            Step::Contact
        } else {
            step
        }
        .name()
        .into(),
        branch,
        services: d.services.get(),
        staff: d.staff.get(),
        date: d.date.get(),
        slot: d.slot.get(),
        name: d.name.get(),
        phone: d.phone.get(),
        email: d.email.get(),
        comment: d.comment.get(),
        consent: d.consent.get(),
    };
    let _ = store.set_item(&key(ctx), &wire::kept_json(&kept));
}

/// The kept draft put back, and the step to show; `None` when there is none for this site, it
/// names a branch the site no longer has, or the trigger preselected something else.
pub fn restore(ctx: Ctx, site: &SiteInfo) -> Option<Step> {
    let text = storage()?.get_item(&key(ctx)).ok()??;
    let k = wire::kept(&wire::parse(&text)?);
    let step = STEPS.into_iter().find(|s| s.name() == k.step)?;
    let d = ctx.draft;
    let fits =
        |preselected: Option<u64>, kept: Option<u64>| preselected.is_none() || preselected == kept;
    let (branch, services, staff) = untrack(|| (d.branch.get(), d.services.get(), d.staff.get()));
    let same = fits(branch, Some(k.branch))
        && (services.is_empty() || services == k.services)
        && fits(staff, k.staff)
        && site.branches.iter().any(|b| b.id == k.branch);
    if !same {
        return None;
    }
    d.branch.set(Some(k.branch));
    d.services.set(k.services);
    d.staff.set(k.staff);
    d.date.set(k.date);
    d.slot.set(k.slot);
    d.name.set(k.name);
    d.phone.set(k.phone);
    d.email.set(k.email);
    d.comment.set(k.comment);
    d.consent.set(k.consent);
    ctx.skip.services.set(false);
    ctx.skip.staff.set(false);
    // The later steps' summaries name the services and the master.
    let at = |s: Step| STEPS.iter().position(|x| *x == s);
    if at(step) > at(Step::Services) {
        flow::load_services(ctx, false);
    }
    if at(step) > at(Step::Staff) {
        flow::load_staff(ctx, false);
    }
    Some(step)
}

fn history() -> Option<web_sys::History> {
    web_sys::window()?.history().ok()
}

/// The current history entry is the modal's.
fn ours(h: &web_sys::History) -> bool {
    h.state()
        .ok()
        .and_then(|s| js_sys::Reflect::get(&s, &JsValue::from_str("zapis")).ok())
        .is_some_and(|v| v.is_truthy())
}

fn push(h: &web_sys::History) {
    let state = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&state, &JsValue::from_str("zapis"), &JsValue::TRUE);
    let _ = h.push_state(&state, "");
}

/// The modal is open: a history entry for it, and the phone's Back steps back inside it.
pub fn hold_back_button(ctx: Ctx) {
    let Some(h) = history() else {
        return;
    };
    if !ours(&h) {
        push(&h);
    }
    let on_back: Rc<dyn Fn()> = Rc::new(move || {
        if untrack(|| flow::previous(ctx)).is_some() {
            flow::back(ctx);
            if let Some(h) = history() {
                push(&h);
            }
        } else {
            // Closing disposes this modal: not from inside its own call.
            crate::ui::after(0, crate::embed::closed_by_back);
        }
    });
    ON_BACK.with(|b| *b.borrow_mut() = Some(on_back));
    on_cleanup(|| {
        ON_BACK.with(|b| b.borrow_mut().take());
    });
    if !LISTENING.replace(true) {
        let listener = Closure::<dyn Fn()>::new(on_popstate);
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        }
        // One listener for the page's life, like the modal's slot it serves.
        listener.forget();
    }
}

/// Back or Forward: the open modal steps back, unless it is the `popstate` of our own
/// `history.back()` (a modal closed just before this one opened).
fn on_popstate() {
    let leaving = LEAVING.replace(false);
    let Some(on_back) = ON_BACK.with(|b| b.borrow().clone()) else {
        return;
    };
    if !leaving {
        on_back();
    } else if let Some(h) = history().filter(|h| !ours(h)) {
        push(&h);
    }
}

/// The modal closed by ×, Esc, the backdrop or "Done": its history entry goes too.
pub fn release_back_button() {
    if let Some(h) = history().filter(ours) {
        LEAVING.set(true);
        let _ = h.back();
    }
}

thread_local! {
    /// What the phone's Back does to the open modal.
    static ON_BACK: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
    /// The page's `popstate` listener is in place.
    static LISTENING: Cell<bool> = const { Cell::new(false) };
    /// A `history.back()` of ours is under way: its `popstate` is not the visitor's Back.
    static LEAVING: Cell<bool> = const { Cell::new(false) };
}

/// Typed contact details that closing would put out of sight.
fn filled(ctx: Ctx) -> bool {
    let d = ctx.draft;
    matches!(ctx.step.get_untracked(), Step::Contact | Step::Code)
        && [d.name, d.phone, d.email, d.comment]
            .iter()
            .any(|s| s.with_untracked(|v| !v.trim().is_empty()))
}

/// ×, Esc and the backdrop: closes, after asking when the contact form is filled.
pub fn ask_close(ctx: Ctx) {
    let Some(close) = ctx.close else {
        return;
    };
    let asked = !filled(ctx)
        || web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(untrack(|| ctx.t()).close_confirm)
                    .ok()
            })
            .unwrap_or(true);
    if asked {
        close();
    }
}
