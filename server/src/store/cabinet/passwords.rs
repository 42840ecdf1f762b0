//! The email + password sign-in of the cabinet: the email identity with its Argon2id hash, the
//! account's second step, the sealed YCLIENTS token a password sign-in acts with, and the
//! sessions waiting for the second step.

use sqlx::Row;

use crate::store::Store;

impl Store {
    /// The account's email identity and its password hash.
    pub async fn cabinet_email(
        &self,
        account: &str,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT value, secret FROM cabinet_identities WHERE account = $1 AND kind = 'email'",
        )
        .bind(account)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("value")?, r.try_get("secret")?)))
            .transpose()
    }

    /// Sets the account's email sign-in (replacing its earlier email) and the second step;
    /// `false` when another account of the site signs in with that email (nothing changes).
    pub async fn cabinet_set_password(
        &self,
        site: &str,
        account: &str,
        email: &str,
        hash: &str,
        second_step: bool,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let owner: Option<String> = sqlx::query_scalar(
            "SELECT account FROM cabinet_identities WHERE site = $1 AND kind = 'email' AND value = $2",
        )
        .bind(site)
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
        if owner.as_deref().is_some_and(|o| o != account) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM cabinet_identities WHERE account = $1 AND kind = 'email'")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO cabinet_identities (site, kind, value, account, secret, created) VALUES ($1, 'email', $2, $3, $4, $5)",
        )
        .bind(site)
        .bind(email)
        .bind(account)
        .bind(hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE cabinet_accounts SET second_step = $1 WHERE id = $2")
            .bind(i64::from(second_step))
            .bind(account)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The sealed YCLIENTS token of the account's last SMS sign-in.
    pub async fn cabinet_account_token(
        &self,
        account: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let token: Option<Option<String>> =
            sqlx::query_scalar("SELECT token FROM cabinet_accounts WHERE id = $1")
                .bind(account)
                .fetch_optional(&self.pool)
                .await?;
        Ok(token.flatten())
    }

    pub async fn cabinet_set_account_token(
        &self,
        account: &str,
        sealed: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE cabinet_accounts SET token = $1 WHERE id = $2")
            .bind(sealed)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A session waiting for its second step gets the token the SMS code gave and is usable.
    pub async fn cabinet_second_step_done(
        &self,
        id_hash: &str,
        sealed: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE cabinet_sessions SET pending = 0, token = $1 WHERE id_hash = $2 AND pending = 1",
        )
        .bind(sealed)
        .bind(id_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// A receipt taken (it is gone from the store once read).
pub struct Receipt {
    pub site: String,
    pub phone: String,
    pub name: String,
    pub sealed: String,
    pub expires: i64,
}

impl Store {
    pub async fn cabinet_insert_receipt(
        &self,
        id_hash: &str,
        r: &Receipt,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM cabinet_receipts WHERE expires < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO cabinet_receipts (id_hash, site, phone, name, token, expires) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(&r.site)
        .bind(&r.phone)
        .bind(&r.name)
        .bind(&r.sealed)
        .bind(r.expires)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a receipt once: a second read finds nothing.
    pub async fn cabinet_take_receipt(
        &self,
        id_hash: &str,
    ) -> Result<Option<Receipt>, sqlx::Error> {
        let row = sqlx::query(
            "DELETE FROM cabinet_receipts WHERE id_hash = $1 RETURNING site, phone, name, token, expires",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Receipt {
                site: r.try_get("site")?,
                phone: r.try_get("phone")?,
                name: r.try_get("name")?,
                sealed: r.try_get("token")?,
                expires: r.try_get("expires")?,
            })
        })
        .transpose()
    }
}
