//! SQL of the one-time reclassification of stored touches (`attribution::reclassify`): the
//! `data_migrations` marker, and the touch columns of sessions and bookings.

use protocol::track::Touch;
use sqlx::Row;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A stored session's touch, as the columns hold it.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub site: String,
    pub sid: String,
    pub touch: Touch,
}

/// A stored booking's first or last touch: its columns and its JSON.
#[derive(Debug, Clone)]
pub struct StoredBookingTouch {
    pub id: String,
    /// `first` or `last`.
    pub which: &'static str,
    pub erased: bool,
    pub channel: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub json: Option<String>,
}

/// Takes the data migration `name`: true when this transaction is the one to run it (its row is
/// new); false when it ran before. The row becomes visible when the transaction commits; a second
/// instance's insert waits for that (PostgreSQL) or for the write lock (SQLite).
pub async fn claim(tx: &mut Tx, name: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO data_migrations (name, done) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn sessions(tx: &mut Tx) -> Result<Vec<StoredSession>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT site, sid, channel, source, medium, campaign, content, term, yclid, gclid, fbclid, referrer, landing, touch_ts FROM sessions",
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let channel: String = r.try_get("channel")?;
            Ok(StoredSession {
                site: r.try_get("site")?,
                sid: r.try_get("sid")?,
                touch: Touch {
                    ch: serde_json::from_value(channel.into()).unwrap_or_default(),
                    source: r.try_get("source")?,
                    medium: r.try_get("medium")?,
                    campaign: r.try_get("campaign")?,
                    content: r.try_get("content")?,
                    term: r.try_get("term")?,
                    yclid: r.try_get("yclid")?,
                    gclid: r.try_get("gclid")?,
                    fbclid: r.try_get("fbclid")?,
                    referrer: r.try_get("referrer")?,
                    landing: r.try_get("landing")?,
                    ts: r.try_get::<i64, _>("touch_ts")?.max(0) as u64,
                },
            })
        })
        .collect()
}

pub async fn update_session(
    tx: &mut Tx,
    site: &str,
    sid: &str,
    t: &Touch,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET channel = $3, source = $4, medium = $5, campaign = $6, content = $7, term = $8, yclid = $9, gclid = $10, fbclid = $11 \
         WHERE site = $1 AND sid = $2",
    )
    .bind(site)
    .bind(sid)
    .bind(t.ch.as_str())
    .bind(&t.source)
    .bind(&t.medium)
    .bind(&t.campaign)
    .bind(&t.content)
    .bind(&t.term)
    .bind(&t.yclid)
    .bind(&t.gclid)
    .bind(&t.fbclid)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn booking_touches(tx: &mut Tx) -> Result<Vec<StoredBookingTouch>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, erased, first_channel, first_source, first_medium, first_campaign, first_touch, \
         last_channel, last_source, last_medium, last_campaign, last_touch FROM bookings",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len() * 2);
    for r in &rows {
        for which in ["first", "last"] {
            let col = |c: &str| format!("{which}_{c}");
            out.push(StoredBookingTouch {
                id: r.try_get("id")?,
                which,
                erased: r.try_get::<Option<i64>, _>("erased")?.is_some(),
                channel: r.try_get(col("channel").as_str())?,
                source: r.try_get(col("source").as_str())?,
                medium: r.try_get(col("medium").as_str())?,
                campaign: r.try_get(col("campaign").as_str())?,
                json: r.try_get(col("touch").as_str())?,
            });
        }
    }
    Ok(out)
}

pub async fn update_booking_touch(
    tx: &mut Tx,
    id: &str,
    which: &'static str,
    t: &Touch,
    json: &str,
) -> Result<(), sqlx::Error> {
    // `which` is one of two literals, never input.
    let sql = format!(
        "UPDATE bookings SET {which}_channel = $2, {which}_source = $3, {which}_medium = $4, {which}_campaign = $5, {which}_touch = $6 WHERE id = $1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(t.ch.as_str())
        .bind(&t.source)
        .bind(&t.medium)
        .bind(&t.campaign)
        .bind(json)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
