//! Group events: search and book a place.

use super::Client;
use super::http::Call;
use crate::Result;
use jiff::civil::Date;

use crate::model::{
    Activity, ActivityBooked, ActivityBooking, ActivityDatesRange, ActivityFilter, ActivityQuery,
};

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

    /// `GET /activity/{company_id}/{activity_id}`: one group event, read fresh right before
    /// a sign-up, so it waits in the budget with the booking writes.
    pub async fn activity(&self, company_id: u64, activity_id: u64) -> Result<Activity> {
        let call = Call::get(
            "activity",
            format!("/api/v1/activity/{company_id}/{activity_id}"),
        )
        .priority(super::Priority::Booking);
        Ok(self.run(call).await?.data)
    }

    /// `GET /activity/{company_id}/search_dates/`: the days with events between two dates.
    pub async fn activity_search_dates(
        &self,
        company_id: u64,
        query: &ActivityQuery,
    ) -> Result<Vec<String>> {
        let call = Call::get(
            "activity_search_dates",
            format!("/api/v1/activity/{company_id}/search_dates/"),
        );
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `GET /activity/{company_id}/search_dates_range/`: the first and last day with events.
    pub async fn activity_search_dates_range(&self, company_id: u64) -> Result<ActivityDatesRange> {
        let call = Call::get(
            "activity_search_dates_range",
            format!("/api/v1/activity/{company_id}/search_dates_range/"),
        );
        Ok(self.run(call).await?.data)
    }

    /// `GET /activity/{company_id}/filters/`: services, masters and rooms with events
    /// between two dates.
    pub async fn activity_filters(
        &self,
        company_id: u64,
        from: Date,
        till: Date,
    ) -> Result<Vec<ActivityFilter>> {
        let call = Call::get(
            "activity_filters",
            format!("/api/v1/activity/{company_id}/filters/"),
        );
        let query = ActivityQuery::between(from, till);
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
