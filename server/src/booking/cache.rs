//! A small async cache for upstream reads: fresh for `ttl`, then served stale for up to `stale`
//! more while one background refresh runs; identical concurrent misses share one fetch
//! (single-flight). Errors are not cached.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub ttl: Duration,
    pub stale: Duration,
}

struct Entry<V> {
    value: V,
    at: Instant,
}

struct Inner<K, V, E> {
    entries: HashMap<K, Entry<V>>,
    /// Fetches under way: waiters subscribe instead of fetching again.
    flights: HashMap<K, broadcast::Sender<Result<V, E>>>,
}

/// What a lookup found; counted by the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Fresh,
    Stale,
    Shared,
    Miss,
}

pub struct Cache<K, V, E> {
    inner: Arc<Mutex<Inner<K, V, E>>>,
    max_entries: usize,
}

impl<K, V, E> Clone for Cache<K, V, E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            max_entries: self.max_entries,
        }
    }
}

impl<K, V, E> Cache<K, V, E>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    pub fn new(max_entries: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                entries: HashMap::new(),
                flights: HashMap::new(),
            })),
            max_entries,
        }
    }

    /// The value for `key`, fetching with `fetch` when it is missing or too old.
    pub async fn get<F, Fut>(&self, key: K, policy: Policy, fetch: F) -> (Result<V, E>, Hit)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        enum Plan<V, E> {
            Serve(V, Hit),
            ServeAndRefresh(V),
            Wait(broadcast::Receiver<Result<V, E>>),
            Fetch,
        }
        let plan = {
            let mut inner = self.inner.lock().expect("cache lock");
            let age = inner.entries.get(&key).map(|e| e.at.elapsed());
            match age {
                Some(age) if age <= policy.ttl => {
                    Plan::Serve(inner.entries[&key].value.clone(), Hit::Fresh)
                }
                Some(age) if age <= policy.ttl + policy.stale => {
                    let value = inner.entries[&key].value.clone();
                    if inner.flights.contains_key(&key) {
                        Plan::Serve(value, Hit::Stale)
                    } else {
                        let (tx, _) = broadcast::channel(1);
                        inner.flights.insert(key.clone(), tx);
                        Plan::ServeAndRefresh(value)
                    }
                }
                _ => match inner.flights.get(&key) {
                    Some(tx) => Plan::Wait(tx.subscribe()),
                    None => {
                        let (tx, _) = broadcast::channel(1);
                        inner.flights.insert(key.clone(), tx);
                        Plan::Fetch
                    }
                },
            }
        };
        match plan {
            Plan::Serve(v, hit) => (Ok(v), hit),
            Plan::ServeAndRefresh(v) => {
                let this = self.clone();
                tokio::spawn(async move {
                    let result = fetch().await;
                    this.finish(key, result);
                });
                (Ok(v), Hit::Stale)
            }
            Plan::Wait(mut rx) => match rx.recv().await {
                Ok(result) => (result, Hit::Shared),
                // The fetching task went away (cancelled): fetch ourselves.
                Err(_) => (fetch().await, Hit::Miss),
            },
            Plan::Fetch => {
                // Run the fetch in its own task so a caller that goes away (client disconnect)
                // does not strand the waiters.
                let this = self.clone();
                let k = key.clone();
                let handle = tokio::spawn(async move {
                    let result = fetch().await;
                    this.finish(k, result.clone());
                    result
                });
                match handle.await {
                    Ok(result) => (result, Hit::Miss),
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            }
        }
    }

    fn finish(&self, key: K, result: Result<V, E>) {
        let mut inner = self.inner.lock().expect("cache lock");
        if let Ok(v) = &result {
            if inner.entries.len() >= self.max_entries {
                // Drop the oldest tenth: simple and bounded.
                let mut ages: Vec<_> = inner
                    .entries
                    .iter()
                    .map(|(k, e)| (e.at, k.clone()))
                    .collect();
                ages.sort_by_key(|(at, _)| *at);
                for (_, k) in ages.into_iter().take(self.max_entries / 10 + 1) {
                    inner.entries.remove(&k);
                }
            }
            inner.entries.insert(
                key.clone(),
                Entry {
                    value: v.clone(),
                    at: Instant::now(),
                },
            );
        }
        if let Some(tx) = inner.flights.remove(&key) {
            let _ = tx.send(result);
        }
    }

    /// Forgets every entry whose key matches (a booking took a slot).
    pub fn invalidate(&self, matches: impl Fn(&K) -> bool) {
        self.inner
            .lock()
            .expect("cache lock")
            .entries
            .retain(|k, _| !matches(k));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const P: Policy = Policy {
        ttl: Duration::from_millis(100),
        stale: Duration::from_millis(200),
    };

    #[tokio::test]
    async fn concurrent_misses_share_one_fetch() {
        let cache: Cache<u32, u32, String> = Cache::new(100);
        let calls = Arc::new(AtomicU32::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.spawn(async move {
                cache
                    .get(1, P, move || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(7)
                    })
                    .await
                    .0
            });
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(r.unwrap(), Ok(7));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn stale_values_are_served_while_one_refresh_runs_and_errors_are_not_cached() {
        let cache: Cache<u32, u32, String> = Cache::new(100);
        assert_eq!(
            cache
                .get(1, P, || async { Err("down".to_string()) })
                .await
                .0,
            Err("down".into())
        );
        assert_eq!(
            cache.get(1, P, || async { Ok(1) }).await,
            (Ok(1), Hit::Miss)
        );
        assert_eq!(
            cache.get(1, P, || async { Ok(2) }).await,
            (Ok(1), Hit::Fresh)
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            cache.get(1, P, || async { Ok(3) }).await,
            (Ok(1), Hit::Stale)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            cache.get(1, P, || async { Ok(4) }).await,
            (Ok(3), Hit::Fresh)
        );
        cache.invalidate(|k| *k == 1);
        assert_eq!(
            cache.get(1, P, || async { Ok(5) }).await,
            (Ok(5), Hit::Miss)
        );
    }
}
