//! The administrator's writes that imports make: a record as an admin, a client card, and the
//! client search by phone that tells whether a card already exists.

use super::Client;
use super::http::{Auth, Call};
use crate::Result;
use crate::model::{ClientCard, NewClient, NewRecord, Record};

impl Client {
    /// `POST /records/{company_id}` (partner + admin user token): creates a record as the
    /// salon's administrator — no SMS code, `save_if_busy` to book over a busy slot, `api_id`
    /// echoed back. Not retried once the request may have reached YCLIENTS: after
    /// [`Error::outcome_unknown`](crate::Error::outcome_unknown), look the `api_id` up with
    /// [`find_record_by_api_id`](Client::find_record_by_api_id) before sending again.
    pub async fn create_record(&self, company_id: u64, record: &NewRecord) -> Result<Record> {
        let call = Call::post(
            "create_record",
            format!("/api/v1/records/{company_id}"),
            record,
        )?
        .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `POST /clients/{company_id}` (partner + admin user token): creates a client card.
    /// YCLIENTS keeps duplicates (cards are merged by hand), so search by phone first.
    pub async fn create_client(&self, company_id: u64, client: &NewClient) -> Result<ClientCard> {
        let call = Call::post(
            "create_client",
            format!("/api/v1/clients/{company_id}"),
            client,
        )?
        .auth(Auth::User);
        Ok(self.run(call).await?.data)
    }

    /// `GET /clients/{company_id}?phone=` (partner + admin user token): the client cards with
    /// this phone (digits; one page of up to 50).
    pub async fn clients_by_phone(&self, company_id: u64, phone: &str) -> Result<Vec<ClientCard>> {
        let call = Call::get("clients", format!("/api/v1/clients/{company_id}"))
            .query(vec![
                ("phone".into(), phone.to_owned()),
                ("count".into(), "50".into()),
            ])
            .auth(Auth::User)
            .priority(super::Priority::Records);
        Ok(self.run(call).await?.data)
    }
}
