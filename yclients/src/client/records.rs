//! Record reads with the user token: one record with its payments, lists, and the lookup
//! by `api_id` that settles "did my timed-out `book_record` land?".

use jiff::civil::Date;

use super::http::{Auth, Call};
use super::{Client, Priority};
use crate::Result;
use crate::model::{Record, RecordsPage, RecordsQuery};

/// Page size used by [`Client::find_record_by_api_id`].
const LOOKUP_PAGE: u32 = 200;

impl Client {
    /// `GET /record/{company_id}/{record_id}?include_finance_transactions=1` (user token).
    pub async fn record(&self, company_id: u64, record_id: u64) -> Result<Record> {
        let call = Call::get("record", format!("/api/v1/record/{company_id}/{record_id}"))
            .query(vec![("include_finance_transactions".into(), "1".into())])
            .auth(Auth::User)
            .priority(Priority::Records);
        Ok(self.run(call).await?.data)
    }

    /// `DELETE /record/{company_id}/{record_id}` (user token): the salon deletes a record.
    /// Not retried once the request may have reached YCLIENTS.
    pub async fn delete_record(&self, company_id: u64, record_id: u64) -> Result<()> {
        let call = Call::delete(
            "delete_record",
            format!("/api/v1/record/{company_id}/{record_id}"),
        )
        .auth(Auth::User);
        self.run::<serde::de::IgnoredAny>(call).await?;
        Ok(())
    }

    /// `GET /records/{company_id}` (user token): one page of records.
    pub async fn records(&self, company_id: u64, query: &RecordsQuery) -> Result<RecordsPage> {
        self.records_page(company_id, query, Priority::Records)
            .await
    }

    async fn records_page(
        &self,
        company_id: u64,
        query: &RecordsQuery,
        priority: Priority,
    ) -> Result<RecordsPage> {
        let call = Call::get("records", format!("/api/v1/records/{company_id}"))
            .query(query.to_query())
            .auth(Auth::User)
            .priority(priority);
        let decoded = self.run::<Vec<Record>>(call).await?;
        let page = decoded
            .meta
            .page
            .unwrap_or(u64::from(query.page.unwrap_or(1)));
        let total_count = decoded
            .meta
            .total_count
            .unwrap_or(decoded.data.len() as u64);
        Ok(RecordsPage {
            records: decoded.data,
            page,
            total_count,
        })
    }

    /// Finds the record a `book_record` with this `api_id` created, visiting on `date`
    /// (the appointment's local date). Deleted records are included (check `deleted`).
    ///
    /// Reads `GET /records/{company_id}` for that date page by page with the user token,
    /// at booking priority on the rate budget.
    pub async fn find_record_by_api_id(
        &self,
        company_id: u64,
        api_id: &str,
        date: Date,
    ) -> Result<Option<Record>> {
        let mut query = RecordsQuery {
            count: Some(LOOKUP_PAGE),
            with_deleted: true,
            ..RecordsQuery::visits(date, date)
        };
        let mut seen = 0u64;
        for page in 1.. {
            query.page = Some(page);
            let result = self
                .records_page(company_id, &query, Priority::Booking)
                .await?;
            seen += result.records.len() as u64;
            let fetched = result.records.len();
            if let Some(found) = result.records.into_iter().find(|r| r.api_id == api_id) {
                return Ok(Some(found));
            }
            if fetched == 0 || seen >= result.total_count {
                break;
            }
        }
        Ok(None)
    }
}
