//! Catalogue reads: booking form, companies, services, masters, dates, time slots.

use jiff::civil::Date;

use super::Client;
use super::http::Call;
use crate::Result;
use crate::model::{
    BookDates, BookQuery, BookServices, BookStaff, Bookform, CompaniesQuery, Company, StaffSeances,
    TimeSlot,
};

impl Client {
    /// `GET /bookform/{id}`: the settings of a booking form (its company, chain, steps, and
    /// whether phones are confirmed by SMS).
    pub async fn bookform(&self, form_id: u64) -> Result<Bookform> {
        Ok(self
            .run(Call::get("bookform", format!("/api/v1/bookform/{form_id}")))
            .await?
            .data)
    }

    /// `GET /company/{id}?forBooking=1&showBookforms=1`: one company (branch).
    pub async fn company(&self, company_id: u64) -> Result<Company> {
        let query = vec![
            ("forBooking".into(), "1".into()),
            ("showBookforms".into(), "1".into()),
        ];
        Ok(self
            .run(Call::get("company", format!("/api/v1/company/{company_id}")).query(query))
            .await?
            .data)
    }

    /// `GET /companies` with filters.
    pub async fn companies(&self, query: &CompaniesQuery) -> Result<Vec<Company>> {
        Ok(self
            .run(Call::get("companies", "/api/v1/companies".into()).query(query.to_query()))
            .await?
            .data)
    }

    /// The branches of a chain open for online booking (`group_id`, `forBooking=1`).
    pub async fn chain_companies(&self, group_id: u64) -> Result<Vec<Company>> {
        self.companies(&CompaniesQuery::chain(group_id)).await
    }

    /// `GET /book_services/{company_id}`: services and their categories (wire key
    /// `category`), narrowed to a master with `staff_id` (then `seance_length` is that master's).
    pub async fn book_services(&self, company_id: u64, query: &BookQuery) -> Result<BookServices> {
        let call = Call::get(
            "book_services",
            format!("/api/v1/book_services/{company_id}"),
        );
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `GET /book_staff/{company_id}`: masters, with `bookable` for the chosen services.
    pub async fn book_staff(&self, company_id: u64, query: &BookQuery) -> Result<Vec<BookStaff>> {
        let call = Call::get("book_staff", format!("/api/v1/book_staff/{company_id}"));
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `GET /book_dates/{company_id}`: working dates and dates with free time.
    pub async fn book_dates(&self, company_id: u64, query: &BookQuery) -> Result<BookDates> {
        let call = Call::get("book_dates", format!("/api/v1/book_dates/{company_id}"));
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `GET /book_times/{company_id}/{staff_id}/{date}`: free start times of a day for the
    /// services (`staff_id` 0 = any master). An empty day is an empty list.
    pub async fn book_times(
        &self,
        company_id: u64,
        staff_id: u64,
        date: Date,
        service_ids: &[u64],
    ) -> Result<Vec<TimeSlot>> {
        let query = BookQuery {
            service_ids: service_ids.to_vec(),
            ..BookQuery::default()
        };
        let call = Call::get(
            "book_times",
            format!("/api/v1/book_times/{company_id}/{staff_id}/{date}"),
        );
        Ok(self.run(call.query(query.to_query())).await?.data)
    }

    /// `GET /book_staff_seances/{company_id}/{staff_id}/`: the master's nearest day with free time.
    pub async fn book_staff_seances(
        &self,
        company_id: u64,
        staff_id: u64,
        query: &BookQuery,
    ) -> Result<StaffSeances> {
        let query = BookQuery {
            staff_id: None,
            ..query.clone()
        };
        let call = Call::get(
            "book_staff_seances",
            format!("/api/v1/book_staff_seances/{company_id}/{staff_id}/"),
        );
        Ok(self.run(call.query(query.to_query())).await?.data)
    }
}
