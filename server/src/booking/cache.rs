//! The async cache for upstream reads: [moka](https://docs.rs/moka)'s `future::Cache` (bounded,
//! entries expire, concurrent misses of one key run one fetch and share its answer) with a
//! thin layer for what moka does not do: a value is fresh for `ttl`, then served stale for up to
//! `stale` more while one background refresh runs. Errors are not cached.
//!
//! A fetch that overlaps an invalidation (it began before a booking took a slot and ends after)
//! may hold the old answer: it is handed to the callers that asked before, and then dropped, so
//! no later caller sees a taken slot as free. Refreshes run with [`in_refresh`] true, so that
//! their upstream calls wait behind every call a visitor waits for.

use std::{
    collections::HashSet,
    future::Future,
    hash::Hash,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use moka::{Expiry, future::Cache as Moka};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub ttl: Duration,
    pub stale: Duration,
}

#[derive(Clone)]
struct Entry<V> {
    value: V,
    at: Instant,
    /// `ttl + stale`: moka drops the entry after that.
    keep: Duration,
    /// The cache's invalidation count when the fetch began and when it ended: they differ
    /// when an invalidation happened during the fetch, and then the value is not kept.
    began: u64,
    ended: u64,
}

tokio::task_local! {
    static REFRESH: ();
}

/// Whether the running fetch is a background refresh (a stale value is being served).
pub fn in_refresh() -> bool {
    REFRESH.try_with(|_| ()).is_ok()
}

/// Runs `work` as background work, like a refresh: its upstream calls queue behind every call a
/// visitor waits for (used to fetch ahead what visitors are about to ask).
pub async fn in_background<F: Future>(work: F) -> F::Output {
    REFRESH.scope((), work).await
}

/// Each entry lives for its own policy's `ttl + stale` from when it was stored.
struct KeepFor;

impl<K, V> Expiry<K, Entry<V>> for KeepFor {
    fn expire_after_create(&self, _: &K, e: &Entry<V>, _: Instant) -> Option<Duration> {
        Some(e.keep)
    }

    fn expire_after_update(
        &self,
        _: &K,
        e: &Entry<V>,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(e.keep)
    }
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
    entries: Moka<K, Entry<V>>,
    /// Keys whose stale value is being refreshed: one refresh per key.
    refreshing: Arc<Mutex<HashSet<K>>>,
    /// Invalidations so far.
    generation: Arc<AtomicU64>,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<K, V, E> Clone for Cache<K, V, E>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            refreshing: self.refreshing.clone(),
            generation: self.generation.clone(),
            _error: std::marker::PhantomData,
        }
    }
}

impl<K, V, E> Cache<K, V, E>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    pub fn new(max_entries: u64) -> Self {
        Self {
            entries: Moka::builder()
                .max_capacity(max_entries)
                .expire_after(KeepFor)
                .support_invalidation_closures()
                .build(),
            refreshing: Arc::default(),
            generation: Arc::default(),
            _error: std::marker::PhantomData,
        }
    }

    /// The value for `key`, fetching with `fetch` when it is missing or too old.
    pub async fn get<F, Fut>(&self, key: K, policy: Policy, fetch: F) -> (Result<V, E>, Hit)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        if let Some(e) = self.entries.get(&key).await.filter(|e| e.began == e.ended) {
            let age = e.at.elapsed();
            if age <= policy.ttl {
                return (Ok(e.value), Hit::Fresh);
            }
            if age <= policy.ttl + policy.stale {
                self.refresh(key, policy, fetch);
                return (Ok(e.value), Hit::Stale);
            }
            // Older than this policy allows (stored under a longer one).
            self.entries.invalidate(&key).await;
        } else {
            // Absent, or fetched across an invalidation.
            self.entries.invalidate(&key).await;
        }
        // moka runs one `init` per key; the other callers wait for its answer.
        let ran = Arc::new(AtomicBool::new(false));
        let init = {
            let (ran, generation) = (ran.clone(), self.generation.clone());
            async move {
                ran.store(true, Ordering::Relaxed);
                let began = generation.load(Ordering::SeqCst);
                let value = fetch().await?;
                Ok(entry(
                    value,
                    policy,
                    began,
                    generation.load(Ordering::SeqCst),
                ))
            }
        };
        let result = self
            .entries
            .try_get_with(key, init)
            .await
            .map(|e| e.value)
            .map_err(|e: Arc<E>| (*e).clone());
        let hit = if ran.load(Ordering::Relaxed) {
            Hit::Miss
        } else {
            Hit::Shared
        };
        (result, hit)
    }

    /// The value for `key` if `policy` would still serve it (fresh or stale), without fetching
    /// or refreshing: for answers worked out from other answers only when those are at hand.
    pub async fn peek(&self, key: &K, policy: Policy) -> Option<V> {
        self.entries
            .get(key)
            .await
            .filter(|e| e.began == e.ended && e.at.elapsed() <= policy.ttl + policy.stale)
            .map(|e| e.value)
    }

    /// Fetches a stale key again in the background, unless that is already under way.
    fn refresh<F, Fut>(&self, key: K, policy: Policy, fetch: F)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
    {
        if !self
            .refreshing
            .lock()
            .expect("cache lock")
            .insert(key.clone())
        {
            return;
        }
        let this = self.clone();
        tokio::spawn(REFRESH.scope((), async move {
            let began = this.generation.load(Ordering::SeqCst);
            if let Ok(value) = fetch().await {
                let ended = this.generation.load(Ordering::SeqCst);
                if began == ended {
                    let e = entry(value, policy, began, ended);
                    this.entries.insert(key.clone(), e).await;
                }
            }
            this.refreshing.lock().expect("cache lock").remove(&key);
        }));
    }

    /// Forgets every entry whose key matches (a booking took a slot).
    pub fn invalidate(&self, matches: impl Fn(&K) -> bool + Send + Sync + 'static) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = self.entries.invalidate_entries_if(move |k, _| matches(k)) {
            tracing::error!(error = %e, "cache invalidation refused");
        }
    }
}

fn entry<V>(value: V, policy: Policy, began: u64, ended: u64) -> Entry<V> {
    Entry {
        value,
        at: Instant::now(),
        keep: policy.ttl + policy.stale,
        began,
        ended,
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

    #[tokio::test]
    async fn an_answer_fetched_across_an_invalidation_is_not_served_afterwards() {
        let cache: Cache<u32, u32, String> = Cache::new(100);
        let (slow, inval) = (cache.clone(), cache.clone());
        let fetch = tokio::spawn(async move {
            slow.get(1, P, || async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(1) // what YCLIENTS said before the booking
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        inval.invalidate(|k| *k == 1); // the booking took the slot meanwhile
        assert_eq!(fetch.await.unwrap(), (Ok(1), Hit::Miss));
        assert_eq!(
            cache.get(1, P, || async { Ok(2) }).await,
            (Ok(2), Hit::Miss),
            "the old answer is fetched again, not served"
        );
    }

    #[tokio::test]
    async fn a_peek_sees_what_a_lookup_would_serve_and_never_fetches() {
        let cache: Cache<u32, u32, String> = Cache::new(100);
        assert_eq!(cache.peek(&1, P).await, None, "nothing stored");
        cache.get(1, P, || async { Ok(7) }).await.0.unwrap();
        assert_eq!(cache.peek(&1, P).await, Some(7));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(cache.peek(&1, P).await, Some(7), "stale is still served");
        cache.invalidate(|k| *k == 1);
        assert_eq!(cache.peek(&1, P).await, None, "dropped by a booking");
        cache.get(2, P, || async { Ok(8) }).await.0.unwrap();
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(cache.peek(&2, P).await, None, "past ttl + stale");
    }
}
