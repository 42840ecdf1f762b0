//! Prometheus metrics at `GET /metrics`: HTTP requests, cache lookups, upstream calls and
//! bookings by outcome, ingested events. Counters only, in a `prometheus` registry of this
//! server's own (not the process-global one: the tests run many servers in one process, each
//! counting for itself). Served by `ops::http`.

use std::{collections::HashMap, sync::Arc};

use prometheus::{IntCounterVec, Opts, Registry, TextEncoder};

use crate::booking::cache::Hit;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    counters: Arc<HashMap<&'static str, IntCounterVec>>,
    /// Who may read `/metrics` on the public address.
    pub access: MetricsAccess,
}

/// Who may read `/metrics` on the public address (`[http]` in the config).
#[derive(Clone, Default)]
pub enum MetricsAccess {
    /// Not served there: answers 404 (it is on `metrics_addr`, or nowhere).
    #[default]
    Hidden,
    /// Only with `Authorization: Bearer <token>`.
    Token(yclients::Secret),
    /// Anyone (`metrics_public = true`: the demo, tests and benches on loopback).
    Public,
}

/// Name, help and label names of every counter.
const COUNTERS: &[(&str, &str, &[&str])] = &[
    (
        "zapis_http_requests_total",
        "HTTP requests by route and status.",
        &["route", "status"],
    ),
    (
        "zapis_cache_lookups_total",
        "Catalog cache lookups by kind and result (fresh, stale, shared, miss).",
        &["kind", "result"],
    ),
    (
        "zapis_upstream_calls_total",
        "YCLIENTS calls made for bookings, by operation and outcome.",
        &["op", "outcome"],
    ),
    ("zapis_bookings_total", "Bookings by outcome.", &["outcome"]),
    ("zapis_events_ingested_total", "Tracker events stored.", &[]),
    (
        "zapis_ingest_refused_total",
        "Tracker events refused by limit (address, visitor, site_quota).",
        &["reason"],
    ),
    (
        "zapis_webhooks_total",
        "YCLIENTS webhook deliveries by result (received, duplicate, refused, processed, ignored, failed).",
        &["result"],
    ),
    (
        "zapis_reconcile_total",
        "Reconciler work by kind (checked, updated, resolved, released, error).",
        &["kind"],
    ),
    (
        "zapis_background_runs_total",
        "Runs of lease-held background work by this instance (reconciler, webhooks).",
        &["job"],
    ),
    (
        "zapis_pbx_notifications_total",
        "PBX call notifications stored, by stage (started, answered, finished, recording).",
        &["stage"],
    ),
    (
        "zapis_call_pool_exhausted_total",
        "Pool numbers taken from a visitor still active (the pool is too small), by site.",
        &["site"],
    ),
];

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let counters = COUNTERS
            .iter()
            .map(|&(name, help, labels)| {
                let c = IntCounterVec::new(Opts::new(name, help), labels)
                    .expect("a valid metric name and labels");
                registry
                    .register(Box::new(c.clone()))
                    .expect("each metric registered once");
                (name, c)
            })
            .collect();
        Self {
            registry,
            counters: Arc::new(counters),
            access: MetricsAccess::Hidden,
        }
    }
}

impl Metrics {
    /// Adds `by` to the counter `name` with these labels, in the order [`COUNTERS`] names them
    /// (`[("route", "/x"), ("status", "200")]`).
    pub fn add(&self, name: &'static str, labels: &[(&str, &str)], by: u64) {
        let Some(counter) = self.counters.get(name) else {
            debug_assert!(false, "unknown metric {name}");
            return;
        };
        let values: Vec<&str> = labels.iter().map(|(_, v)| *v).collect();
        match counter.get_metric_with_label_values(&values) {
            Ok(c) => c.inc_by(by),
            Err(e) => tracing::error!(metric = name, error = %e, "metric labels refused"),
        }
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

    /// The text exposition format (`text/plain; version=0.0.4`).
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "metrics failed to encode");
                String::new()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_exposed_with_their_labels() {
        let m = Metrics::default();
        m.cache("services", Hit::Fresh);
        m.cache("services", Hit::Fresh);
        m.add("zapis_webhooks_total", &[("result", "a\"b")], 3);
        m.add("zapis_events_ingested_total", &[], 5);
        let text = m.render();
        assert!(
            text.contains("zapis_cache_lookups_total{kind=\"services\",result=\"fresh\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("zapis_webhooks_total{result=\"a\\\"b\"} 3"),
            "{text}"
        );
        assert!(text.contains("zapis_events_ingested_total 5"), "{text}");
        assert!(
            text.contains("# TYPE zapis_cache_lookups_total counter"),
            "{text}"
        );
    }
}
