//! Checks on what the visitor types, run on every keystroke, and the phone mask. The server
//! parses and normalises the phone again; this only keeps obvious mistakes from a round trip.

use crate::i18n::Texts;

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A Russian number: typed with `+7`, or without a plus starting with 7, 8 or 9.
fn is_russian(raw: &str, d: &str) -> bool {
    let plus = raw.trim_start().starts_with('+');
    match d.as_bytes().first() {
        Some(b'7') => true,
        Some(b'8' | b'9') => !plus,
        _ => false,
    }
}

/// Formats a phone as it is typed: `+7 (916) 123-45-67` for Russian numbers (8… and 9… become
/// +7…), `+` and up to 15 digits for any other country.
pub fn mask_phone(raw: &str) -> String {
    let d = digits(raw);
    if d.is_empty() {
        return if raw.contains('+') {
            "+".into()
        } else {
            String::new()
        };
    }
    if !is_russian(raw, &d) {
        return format!("+{}", &d[..d.len().min(15)]);
    }
    let national: String = match d.as_bytes()[0] {
        b'9' => d.chars().take(10).collect(),
        _ => d.chars().skip(1).take(10).collect(),
    };
    let mut out = String::from("+7");
    for (i, c) in national.chars().enumerate() {
        match i {
            0 => out.push_str(" ("),
            3 => out.push_str(") "),
            6 | 8 => out.push('-'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Drops the last digit: what Backspace means when it only hit a mask character.
pub fn drop_last_digit(masked: &str) -> String {
    match masked.rfind(|c: char| c.is_ascii_digit()) {
        Some(i) => mask_phone(&masked[..i]),
        None => String::new(),
    }
}

pub fn phone_error(t: &'static Texts, phone: &str) -> Option<&'static str> {
    let d = digits(phone);
    if d.is_empty() {
        return Some(t.err_phone_empty);
    }
    let complete = if is_russian(phone, &d) {
        d.len() == 11
    } else {
        (8..=15).contains(&d.len())
    };
    (!complete).then_some(t.err_phone)
}

pub fn name_error(t: &'static Texts, name: &str) -> Option<&'static str> {
    name.trim().is_empty().then_some(t.err_name)
}

/// Empty is fine unless `required`; otherwise one `@` with a dotted domain and no spaces.
pub fn email_error(t: &'static Texts, email: &str, required: bool) -> Option<&'static str> {
    let e = email.trim();
    if e.is_empty() {
        return required.then_some(t.err_email);
    }
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.contains(char::is_whitespace)
        }
        None => false,
    };
    (!ok).then_some(t.err_email)
}

pub fn comment_error(t: &'static Texts, comment: &str, required: bool) -> Option<&'static str> {
    (required && comment.trim().is_empty()).then_some(t.err_comment)
}
