//! The online-booking user's own calls (the client cabinet). Build the client with the
//! user's token ([`Client::with_user_token`]); the partner token goes along.

use serde::de::IgnoredAny;
use serde_json::json;

use super::http::{Auth, Call};
use super::{Client, Priority};
use crate::Result;
use crate::model::{Abonement, AuthUser, Certificate, LoyaltyCard, UserRecord, UserUpdate};

impl Client {
    /// `POST /booking/auth`: a salon client's token from login (phone or e-mail) and password.
    pub async fn booking_auth(&self, login: &str, password: &crate::Secret) -> Result<AuthUser> {
        let body = json!({ "login": login, "password": password.expose() });
        let call = Call::post("booking_auth", "/api/v1/booking/auth".into(), &body)?;
        Ok(self.run(call).await?.data)
    }

    /// `GET /booking/user/data`: who the user token belongs to.
    pub async fn booking_user(&self) -> Result<AuthUser> {
        let call =
            Call::get("booking_user_data", "/api/v1/booking/user/data".into()).auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /user/records/0/0` with the user token: every record of the user (online and
    /// made at the salon), each with its branch's rules.
    pub async fn my_records(&self) -> Result<Vec<UserRecord>> {
        let call = Call::get("user_records", "/api/v1/user/records/0/0".into())
            .auth(Auth::User)
            .priority(Priority::Records);
        Ok(self.run(call).await?.data)
    }

    /// `PUT /book_record/{company_id}/{record_id}`: the user moves their record. Refusals
    /// come back as errors (422 inside the branch's window, 433 when the time is taken).
    pub async fn reschedule_record(
        &self,
        company_id: u64,
        record_id: u64,
        datetime: &str,
    ) -> Result<UserRecord> {
        let body = json!({ "datetime": datetime, "comment": "" });
        let call = Call::put(
            "reschedule_record",
            format!("/api/v1/book_record/{company_id}/{record_id}"),
            &body,
        )?
        .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /user/loyalty_cards/{group_id}`.
    pub async fn my_loyalty_cards(&self, group_id: u64) -> Result<Vec<LoyaltyCard>> {
        let call = Call::get(
            "user_loyalty_cards",
            format!("/api/v1/user/loyalty_cards/{group_id}"),
        )
        .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /user/loyalty/abonements?company_id=`.
    pub async fn my_abonements(&self, company_id: u64) -> Result<Vec<Abonement>> {
        let call = Call::get("user_abonements", "/api/v1/user/loyalty/abonements".into())
            .query(vec![("company_id".into(), company_id.to_string())])
            .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /user/loyalty/certificates?company_id=`.
    pub async fn my_certificates(&self, company_id: u64) -> Result<Vec<Certificate>> {
        let call = Call::get(
            "user_certificates",
            "/api/v1/user/loyalty/certificates".into(),
        )
        .query(vec![("company_id".into(), company_id.to_string())])
        .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /booking/user/phone_confirmation?company_id=&phone=`: texts a code to a new phone.
    /// Not retried (a retry would send a second SMS).
    pub async fn phone_confirmation(&self, company_id: u64, phone: &str) -> Result<()> {
        let mut call = Call::get(
            "booking_user_phone_confirmation",
            "/api/v1/booking/user/phone_confirmation".into(),
        )
        .query(vec![
            ("company_id".into(), company_id.to_string()),
            ("phone".into(), phone.to_owned()),
        ])
        .auth(Auth::User);
        call = call.not_idempotent();
        self.run::<IgnoredAny>(call).await?;
        Ok(())
    }

    /// `PUT /booking/user`: name, e-mail, and the phone with its confirmation code.
    pub async fn update_booking_user(&self, update: &UserUpdate) -> Result<AuthUser> {
        let call =
            Call::put("booking_user", "/api/v1/booking/user".into(), update)?.auth(Auth::User);
        Ok(self.run(call).await?.data)
    }
}
