//! Visitor and session ids: 128 random bits from `crypto.getRandomValues`, as 32 lowercase hex
//! chars (`protocol::track::is_id`).

use super::buf::Buf;
use super::touch::Parts;

/// A fresh random id from `crypto.getRandomValues` (every browser that runs the wasm-bindgen
/// glue, which needs reference types, has it).
pub fn new_id() -> super::Text {
    hex(super::js::random16()).text()
}

/// Bytes written as decimals separated by commas (`String(uint8Array)`), as lowercase hex.
pub fn hex(bytes: &str) -> Buf {
    let mut s = Buf::new();
    for b in Parts(bytes, b',') {
        super::json::hex_byte(&mut s, super::touch::number(b) as u8);
    }
    s
}

/// 32 lowercase hex chars.
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The value of cookie `name` in a `document.cookie` string.
pub fn cookie_value<'a>(cookies: &'a str, name: &str) -> &'a str {
    for c in Parts(cookies, b';') {
        let mut kv = Parts(c.strip_prefix(" ").unwrap_or(c), b'=');
        if kv.part() == name {
            return kv.0;
        }
    }
    ""
}

/// A `document.cookie` assignment: first-party, whole site, `max_age` seconds (0 deletes).
pub fn cookie_line(name: &str, value: &str, max_age: u32, secure: bool) -> Buf {
    let mut s = Buf::from(name);
    s.push("=");
    s.push(value);
    s.push("; Path=/; SameSite=Lax; Max-Age=");
    super::json::num(&mut s, max_age as u64);
    if secure {
        s.push("; Secure");
    }
    s
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lowercase_hex() {
        let id = hex("0,1,171,255,16,32,48,64,80,96,112,128,144,160,176,192");
        assert_eq!(id, "0001abff102030405060708090a0b0c0");
        assert!(is_id(&id) && protocol::track::is_id(&id));
        for bad in [
            "",
            "0001ABFF102030405060708090a0b0c0",
            "0001abff102030405060708090a0b0c",
            "g001abff102030405060708090a0b0c0",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn cookies() {
        let c = "a=1; zapis_vid=abc; xzapis_vid=no; zapis_vid2=no";
        assert_eq!(cookie_value(c, "zapis_vid"), "abc");
        assert_eq!(cookie_value("zapis_vid2=x;zapis_vid=y", "zapis_vid"), "y");
        assert_eq!(cookie_value("", "zapis_vid"), "");
        assert_eq!(
            cookie_line("k", "v", 31_536_000, true),
            "k=v; Path=/; SameSite=Lax; Max-Age=31536000; Secure"
        );
        assert_eq!(
            cookie_line("k", "", 0, false),
            "k=; Path=/; SameSite=Lax; Max-Age=0"
        );
    }
}
