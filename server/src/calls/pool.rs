//! The dynamic pool as pure functions of `now`: which number a visitor gets, when a hold is
//! live, which hold a call at instant `t` belongs to. The store applies the choice by a
//! compare-and-set ([`crate::store::Store::lease_number`]), so every instance agrees.

/// The current holder of a pool number (`call_numbers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub number: String,
    pub hold_id: String,
    pub vid: String,
    pub active_at: i64,
}

impl Hold {
    /// Held until the visitor's last activity plus the tail.
    pub fn live(&self, now: i64, tail_ms: i64) -> bool {
        self.active_at.saturating_add(tail_ms) >= now
    }
}

/// What to do for a visitor asking for a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The visitor holds this number and is still within its tail: extend it.
    Renew { number: String, hold_id: String },
    /// Take `number`: never held (`prev` none), free again (its holder's tail is over), or —
    /// the pool exhausted — the least recently active hold, `reused` (the pool is too small).
    Take {
        number: String,
        prev: Option<Hold>,
        reused: bool,
    },
}

impl Choice {
    pub fn number(&self) -> &str {
        match self {
            Choice::Renew { number, .. } | Choice::Take { number, .. } => number,
        }
    }
}

/// The choice for `vid` among `pool` (the site's numbers, digits) given the current `holds`;
/// `None` when the pool is empty. A free number is the one idle longest (never held first),
/// which spreads the numbers and keeps each one's history unambiguous for as long as possible.
pub fn choose(
    pool: &[String],
    holds: &[Hold],
    vid: &str,
    now: i64,
    tail_ms: i64,
) -> Option<Choice> {
    let held = |n: &str| holds.iter().find(|h| h.number == n);
    if let Some(h) = holds
        .iter()
        .find(|h| h.vid == vid && h.live(now, tail_ms) && pool.contains(&h.number))
    {
        return Some(Choice::Renew {
            number: h.number.clone(),
            hold_id: h.hold_id.clone(),
        });
    }
    let free = pool
        .iter()
        .filter(|n| held(n).is_none_or(|h| !h.live(now, tail_ms)))
        .min_by_key(|n| held(n).map_or(i64::MIN, |h| h.active_at));
    if let Some(n) = free {
        return Some(Choice::Take {
            number: n.clone(),
            prev: held(n).cloned(),
            reused: false,
        });
    }
    // Exhausted: every number is held by someone active. Take the one idle longest.
    let oldest = pool
        .iter()
        .filter_map(|n| held(n))
        .min_by_key(|h| (h.active_at, h.number.clone()))?;
    Some(Choice::Take {
        number: oldest.number.clone(),
        prev: Some(oldest.clone()),
        reused: true,
    })
}

/// How far a PBX's call time may run behind ours.
pub const CLOCK_SKEW_MS: i64 = 5_000;

/// A past hold of a number (`call_holds`), as matching reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastHold {
    pub vid: String,
    pub started: i64,
    pub active_at: i64,
    pub ended: Option<i64>,
    /// The touch the page sent when asking ([`super::page_touch`]), as stored.
    pub page_touch: Option<String>,
}

impl PastHold {
    /// Whether the number was this visitor's at instant `t`. A hold counts from
    /// [`CLOCK_SKEW_MS`] before it started: PBXs write whole seconds, and their clocks are not
    /// ours, so a call dialled right after the number was shown may carry an earlier time.
    pub fn covers(&self, t: i64, tail_ms: i64) -> bool {
        let until = self.active_at.saturating_add(tail_ms);
        let until = self.ended.map_or(until, |e| e.min(until));
        self.started.saturating_sub(CLOCK_SKEW_MS) <= t && t <= until
    }
}

/// Who held the number at instant `t`: of the holds covering `t`, the latest started (a reused
/// number's earlier holder ends when it is taken over, so at most one covers `t`).
pub fn holder_at(holds: &[PastHold], t: i64, tail_ms: i64) -> Option<&PastHold> {
    holds
        .iter()
        .filter(|h| h.covers(t, tail_ms))
        .max_by_key(|h| h.started)
}

/// The pool size the anchors' rule gives: peak visitors per hour ÷ (60 / average visit minutes),
/// rounded up (Nimbata: 200 visitors an hour, 3 minutes each → 10 numbers).
pub fn suggested_size(peak_visitors_per_hour: u64, average_visit_minutes: f64) -> u64 {
    if average_visit_minutes <= 0.0 {
        return peak_visitors_per_hour;
    }
    (peak_visitors_per_hour as f64 / (60.0 / average_visit_minutes)).ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAIL: i64 = 180_000;

    fn pool(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("7495100000{i}")).collect()
    }

    fn hold(number: &str, vid: &str, active_at: i64) -> Hold {
        Hold {
            number: number.into(),
            hold_id: format!("h-{vid}"),
            vid: vid.into(),
            active_at,
        }
    }

    #[test]
    fn a_new_visitor_gets_a_never_held_number_first() {
        let p = pool(3);
        let holds = vec![hold(&p[0], "a", 1_000)];
        let c = choose(&p, &holds, "b", 2_000, TAIL).unwrap();
        assert_eq!(
            c,
            Choice::Take {
                number: p[1].clone(),
                prev: None,
                reused: false
            }
        );
    }

    #[test]
    fn a_visitor_still_active_keeps_their_number_and_renews_it() {
        let p = pool(3);
        let holds = vec![hold(&p[0], "a", 1_000), hold(&p[1], "b", 1_000)];
        let c = choose(&p, &holds, "b", 1_000 + TAIL, TAIL).unwrap();
        assert_eq!(
            c,
            Choice::Renew {
                number: p[1].clone(),
                hold_id: "h-b".into()
            }
        );
    }

    #[test]
    fn a_number_is_free_again_once_its_holders_tail_is_over() {
        let p = pool(2);
        let holds = vec![hold(&p[0], "a", 1_000), hold(&p[1], "b", 5_000)];
        // Both idle past the tail: the one idle longest is given first.
        let now = 5_000 + TAIL + 1;
        let c = choose(&p, &holds, "c", now, TAIL).unwrap();
        assert_eq!(c.number(), p[0]);
        assert!(matches!(c, Choice::Take { reused: false, prev: Some(ref h), .. } if h.vid == "a"));
        // The visitor back after their tail gets a new hold, not a renewal of the lapsed one.
        let c = choose(&p, &holds, "b", now, TAIL).unwrap();
        assert!(matches!(c, Choice::Take { .. }), "{c:?}");
    }

    #[test]
    fn an_exhausted_pool_reuses_the_least_recently_active_hold_and_says_so() {
        let p = pool(2);
        let holds = vec![hold(&p[0], "a", 9_000), hold(&p[1], "b", 4_000)];
        let c = choose(&p, &holds, "c", 10_000, TAIL).unwrap();
        assert_eq!(
            c,
            Choice::Take {
                number: p[1].clone(),
                prev: Some(hold(&p[1], "b", 4_000)),
                reused: true
            }
        );
        assert_eq!(choose(&[], &[], "c", 0, TAIL), None);
    }

    #[test]
    fn a_number_dropped_from_the_pool_is_neither_renewed_nor_given() {
        let p = pool(1);
        let holds = vec![hold("74950000000", "a", 1_000)];
        let c = choose(&p, &holds, "a", 1_000, TAIL).unwrap();
        assert_eq!(c.number(), p[0]);
    }

    #[test]
    fn a_call_belongs_to_whoever_held_the_number_at_its_start() {
        let holds = vec![
            PastHold {
                vid: "a".into(),
                started: 0,
                active_at: 60_000,
                ended: Some(100_000),
                page_touch: None,
            },
            PastHold {
                vid: "b".into(),
                started: 100_000,
                active_at: 150_000,
                ended: None,
                page_touch: None,
            },
        ];
        assert_eq!(holder_at(&holds, 50_000, TAIL).unwrap().vid, "a");
        // A's tail would run to 240 000, but B took the number at 100 000.
        assert_eq!(holder_at(&holds, 120_000, TAIL).unwrap().vid, "b");
        assert_eq!(holder_at(&holds, 150_000 + TAIL, TAIL).unwrap().vid, "b");
        assert_eq!(holder_at(&holds, 150_001 + TAIL, TAIL), None);
        assert_eq!(holder_at(&holds, -CLOCK_SKEW_MS - 1, TAIL), None);
        // A PBX a second behind (or writing whole seconds) still finds the holder.
        assert_eq!(holder_at(&holds, -1_000, TAIL).unwrap().vid, "a");
    }

    #[test]
    fn the_suggested_pool_size_follows_the_anchors_rule() {
        assert_eq!(suggested_size(200, 3.0), 10);
        assert_eq!(suggested_size(201, 3.0), 11);
        assert_eq!(suggested_size(50, 0.0), 50);
    }
}
