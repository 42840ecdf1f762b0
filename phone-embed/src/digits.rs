//! Phone numbers in page text, found and rewritten in the page's own format: the same characters
//! in the same places, only the digits changed, so nothing on the page moves.
//!
//! A number in text is a run of digits and separators (spaces, no-break spaces, `-`, `.`,
//! brackets, a leading `+`) holding 10 to 15 digits. Two numbers are the same when their digits
//! are, reading an 11-digit number that starts with `8` as Russia's `7`, and a 10-digit one as
//! the same number without its country code (`(495) 123-45-67` is `+7 495 123-45-67`).

use std::ops::Range;

/// Digits only, with an 11-digit `8…` read as `7…`.
pub fn normal(text: &str) -> String {
    let mut d: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
    if d.len() == 11 && d[0] == b'8' {
        d[0] = b'7';
    }
    ascii(d)
}

/// Bytes known to be ASCII digits, or UTF-8 whose ASCII digits alone were changed, as a String.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// The length of the separator at `b[i..]` (0: none). Bytes, not chars: the module stays free
/// of `str` slicing and its panic paths (a third of the wasm otherwise).
fn separator(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'-' | b'.' | b'(' | b')' => 1,
        // U+00A0 no-break space
        0xc2 if b.get(i + 1) == Some(&0xa0) => 2,
        // U+2011 non-breaking hyphen, U+2013 en dash, U+202F narrow no-break space
        0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x91 | 0x93 | 0xaf)) => {
            3
        }
        _ => 0,
    }
}

/// The byte ranges of phone-like runs in `text`.
pub fn runs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let digit_next = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        let starts = b[i].is_ascii_digit() || ((b[i] == b'+' || b[i] == b'(') && digit_next);
        if !starts || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // Extend over digits and separators; the run ends at its last digit.
        let start = i;
        let mut stop = start;
        let mut n = 0;
        i += 1;
        if b[start].is_ascii_digit() {
            stop = i;
            n = 1;
        }
        while i < b.len() {
            if b[i].is_ascii_digit() {
                i += 1;
                stop = i;
                n += 1;
            } else {
                match separator(b, i) {
                    0 => break,
                    len => i += len,
                }
            }
        }
        if (10..=15).contains(&n) {
            out.push(start..stop);
        }
        i = i.max(start + 1);
    }
    out
}

/// `run`'s digits, the same number as `number` (normalised digits)?
pub fn same(run: &str, number: &str) -> bool {
    let d = normal(run);
    d == number || (d.len() == 10 && number.len() == 11 && number.ends_with(&d))
}

/// `run` with `to`'s digits (normalised) in its own format; `None` when the counts differ in a
/// way positions cannot carry (the caller then writes `to` formatted by the server).
pub fn rewrite_run(run: &str, to: &str) -> Option<String> {
    let digits = run.bytes().filter(u8::is_ascii_digit).count();
    let to = to.as_bytes();
    let source = if digits == to.len() {
        to
    } else if digits == 10 && to.len() == 11 {
        to.get(1..)?
    } else {
        return None;
    };
    let mut out = run.as_bytes().to_vec();
    for (k, c) in out.iter_mut().filter(|c| c.is_ascii_digit()).enumerate() {
        // `8 (495) …` stays `8 (…) …`: the trunk prefix the page chose.
        let keep = k == 0 && *c == b'8' && source[0] == b'7' && digits == 11;
        if !keep {
            *c = source[k];
        }
    }
    Some(ascii(out))
}

/// `text` with every run that is one of `from` rewritten to `to` (all runs when `any`, for
/// elements the owner marked); `formatted` is used where positions cannot carry the digits.
/// `None` when nothing changed.
pub fn rewrite(
    text: &str,
    from: &[String],
    to: &str,
    formatted: &str,
    any: bool,
) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut at = 0;
    let mut changed = false;
    for r in runs(text) {
        // Runs start and end on ASCII bytes: char boundaries.
        let run = text.get(r.clone())?;
        if normal(run) == to || !(any || from.iter().any(|f| same(run, f))) {
            continue;
        }
        out.extend_from_slice(&b[at..r.start]);
        let new = rewrite_run(run, to).unwrap_or_else(|| formatted.to_owned());
        out.extend_from_slice(new.as_bytes());
        at = r.end;
        changed = true;
    }
    changed.then(|| {
        out.extend_from_slice(&b[at..]);
        ascii(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = "74951234567";
    const POOL: &str = "74957654321";

    fn swap(text: &str) -> Option<String> {
        rewrite(text, &[DEFAULT.into()], POOL, "+7 495 765-43-21", false)
    }

    #[test]
    fn the_salons_number_in_any_format_becomes_the_visitors_in_the_same_format() {
        assert_eq!(
            swap("Звоните: +7 (495) 123-45-67!").unwrap(),
            "Звоните: +7 (495) 765-43-21!"
        );
        assert_eq!(swap("8 495 123 45 67").unwrap(), "8 495 765 43 21");
        assert_eq!(swap("(495) 123-45-67").unwrap(), "(495) 765-43-21");
        assert_eq!(swap("+74951234567").unwrap(), "+74957654321");
        assert_eq!(
            swap("8\u{a0}495\u{a0}123-45-67").unwrap(),
            "8\u{a0}495\u{a0}765-43-21"
        );
    }

    #[test]
    fn other_numbers_and_short_digit_runs_are_left_alone() {
        assert_eq!(swap("+7 495 000-00-00"), None);
        assert_eq!(swap("ул. Тверская, 12, офис 3"), None);
        assert_eq!(swap("с 10:00 до 21:00, 2024-12-01"), None);
        assert_eq!(swap("ИНН 7701234567890"), None);
    }

    #[test]
    fn several_copies_on_one_line_all_change() {
        assert_eq!(
            swap("+7 495 123-45-67 или 8 (495) 123-45-67").unwrap(),
            "+7 495 765-43-21 или 8 (495) 765-43-21"
        );
    }

    #[test]
    fn a_marked_element_takes_the_number_whatever_it_showed() {
        let marked = rewrite("тел. 8 800 555-35-35", &[], POOL, "+7 495 765-43-21", true);
        assert_eq!(marked.unwrap(), "тел. 8 495 765-43-21");
        let odd = rewrite("+44 20 7946 0958 12", &[], POOL, "+7 495 765-43-21", true);
        assert_eq!(odd.unwrap(), "+7 495 765-43-21");
    }

    #[test]
    fn rewriting_again_changes_nothing() {
        let once = swap("+7 (495) 123-45-67").unwrap();
        assert_eq!(swap(&once), None);
        assert_eq!(rewrite(&once, &[], POOL, "", true), None);
    }

    #[test]
    fn a_number_shown_earlier_is_replaced_when_the_pool_gives_another() {
        let from = [DEFAULT.to_string(), POOL.to_string()];
        let next = rewrite("+7 495 765-43-21", &from, "74950001122", "", false);
        assert_eq!(next.unwrap(), "+7 495 000-11-22");
    }
}
