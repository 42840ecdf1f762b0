//! Group events: search and book a place.

use super::Client;
use super::http::Call;
use crate::Result;
use crate::model::{Activity, ActivityBooked, ActivityBooking, ActivityQuery};

impl Client {
    /// `GET /activity/{company_id}/search/`: group events between two dates.
    pub async fn activity_search(
        &self,
        company_id: u64,
        query: &ActivityQuery,
    ) -> Result<Vec<Activity>> {
        let call = Call::get(
            "activity_search",
            format!("/api/v1/activity/{company_id}/search/"),
        );
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `POST /activity/{company_id}/{activity_id}/book`: takes places in a group event.
    /// Not retried once the request may have reached YCLIENTS, like `book_record`.
    pub async fn activity_book(
        &self,
        company_id: u64,
        activity_id: u64,
        booking: &ActivityBooking,
    ) -> Result<ActivityBooked> {
        let call = Call::post(
            "activity_book",
            format!("/api/v1/activity/{company_id}/{activity_id}/book"),
            booking,
        )?;
        Ok(self.run(call).await?.data)
    }
}
