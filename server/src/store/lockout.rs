//! Login attempts, server keys and owner epochs (the lock-out and sessions' validity).

use sqlx::Row;

use super::Store;

/// An attempt to record: keys as [`crate::auth::lockout`] makes them.
pub struct NewAttempt<'a> {
    pub login: &'a str,
    pub subject: &'a str,
    pub addr: &'a str,
    pub at: i64,
    /// Start of the counting window.
    pub since: i64,
}

/// Checked attempts (pending or failed) in the window, before the one being recorded.
#[derive(Debug)]
pub struct AttemptCounts {
    /// Times of this subject's on this login, oldest first.
    pub pair: Vec<i64>,
    /// Times of this address's on any login, oldest first.
    pub addr: Vec<i64>,
    /// Failures on this login from anywhere.
    pub account_failed: i64,
    /// When the last one on this login began.
    pub last_checked: Option<i64>,
}

impl Store {
    /// The key `name`, set to `fresh` if absent. Several instances starting together agree.
    pub async fn server_key(&self, name: &str, fresh: &str) -> Result<String, sqlx::Error> {
        sqlx::query(
            "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(&self.pool)
        .await?;
        sqlx::query_scalar("SELECT value FROM server_keys WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
    }

    /// Records an attempt, one login at a time (a PostgreSQL advisory lock on the login, the
    /// SQLite write lock): `decide` sees the counts of every attempt before this one and answers
    /// `Some(retry_after_ms)` to refuse it. Returns the attempt's id and that answer.
    pub async fn record_login_attempt(
        &self,
        a: &NewAttempt<'_>,
        decide: impl FnOnce(&AttemptCounts) -> Option<i64>,
    ) -> Result<(i64, Option<i64>), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if self.backend() == super::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(a.login)
                .execute(&mut *tx)
                .await?;
        }
        let checked = "state IN ('pending', 'failed')";
        let pair: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT at FROM login_attempts WHERE login = $1 AND subject = $2 AND at >= $3 AND {checked} ORDER BY at"
        )))
        .bind(a.login)
        .bind(a.subject)
        .bind(a.since)
        .fetch_all(&mut *tx)
        .await?;
        let addr: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT at FROM login_attempts WHERE addr = $1 AND at >= $2 AND {checked} ORDER BY at"
        )))
        .bind(a.addr)
        .bind(a.since)
        .fetch_all(&mut *tx)
        .await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
                    COALESCE(MAX(at), 0) AS last \
             FROM login_attempts WHERE login = $1 AND at >= $2 AND {checked}"
        )))
        .bind(a.login)
        .bind(a.since)
        .fetch_one(&mut *tx)
        .await?;
        let counts = AttemptCounts {
            pair,
            addr,
            account_failed: row.try_get("failed")?,
            last_checked: Some(row.try_get::<i64, _>("last")?).filter(|&t| t > 0),
        };
        let refused = decide(&counts);
        let state = if refused.is_some() {
            "refused"
        } else {
            "pending"
        };
        let id: i64 = sqlx::query_scalar("INSERT INTO login_attempts (login, subject, addr, at, state) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(a.login)
            .bind(a.subject)
            .bind(a.addr)
            .bind(a.at)
            .bind(state)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((id, refused))
    }

    pub async fn set_login_attempt_state(&self, id: i64, state: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE login_attempts SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets a subject's attempts on a login (a successful login from there).
    pub async fn clear_login_attempts(
        &self,
        login: &str,
        subject: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_attempts WHERE login = $1 AND subject = $2")
            .bind(login)
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets every attempt on a login (`zapis unlock`); how many there were.
    pub async fn unlock_login(&self, login: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM login_attempts WHERE login = $1")
            .bind(login)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Drops attempts older than `before`.
    pub async fn purge_login_attempts(&self, before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The owner's epoch (0 until "sign out everywhere").
    pub async fn owner_epoch(&self, login: &str) -> Result<i64, sqlx::Error> {
        Ok(
            sqlx::query_scalar("SELECT epoch FROM owner_epochs WHERE login = $1")
                .bind(login)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }

    /// Moves the owner's epoch on and ends every session of theirs.
    pub async fn bump_owner_epoch(&self, login: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO owner_epochs (login, epoch) VALUES ($1, 1) ON CONFLICT (login) DO UPDATE SET epoch = owner_epochs.epoch + 1")
            .bind(login)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM owner_sessions WHERE login = $1")
            .bind(login)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
