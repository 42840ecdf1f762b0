//! Charts as inline SVG (no scripts, nothing loaded): horizontal bars with labels and values.
//! Each chart has a title and a description for screen readers; the page also shows the same
//! numbers in a table or list.

use askama::Template;

use super::render;

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

#[derive(Template)]
#[template(path = "dashboard/chart.html")]
struct Chart<'a> {
    id: &'a str,
    title: &'a str,
    desc: &'a str,
    width: f64,
    height: f64,
    label_x: String,
    label_w: f64,
    bar_h: f64,
    bars: Vec<BarRow>,
}

/// One bar's numbers, formatted as the SVG attributes want them.
struct BarRow {
    label: String,
    shown: String,
    y: String,
    w: String,
    text_y: String,
    value_x: String,
}

/// A horizontal bar chart (SVG markup); bars scale to the largest value.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let span = WIDTH - LABEL_W - VALUE_W;
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = 5.0 + i as f64 * ROW;
            let w = if max > 0.0 {
                (b.value / max * span).max(if b.value > 0.0 { 2.0 } else { 0.0 })
            } else {
                0.0
            };
            let text_y = y + BAR_H * 0.75;
            BarRow {
                label: short(&b.label),
                shown: b.shown.clone(),
                y: format!("{y:.1}"),
                w: format!("{w:.1}"),
                text_y: format!("{text_y:.1}"),
                value_x: format!("{:.1}", LABEL_W + w + 6.0),
            }
        })
        .collect();
    render(&Chart {
        id,
        title,
        desc,
        width: WIDTH,
        height: (bars.len().max(1) as f64) * ROW + 10.0,
        label_x: format!("{:.0}", LABEL_W - 8.0),
        label_w: LABEL_W,
        bar_h: BAR_H,
        bars: rows,
    })
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
        );
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains("width=\"340.0\"") && svg.contains("width=\"170.0\""));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
