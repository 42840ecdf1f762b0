//! Driving the events screens from a test: open the modal, pick a filter, read the events
//! shown, go from an event to a filled contact form.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use widget::{embed, events, options::Options};

use crate::{
    common::{W, modal, tick},
    fake::Fake,
};

/// Opens the schedule in a fresh modal on `fake` and waits for the week.
pub async fn open(fake: &Rc<Fake>, o: Options) -> W {
    embed::close();
    events::open_with(o, fake.api()).unwrap();
    let w = modal().expect("modal");
    w.wait_step("schedule").await;
    w.shows("[data-testid^=event-]").await;
    w
}

/// The `<select>` `sel` set to `value`, as a visitor picks it.
pub fn pick(w: &W, sel: &str, value: &str) {
    let el: web_sys::HtmlSelectElement = w.q(sel).unchecked_into();
    el.set_value(value);
    let ev = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    el.dispatch_event(&ev).unwrap();
}

pub fn shown_events(w: &W) -> Vec<String> {
    w.all("[data-testid^=event-]")
        .iter()
        .map(|e| e.get_attribute("data-testid").unwrap())
        .collect()
}

/// Event → `seats` seats → the contact form filled in.
pub async fn up_to_contact(w: &W, event: u64, seats: u32) {
    w.click(&format!("[data-testid=event-{event}]"));
    w.wait_step("seats").await;
    for _ in 1..seats {
        w.click("[data-testid=seats-plus]");
        tick().await;
    }
    w.click("[data-testid=next]");
    w.wait_step("contact").await;
    w.type_in("#zw-name", "Мария");
    w.type_in("#zw-phone", "89161234567");
    w.click("#zw-consent");
    tick().await;
}
