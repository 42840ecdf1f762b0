//! Charts as inline SVG (no scripts, nothing loaded): horizontal bars with labels and values.
//! Each chart has a title and a description for screen readers; the page also shows the same
//! numbers in a table or list.

use super::html::Html;

pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as shown beside the bar.
    pub shown: String,
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 190.0;
const VALUE_W: f64 = 110.0;
const ROW: f64 = 30.0;
const BAR_H: f64 = 20.0;

/// A horizontal bar chart; bars scale to the largest value.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> Html {
    let mut h = Html::new();
    let height = (bars.len().max(1) as f64) * ROW + 10.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    h.put(
        "<svg class=\"chart\" id=\"{}\" role=\"img\" aria-labelledby=\"{}-title {}-desc\" viewBox=\"0 0 {} {}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">",
        &[&id, &id, &id, &WIDTH, &height],
    );
    h.put(
        "<title id=\"{}-title\">{}</title><desc id=\"{}-desc\">{}</desc>",
        &[&id, &title, &id, &desc],
    );
    let span = WIDTH - LABEL_W - VALUE_W;
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * ROW;
        let w = if max > 0.0 {
            (b.value / max * span).max(if b.value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        let text_y = y + BAR_H * 0.75;
        h.put(
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            &[
                &format!("{:.0}", LABEL_W - 8.0),
                &format!("{text_y:.1}"),
                &short(&b.label),
            ],
        );
        h.put(
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"></rect>",
            &[&LABEL_W, &format!("{y:.1}"), &format!("{w:.1}"), &BAR_H],
        );
        h.put(
            "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
            &[
                &format!("{:.1}", LABEL_W + w + 6.0),
                &format!("{text_y:.1}"),
                &b.shown,
            ],
        );
    }
    h.raw("</svg>");
    h
}

/// Labels longer than the label column are cut with an ellipsis.
fn short(s: &str) -> String {
    const MAX: usize = 26;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        s.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_escapes_its_labels_and_scales_to_the_largest_bar() {
        let svg = bars(
            "c",
            "T",
            "D",
            &[
                Bar {
                    label: "<b>".into(),
                    value: 10.0,
                    shown: "10".into(),
                },
                Bar {
                    label: "b".into(),
                    value: 5.0,
                    shown: "5".into(),
                },
            ],
        )
        .finish();
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains("width=\"340.0\"") && svg.contains("width=\"170.0\""));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
