//! A list of label / value pairs: what is being booked, or what was booked.

use leptos::prelude::*;

/// Rows with an empty value are left out.
#[component]
pub fn Summary(rows: Vec<(&'static str, String)>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
        .collect_view();
    view! { <dl class="zw-sum" data-testid="summary">{rows}</dl> }
}
