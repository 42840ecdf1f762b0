//! Hand-built JSON for `protocol::track::Batch` and the booking context (no serde, no `format!`:
//! both would cost kilobytes in the wasm). Pure functions; this file's native tests (`mod tests`)
//! and the browser tests (`tests/web.rs`) parse their output with the server's own serde types.

use super::buf::Buf;

/// A JSON string literal, escaped: `JSON.stringify(s)` (a Rust escaper costs 0.15 KB gzip).
#[cfg(target_arch = "wasm32")]
pub fn string(out: &mut Buf, s: &str) {
    let q = super::js::invoke("JSON", "stringify", &super::js::s(s), &super::js::UNDEF);
    out.push(super::js::str(&q));
}
/// The same on the host, for the native tests.
#[cfg(not(target_arch = "wasm32"))]
pub fn string(out: &mut Buf, s: &str) {
    out.push("\"");
    let mut run = 0; // start of the bytes not yet copied
    for (i, &c) in s.as_bytes().iter().enumerate() {
        if c == b'"' || c == b'\\' || c < 0x20 {
            out.push(s.get(run..i).unwrap_or(""));
            out.push("\\");
            if c < 0x20 {
                out.push("u00");
                hex_byte(out, c);
            } else {
                out.push(if c == b'"' { "\"" } else { "\\" });
            }
            run = i + 1;
        }
    }
    out.push(s.get(run..).unwrap_or(""));
    out.push("\"");
}

pub const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends ASCII bytes.
fn ascii(out: &mut Buf, b: &[u8]) {
    // SAFETY: callers pass ASCII digits only.
    out.push(unsafe { core::str::from_utf8_unchecked(b) });
}

/// Two lowercase hex digits.
pub fn hex_byte(out: &mut Buf, b: u8) {
    ascii(out, &[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
}

/// A decimal number.
pub fn num(out: &mut Buf, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    ascii(out, &buf[i..]);
}

/// `,"key":` (or `"key":` when `first`). Keys are trusted literals.
pub fn key(out: &mut Buf, k: &str) {
    if !out.ends_with("{") {
        out.push(",");
    }
    out.push("\"");
    out.push(k);
    out.push("\":");
}

pub fn field(out: &mut Buf, k: &str, v: &str) {
    if !v.is_empty() {
        key(out, k);
        string(out, v);
    }
}

/// `protocol::track::Event`. `props` is a JSON object text (already checked by the caller) or empty.
pub fn event(out: &mut Buf, t: &str, ts: u64, path: &str, title: &str, name: &str, props: &str) {
    out.push("{");
    field(out, "t", t);
    key(out, "ts");
    num(out, ts);
    key(out, "path");
    string(out, path);
    field(out, "title", title);
    field(out, "name", name);
    if !props.is_empty() {
        key(out, "props");
        out.push(props);
    }
    out.push("}");
}

/// Everything of a `Batch` before its events: `{"site":…,"started":N,"events":[`.
/// A batch is `head + events joined by ',' + "]}"`.
/// `touch` is a touch's JSON.
pub fn head(site: &str, vid: &str, sid: &str, touch: &str, started: u64) -> Buf {
    let mut out = Buf::from("{");
    field(&mut out, "site", site);
    field(&mut out, "vid", vid);
    field(&mut out, "sid", sid);
    key(&mut out, "touch");
    out.push(touch);
    key(&mut out, "started");
    num(&mut out, started);
    key(&mut out, "events");
    out.push("[");
    out
}

/// The booking context the widget sends with a booking: `{vid, sid, first, last|null}`, from
/// touches' JSON.
pub fn context(vid: &str, sid: &str, first: &str, last: Option<&str>) -> Buf {
    let mut out = Buf::from("{");
    field(&mut out, "vid", vid);
    field(&mut out, "sid", sid);
    key(&mut out, "first");
    out.push(first);
    key(&mut out, "last");
    out.push(last.unwrap_or("null"));
    out.push("}");
    out
}

/// `true` when `s` looks like a JSON object (what `JSON.stringify` of an object gives).
pub fn is_object(s: &str) -> bool {
    s.starts_with("{") && s.ends_with("}")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::buf::Buf;

    fn s(v: &str) -> String {
        let mut o = Buf::new();
        string(&mut o, v);
        o.to_string()
    }

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(s("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(s("x\ny\u{1}"), "\"x\\u000ay\\u0001\"");
        assert_eq!(s("Стрижка — 1 500 ₽"), "\"Стрижка — 1 500 ₽\"");
    }

    #[test]
    fn numbers() {
        for n in [0u64, 7, 10, 1_700_000_000_123, u64::MAX] {
            let mut o = Buf::new();
            num(&mut o, n);
            assert_eq!(&*o, n.to_string());
        }
    }

    #[test]
    fn event_leaves_out_empty_fields() {
        let mut o = Buf::new();
        event(&mut o, "pageview", 5, "/a?b=1", "", "", "");
        assert_eq!(o, r#"{"t":"pageview","ts":5,"path":"/a?b=1"}"#);
        o.clear();
        event(&mut o, "custom", 6, "/", "T", "call", r#"{"x":1}"#);
        assert_eq!(
            o,
            r#"{"t":"custom","ts":6,"path":"/","title":"T","name":"call","props":{"x":1}}"#
        );
    }

    #[test]
    fn objects() {
        assert!(is_object("{}") && is_object(r#"{"a":[1]}"#));
        assert!(!is_object("[1]") && !is_object("null") && !is_object("\"{}\"") && !is_object(""));
    }

    /// The contract with the server: what the tracker writes, `protocol` reads.
    #[test]
    fn batches_and_contexts_parse_as_the_server_reads_them() {
        use crate::touch::tests::{page_at, wire};
        use protocol::track::{
            Batch, Channel, EventType, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, MAX_TEXT, is_id,
        };
        assert_eq!(
            (
                crate::MAX_EVENTS as usize,
                crate::MAX_BYTES,
                crate::touch::MAX_TEXT
            ),
            (MAX_EVENTS_PER_BATCH, MAX_BATCH_BYTES, MAX_TEXT)
        );
        let (vid, sid) = (
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
        );
        let t = page_at(
            "utm_source=vk&utm_campaign=spring",
            "https://vk.com/feed",
            1_700_000_000_000,
        );
        let mut b = head("demo", vid, sid, t.json, 1_700_000_000_000);
        let events = [
            ("pageview", "/услуги?x=1", "Услуги — \"Салон\"\n\t", "", ""),
            (
                "custom",
                "/",
                "",
                "call",
                r#"{"phone":true,"n":2,"s":"a\"b"}"#,
            ),
            ("widget_open", "/", "", "", ""),
            ("booked", "/", "", "", r#"{"id":"b1"}"#),
        ];
        for (i, (ty, path, title, name, props)) in events.iter().enumerate() {
            if i > 0 {
                b.push(",");
            }
            event(
                &mut b,
                ty,
                1_700_000_000_001 + i as u64,
                path,
                title,
                name,
                props,
            );
        }
        b.push("]}");
        let batch: Batch = serde_json::from_str(&b).unwrap_or_else(|e| panic!("{e}: {b}"));
        assert_eq!(
            (batch.site.as_str(), batch.vid.as_str(), batch.sid.as_str()),
            ("demo", vid, sid)
        );
        assert!(is_id(&batch.vid) && is_id(&batch.sid));
        assert_eq!(batch.started, 1_700_000_000_000);
        assert_eq!(batch.touch, wire(&t));
        assert_eq!(
            (batch.touch.ch, batch.touch.campaign.as_deref()),
            (Channel::Direct, Some("spring")) // (no `ch`: the server classifies)
        );
        let types: Vec<_> = batch.events.iter().map(|e| e.t).collect();
        assert_eq!(
            types,
            [
                EventType::Pageview,
                EventType::Custom,
                EventType::WidgetOpen,
                EventType::Booked
            ]
        );
        let (pv, custom) = (&batch.events[0], &batch.events[1]);
        assert_eq!(
            (pv.ts, pv.path.as_str(), pv.title.as_deref()),
            (
                1_700_000_000_001,
                "/услуги?x=1",
                Some("Услуги — \"Салон\"\n\t")
            )
        );
        assert_eq!(
            (custom.name.as_deref(), custom.title.as_deref()),
            (Some("call"), None)
        );
        let props = custom.props.as_ref().unwrap();
        assert_eq!(
            (
                props["phone"].as_bool(),
                props["n"].as_u64(),
                props["s"].as_str()
            ),
            (Some(true), Some(2), Some("a\"b"))
        );
        assert_eq!(batch.events[3].props.as_ref().unwrap()["id"], "b1");

        let first = page_at("", "", 1);
        for last in [Some(&t), None] {
            let c = context(vid, sid, first.json, last.map(|t| t.json));
            let v: serde_json::Value =
                serde_json::from_str(&c).unwrap_or_else(|e| panic!("{e}: {c}"));
            assert_eq!(
                (v["vid"].as_str(), v["sid"].as_str()),
                (Some(vid), Some(sid))
            );
            let first_back: protocol::track::Touch =
                serde_json::from_value(v["first"].clone()).unwrap();
            assert_eq!(first_back, wire(&first));
            match last {
                Some(t) => assert_eq!(
                    serde_json::from_value::<protocol::track::Touch>(v["last"].clone()).unwrap(),
                    wire(t)
                ),
                None => assert!(v["last"].is_null()),
            }
        }
    }
}
