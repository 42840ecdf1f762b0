//! URL pieces, from `percent-encoding`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment.
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_segment_keeps_unreserved_characters_only() {
        assert_eq!(super::seg("a b/ц"), "a%20b%2F%D1%86");
        assert_eq!(super::seg("A-z.0_9~"), "A-z.0_9~");
    }
}
