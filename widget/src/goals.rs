//! The site's analytics goals, fired when a visitor books (or signs up): Yandex Metrica's
//! `ym(id, 'reachGoal', 'zapis_booked')` when the page has Metrica, and
//! `dataLayer.push({event: 'zapis_booked', zapis: detail})` for GA4 / GTM. Here rather than in
//! embed.js, whose every byte each page of the site downloads.

use js_sys::{Array, Function, Object, Reflect};
use protocol::site::Goals;
use wasm_bindgen::{JsCast, JsValue};

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// `o[m](args…)`, when `o[m]` is a function; whatever it throws is the page's.
fn call(o: &JsValue, m: &str, args: &Array) {
    if let Ok(f) = get(o, m).dyn_into::<Function>() {
        let _ = f.apply(o, args);
    }
}

pub fn fire(goals: &Goals, detail: &JsValue) {
    let Some(w) = web_sys::window() else { return };
    let w: JsValue = w.into();
    const GOAL: &str = "zapis_booked";
    // (An integer parse: a float one would bring 10 KB of dec2flt into the widget.)
    if let Some(id) = goals
        .metrika
        .as_deref()
        .and_then(|m| m.trim().parse::<u32>().ok())
    {
        call(
            &w,
            "ym",
            &Array::of3(&id.into(), &"reachGoal".into(), &GOAL.into()),
        );
    }
    if goals.ga4 {
        let mut layer = get(&w, "dataLayer");
        if !Array::is_array(&layer) {
            layer = Array::new().into();
            let _ = Reflect::set(&w, &"dataLayer".into(), &layer);
        }
        let event = Object::new();
        let _ = Reflect::set(&event, &"event".into(), &GOAL.into());
        let _ = Reflect::set(&event, &"zapis".into(), detail);
        // GTM replaces `dataLayer.push` with its own: call the page's method, not Array's.
        call(&layer, "push", &Array::of1(&event));
    }
}
