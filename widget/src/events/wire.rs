//! The events types ↔ JSON, through the browser's `JSON` like [`crate::wire`] (and with its
//! helpers): lenient decoding, a missing optional field is `None`, a missing number 0.

use js_sys::Object;
use protocol::{
    booking::BookingResult,
    events::{Choice, EventDay, GroupEvent, Schedule, SignupRequest, SignupResult},
};
use wasm_bindgen::JsValue;

use crate::wire::{
    attribution_js, flag, id, list, num, opt_str, put, put_opt, str, stringify, strings,
};

fn choice(v: &JsValue) -> Choice {
    Choice {
        id: id(v, "id"),
        title: str(v, "title"),
    }
}

fn event(v: &JsValue) -> GroupEvent {
    GroupEvent {
        id: id(v, "id"),
        datetime: str(v, "datetime"),
        time: str(v, "time"),
        length: num(v, "length") as u32,
        title: str(v, "title"),
        description: opt_str(v, "description"),
        service: id(v, "service"),
        category: id(v, "category"),
        staff: id(v, "staff"),
        master: str(v, "master"),
        price_min: num(v, "price_min"),
        price_max: num(v, "price_max"),
        capacity: num(v, "capacity") as u32,
        seats_left: num(v, "seats_left") as u32,
        full: flag(v, "full"),
        next: Some(id(v, "next")).filter(|n| *n != 0),
        room: opt_str(v, "room"),
    }
}

pub fn schedule(v: &JsValue) -> Schedule {
    Schedule {
        branch: id(v, "branch"),
        timezone: str(v, "timezone"),
        from: str(v, "from"),
        till: str(v, "till"),
        max_seats: (num(v, "max_seats") as u32).max(1),
        phone_confirmation: flag(v, "phone_confirmation"),
        email_required: flag(v, "email_required"),
        comment_required: flag(v, "comment_required"),
        categories: list(v, "categories", choice),
        masters: list(v, "masters", choice),
        days: list(v, "days", |d| EventDay {
            date: str(d, "date"),
            events: list(d, "events", event),
        }),
    }
}

pub fn signup_result(v: &JsValue) -> SignupResult {
    SignupResult {
        id: str(v, "id"),
        event: id(v, "event"),
        branch: str(v, "branch"),
        address: str(v, "address"),
        datetime: str(v, "datetime"),
        timezone: str(v, "timezone"),
        length: num(v, "length") as u32,
        services: strings(v, "services"),
        staff: str(v, "staff"),
        seats: num(v, "seats") as u32,
        price_min: num(v, "price_min"),
        price_max: num(v, "price_max"),
        cancel_url: str(v, "cancel_url"),
    }
}

pub fn signup_request(r: &SignupRequest) -> String {
    let o = Object::new();
    put(&o, "branch", r.branch as f64);
    put(&o, "event", r.event as f64);
    put(&o, "seats", r.seats as f64);
    put(&o, "name", r.name.as_str());
    put(&o, "phone", r.phone.as_str());
    put_opt(&o, "email", &r.email);
    put_opt(&o, "comment", &r.comment);
    put(&o, "consent", r.consent);
    put_opt(&o, "code", &r.code);
    put_opt(&o, "website", &r.website);
    if let Some(a) = &r.attribution {
        put(&o, "attribution", attribution_js(a));
    }
    stringify(&o)
}

/// A sign-up read as a booking (for the calendar file and the summary).
pub fn as_booking(r: &SignupResult) -> BookingResult {
    BookingResult {
        id: r.id.clone(),
        branch: r.branch.clone(),
        address: r.address.clone(),
        datetime: r.datetime.clone(),
        timezone: r.timezone.clone(),
        length: r.length,
        services: r.services.clone(),
        staff: r.staff.clone(),
        price_min: r.price_min,
        price_max: r.price_max,
        cancel_url: r.cancel_url.clone(),
        cabinet: None,
    }
}

/// The `zapis:booked` detail of a sign-up: the booking's fields (as the booking widget sends
/// them, without the cancel link) with `kind: "event_signup"`, the event and the seats.
pub fn signup_js(r: &SignupResult) -> JsValue {
    let detail = crate::wire::booking_result_js(&as_booking(r));
    let o: &Object = wasm_bindgen::JsCast::unchecked_ref(&detail);
    put(o, "kind", "event_signup");
    put(o, "event", r.event as f64);
    put(o, "seats", r.seats);
    detail
}
