//! Slow clients cannot hold the server (issue #20 item 5): headers, bodies and idle kept-alive
//! connections have timeouts, and open connections are capped.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{Db, TestApp, spawn_app_with};

async fn strict(db: Db, max_connections: usize) -> TestApp {
    spawn_app_with(db, |s| {
        s.http.header_timeout_secs = 1;
        s.http.body_timeout_secs = 1;
        s.http.max_connections = max_connections;
    })
    .await
}

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection; what it sent and how long after `started`.
async fn until_closed(stream: &mut TcpStream, started: Instant) -> (String, Duration) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the connection stayed open 10 s"),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

async fn silent_slow_and_idle_connections_are_closed(db: Db) {
    let app = strict(db, 64).await;
    // Connects and says nothing.
    let mut silent = TcpStream::connect(addr(&app)).await.unwrap();
    // Sends half its headers, then stalls.
    let mut slow = TcpStream::connect(addr(&app)).await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Sends a body far shorter than it announced.
    let mut body = TcpStream::connect(addr(&app)).await.unwrap();
    body.write_all(
        b"POST /api/v1/t HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{\"site\":",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let (_, silent_for) = until_closed(&mut silent, started).await;
    let (_, slow_for) = until_closed(&mut slow, started).await;
    let (answer, body_for) = until_closed(&mut body, started).await;
    // A kept-alive connection, idle after its answer.
    let mut idle = TcpStream::connect(addr(&app)).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (served, idle_for) = until_closed(&mut idle, Instant::now()).await;
    println!(
        "RELIABILITY timeouts {db:?}: silent closed after {silent_for:?}, half headers {slow_for:?}, short body {body_for:?}, idle keep-alive {idle_for:?} (limits 1 s)"
    );
    for (what, took) in [
        ("silent", silent_for),
        ("half headers", slow_for),
        ("short body", body_for),
    ] {
        assert!(took < Duration::from_secs(4), "{what} held {took:?}");
    }
    let first = answer
        .lines()
        .next()
        .unwrap_or("(closed without an answer)");
    println!("RELIABILITY timeouts {db:?}: the short body was answered {first}");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    assert!(idle_for < Duration::from_secs(4), "idle held {idle_for:?}");
}

async fn connections_past_the_cap_wait_until_slow_ones_are_closed(db: Db) {
    let app = strict(db, 2).await;
    let hold = [
        TcpStream::connect(addr(&app)).await.unwrap(),
        TcpStream::connect(addr(&app)).await.unwrap(),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let res = reqwest::Client::new()
        .get(app.url("/health"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    println!(
        "RELIABILITY connection cap {db:?}: 2 silent connections held the third for {waited:?}"
    );
    assert_eq!(res.status(), 200);
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(4),
        "waited {waited:?}"
    );
    drop(hold);
}

crate::on_both_databases!(
    silent_slow_and_idle_connections_are_closed,
    connections_past_the_cap_wait_until_slow_ones_are_closed,
);
