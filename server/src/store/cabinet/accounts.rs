//! Accounts, identities and sessions of the client cabinet.

use sqlx::Row;

use crate::store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    pub site: String,
    pub name: String,
    /// Digits.
    pub phone: String,
    pub second_step: bool,
}

/// A session found by its id's hash. (No `Debug`: it holds the sealed token.)
pub struct SessionRow {
    pub account: String,
    pub site: String,
    pub sealed: String,
    pub pending: bool,
    pub created: i64,
}

impl Store {
    /// The account an identity (`phone` digits, `email` lower-case) of a site belongs to.
    pub async fn cabinet_identity(
        &self,
        site: &str,
        kind: &str,
        value: &str,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT account, secret FROM cabinet_identities WHERE site = $1 AND kind = $2 AND value = $3",
        )
        .bind(site)
        .bind(kind)
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("account")?, r.try_get("secret")?)))
            .transpose()
    }

    /// A new account with its phone identity; `None` when the phone already has one (a
    /// concurrent sign-up won).
    pub async fn cabinet_create_account(
        &self,
        site: &str,
        name: &str,
        phone: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let id = crate::util::crypto::random_token()[..32].to_owned();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query(
            "INSERT INTO cabinet_identities (site, kind, value, account, created) VALUES ($1, 'phone', $2, $3, $4) \
             ON CONFLICT (site, kind, value) DO NOTHING",
        )
        .bind(site)
        .bind(phone)
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 0;
        if taken {
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO cabinet_accounts (id, site, name, phone, created) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(site)
        .bind(name)
        .bind(phone)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn cabinet_account(&self, id: &str) -> Result<Option<Account>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, site, name, phone, second_step FROM cabinet_accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Account {
                id: r.try_get("id")?,
                site: r.try_get("site")?,
                name: r.try_get("name")?,
                phone: r.try_get("phone")?,
                second_step: r.try_get::<i64, _>("second_step")? != 0,
            })
        })
        .transpose()
    }

    /// The account's identities, `(kind, value)`, phone first.
    pub async fn cabinet_identities(
        &self,
        account: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT kind, value FROM cabinet_identities WHERE account = $1 ORDER BY kind DESC, value",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("value")?)))
            .collect()
    }

    /// Name, and the phone when it changed (its identity moves with it).
    pub async fn cabinet_update_profile(
        &self,
        account: &Account,
        name: &str,
        phone: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE cabinet_accounts SET name = $1, phone = $2 WHERE id = $3")
            .bind(name)
            .bind(phone)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE cabinet_identities SET value = $1 WHERE account = $2 AND kind = 'phone' AND value = $3",
        )
        .bind(phone)
        .bind(&account.id)
        .bind(&account.phone)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn cabinet_insert_session(
        &self,
        id_hash: &str,
        site: &str,
        account: &str,
        sealed: &str,
        pending: bool,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO cabinet_sessions (id_hash, site, account, token, pending, created, seen) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id_hash)
        .bind(site)
        .bind(account)
        .bind(sealed)
        .bind(i64::from(pending))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn cabinet_session(&self, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT account, site, token, pending, created FROM cabinet_sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRow {
                account: r.try_get("account")?,
                site: r.try_get("site")?,
                sealed: r.try_get("token")?,
                pending: r.try_get::<i64, _>("pending")? != 0,
                created: r.try_get("created")?,
            })
        })
        .transpose()
    }

    /// The session's token after YCLIENTS gave a new one (a phone change).
    pub async fn cabinet_reseal(&self, id_hash: &str, sealed: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE cabinet_sessions SET token = $1 WHERE id_hash = $2")
            .bind(sealed)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Signs out one session (`Some`) or every session of the account.
    pub async fn cabinet_end_sessions(
        &self,
        account: &str,
        only: Option<&str>,
    ) -> Result<u64, sqlx::Error> {
        let done = match only {
            Some(hash) => {
                sqlx::query("DELETE FROM cabinet_sessions WHERE account = $1 AND id_hash = $2")
                    .bind(account)
                    .bind(hash)
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM cabinet_sessions WHERE account = $1")
                    .bind(account)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected())
    }

    /// Deletes the account, its identities, sessions and questions, and files the salon's
    /// deletion request. Returns whether there was an account.
    pub async fn cabinet_delete_account(
        &self,
        account: &Account,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM cabinet_accounts WHERE id = $1")
            .bind(&account.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        for sql in [
            "DELETE FROM cabinet_identities WHERE account = $1",
            "DELETE FROM cabinet_sessions WHERE account = $1",
            "DELETE FROM cabinet_messages WHERE thread IN (SELECT id FROM cabinet_threads WHERE account = $1)",
            "DELETE FROM cabinet_threads WHERE account = $1",
        ] {
            sqlx::query(sql).bind(&account.id).execute(&mut *tx).await?;
        }
        if gone > 0 {
            sqlx::query(
                "INSERT INTO cabinet_deletions (site, name, phone, at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&account.site)
            .bind(&account.name)
            .bind(&account.phone)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(gone > 0)
    }
}
