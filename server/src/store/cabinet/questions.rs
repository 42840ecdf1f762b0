//! Questions from clients to the salon: threads of messages, unread counted on both sides.

use sqlx::Row;

use crate::store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadRow {
    pub id: i64,
    pub site: String,
    pub visit: Option<i64>,
    pub client_name: String,
    pub updated: i64,
    /// Salon messages the client has not read.
    pub client_unread: i64,
    /// Client messages the salon has not read.
    pub salon_unread: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub from_salon: bool,
    pub text: String,
    pub at: i64,
}

const THREAD: &str = "SELECT id, site, visit, client_name, updated, client_unread, salon_unread FROM cabinet_threads";

fn thread(r: &sqlx::any::AnyRow) -> Result<ThreadRow, sqlx::Error> {
    Ok(ThreadRow {
        id: r.try_get("id")?,
        site: r.try_get("site")?,
        visit: r.try_get("visit")?,
        client_name: r.try_get("client_name")?,
        updated: r.try_get("updated")?,
        client_unread: r.try_get("client_unread")?,
        salon_unread: r.try_get("salon_unread")?,
    })
}

impl Store {
    /// The account's threads, newest activity first.
    pub async fn cabinet_threads(&self, account: &str) -> Result<Vec<ThreadRow>, sqlx::Error> {
        let sql = format!("{THREAD} WHERE account = $1 ORDER BY updated DESC, id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(thread).collect()
    }

    /// The site's threads for the owner, those waiting for an answer first.
    pub async fn cabinet_site_threads(
        &self,
        site: &str,
        limit: i64,
    ) -> Result<Vec<ThreadRow>, sqlx::Error> {
        let sql = format!(
            "{THREAD} WHERE site = $1 ORDER BY CASE WHEN salon_unread > 0 THEN 0 ELSE 1 END, updated DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(thread).collect()
    }

    /// One thread of a site; with `account`, only when it is that account's.
    pub async fn cabinet_thread(
        &self,
        site: &str,
        id: i64,
        account: Option<&str>,
    ) -> Result<Option<ThreadRow>, sqlx::Error> {
        let sql = format!("{THREAD} WHERE site = $1 AND id = $2 AND ($3 = '' OR account = $3)");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(id)
            .bind(account.unwrap_or(""))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(thread).transpose()
    }

    pub async fn cabinet_messages(&self, thread: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT from_salon, text, at FROM cabinet_messages WHERE thread = $1 ORDER BY id",
        )
        .bind(thread)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageRow {
                    from_salon: r.try_get::<i64, _>("from_salon")? != 0,
                    text: r.try_get("text")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// A new thread with its first message; returns its id.
    pub async fn cabinet_new_thread(
        &self,
        site: &str,
        account: &str,
        client_name: &str,
        visit: Option<i64>,
        text: &str,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cabinet_threads (site, account, visit, client_name, updated, salon_unread) \
             VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(site)
        .bind(account)
        .bind(visit)
        .bind(client_name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO cabinet_messages (thread, from_salon, text, at) VALUES ($1, 0, $2, $3)",
        )
        .bind(id)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a message to a thread; the other side gets one more unread.
    pub async fn cabinet_add_message(
        &self,
        thread: i64,
        from_salon: bool,
        text: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO cabinet_messages (thread, from_salon, text, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(thread)
        .bind(i64::from(from_salon))
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let sql = if from_salon {
            "UPDATE cabinet_threads SET client_unread = client_unread + 1, salon_unread = 0, updated = $2 WHERE id = $1"
        } else {
            "UPDATE cabinet_threads SET salon_unread = salon_unread + 1, updated = $2 WHERE id = $1"
        };
        sqlx::query(sql)
            .bind(thread)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// The side that reads a thread has no unread messages in it any more.
    pub async fn cabinet_mark_read(&self, thread: i64, by_salon: bool) -> Result<(), sqlx::Error> {
        let sql = if by_salon {
            "UPDATE cabinet_threads SET salon_unread = 0 WHERE id = $1"
        } else {
            "UPDATE cabinet_threads SET client_unread = 0 WHERE id = $1"
        };
        sqlx::query(sql).bind(thread).execute(&self.pool).await?;
        Ok(())
    }
}
