//! Prometheus metrics at `GET /metrics`: HTTP requests, cache lookups, upstream calls and
//! bookings by outcome, ingested events. Counters only; a small registry of our own. Served by
//! `ops::http`.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use crate::booking::cache::Hit;

#[derive(Clone, Default)]
pub struct Metrics {
    counters: Arc<Mutex<BTreeMap<(&'static str, String), u64>>>,
}

const HELP: &[(&str, &str)] = &[
    (
        "zapis_http_requests_total",
        "HTTP requests by route and status.",
    ),
    (
        "zapis_cache_lookups_total",
        "Catalog cache lookups by kind and result (fresh, stale, shared, miss).",
    ),
    (
        "zapis_upstream_calls_total",
        "YCLIENTS calls made for bookings, by operation and outcome.",
    ),
    ("zapis_bookings_total", "Bookings by outcome."),
    ("zapis_events_ingested_total", "Tracker events stored."),
    (
        "zapis_webhooks_total",
        "YCLIENTS webhook deliveries by result (received, duplicate, refused, processed, ignored, failed).",
    ),
    (
        "zapis_reconcile_total",
        "Reconciler work by kind (checked, updated, resolved, released, error).",
    ),
];

impl Metrics {
    /// Adds `by` to the counter `name` with these labels (`[("route", "/x")]`).
    pub fn add(&self, name: &'static str, labels: &[(&str, &str)], by: u64) {
        let labels = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(",");
        *self
            .counters
            .lock()
            .expect("metrics lock")
            .entry((name, labels))
            .or_default() += by;
    }

    pub fn cache(&self, kind: &str, hit: Hit) {
        let result = match hit {
            Hit::Fresh => "fresh",
            Hit::Stale => "stale",
            Hit::Shared => "shared",
            Hit::Miss => "miss",
        };
        self.add(
            "zapis_cache_lookups_total",
            &[("kind", kind), ("result", result)],
            1,
        );
    }

    pub fn upstream(&self, op: &str, outcome: &str) {
        self.add(
            "zapis_upstream_calls_total",
            &[("op", op), ("outcome", outcome)],
            1,
        );
    }

    pub fn booking(&self, outcome: &str) {
        self.add("zapis_bookings_total", &[("outcome", outcome)], 1);
    }

    pub fn get(&self, name: &str, labels: &str) -> u64 {
        self.counters
            .lock()
            .expect("metrics lock")
            .iter()
            .find(|((n, l), _)| *n == name && l == labels)
            .map_or(0, |(_, v)| *v)
    }

    pub fn render(&self) -> String {
        let counters = self.counters.lock().expect("metrics lock");
        let mut out = String::new();
        for (name, help) in HELP {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n"));
            for ((n, labels), v) in counters.iter().filter(|((n, _), _)| n == name) {
                out.push_str(&format!("{n}{{{labels}}} {v}\n"));
            }
        }
        out
    }
}
