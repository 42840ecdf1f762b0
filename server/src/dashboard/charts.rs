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

/// One column of a [`columns`] chart.
pub struct Column {
    /// The day, as the owner reads it (`13.07`).
    pub label: String,
    pub value: f64,
    pub shown: String,
}

const COL_W: f64 = 720.0;
const COL_H: f64 = 150.0;
/// Room above the bars (the largest value) and below them (the dates).
const COL_TOP: f64 = 18.0;
const COL_BOTTOM: f64 = 18.0;

#[derive(Template)]
#[template(path = "dashboard/columns.html")]
struct Columns<'a> {
    id: &'a str,
    title: &'a str,
    desc: &'a str,
    width: f64,
    height: f64,
    /// The largest value, shown at the top.
    max: &'a str,
    columns: Vec<ColumnRow>,
    /// `(x, label, text-anchor)` of the dates written under the bars.
    ticks: Vec<(String, String, &'static str)>,
}

struct ColumnRow {
    label: String,
    shown: String,
    x: String,
    y: String,
    w: String,
    h: String,
}

/// A vertical bar chart (SVG markup), a bar per point scaled to the largest; the first, middle
/// and last labels are written under the bars, every bar has its own tooltip.
pub fn columns(id: &str, title: &str, desc: &str, max_shown: &str, points: &[Column]) -> String {
    let max = points.iter().map(|p| p.value).fold(0.0_f64, f64::max);
    let n = points.len().max(1) as f64;
    let slot = COL_W / n;
    let w = (slot * 0.75).max(1.0);
    let span = COL_H - COL_TOP - COL_BOTTOM;
    let columns = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = if max > 0.0 {
                (p.value / max * span).max(if p.value > 0.0 { 1.5 } else { 0.0 })
            } else {
                0.0
            };
            ColumnRow {
                label: p.label.clone(),
                shown: p.shown.clone(),
                x: format!("{:.1}", i as f64 * slot + (slot - w) / 2.0),
                y: format!("{:.1}", COL_TOP + span - h),
                w: format!("{w:.1}"),
                h: format!("{h:.1}"),
            }
        })
        .collect();
    let mut ticks = Vec::new();
    if let Some(first) = points.first() {
        ticks.push(("0".to_owned(), first.label.clone(), "start"));
    }
    if points.len() > 2 {
        let mid = points.len() / 2;
        ticks.push((
            format!("{:.1}", mid as f64 * slot + slot / 2.0),
            points[mid].label.clone(),
            "middle",
        ));
    }
    if let Some(last) = points.last().filter(|_| points.len() > 1) {
        ticks.push((format!("{COL_W:.1}"), last.label.clone(), "end"));
    }
    render(&Columns {
        id,
        title,
        desc,
        width: COL_W,
        height: COL_H,
        max: max_shown,
        columns,
        ticks,
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
