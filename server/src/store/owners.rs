//! The dashboard's owners' sessions (stored as the SHA-256 of the cookie's token).

use sqlx::Row;

use super::Store;

/// A dashboard session as stored.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub token_hash: String,
    pub login: String,
    pub csrf: String,
    pub last_seen: i64,
    /// The keyed tag of the password hash it was made under.
    pub pw_tag: String,
    pub epoch: i64,
}

impl Store {
    pub async fn insert_owner_session(
        &self,
        s: &StoredSession,
        expires: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO owner_sessions (token_hash, login, csrf, created, expires, last_seen, pw_tag, epoch) VALUES ($1, $2, $3, $4, $5, $4, $6, $7)")
            .bind(&s.token_hash)
            .bind(&s.login)
            .bind(&s.csrf)
            .bind(s.last_seen)
            .bind(expires)
            .bind(&s.pw_tag)
            .bind(s.epoch)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A session that has not expired, with the owner's current epoch (in place of the one it
    /// was made under when they differ, so the caller sees it is void).
    pub async fn owner_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(StoredSession, i64)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT s.login, s.csrf, s.last_seen, s.pw_tag, s.epoch, COALESCE(e.epoch, 0) AS current \
             FROM owner_sessions s LEFT JOIN owner_epochs e ON e.login = s.login \
             WHERE s.token_hash = $1 AND s.expires > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                StoredSession {
                    token_hash: token_hash.to_owned(),
                    login: r.try_get("login")?,
                    csrf: r.try_get("csrf")?,
                    last_seen: r.try_get("last_seen")?,
                    pw_tag: r.try_get("pw_tag")?,
                    epoch: r.try_get("epoch")?,
                },
                r.try_get("current")?,
            ))
        })
        .transpose()
    }

    pub async fn touch_owner_session(&self, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE owner_sessions SET last_seen = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
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
        self.purge_login_attempts(failures_before).await
    }
}
