//! Erasure of a visitor (by id) or a client by phone: names, phones, emails, comments, visitor
//! and session ids, query strings of paths, referrers and click ids leave the store; so does
//! free text that could carry a name or phone (campaign, content and term of touches, page
//! titles, event names and props, paths past their first segment), YCLIENTS' transaction ids of
//! the payments, and the exact times (visit and payment kept to the day). The rows
//! stay, under fresh anonymous ids, so counts and sums in the reports still add up. Each
//! erasure is logged with who, when and how much — never what.

use serde_json::Value;
use sqlx::{Any, Row, Transaction};

use super::Store;

/// How much one erasure touched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Erased {
    pub bookings: i64,
    pub visitors: i64,
    pub sessions: i64,
    pub events: i64,
}

/// One line of the erasure log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ErasureLog {
    pub at: i64,
    pub actor: String,
    pub kind: String,
    #[serde(flatten)]
    pub counts: Erased,
}

fn anon_id() -> String {
    format!("anon{:028x}", rand::random::<u128>() >> 16)
}

/// A path or URL without its query string and fragment.
pub fn strip_query(path: &str) -> String {
    path.split(['?', '#']).next().unwrap_or("").to_owned()
}

/// A path kept to its first segment (`/thanks/anna-petrova?x` → `/thanks/…`): later segments
/// can be anything a site puts there, a name included.
pub fn generalise_path(path: &str) -> String {
    let path = strip_query(path);
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    match (parts.next(), parts.next()) {
        (Some(first), Some(rest)) if !rest.is_empty() => format!("/{first}/…"),
        _ => path,
    }
}

/// A touch's JSON without referrer, click ids and free text, its landing page without the query.
fn scrub_touch(json: Option<String>) -> Option<String> {
    let mut v: Value = serde_json::from_str(&json?).ok()?;
    let o = v.as_object_mut()?;
    for k in [
        "referrer", "yclid", "gclid", "fbclid", "campaign", "content", "term",
    ] {
        o.remove(k);
    }
    if let Some(landing) = o.get("landing").and_then(Value::as_str).map(strip_query) {
        o.insert("landing".into(), landing.into());
    }
    Some(v.to_string())
}

/// The booking result without its id and cancel link.
fn scrub_result(json: Option<String>, id: &str) -> Option<String> {
    let mut v: Value = serde_json::from_str(&json?).ok()?;
    let o = v.as_object_mut()?;
    o.insert("id".into(), id.into());
    o.insert("cancel_url".into(), "".into());
    Some(v.to_string())
}

type Tx = Transaction<'static, Any>;

impl Store {
    /// Erases one visitor of a site, with the bookings made under their id. Nothing found:
    /// nothing changes and nothing is logged.
    pub async fn erase_visitor(
        &self,
        site: &str,
        vid: &str,
        actor: &str,
        now: i64,
    ) -> Result<Erased, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let erased = erase_visitor_in(&mut tx, site, vid, now).await?;
        if erased == Erased::default() {
            return Ok(erased);
        }
        log(&mut tx, site, actor, "visitor", erased, now).await?;
        tx.commit().await?;
        Ok(erased)
    }

    /// Erases a client of a site by phone (digits): their bookings and every visitor id those
    /// bookings carry.
    pub async fn erase_client(
        &self,
        site: &str,
        phone: &str,
        actor: &str,
        now: i64,
    ) -> Result<Erased, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let mut vids: Vec<Option<String>> =
            sqlx::query_scalar("SELECT DISTINCT vid FROM bookings WHERE site = $1 AND phone = $2")
                .bind(site)
                .bind(phone)
                .fetch_all(&mut *tx)
                .await?;
        let (call_vids, calls) = super::calls::scrub_phone_calls(&mut tx, site, phone).await?;
        vids.extend(call_vids.into_iter().map(Some));
        vids.sort();
        vids.dedup();
        let mut total = Erased::default();
        for vid in vids.into_iter().flatten() {
            let e = erase_visitor_in(&mut tx, site, &vid, now).await?;
            total = Erased {
                bookings: total.bookings + e.bookings,
                visitors: total.visitors + e.visitors,
                sessions: total.sessions + e.sessions,
                events: total.events + e.events,
            };
        }
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM bookings WHERE site = $1 AND phone = $2")
                .bind(site)
                .bind(phone)
                .fetch_all(&mut *tx)
                .await?;
        for id in ids {
            scrub_booking(&mut tx, &id, None, now).await?;
            total.bookings += 1;
        }
        if total == Erased::default() && calls == 0 {
            return Ok(total);
        }
        log(&mut tx, site, actor, "client", total, now).await?;
        tx.commit().await?;
        Ok(total)
    }

    /// The latest erasures of a site.
    pub async fn erasures(&self, site: &str, limit: i64) -> Result<Vec<ErasureLog>, sqlx::Error> {
        let rows = sqlx::query("SELECT at, actor, kind, bookings, visitors, sessions, events FROM erasures WHERE site = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(site)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ErasureLog {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    kind: r.try_get("kind")?,
                    counts: Erased {
                        bookings: r.try_get("bookings")?,
                        visitors: r.try_get("visitors")?,
                        sessions: r.try_get("sessions")?,
                        events: r.try_get("events")?,
                    },
                })
            })
            .collect()
    }
}

async fn erase_visitor_in(
    tx: &mut Tx,
    site: &str,
    vid: &str,
    now: i64,
) -> Result<Erased, sqlx::Error> {
    let anon = anon_id();
    let mut erased = Erased::default();
    let sessions = sqlx::query("SELECT sid, landing FROM sessions WHERE site = $1 AND vid = $2")
        .bind(site)
        .bind(vid)
        .fetch_all(&mut **tx)
        .await?;
    for row in &sessions {
        let sid: String = row.try_get("sid")?;
        let landing: Option<String> = row.try_get("landing")?;
        let new_sid = anon_id();
        sqlx::query(
            "UPDATE sessions SET sid = $3, vid = $4, referrer = NULL, yclid = NULL, gclid = NULL, fbclid = NULL, landing = $5, \
             campaign = NULL, content = NULL, term = NULL WHERE site = $1 AND sid = $2",
        )
        .bind(site)
        .bind(&sid)
        .bind(&new_sid)
        .bind(&anon)
        .bind(landing.as_deref().map(strip_query))
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE bookings SET sid = $3 WHERE site = $1 AND sid = $2")
            .bind(site)
            .bind(&sid)
            .bind(&new_sid)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE events SET sid = $3 WHERE site = $1 AND sid = $2 AND vid = $4")
            .bind(site)
            .bind(&sid)
            .bind(&new_sid)
            .bind(vid)
            .execute(&mut **tx)
            .await?;
        erased.sessions += 1;
    }
    erased.events =
        sqlx::query("UPDATE events SET vid = $3, props = NULL, title = NULL, name = NULL WHERE site = $1 AND vid = $2")
            .bind(site)
            .bind(vid)
            .bind(&anon)
            .execute(&mut **tx)
            .await?
            .rows_affected() as i64;
    let paths: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT path FROM events WHERE site = $1 AND vid = $2")
            .bind(site)
            .bind(&anon)
            .fetch_all(&mut **tx)
            .await?;
    for path in paths.iter().filter(|p| generalise_path(p) != **p) {
        sqlx::query("UPDATE events SET path = $4 WHERE site = $1 AND vid = $2 AND path = $3")
            .bind(site)
            .bind(&anon)
            .bind(path)
            .bind(generalise_path(path))
            .execute(&mut **tx)
            .await?;
    }
    super::calls::scrub_visitor_calls(tx, site, vid, &anon).await?;
    erased.visitors = sqlx::query("UPDATE visitors SET vid = $3 WHERE site = $1 AND vid = $2")
        .bind(site)
        .bind(vid)
        .bind(&anon)
        .execute(&mut **tx)
        .await?
        .rows_affected() as i64;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM bookings WHERE site = $1 AND vid = $2")
            .bind(site)
            .bind(vid)
            .fetch_all(&mut **tx)
            .await?;
    for id in &ids {
        scrub_booking(tx, id, Some(&anon), now).await?;
    }
    erased.bookings = ids.len() as i64;
    Ok(erased)
}

/// A booking without personal data or identifiers, under a fresh id (its payments follow).
async fn scrub_booking(
    tx: &mut Tx,
    id: &str,
    anon_vid: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "SELECT first_touch, last_touch, result, datetime, visit_at FROM bookings WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let new_id = anon_id();
    sqlx::query(
        "UPDATE bookings SET id = $2, idempotency_key = $2, request_hash = '', name = '', phone = '', email = NULL, comment = NULL, \
         error = NULL, records = NULL, record_id = NULL, vid = $3, sid = CASE WHEN sid LIKE 'anon%' THEN sid ELSE NULL END, \
         first_touch = $4, last_touch = $5, result = $6, erased = $7, first_campaign = NULL, last_campaign = NULL, \
         datetime = $8, visit_at = $9 WHERE id = $1",
    )
    .bind(id)
    .bind(&new_id)
    .bind(anon_vid)
    .bind(scrub_touch(row.try_get("first_touch")?))
    .bind(scrub_touch(row.try_get("last_touch")?))
    .bind(scrub_result(row.try_get("result")?, &new_id))
    .bind(now)
    .bind(to_the_day(&row.try_get::<String, _>("datetime")?))
    .bind(row.try_get::<Option<String>, _>("visit_at")?.map(|v| to_the_day(&v)))
    .execute(&mut **tx)
    .await?;
    // Payments: YCLIENTS' transaction id replaced by a random negative one, the time by the day.
    let payments: Vec<(String, i64)> =
        sqlx::query_as("SELECT site, id FROM payments WHERE booking_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    for (site, tx_id) in payments {
        let anon_tx = -i64::from(rand::random::<u32>()) - 1;
        sqlx::query("UPDATE payments SET id = $3, booking_id = $4, record_id = 0, paid_at = SUBSTR(paid_at, 1, 10) WHERE site = $1 AND id = $2")
            .bind(&site)
            .bind(tx_id)
            .bind(anon_tx)
            .bind(&new_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// `2026-03-01T12:30:00+03:00` → `2026-03-01T00:00:00+03:00` (the day and offset kept).
fn to_the_day(datetime: &str) -> String {
    match (datetime.get(..10), datetime.get(19..)) {
        (Some(day), Some(zone)) if datetime.len() >= 19 => format!("{day}T00:00:00{zone}"),
        _ => datetime.get(..10).unwrap_or(datetime).to_owned(),
    }
}

async fn log(
    tx: &mut Tx,
    site: &str,
    actor: &str,
    kind: &str,
    e: Erased,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO erasures (at, actor, site, kind, bookings, visitors, sessions, events) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(now)
        .bind(actor)
        .bind(site)
        .bind(kind)
        .bind(e.bookings)
        .bind(e.visitors)
        .bind(e.sessions)
        .bind(e.events)
        .execute(&mut **tx)
        .await?;
    tracing::info!(
        site,
        actor,
        kind,
        bookings = e.bookings,
        visitors = e.visitors,
        sessions = e.sessions,
        events = e.events,
        "personal data erased"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touches_lose_referrers_click_ids_and_query_strings() {
        let t = r#"{"ch":"paid","source":"yandex","yclid":"123","referrer":"https://ya.ru/?q=anna","landing":"/?utm_source=yandex&phone=7916"}"#;
        let v: Value = serde_json::from_str(&scrub_touch(Some(t.into())).unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"ch": "paid", "source": "yandex", "landing": "/"})
        );
        assert_eq!(strip_query("/a/b?x=1#y"), "/a/b");
    }

    #[test]
    fn paths_keep_their_first_segment_and_times_their_day() {
        assert_eq!(generalise_path("/thanks/anna-petrova?x=1"), "/thanks/…");
        assert_eq!(generalise_path("/prices"), "/prices");
        assert_eq!(generalise_path("/?utm_source=x"), "/");
        assert_eq!(generalise_path("/a/"), "/a/");
        assert_eq!(
            to_the_day("2026-03-01T12:30:00+03:00"),
            "2026-03-01T00:00:00+03:00"
        );
        assert_eq!(to_the_day("2026-03-01 12:30"), "2026-03-01");
    }
}
