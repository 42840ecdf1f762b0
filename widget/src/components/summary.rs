//! A list of label / value pairs: what is being booked, or what was booked.

use crate::dom::{El, el};

pub fn summary(rows: Vec<(&'static str, String)>) -> El {
    el("dl").cls("zw-sum").testid("summary").kids(
        rows.into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| el("div").child(el("dt").text(k)).child(el("dd").text(&v))),
    )
}
