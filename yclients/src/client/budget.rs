//! The client-side rate budget: YCLIENTS allows 5 requests/s and 200/min per IP address.
//!
//! One [`Budget`] exists per upstream origin and limits; every clone of a client, and every
//! client built for the same host, draws from it. Callers that must wait queue by
//! [`Priority`], so a booking write never waits behind a backlog of catalogue reads, and within
//! a priority by tenant in turn ([`Client::for_tenant`](crate::Client::for_tenant): one site of
//! several on one account), so one site's burst of lookups never starves another's.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// Requests allowed per window. The windows are padded by `margin` so that requests spaced
/// at the limit still arrive within it despite network jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests per second.
    pub per_second: u32,
    /// Requests per minute.
    pub per_minute: u32,
    /// Added to each window.
    pub margin: Duration,
}

impl Default for RateLimit {
    /// The documented limit: 5/s and 200/min, with a 100 ms margin.
    fn default() -> Self {
        RateLimit {
            per_second: 5,
            per_minute: 200,
            margin: Duration::from_millis(100),
        }
    }
}

/// Who is served first when the budget is spent. Lower runs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Booking writes and their recovery: `book_record`, `book_check`, `book_code`, auth,
    /// cancellations, `find_record_by_api_id`.
    Booking = 0,
    /// Record reads (`record`, `records`).
    Records = 1,
    /// Catalogue reads (`book_services`, `book_times`, …), which a cache can absorb.
    Catalog = 2,
    /// Catalogue reads nobody waits for: a cache refreshing what it still serves
    /// ([`Client::in_background`](crate::Client::in_background)).
    Background = 3,
    /// Every call of a spreadsheet import ([`Client::for_import`](crate::Client::for_import)):
    /// rows wait behind whatever a visitor or a cache needs.
    Import = 4,
}

const LEVELS: usize = 5;

/// A budget shared with other processes that call the same host from the same account and
/// address (several servers on one database): consulted after this process's own budget, before
/// each send. `take` either records a send at once or says how long to wait before asking again.
pub trait SharedBudget: Send + Sync + 'static {
    /// One try at a send slot for `origin` within `limit`, at `priority`.
    fn take<'a>(
        &'a self,
        origin: &'a str,
        limit: RateLimit,
        priority: Priority,
    ) -> Pin<Box<dyn Future<Output = Result<(), Duration>> + Send + 'a>>;
}

/// A [`SharedBudget`] with what it is asked about: the client's origin and limit.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) budget: Arc<dyn SharedBudget>,
    pub(crate) origin: String,
    pub(crate) limit: RateLimit,
}

impl Shared {
    /// Waits until the shared budget records this send.
    pub(crate) async fn acquire(&self, priority: Priority) {
        while let Err(wait) = self.budget.take(&self.origin, self.limit, priority).await {
            tokio::time::sleep(wait).await;
        }
    }
}

pub(crate) struct Budget {
    limit: RateLimit,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Send times within the last minute window, oldest first.
    sent: VecDeque<Instant>,
    waiting: [Level; LEVELS],
    blocked_until: Option<Instant>,
    /// The task handing out permits while anyone waits (respawned if its runtime died).
    pump: Option<tokio::task::JoinHandle<()>>,
}

/// One priority's waiters: a FIFO queue per tenant, the tenants served in turn.
#[derive(Default)]
struct Level {
    turns: VecDeque<(Arc<str>, VecDeque<oneshot::Sender<()>>)>,
}

impl Level {
    fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    fn push(&mut self, tenant: &Arc<str>, sender: oneshot::Sender<()>) {
        match self.turns.iter_mut().find(|(t, _)| t == tenant) {
            Some((_, queue)) => queue.push_back(sender),
            None => self
                .turns
                .push_back((tenant.clone(), VecDeque::from([sender]))),
        }
    }

    /// The next tenant's first waiter; that tenant goes to the back of the line.
    fn pop(&mut self) -> Option<oneshot::Sender<()>> {
        let (tenant, mut queue) = self.turns.pop_front()?;
        let sender = queue.pop_front();
        if !queue.is_empty() {
            self.turns.push_back((tenant, queue));
        }
        sender
    }
}

type Registry = Mutex<HashMap<(String, RateLimit), Weak<Budget>>>;

impl Budget {
    /// The budget for `origin` and `limit`, shared with every other client of that pair.
    pub(crate) fn shared(origin: &str, limit: RateLimit) -> Arc<Budget> {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        let mut map = REGISTRY
            .get_or_init(Registry::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.retain(|_, budget| budget.strong_count() > 0);
        let key = (origin.to_owned(), limit);
        if let Some(budget) = map.get(&key).and_then(Weak::upgrade) {
            return budget;
        }
        let budget = Arc::new(Budget {
            limit,
            state: Mutex::new(State::default()),
        });
        map.insert(key, Arc::downgrade(&budget));
        budget
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a send permit. Permits are taken in priority order; within a level the
    /// tenants take turns, each FIFO.
    pub(crate) async fn acquire(self: &Arc<Self>, priority: Priority, tenant: &Arc<str>) {
        let receiver = {
            let mut state = self.lock();
            let now = Instant::now();
            state.prune(now, &self.limit);
            if state.waiting.iter().all(Level::is_empty) && state.next_free(now, &self.limit) <= now
            {
                state.sent.push_back(now);
                return;
            }
            let (sender, receiver) = oneshot::channel();
            state.waiting[priority as usize].push(tenant, sender);
            if state
                .pump
                .as_ref()
                .is_none_or(tokio::task::JoinHandle::is_finished)
            {
                state.pump = Some(tokio::spawn(self.clone().pump()));
            }
            receiver
        };
        // The pump only drops a sender after handing it a permit or when it exits with an
        // empty queue, so an error here cannot leave this caller without its turn.
        let _ = receiver.await;
    }

    /// Holds every caller back until `until` (after a 429 with `Retry-After`).
    pub(crate) fn block_until(&self, until: Instant) {
        let mut state = self.lock();
        if state.blocked_until.is_none_or(|b| b < until) {
            state.blocked_until = Some(until);
        }
    }

    /// Hands out permits to waiting callers as the windows allow.
    async fn pump(self: Arc<Self>) {
        loop {
            let wake_at = {
                let mut state = self.lock();
                let now = Instant::now();
                state.prune(now, &self.limit);
                loop {
                    let next = state.next_free(now, &self.limit);
                    if next > now {
                        break Some(next);
                    }
                    let Some(sender) = state.waiting.iter_mut().find_map(Level::pop) else {
                        state.pump = None;
                        break None;
                    };
                    // A caller that gave up (its future was dropped) does not use the slot.
                    if sender.send(()).is_ok() {
                        state.sent.push_back(now);
                    }
                }
            };
            match wake_at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => return,
            }
        }
    }
}

impl State {
    fn prune(&mut self, now: Instant, limit: &RateLimit) {
        let window = Duration::from_secs(60) + limit.margin;
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.sent.pop_front();
        }
    }

    /// The earliest instant the next request may be sent.
    fn next_free(&self, now: Instant, limit: &RateLimit) -> Instant {
        let mut at = now.max(self.blocked_until.unwrap_or(now));
        let mut window_start = |count: u32, window: Duration| {
            let count = count.max(1) as usize;
            if self.sent.len() >= count {
                let oldest_in_window = self.sent[self.sent.len() - count];
                at = at.max(oldest_in_window + window);
            }
        };
        window_start(limit.per_second, Duration::from_secs(1) + limit.margin);
        window_start(limit.per_minute, Duration::from_secs(60) + limit.margin);
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(per_second: u32, per_minute: u32) -> RateLimit {
        RateLimit {
            per_second,
            per_minute,
            margin: Duration::ZERO,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_sixth_request_in_a_second_waits_for_the_window() {
        let budget = Budget::shared("http://budget-test-1", limit(5, 200));
        let start = Instant::now();
        for _ in 0..5 {
            budget.acquire(Priority::Catalog, &site("a")).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        budget.acquire(Priority::Catalog, &site("a")).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_minute_window_holds_after_the_second_window_frees() {
        let budget = Budget::shared("http://budget-test-2", limit(100, 3));
        let start = Instant::now();
        for _ in 0..4 {
            budget.acquire(Priority::Records, &site("a")).await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    fn site(name: &str) -> Arc<str> {
        Arc::from(name)
    }

    /// The order in which callers that queue at `priorities` (in this order, after the
    /// budget of one a second is spent) get their permits.
    async fn served_order(origin: &str, priorities: &[Priority]) -> Vec<usize> {
        let calls: Vec<_> = priorities.iter().map(|p| (*p, "a")).collect();
        served_order_of(origin, &calls).await
    }

    /// [`served_order`] for callers of several tenants.
    async fn served_order_of(origin: &str, calls: &[(Priority, &str)]) -> Vec<usize> {
        let budget = Budget::shared(origin, limit(1, 100));
        budget.acquire(Priority::Catalog, &site("a")).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (i, (priority, tenant)) in calls.iter().copied().enumerate() {
            let (budget, order, tenant) = (budget.clone(), order.clone(), site(tenant));
            tasks.push(tokio::spawn(async move {
                budget.acquire(priority, &tenant).await;
                order.lock().unwrap().push(i);
            }));
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        order.lock().unwrap().to_vec()
    }

    #[tokio::test(start_paused = true)]
    async fn a_booking_write_jumps_the_queue_of_catalog_reads() {
        let p = [Priority::Catalog, Priority::Catalog, Priority::Booking];
        assert_eq!(
            served_order("http://budget-test-3", &p).await,
            vec![2, 0, 1]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cache_refresh_waits_behind_a_read_a_visitor_waits_for() {
        let p = [Priority::Background, Priority::Catalog];
        assert_eq!(served_order("http://budget-test-4", &p).await, vec![1, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_import_row_waits_behind_a_visitors_booking_and_reads() {
        let p = [
            Priority::Import,
            Priority::Import,
            Priority::Catalog,
            Priority::Booking,
        ];
        assert_eq!(
            served_order("http://budget-test-6", &p).await,
            vec![3, 2, 0, 1]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_sites_lookup_is_served_in_turn_not_behind_another_sites_burst() {
        // Site a queues 20 lookups, then site b one: b's is second, not 21st; then a's go on.
        let mut calls = vec![(Priority::Catalog, "a"); 20];
        calls.push((Priority::Catalog, "b"));
        let order = served_order_of("http://budget-test-5", &calls).await;
        assert_eq!(order[..3], [0, 20, 1]);
        assert_eq!(order.len(), 21);
    }

    #[test]
    fn clients_of_one_origin_share_a_budget() {
        let a = Budget::shared("https://api.yclients.com", RateLimit::default());
        let b = Budget::shared("https://api.yclients.com", RateLimit::default());
        assert!(Arc::ptr_eq(&a, &b));
        let c = Budget::shared("http://127.0.0.1:1", RateLimit::default());
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
