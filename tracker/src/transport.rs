//! Sending batches: `navigator.sendBeacon` (text/plain, no CORS preflight); a batch that cannot
//! go out (offline, or the beacon refused) waits in a small localStorage queue and is sent again
//! on the next page.

use super::buf::Buf;
use super::js;
use super::store;
use super::touch::Parts;

/// At most this many batches wait in the queue (the oldest go first)…
pub const QUEUE_MAX: usize = 10;
/// …and at most this many bytes.
pub const QUEUE_BYTES: usize = 64 * 1024;

/// Appends `body` to `q` (batches, one a line), dropping the oldest beyond the limits.
pub fn queue_push(q: &mut Buf, body: &str) {
    if !q.is_empty() {
        q.push("\n");
    }
    q.push(body);
    while q.len() > QUEUE_BYTES || q.bytes().filter(|&b| b == b'\n').count() >= QUEUE_MAX {
        let mut batches = Parts(q, b'\n');
        batches.part();
        *q = batches.0.into();
    }
}

/// Keeps `body` for the next page.
pub fn enqueue(body: &str) {
    let mut q = Buf::from(store::get(store::QUEUE));
    queue_push(&mut q, body);
    store::set(store::QUEUE, &q);
}

/// Sends the batches queued by earlier pages.
pub fn retry(url: &str) {
    let q = store::get(store::QUEUE);
    if !q.is_empty() {
        store::del(store::QUEUE);
        for body in Parts(q, b'\n') {
            if !body.is_empty() {
                send(url, body);
            }
        }
    }
}

/// Sends one batch, or queues it for the next page when offline or when the browser refuses
/// the beacon (no `sendBeacon`, or its in-flight quota of about 64 KB is used up). There is no
/// `fetch` fallback: `fetch` with `keepalive` shares that quota, so it is refused exactly when
/// the beacon is (it cost 0.12 KB gzip).
pub fn send(url: &str, body: &str) {
    if !js::is_true(&js::at("navigator.onLine"))
        || !js::is_true(&js::invoke(
            "navigator",
            "sendBeacon",
            &js::s(url),
            &js::s(body),
        ))
    {
        enqueue(body);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::buf::Buf;

    #[test]
    fn queue_keeps_the_newest_within_limits() {
        let mut q = Buf::new();
        for i in 0..15 {
            queue_push(&mut q, &i.to_string());
        }
        assert_eq!(q, "5\n6\n7\n8\n9\n10\n11\n12\n13\n14");
        let big = "x".repeat(40 * 1024);
        let mut q = Buf::from("a");
        for b in [big.as_str(), &big, "b"] {
            queue_push(&mut q, b);
        }
        assert_eq!(
            Parts(&q, b'\n').map(str::len).collect::<Vec<_>>(),
            [40 * 1024, 1]
        );
        let mut q = Buf::from("a");
        queue_push(&mut q, &"y".repeat(QUEUE_BYTES + 1));
        assert_eq!(q, "");
    }
}
