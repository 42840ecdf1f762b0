//! One simulated visitor stream of the upstream part: config → services → staff → dates →
//! times, with think time, recording every answer.

use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::Value;

use super::super::{
    BRANCH,
    http::{Conn, Rng, Samples},
    proxy::api,
};

/// Think time between two steps of a visitor, seconds.
pub const THINK: (f64, f64) = (1.0, 4.0);

fn think(rng: &mut Rng, deadline: Instant) -> bool {
    std::thread::sleep(Duration::from_secs_f64(rng.range_f64(THINK.0, THINK.1)));
    Instant::now() < deadline
}

/// Visitor `v`'s own loopback address (127.0.1.0 + v): zapis limits lookups per IP, and real
/// visitors each come from their own.
pub fn visitor_ip(v: usize) -> IpAddr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 0, 1, 0)) + v as u32).into()
}

/// Answers by step (config, services, staff, dates, times).
pub type Steps = Arc<Mutex<BTreeMap<&'static str, Samples>>>;

/// One visitor after another on this thread until the deadline; every answer is recorded.
pub fn visitor(
    from: IpAddr,
    za: SocketAddr,
    origin: String,
    seed: u64,
    deadline: Instant,
    per_step: Steps,
) -> Samples {
    let mut rng = Rng::new(seed);
    let mut all = Samples::default();
    let mut call = |conn: &mut Conn, step: &'static str, path: String| -> Option<Value> {
        let req = api("bench", &origin, &path);
        let t = Instant::now();
        let r = conn.send(&req);
        let status = r.as_ref().map_or(0, |r| r.status);
        all.record(t.elapsed(), status);
        per_step
            .lock()
            .expect("steps")
            .entry(step)
            .or_default()
            .record(t.elapsed(), status);
        r.ok()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json().ok())
    };
    // Arrivals spread over the first seconds.
    std::thread::sleep(Duration::from_secs_f64(rng.range_f64(0.0, 3.0)));
    while Instant::now() < deadline {
        // A new visitor on a new connection (a new page view).
        let mut conn = Conn::new(za).timeout(Duration::from_secs(60)).bind_to(from);
        if call(&mut conn, "config", "/config".into()).is_none() || !think(&mut rng, deadline) {
            continue;
        }
        let Some(services) = call(
            &mut conn,
            "services",
            format!("/branches/{BRANCH}/services"),
        ) else {
            continue;
        };
        let ids: Vec<u64> = services["services"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["id"].as_u64()).collect())
            .unwrap_or_default();
        if ids.is_empty() || !think(&mut rng, deadline) {
            continue;
        }
        let service = ids[rng.zipf(ids.len())];
        let Some(staff) = call(
            &mut conn,
            "staff",
            format!("/branches/{BRANCH}/staff?services={service}"),
        ) else {
            continue;
        };
        let bookable: Vec<u64> = staff["staff"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|s| s["bookable"] == true)
                    .filter_map(|s| s["id"].as_u64())
                    .collect()
            })
            .unwrap_or_default();
        // Half the visitors take "any master".
        let master = if bookable.is_empty() || rng.below(2) == 0 {
            0
        } else {
            bookable[rng.below(bookable.len())]
        };
        if !think(&mut rng, deadline) {
            continue;
        }
        let Some(dates) = call(
            &mut conn,
            "dates",
            format!("/branches/{BRANCH}/dates?services={service}&staff={master}"),
        ) else {
            continue;
        };
        let dates: Vec<String> = dates["dates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if dates.is_empty() || !think(&mut rng, deadline) {
            continue;
        }
        let date = &dates[rng.zipf(dates.len().min(7))];
        call(
            &mut conn,
            "times",
            format!("/branches/{BRANCH}/times?services={service}&staff={master}&date={date}"),
        );
        think(&mut rng, deadline);
    }
    all
}
