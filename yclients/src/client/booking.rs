//! Booking writes: SMS code, check, record; user sign-in; the visitor's own records.

use serde::de::IgnoredAny;
use serde_json::{Value, json};

use super::Client;
use super::http::{Auth, Call};
use crate::model::{
    Appointment, AuthUser, BookCode, BookRecord, BookedRecord, Record, UserAuth, UserRecord,
};
use crate::{Error, Result, Secret};

impl Client {
    /// `POST /book_code/{company_id}`: YCLIENTS texts a confirmation code to the phone.
    /// Needed before `book_record` when the company confirms phones. Not retried after it
    /// may have reached the server (a retry would send a second SMS).
    pub async fn book_code(&self, company_id: u64, phone: &str, fullname: &str) -> Result<()> {
        let body = BookCode {
            phone: phone.to_owned(),
            fullname: fullname.to_owned(),
        };
        self.run::<IgnoredAny>(Call::post(
            "book_code",
            format!("/api/v1/book_code/{company_id}"),
            &body,
        )?)
        .await?;
        Ok(())
    }

    /// `POST /book_check/{company_id}`: validates appointments without booking. Refusals
    /// come back as [`Error::Booking`] (433, 436, 437, 438). Safe to retry.
    pub async fn book_check(&self, company_id: u64, appointments: &[Appointment]) -> Result<()> {
        let body = json!({ "appointments": appointments });
        let call = Call::post(
            "book_check",
            format!("/api/v1/book_check/{company_id}"),
            &body,
        )?
        .idempotent();
        self.run::<IgnoredAny>(call).await?;
        Ok(())
    }

    /// `POST /book_record/{company_id}`: creates one record per appointment and returns
    /// `record_id` and `record_hash` for each.
    ///
    /// Never retried once the request may have reached YCLIENTS (only a 429 or a refused
    /// connection is tried again). When this fails with [`Error::outcome_unknown`], set an
    /// `api_id` on the request and look it up with
    /// [`find_record_by_api_id`](Client::find_record_by_api_id) before booking again.
    pub async fn book_record(
        &self,
        company_id: u64,
        request: &BookRecord,
    ) -> Result<Vec<BookedRecord>> {
        let call = Call::post(
            "book_record",
            format!("/api/v1/book_record/{company_id}"),
            request,
        )?;
        Ok(self.run(call).await?.data)
    }

    /// `POST /auth`: a staff user's token from login and password.
    pub async fn auth(&self, login: &str, password: &Secret) -> Result<AuthUser> {
        let body = json!({ "login": login, "password": password.expose() });
        Ok(self
            .run(Call::post("auth", "/api/v1/auth".into(), &body)?)
            .await?
            .data)
    }

    /// `POST /user/auth`: a salon client's token from the phone and the SMS code of `book_code`.
    pub async fn user_auth(&self, phone: &str, code: &str) -> Result<AuthUser> {
        let body = UserAuth {
            phone: phone.to_owned(),
            code: code.to_owned(),
        };
        Ok(self
            .run(Call::post("user_auth", "/api/v1/user/auth".into(), &body)?)
            .await?
            .data)
    }

    /// `GET /user/records/{record_id}/{record_hash}`: the visitor's record, by the hash
    /// `book_record` returned (the user token is sent too when the client has one).
    pub async fn user_records(&self, record_id: u64, record_hash: &str) -> Result<Vec<Record>> {
        let call = Call::get(
            "user_records",
            format!("/api/v1/user/records/{record_id}/{record_hash}"),
        )
        .auth(Auth::UserIfAny)
        .priority(super::Priority::Records);
        let data: Value = self.run(call).await?.data;
        let records = match data {
            Value::Array(_) => serde_json::from_value(data),
            Value::Null => Ok(Vec::new()),
            single => serde_json::from_value(single).map(|r| vec![r]),
        };
        records.map_err(|e| Error::Decode {
            endpoint: "user_records",
            message: e.to_string(),
        })
    }

    /// `GET /user/records/{record_id}/{record_hash}` read with its branch: the visitor's record
    /// and the branch's rules for the client's own changes (`None` when the answer is empty).
    pub async fn visitor_record(
        &self,
        record_id: u64,
        record_hash: &str,
    ) -> Result<Option<UserRecord>> {
        let call = Call::get(
            "user_records",
            format!("/api/v1/user/records/{record_id}/{record_hash}"),
        )
        .auth(Auth::UserIfAny)
        .priority(super::Priority::Records);
        let data: Value = self.run(call).await?.data;
        let first = match data {
            Value::Array(mut all) if !all.is_empty() => all.swap_remove(0),
            Value::Object(_) => data,
            _ => return Ok(None),
        };
        serde_json::from_value(first)
            .map(Some)
            .map_err(|e| Error::Decode {
                endpoint: "user_records",
                message: e.to_string(),
            })
    }

    /// `DELETE /user/records/{record_id}/{record_hash}`: the visitor cancels the record.
    pub async fn delete_user_record(&self, record_id: u64, record_hash: &str) -> Result<()> {
        let call = Call::delete(
            "delete_user_record",
            format!("/api/v1/user/records/{record_id}/{record_hash}"),
        )
        .auth(Auth::UserIfAny);
        self.run::<IgnoredAny>(call).await?;
        Ok(())
    }
}
