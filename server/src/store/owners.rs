//! The dashboard's owners: sessions (stored as the SHA-256 of the cookie's token) and failed
//! logins for the lock-out.

use sqlx::Row;

use super::Store;

impl Store {
    pub async fn insert_owner_session(
        &self,
        token_hash: &str,
        login: &str,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO owner_sessions (token_hash, login, csrf, created, expires) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(login)
            .bind(csrf)
            .bind(now)
            .bind(expires)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The login and CSRF token of a live session.
    pub async fn owner_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT login, csrf FROM owner_sessions WHERE token_hash = $1 AND expires > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("login")?, r.try_get("csrf")?)))
            .transpose()
    }

    pub async fn delete_owner_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM owner_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Drops expired sessions and failures older than `failures_before`.
    pub async fn purge_owner_state(
        &self,
        now: i64,
        failures_before: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM owner_sessions WHERE expires <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(failures_before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn add_login_failure(
        &self,
        scope: &str,
        subject: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3)")
            .bind(scope)
            .bind(subject)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Times of failures since `since`, oldest first.
    pub async fn login_failures(
        &self,
        scope: &str,
        subject: &str,
        since: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT at FROM login_failures WHERE scope = $1 AND subject = $2 AND at >= $3 ORDER BY at")
            .bind(scope)
            .bind(subject)
            .bind(since)
            .fetch_all(&self.pool)
            .await
    }

    pub async fn clear_login_failures(
        &self,
        scope: &str,
        subject: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
