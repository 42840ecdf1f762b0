//! One call on the wire: headers, timeout, retries with jittered backoff, 429 handling,
//! the rate budget, and decoding.

use std::time::Duration;

use rand::Rng;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::{ACCEPT_V2, Client, Priority, RetryPolicy};
use crate::decode::{Decoded, decode_response};
use crate::model::Query;
use crate::{Error, Result};

/// Which token a call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Bearer <partner>`.
    Partner,
    /// `Bearer <partner>, User <user>`; fails without a user token.
    User,
    /// The user token when the client has one, else partner only (calls that accept a hash).
    UserIfAny,
}

/// A request to make. (No `Debug`: the body may hold a password.)
pub(crate) struct Call {
    endpoint: &'static str,
    method: Method,
    path: String,
    query: Query,
    body: Option<Value>,
    auth: Auth,
    idempotent: bool,
    priority: Priority,
}

impl Call {
    /// An idempotent read: retried on timeouts, network errors and 5xx.
    pub(crate) fn get(endpoint: &'static str, path: String) -> Call {
        Call {
            endpoint,
            method: Method::GET,
            path,
            query: Query::new(),
            body: None,
            auth: Auth::Partner,
            idempotent: true,
            priority: Priority::Catalog,
        }
    }

    /// A write: retried only when the request provably was not processed (429, no connection).
    pub(crate) fn post(
        endpoint: &'static str,
        path: String,
        body: &impl Serialize,
    ) -> Result<Call> {
        let body = serde_json::to_value(body)
            .map_err(|e| Error::Config(format!("{endpoint} body: {e}")))?;
        Ok(Call {
            method: Method::POST,
            body: Some(body),
            idempotent: false,
            priority: Priority::Booking,
            ..Call::get(endpoint, path)
        })
    }

    /// A PUT: retried only when the request provably was not processed.
    pub(crate) fn put(endpoint: &'static str, path: String, body: &impl Serialize) -> Result<Call> {
        Ok(Call {
            method: Method::PUT,
            ..Call::post(endpoint, path, body)?
        })
    }

    /// A GET with an effect (it texts a code): not retried after it may have arrived.
    pub(crate) fn not_idempotent(mut self) -> Call {
        self.idempotent = false;
        self
    }

    /// A delete: not retried after it may have reached the server.
    pub(crate) fn delete(endpoint: &'static str, path: String) -> Call {
        Call {
            method: Method::DELETE,
            idempotent: false,
            priority: Priority::Booking,
            ..Call::get(endpoint, path)
        }
    }

    pub(crate) fn query(mut self, query: Query) -> Call {
        self.query = query;
        self
    }

    pub(crate) fn auth(mut self, auth: Auth) -> Call {
        self.auth = auth;
        self
    }

    pub(crate) fn priority(mut self, priority: Priority) -> Call {
        self.priority = priority;
        self
    }

    /// Marks a POST that only validates (book_check) as safe to retry.
    pub(crate) fn idempotent(mut self) -> Call {
        self.idempotent = true;
        self
    }
}

/// What one attempt produced.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Client {
    /// Runs `call` with retries and decodes its `data` as `T`.
    pub(crate) async fn run<T: DeserializeOwned>(&self, call: Call) -> Result<Decoded<T>> {
        let authorization = self.authorization(&call)?;
        let policy = &self.inner.retry;
        let priority = match call.priority {
            _ if self.importing => Priority::Import,
            Priority::Catalog if self.background => Priority::Background,
            p => p,
        };
        let mut attempt = 1;
        loop {
            if let Some(budget) = &self.inner.budget {
                budget.acquire(priority, &self.tenant).await;
            }
            if let Some(shared) = &self.inner.shared {
                shared.acquire(priority).await;
            }
            let started = Instant::now();
            let outcome = self.attempt(&call, &authorization).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &outcome {
                Ok(a) => tracing::debug!(
                    endpoint = call.endpoint,
                    attempt,
                    status = a.status,
                    elapsed_ms,
                    "yclients call"
                ),
                Err(e) => {
                    tracing::debug!(endpoint = call.endpoint, attempt, elapsed_ms, error = %e, "yclients call failed")
                }
            }
            let wait = match &outcome {
                Ok(a) if a.status == 429 => self.rate_limited_wait(a.retry_after, attempt),
                Ok(a) if call.idempotent && matches!(a.status, 500 | 502 | 503 | 504) => {
                    Some(backoff(policy, attempt))
                }
                Err(Error::Connect { .. }) => Some(backoff(policy, attempt)),
                Err(Error::Timeout { .. } | Error::Transport { .. }) if call.idempotent => {
                    Some(backoff(policy, attempt))
                }
                _ => None,
            };
            match wait {
                Some(wait) if attempt < policy.max_attempts => {
                    tracing::warn!(
                        endpoint = call.endpoint,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying yclients call"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return finish(call.endpoint, outcome),
            }
        }
    }

    fn authorization(&self, call: &Call) -> Result<HeaderValue> {
        let user = match call.auth {
            Auth::Partner => None,
            Auth::User => Some(self.user.as_ref().ok_or(Error::UserTokenRequired {
                endpoint: call.endpoint,
            })?),
            Auth::UserIfAny => self.user.as_ref(),
        };
        let text = match user {
            Some(user) => format!("Bearer {}, User {}", self.partner.expose(), user.expose()),
            None => format!("Bearer {}", self.partner.expose()),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            Error::Config("a token contains characters not allowed in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    async fn attempt(&self, call: &Call, authorization: &HeaderValue) -> Result<Answer> {
        let endpoint = call.endpoint;
        let url = format!("{}{}", self.inner.base, call.path);
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .timeout(self.inner.timeout)
            .header(ACCEPT, ACCEPT_V2)
            .header(AUTHORIZATION, authorization.clone());
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(endpoint, &e))?;
        let status = response.status().as_u16();
        let retry_after = parse_retry_after(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(endpoint, &e))?
            .to_vec();
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    fn transport_error(&self, endpoint: &'static str, e: &reqwest::Error) -> Error {
        if e.is_connect() {
            Error::Connect { endpoint }
        } else if e.is_timeout() {
            Error::Timeout {
                endpoint,
                after: self.inner.timeout,
            }
        } else {
            Error::Transport { endpoint }
        }
    }

    /// How long to wait after a 429, or `None` to give up. Pauses the shared budget too, so
    /// other callers do not spend requests the server would refuse.
    fn rate_limited_wait(&self, retry_after: Option<Duration>, attempt: u32) -> Option<Duration> {
        let policy = &self.inner.retry;
        let wait =
            retry_after.unwrap_or_else(|| backoff(policy, attempt).max(Duration::from_secs(1)));
        if wait > policy.max_retry_after {
            return None;
        }
        if let Some(budget) = &self.inner.budget {
            budget.block_until(Instant::now() + wait);
        }
        Some(wait)
    }
}

fn finish<T: DeserializeOwned>(
    endpoint: &'static str,
    outcome: Result<Answer>,
) -> Result<Decoded<T>> {
    let answer = outcome?;
    if answer.status == 429 {
        return Err(Error::RateLimited {
            endpoint,
            retry_after: answer.retry_after,
        });
    }
    decode_response(endpoint, answer.status, &answer.body)
}

/// Exponential backoff with "equal jitter": half fixed, half random.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let cap = exp.min(policy.max_delay);
    let half = cap / 2;
    let jitter_ms = rand::rng().random_range(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

/// `Retry-After` as delta-seconds or an HTTP date.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = jiff::fmt::rfc2822::parse(text).ok()?.timestamp();
    let secs = jiff::Timestamp::now().duration_until(at).as_secs_f64();
    Some(Duration::from_secs_f64(secs.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(
            parse_retry_after(&headers("2")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            parse_retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&headers("soon")), None);
    }

    #[test]
    fn backoff_grows_and_stays_under_the_ceiling() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = backoff(&policy, 1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            assert!(backoff(&policy, 8) <= Duration::from_millis(250));
        }
    }
}
