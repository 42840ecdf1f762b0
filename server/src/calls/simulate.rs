//! A pool under load, simulated with the same functions the server runs ([`pool::choose`],
//! [`pool::holder_at`]): visitors arrive, ask for a number when they land and every 30 s while
//! active, and call the number last shown to them at a moment of their visit; a call is
//! misattributed when the number's holder at that moment is someone else. Deterministic (a
//! seeded generator); used by the tests and by `zapis pbx --simulate`.

use super::pool::{self, Choice, Hold, PastHold};

/// What a run measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub calls: usize,
    pub misattributed: usize,
    /// Numbers taken from a visitor still active ("pool too small").
    pub reused: usize,
}

/// The load: `visitors` arriving within `window_ms` (0: all at once), each active `visit_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub pool: usize,
    pub visitors: usize,
    pub window_ms: i64,
    pub visit_ms: i64,
    pub tail_ms: i64,
    pub seed: u64,
}

const ASK_EVERY_MS: i64 = 30_000;

/// xorshift64*: enough for a repeatable spread of arrivals.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

pub fn run(load: Load) -> Outcome {
    let numbers: Vec<String> = (0..load.pool).map(|i| format!("7495300{i:04}")).collect();
    let mut rng = load.seed.max(1);
    let mut rand_below = |n: i64| {
        if n <= 0 {
            0
        } else {
            (next(&mut rng) % n as u64) as i64
        }
    };
    // (time, visitor, is_call)
    let mut events: Vec<(i64, usize, bool)> = Vec::new();
    for v in 0..load.visitors {
        let arrive = rand_below(load.window_ms);
        let mut t = arrive;
        while t < arrive + load.visit_ms {
            events.push((t, v, false));
            t += ASK_EVERY_MS;
        }
        events.push((arrive + 1 + rand_below(load.visit_ms), v, true));
    }
    events.sort();
    let mut holds: Vec<Hold> = Vec::new();
    let mut history: Vec<(String, String, PastHold)> = Vec::new();
    let mut shown: Vec<Option<String>> = vec![None; load.visitors];
    let mut out = Outcome {
        calls: 0,
        misattributed: 0,
        reused: 0,
    };
    for (n, (t, v, is_call)) in events.into_iter().enumerate() {
        let vid = format!("v{v}");
        if is_call {
            let Some(number) = &shown[v] else { continue };
            out.calls += 1;
            let past: Vec<PastHold> = history
                .iter()
                .filter(|(num, _, _)| num == number)
                .map(|(_, _, h)| h.clone())
                .collect();
            if pool::holder_at(&past, t, load.tail_ms).is_none_or(|h| h.vid != vid) {
                out.misattributed += 1;
            }
            continue;
        }
        let Some(choice) = pool::choose(&numbers, &holds, &vid, t, load.tail_ms) else {
            continue;
        };
        match &choice {
            Choice::Renew { hold_id, .. } => {
                holds
                    .iter_mut()
                    .filter(|h| &h.hold_id == hold_id)
                    .for_each(|h| h.active_at = t);
                history
                    .iter_mut()
                    .filter(|(_, id, _)| id == hold_id)
                    .for_each(|(_, _, h)| h.active_at = t);
            }
            Choice::Take {
                number,
                prev,
                reused,
            } => {
                let id = format!("h{n}");
                if let Some(p) = prev.as_ref().filter(|_| *reused) {
                    out.reused += 1;
                    history
                        .iter_mut()
                        .filter(|(_, hid, _)| *hid == p.hold_id)
                        .for_each(|(_, _, h)| h.ended = Some(t));
                }
                holds.retain(|h| &h.number != number);
                holds.push(Hold {
                    number: number.clone(),
                    hold_id: id.clone(),
                    vid: vid.clone(),
                    active_at: t,
                });
                history.push((
                    number.clone(),
                    id,
                    PastHold {
                        vid: vid.clone(),
                        started: t,
                        active_at: t,
                        ended: None,
                        page_touch: None,
                    },
                ));
            }
        }
        shown[v] = Some(choice.number().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn load(pool: usize, visitors: usize, window_ms: i64) -> Load {
        Load {
            pool,
            visitors,
            window_ms,
            visit_ms: 3 * MIN,
            tail_ms: 3 * MIN,
            seed: 17,
        }
    }

    #[test]
    fn a_pool_sized_by_the_anchors_rule_attributes_an_hours_calls_mostly_right() {
        // 200 visitors an hour, 3-minute visits: the rule gives 10 numbers.
        assert_eq!(pool::suggested_size(200, 3.0), 10);
        let ten = run(load(10, 200, 60 * MIN));
        let five = run(load(5, 200, 60 * MIN));
        let twenty = run(load(20, 200, 60 * MIN));
        let forty = run(load(40, 200, 60 * MIN));
        println!(
            "200 visitors/hour, 3-min visits + 3-min tail: 5 numbers {five:?}; 10 numbers {ten:?}; \
             20 numbers {twenty:?}; 40 numbers {forty:?}"
        );
        assert_eq!(ten.calls, 200);
        // Measured: 21 of 200 (the rule counts the visit, not the tail a number is also held).
        assert!(ten.misattributed <= 25, "{ten:?}");
        assert!(twenty.misattributed < ten.misattributed, "{twenty:?}");
        assert!(
            five.misattributed > ten.misattributed,
            "fewer numbers, more errors"
        );
        assert_eq!(forty.misattributed, 0, "{forty:?}");
    }

    #[test]
    fn two_hundred_visitors_at_once_on_ten_numbers_misattribute_all_but_the_last_ten() {
        let at_once = run(load(10, 200, 0));
        println!("200 visitors at once on 10 numbers: {at_once:?}");
        assert_eq!(at_once.misattributed, 190, "{at_once:?}");
    }
}
