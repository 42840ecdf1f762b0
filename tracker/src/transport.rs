//! Sending batches: `navigator.sendBeacon` (text/plain, no CORS preflight), else `fetch` with
//! `keepalive`; a batch that could not go out (offline, beacon refused, fetch failed) waits in a
//! small localStorage queue and is sent again on the next page.

use super::js::{self, UNDEF};
use super::store;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

/// At most this many batches wait in the queue (the oldest go first)…
pub const QUEUE_MAX: usize = 10;
/// …and at most this many bytes.
pub const QUEUE_BYTES: usize = 64 * 1024;

/// `queue` (batches, one a line) with `body` appended, trimmed to the limits from the front.
pub fn queue_push(queue: &str, body: &str) -> String {
    let mut lines: Vec<&str> = queue.split('\n').filter(|l| !l.is_empty()).collect();
    lines.push(body);
    let mut bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut skip = 0;
    while skip < lines.len() && (lines.len() - skip > QUEUE_MAX || bytes > QUEUE_BYTES) {
        bytes -= lines[skip].len() + 1;
        skip += 1;
    }
    lines[skip..].join("\n")
}

/// Keeps `body` for the next page.
pub fn enqueue(body: &str) {
    let q = queue_push(&store::get(store::QUEUE).unwrap_or_default(), body);
    if q.is_empty() { store::del(store::QUEUE) } else { store::set(store::QUEUE, &q) }
}

/// Sends the batches queued by earlier pages.
pub fn retry(url: &str) {
    if let Some(q) = store::get(store::QUEUE) {
        store::del(store::QUEUE);
        for body in q.split('\n').filter(|l| !l.is_empty()) {
            send(url, body);
        }
    }
}

/// Sends one batch, or queues it.
pub fn send(url: &str, body: &str) {
    let n = js::root("navigator");
    if !js::get(&n, "onLine").is_truthy() {
        return enqueue(body);
    }
    let (u, b) = (JsValue::from_str(url), JsValue::from_str(body));
    if js::call(&n, "sendBeacon", &u, &b).is_truthy() {
        return;
    }
    // No beacon, or the browser refused it: fetch with keepalive. `no-cors` needs no CORS
    // headers from the server and still rejects on a network failure, which queues the batch.
    let init = js_sys::Object::new();
    for (k, v) in [("method", "POST".into()), ("body", b), ("keepalive", true.into()), ("mode", "no-cors".into())] {
        js::set(&init, k, &v);
    }
    let sent = js::call(&js::global(), "fetch", &u, &init);
    let kept = String::from(body);
    let failed = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| enqueue(&kept));
    if js::call(&sent, "catch", failed.as_ref(), &UNDEF).is_undefined() {
        enqueue(body); // no fetch either
    }
    failed.forget();
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn queue_keeps_the_newest_within_limits() {
        let mut q = String::new();
        for i in 0..15 {
            q = queue_push(&q, &i.to_string());
        }
        assert_eq!(q, "5\n6\n7\n8\n9\n10\n11\n12\n13\n14");
        let big = "x".repeat(40 * 1024);
        let q = queue_push(&queue_push(&queue_push("a", &big), &big), "b");
        assert_eq!(q.lines().map(str::len).collect::<Vec<_>>(), [40 * 1024, 1]);
        let huge = "y".repeat(QUEUE_BYTES + 1);
        assert_eq!(queue_push("a", &huge), "");
    }
}
