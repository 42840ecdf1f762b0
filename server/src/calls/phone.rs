//! Phones as YCLIENTS wants them (digits only) and as the site writes them. A leaf: the PBX
//! decoders and the fuzz targets use it alone.

/// A phone's digits as YCLIENTS wants them (`+7 (495) 123-45-67` → `74951234567`); `None`
/// unless 10–15 digits with only `+`, spaces, brackets, dashes and dots around them. A Russian
/// 11-digit number written with a leading 8 becomes 7.
pub fn digits(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let mut out = String::with_capacity(raw.len());
    for (i, c) in raw.chars().enumerate() {
        match c {
            '0'..='9' => out.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
            _ => return None,
        }
    }
    if out.len() == 11 && out.starts_with('8') {
        out.replace_range(0..1, "7");
    }
    (10..=15).contains(&out.len()).then_some(out)
}

/// `number` (digits) written like `template` (the site's default number): each digit of the
/// template replaced in order, so the shown number keeps the page's format and width. When the
/// digit counts differ, `+` and the digits.
pub fn format_like(template: &str, number: &str) -> String {
    let t_digits = template.chars().filter(char::is_ascii_digit).count();
    // An 8-prefixed template keeps its 8: the number's 7 is written as 8.
    let eight = template.trim_start().starts_with('8') && number.starts_with('7');
    if t_digits != number.len() {
        return format!("+{number}");
    }
    let mut digits = number.chars();
    let mut first = true;
    template
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                let d = digits.next().unwrap_or(c);
                let d = if first && eight { '8' } else { d };
                first = false;
                d
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_digits_as_yclients_wants_them() {
        assert_eq!(digits("+7 (495) 123-45-67").unwrap(), "74951234567");
        assert_eq!(digits("8 495 123 45 67").unwrap(), "74951234567");
        assert_eq!(digits("74951234567").unwrap(), "74951234567");
        assert_eq!(digits("12345"), None);
        assert_eq!(digits("+7 495 CALL-NOW"), None);
        assert_eq!(digits("7+4951234567"), None);
    }

    #[test]
    fn a_pool_number_is_shown_in_the_format_of_the_default_number() {
        assert_eq!(
            format_like("+7 (495) 123-45-67", "74951000001"),
            "+7 (495) 100-00-01"
        );
        assert_eq!(
            format_like("8 800 555-35-35", "74951000001"),
            "8 495 100-00-01"
        );
        assert_eq!(format_like("123-45-67", "74951000001"), "+74951000001");
    }
}
