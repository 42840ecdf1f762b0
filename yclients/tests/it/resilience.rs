//! Timeouts, retries, 429 and Retry-After, dropped connections, lost responses, and the
//! client-side rate budget against the sandbox's faults and rate limit.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use yclients::model::{Appointment, BookQuery};
use yclients::sandbox::{Fault, FaultKind, Sandbox};
use yclients::{BookingCode, Client, Error, RateLimit, RetryPolicy};

use crate::common::fixture::{Canned, FixtureServer};
use crate::common::*;

fn impatient(sandbox: &Sandbox) -> Client {
    client_with_timeout(sandbox, Duration::from_millis(400))
}

fn anna_at_noon(api_id: &str) -> yclients::model::BookRecord {
    visitor(
        api_id,
        vec![Appointment::new(
            1,
            &[WOMEN_CUT],
            ANNA,
            "2025-03-12T12:00:00+03:00",
        )],
    )
}

#[tokio::test]
async fn a_read_is_retried_after_503s_and_succeeds() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(2, FaultKind::Status { status: 503 }).on("book_times"));
    let slots = client(&sandbox)
        .book_times(MOSCOW, ANNA, day(1), &[WOMEN_CUT])
        .await
        .unwrap();
    assert!(!slots.is_empty());
    assert_eq!(sandbox.calls("book_times"), 3);
}

#[tokio::test]
async fn a_read_gives_up_after_its_attempts_with_the_last_5xx() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(10, FaultKind::Status { status: 502 }).on("book_staff"));
    let err = client(&sandbox)
        .book_staff(MOSCOW, &BookQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.is_transient());
    assert_eq!(sandbox.calls("book_staff"), 3);
}

#[tokio::test]
async fn book_record_is_never_retried_after_a_5xx() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Status { status: 500 }).on("book_record"));
    let err = client(&sandbox)
        .book_record(MOSCOW, &anna_at_noon("5xx"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(sandbox.calls("book_record"), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().inject(
        Fault::next(
            1,
            FaultKind::TooManyRequests {
                retry_after: Some(1),
            },
        )
        .on("company"),
    );
    let started = Instant::now();
    client(&sandbox).company(MOSCOW).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.calls("company"), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_client_accepts_fails_at_once() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().inject(
        Fault::next(
            1,
            FaultKind::TooManyRequests {
                retry_after: Some(60),
            },
        )
        .on("company"),
    );
    let started = Instant::now();
    let err = client(&sandbox).company(MOSCOW).await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(60)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn book_record_refused_with_429_is_retried_because_nothing_was_booked() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().inject(
        Fault::next(
            1,
            FaultKind::TooManyRequests {
                retry_after: Some(1),
            },
        )
        .on("book_record"),
    );
    let made = client(&sandbox)
        .book_record(MOSCOW, &anna_at_noon("after-429"))
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(sandbox.calls("book_record"), 2);
    assert_eq!(
        sandbox
            .records()
            .iter()
            .filter(|r| r.api_id == "after-429")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_hung_read_times_out_and_is_retried() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Hang).on("book_services"));
    let started = Instant::now();
    impatient(&sandbox)
        .book_services(MOSCOW, &BookQuery::default())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(sandbox.calls("book_services"), 2);
}

#[tokio::test]
async fn a_hung_book_record_times_out_once_and_is_not_repeated() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Hang).on("book_record"));
    let err = impatient(&sandbox)
        .book_record(MOSCOW, &anna_at_noon("hung"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                endpoint: "book_record",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert_eq!(sandbox.calls("book_record"), 1);
    assert!(
        sandbox.records().iter().all(|r| r.api_id != "hung"),
        "a hang before processing books nothing"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads_and_reported_for_bookings() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Drop).on("company"));
    client.company(MOSCOW).await.unwrap();
    assert_eq!(sandbox.calls("company"), 2);
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Drop).on("book_record"));
    let err = client
        .book_record(MOSCOW, &anna_at_noon("dropped"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    assert_eq!(sandbox.calls("book_record"), 1);
}

#[tokio::test]
async fn a_booking_whose_answer_was_lost_is_found_by_api_id() {
    let sandbox = quiet_sandbox().await;
    let client = impatient(&sandbox);
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenHang).on("book_record"));
    let err = client
        .book_record(MOSCOW, &anna_at_noon("zapis-lost-1"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    let found = client
        .find_record_by_api_id(MOSCOW, "zapis-lost-1", day(2))
        .await
        .unwrap()
        .expect("the record landed");
    assert_eq!(
        (found.staff_id, found.datetime.as_str()),
        (ANNA, "2025-03-12T12:00:00+03:00")
    );
    let again = client
        .book_record(MOSCOW, &anna_at_noon("zapis-lost-1"))
        .await
        .unwrap_err();
    assert_eq!(
        again.booking_code(),
        Some(BookingCode::SlotTaken),
        "booking blindly again would be refused"
    );
}

#[tokio::test]
async fn a_booking_answered_by_a_dropped_connection_or_a_500_still_landed() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenDrop).on("book_record"));
    assert!(
        client
            .book_record(MOSCOW, &anna_at_noon("zapis-lost-2"))
            .await
            .unwrap_err()
            .outcome_unknown()
    );
    assert!(
        client
            .find_record_by_api_id(MOSCOW, "zapis-lost-2", day(2))
            .await
            .unwrap()
            .is_some()
    );
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenStatus { status: 504 }).on("book_record"));
    let later = visitor(
        "zapis-lost-3",
        vec![Appointment::new(
            1,
            &[WOMEN_CUT],
            ANNA,
            "2025-03-12T15:00:00+03:00",
        )],
    );
    assert!(
        client
            .book_record(MOSCOW, &later)
            .await
            .unwrap_err()
            .outcome_unknown()
    );
    assert!(
        client
            .find_record_by_api_id(MOSCOW, "zapis-lost-3", day(2))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn latency_slows_an_answer_without_failing_it() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Latency { ms: 250 }));
    let started = Instant::now();
    client(&sandbox).bookform(730101).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(sandbox.calls("bookform"), 1);
}

#[tokio::test]
async fn without_a_budget_a_burst_meets_the_sandboxs_429() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().set_rate_limit(true);
    let client = Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .retry(RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        })
        .rate_limit(None)
        .build()
        .unwrap();
    let results = futures_join(8, || {
        let client = client.clone();
        async move { client.company(MOSCOW).await }
    })
    .await;
    let limited = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(Error::RateLimited {
                    retry_after: Some(_),
                    ..
                })
            )
        })
        .count();
    assert_eq!((results.len() - limited, limited), (5, 3));
}

#[tokio::test]
async fn the_budget_keeps_a_burst_within_the_documented_limit() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().set_rate_limit(true);
    let client = Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .retry(RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let results = futures_join(11, || {
        let client = client.clone();
        async move { client.company(MOSCOW).await }
    })
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "11 calls at 5/s need two waits: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_booking_write_is_served_before_queued_catalog_reads() {
    let sandbox = quiet_sandbox().await;
    let client = Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .rate_limit(Some(RateLimit {
            per_second: 2,
            per_minute: 100,
            margin: Duration::ZERO,
        }))
        .build()
        .unwrap();
    let finished: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (client, finished) = (client.clone(), finished.clone());
        tasks.push(tokio::spawn(async move {
            client
                .book_services(MOSCOW, &BookQuery::default())
                .await
                .unwrap();
            finished.lock().unwrap().push("catalog");
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (booker, log) = (client.clone(), finished.clone());
    tasks.push(tokio::spawn(async move {
        booker
            .book_record(MOSCOW, &anna_at_noon("priority"))
            .await
            .unwrap();
        log.lock().unwrap().push("booking");
    }));
    for task in tasks {
        task.await.unwrap();
    }
    let order = finished.lock().unwrap().clone();
    let position = order.iter().position(|o| *o == "booking").unwrap();
    assert!(
        position <= 3,
        "the booking waited behind catalog reads queued before it: {order:?}"
    );
}

#[tokio::test]
async fn clones_of_a_client_share_one_budget() {
    let sandbox = quiet_sandbox().await;
    let limit = RateLimit {
        per_second: 2,
        per_minute: 100,
        margin: Duration::ZERO,
    };
    let a = Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .rate_limit(Some(limit))
        .build()
        .unwrap();
    let b = a.clone();
    let c = Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .rate_limit(Some(limit))
        .build()
        .unwrap();
    let started = Instant::now();
    let (x, y, z) = tokio::join!(a.bookform(730101), b.bookform(730101), c.bookform(730101));
    x.unwrap();
    y.unwrap();
    z.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the third call waited: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_proxys_html_502_is_retried_with_growing_pauses_then_reported() {
    let server = FixtureServer::start().await;
    server.script(
        "/api/v1/company/1",
        vec![Canned::json(
            502,
            "<html><body>502 Bad Gateway</body></html>",
        )],
    );
    let err = server.client().company(1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 502, message, .. } if message.contains("Bad Gateway")),
        "{err:?}"
    );
    let seen = server.seen();
    assert_eq!(server.hits("/api/v1/company/1"), 3);
    assert!(
        seen[1].at - seen[0].at >= Duration::from_millis(10),
        "backoff waits at least half its base delay"
    );
    assert!(
        seen[2].at - seen[1].at >= Duration::from_millis(20),
        "and doubles"
    );
}

#[tokio::test]
async fn a_429_without_retry_after_or_with_an_http_date_is_still_retried() {
    let server = FixtureServer::start().await;
    let a_past_date = "Sun, 06 Nov 1994 08:49:37 GMT";
    server.script(
        "/api/v1/bookform/1",
        vec![
            Canned::json(
                429,
                r#"{"success":false,"data":null,"meta":{"message":"Too Many Requests"}}"#,
            ),
            Canned::json(429, "{}").header("retry-after", a_past_date),
            Canned::fixture(200, "bookform.json"),
        ],
    );
    let started = Instant::now();
    server.client().bookform(1).await.unwrap();
    assert_eq!(server.hits("/api/v1/bookform/1"), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "a bare 429 waits at least a second"
    );
}

/// Runs `n` futures made by `make` concurrently and collects their results in order.
async fn futures_join<F, Fut, T>(n: usize, make: F) -> Vec<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|_| tokio::spawn(make())).collect();
    let mut out = Vec::with_capacity(n);
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
