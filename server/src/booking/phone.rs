//! A phone number parsed at the edge: what YCLIENTS wants is digits with the country code and
//! no `+` (`79161234567`).

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a phone number")]
pub struct InvalidPhone;

impl PhoneNumber {
    /// Accepts what people type: `+7 (916) 123-45-67`, `8 916 123 45 67`, `9161234567`,
    /// `+44 20 7946 0958`. Russian trunk `8` and bare 10-digit mobile numbers become `7…`.
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 32 {
            return Err(InvalidPhone);
        }
        let plus = trimmed.starts_with('+');
        let mut digits = String::with_capacity(16);
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
                _ => return Err(InvalidPhone),
            }
        }
        let normalized = match (plus, digits.len(), digits.as_bytes().first()) {
            (false, 11, Some(b'8')) => format!("7{}", &digits[1..]),
            (false, 10, Some(b'9')) => format!("7{digits}"),
            (_, 11, Some(b'7')) => digits,
            (true, 8..=15, Some(first)) if *first != b'0' => digits,
            _ => return Err(InvalidPhone),
        };
        if normalized.starts_with('7') && normalized.len() != 11 {
            return Err(InvalidPhone);
        }
        Ok(Self(normalized))
    }

    /// Digits with the country code, no `+`.
    pub fn as_digits(&self) -> &str {
        &self.0
    }
}

/// Masked, so a phone never reaches a log line by accident: `7916*****67`.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        let keep = d.len().min(4);
        write!(
            f,
            "{}{}{}",
            &d[..keep],
            "*".repeat(d.len().saturating_sub(keep + 2)),
            &d[d.len().saturating_sub(2)..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::PhoneNumber;

    #[test]
    fn russian_numbers_in_every_usual_form_become_the_same_digits() {
        for input in [
            "+7 (916) 123-45-67",
            "8 916 123 45 67",
            "79161234567",
            "9161234567",
            "+7-916-123-45-67",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_digits(),
                "79161234567",
                "{input}"
            );
        }
    }

    #[test]
    fn international_numbers_need_a_plus() {
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958").unwrap().as_digits(),
            "442079460958"
        );
        assert_eq!(
            PhoneNumber::parse("+375 29 123-45-67").unwrap().as_digits(),
            "375291234567"
        );
        assert!(PhoneNumber::parse("442079460958").is_err());
    }

    #[test]
    fn junk_is_refused() {
        for input in [
            "",
            "12345",
            "+7 916 123",
            "phone",
            "+7 (916) 123-45-67 ext 5",
            "+0123456789",
            "8916123456789",
            "'; DROP TABLE--",
        ] {
            assert!(PhoneNumber::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn debug_output_masks_the_number() {
        let p = PhoneNumber::parse("+7 916 123 45 67").unwrap();
        assert_eq!(format!("{p:?}"), "7916*****67");
    }
}
