//! HTML escaping: the escaper of the askama templates in `server/templates/` and [`esc`] for the
//! few fragments built outside a template (the embed's float button).

use std::fmt::{self, Write};

use askama::filters::Escaper;

/// Escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = Escape.write_escaped_str(&mut out, s);
    out
}

/// askama's escaper for `.html` templates (`server/askama.toml`): `&`, `<`, `>`, `"` and `'`
/// as named entities where askama's own writes numeric ones (`&#60;`), so the markup reads as it
/// did when the pages were written by hand.
#[derive(Debug, Clone, Copy, Default)]
pub struct Escape;

impl Escaper for Escape {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut last = 0;
        for (i, b) in string.bytes().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&string[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&string[last..])
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn the_five_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(esc("a\"b<c>&d'ц"), "a&quot;b&lt;c&gt;&amp;d&#39;ц");
    }
}
