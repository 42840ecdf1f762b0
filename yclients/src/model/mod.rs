//! Typed requests and answers of the YCLIENTS endpoints this crate covers.
//!
//! Every answer type is `#[serde(default)]` and decodes numbers-as-strings, `[]`-as-empty-object
//! and the other variations listed in `yclients-api.md` §2.1; every type also serializes to the
//! documented shape (the sandbox answers with these very types).

mod activity;
mod admin;
mod booking;
mod catalog;
mod company;
mod record;
mod user;
mod voip;
mod webhook;

pub use activity::{
    Activity, ActivityBooked, ActivityBooking, ActivityCategory, ActivityDatesRange,
    ActivityFilter, ActivityFilterItem, ActivityQuery, ActivityService,
};
pub use admin::{ClientCard, NewClient, NewRecord, NewRecordClient, NewRecordService};
pub use booking::{Appointment, AuthUser, BookCode, BookRecord, BookedRecord, Contact, UserAuth};
pub use catalog::{
    BookDates, BookQuery, BookServices, BookStaff, Position, Service, ServiceCategory,
    StaffSeances, TimeSlot,
};
pub use company::{Bookform, BookformRef, BookformStep, CompaniesQuery, Company};
pub use record::{
    Attendance, FinanceTransaction, Record, RecordClient, RecordService, RecordStaff, RecordsPage,
    RecordsQuery, Titled,
};
pub use user::{
    Abonement, BalanceContainer, BalanceLink, Certificate, LoyaltyCard, RecordCompany, UserRecord,
    UserUpdate,
};
pub use voip::{VoipCall, VoipCallStatus, VoipCallType};
pub use webhook::{FinanceOperation, WebhookEvent, WebhookStatus};

/// Query pairs as sent on the wire (`service_ids[]` repeated).
pub(crate) type Query = Vec<(String, String)>;

pub(crate) fn push<T: ToString>(q: &mut Query, key: &str, value: Option<T>) {
    if let Some(v) = value {
        q.push((key.to_owned(), v.to_string()));
    }
}

pub(crate) fn push_ids(q: &mut Query, key: &str, ids: &[u64]) {
    q.extend(ids.iter().map(|id| (format!("{key}[]"), id.to_string())));
}

pub(crate) fn push_flag(q: &mut Query, key: &str, on: bool) {
    if on {
        q.push((key.to_owned(), "1".to_owned()));
    }
}
