//! Fault injection and the documented per-IP rate limit, applied in front of every API
//! endpoint by the [`gate`] middleware (which also counts calls).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::Shared;
use super::routes::reply;
use super::server::ConnectionKill;

/// How long a hung request is held before its connection is dropped (unless the sandbox
/// shuts down first).
const HANG_LIMIT: Duration = Duration::from_secs(120);

/// What a fault does to a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer normally after a delay.
    Latency {
        /// Delay, milliseconds.
        ms: u64,
    },
    /// Answer with this status (500, 502, 503, …) and an error body, without processing.
    Status {
        /// HTTP status.
        status: u16,
    },
    /// Answer 429 with `Retry-After` (seconds; omitted when `None`), without processing.
    TooManyRequests {
        /// `Retry-After` in seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Never answer (until the client gives up or the sandbox shuts down).
    Hang,
    /// Close the connection without an answer.
    Drop,
    /// Process the call (a booking is made), then never answer.
    ProcessThenHang,
    /// Process the call, then close the connection without an answer.
    ProcessThenDrop,
    /// Process the call, then answer with this status instead of the real answer.
    ProcessThenStatus {
        /// HTTP status.
        status: u16,
    },
}

/// A fault rule: what, on which endpoint (all when `None`), and when — the next `next`
/// matching calls, or each matching call with probability `rate` (every call when neither).
///
/// JSON form (for `POST /sandbox/faults`):
/// `{"kind": "status", "status": 503, "endpoint": "book_times", "next": 2}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Endpoint name (`book_record`, `book_times`, … as counted by `calls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Fire for this many matching calls, then expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u32>,
    /// Fire with this probability per matching call (seeded, so runs repeat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

impl Fault {
    /// A fault for the next `n` calls.
    pub fn next(n: u32, kind: FaultKind) -> Fault {
        Fault {
            kind,
            endpoint: None,
            next: Some(n),
            rate: None,
        }
    }

    /// A fault for a share of calls (0.0–1.0).
    pub fn rate(rate: f64, kind: FaultKind) -> Fault {
        Fault {
            kind,
            endpoint: None,
            next: None,
            rate: Some(rate),
        }
    }

    /// Limits the fault to one endpoint.
    pub fn on(mut self, endpoint: &str) -> Fault {
        self.endpoint = Some(endpoint.to_owned());
        self
    }
}

/// The active fault rules.
pub(crate) struct FaultBook {
    rules: Vec<Fault>,
    rng: StdRng,
}

impl FaultBook {
    pub(crate) fn new(seed: u64) -> FaultBook {
        FaultBook {
            rules: Vec::new(),
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_fa17),
        }
    }

    pub(crate) fn add(&mut self, fault: Fault) {
        self.rules.push(fault);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this call, if any rule fires (the first that does).
    fn pick(&mut self, endpoint: &str) -> Option<FaultKind> {
        let index = self.rules.iter().position(|rule| {
            rule.endpoint.as_deref().is_none_or(|e| e == endpoint)
                && rule.next.is_none_or(|n| n > 0)
                && rule
                    .rate
                    .is_none_or(|r| self.rng.random_bool(r.clamp(0.0, 1.0)))
        })?;
        let rule = &mut self.rules[index];
        let kind = rule.kind.clone();
        if let Some(n) = &mut rule.next {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(index);
            }
        }
        Some(kind)
    }
}

/// The documented limit, per client IP: 5 requests per second and 200 per minute.
#[derive(Default)]
pub(crate) struct RateLimiter {
    seen: HashMap<IpAddr, VecDeque<Instant>>,
}

impl RateLimiter {
    const PER_SECOND: usize = 5;
    const PER_MINUTE: usize = 200;

    /// Admits a request, or says how long until one would be admitted.
    fn admit(&mut self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let times = self.seen.entry(ip).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            times.pop_front();
        }
        let last_second = times
            .iter()
            .rev()
            .take_while(|t| now.duration_since(**t) < Duration::from_secs(1))
            .count();
        if last_second >= Self::PER_SECOND {
            return Err(
                Duration::from_secs(1) - now.duration_since(times[times.len() - Self::PER_SECOND])
            );
        }
        if times.len() >= Self::PER_MINUTE {
            return Err(
                Duration::from_secs(60) - now.duration_since(times[times.len() - Self::PER_MINUTE])
            );
        }
        times.push_back(now);
        Ok(())
    }
}

/// Counts the call, applies the rate limit, then any fault, around the endpoint's handler.
pub(crate) async fn gate(
    State((shared, endpoint)): State<(Arc<Shared>, &'static str)>,
    request: Request,
    next: Next,
) -> Response {
    shared.count(endpoint);
    if shared.rate_limited() {
        let ip = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let verdict = ip.map_or(Ok(()), |ip| {
            shared
                .limiter
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .admit(ip, Instant::now())
        });
        if let Err(wait) = verdict {
            shared
                .refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return reply::too_many_requests(Some(wait.as_secs_f64().ceil().max(1.0) as u64));
        }
    }
    let fault = shared
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pick(endpoint);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    tracing::info!(endpoint, ?fault, "sandbox fault injected");
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    match fault {
        FaultKind::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        FaultKind::Status { status } => reply::server_error(status),
        FaultKind::TooManyRequests { retry_after } => reply::too_many_requests(retry_after),
        FaultKind::Hang => hang(&shared, kill).await,
        FaultKind::Drop => drop_connection(kill).await,
        FaultKind::ProcessThenHang => {
            drop(next.run(request).await);
            hang(&shared, kill).await
        }
        FaultKind::ProcessThenDrop => {
            drop(next.run(request).await);
            drop_connection(kill).await
        }
        FaultKind::ProcessThenStatus { status } => {
            drop(next.run(request).await);
            reply::server_error(status)
        }
    }
}

async fn hang(shared: &Shared, kill: Option<ConnectionKill>) -> Response {
    let mut shutdown = shared.shutdown.clone();
    tokio::select! {
        _ = tokio::time::sleep(HANG_LIMIT) => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
    }
    drop_connection(kill).await
}

async fn drop_connection(kill: Option<ConnectionKill>) -> Response {
    match kill {
        Some(kill) => {
            kill.fire();
            std::future::pending::<Response>().await
        }
        None => axum::http::StatusCode::GATEWAY_TIMEOUT.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_n_fault_fires_n_times_on_its_endpoint_only() {
        let mut book = FaultBook::new(1);
        book.add(Fault::next(2, FaultKind::Hang).on("book_record"));
        assert_eq!(book.pick("book_times"), None);
        assert_eq!(book.pick("book_record"), Some(FaultKind::Hang));
        assert_eq!(book.pick("book_record"), Some(FaultKind::Hang));
        assert_eq!(book.pick("book_record"), None);
    }

    #[test]
    fn the_sixth_request_within_a_second_is_refused() {
        let mut limiter = RateLimiter::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(
                limiter
                    .admit(ip, t0 + Duration::from_millis(i * 10))
                    .is_ok()
            );
        }
        assert!(limiter.admit(ip, t0 + Duration::from_millis(100)).is_err());
        assert!(limiter.admit(ip, t0 + Duration::from_millis(1001)).is_ok());
    }

    #[test]
    fn faults_read_from_json() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"status","status":503,"endpoint":"book_times","next":2}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            Fault::next(2, FaultKind::Status { status: 503 }).on("book_times")
        );
    }
}
