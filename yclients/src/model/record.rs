//! Records (appointments) as staff see them, with their payments.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Position, Query, push, push_flag};
use crate::decode::flex;

/// A record: `GET /record/{cid}/{rid}`, items of `GET /records/{cid}`, `GET /user/records/…`
/// and the `data` of a `record` webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// Record id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Company (branch) id.
    #[serde(deserialize_with = "flex::int")]
    pub company_id: u64,
    /// Master id.
    #[serde(deserialize_with = "flex::int")]
    pub staff_id: u64,
    /// Services with their prices.
    #[serde(deserialize_with = "flex::list")]
    pub services: Vec<RecordService>,
    /// The master.
    #[serde(deserialize_with = "flex::opt_object")]
    pub staff: Option<RecordStaff>,
    /// The client.
    #[serde(deserialize_with = "flex::opt_object")]
    pub client: Option<RecordClient>,
    /// Number of clients.
    #[serde(deserialize_with = "flex::int")]
    pub clients_count: u32,
    /// Local start, `2025-07-13 12:10:00`.
    #[serde(deserialize_with = "flex::text")]
    pub date: String,
    /// Start with the branch offset, `2025-07-13T12:10:00+05:00`.
    #[serde(deserialize_with = "flex::text")]
    pub datetime: String,
    /// Creation time, `2025-07-13T11:49:08+0500`.
    #[serde(deserialize_with = "flex::text")]
    pub create_date: String,
    /// Last change time, same form.
    #[serde(deserialize_with = "flex::text")]
    pub last_change_date: String,
    /// Comment.
    #[serde(deserialize_with = "flex::text")]
    pub comment: String,
    /// Created by the client online.
    #[serde(deserialize_with = "flex::boolean")]
    pub online: bool,
    /// Visit status: 2 confirmed, 1 came, 0 waiting, -1 no-show.
    #[serde(deserialize_with = "flex::int")]
    pub attendance: i8,
    /// Same as `attendance`, for the visit.
    #[serde(deserialize_with = "flex::int")]
    pub visit_attendance: i8,
    /// 0/1.
    #[serde(deserialize_with = "flex::int")]
    pub confirmed: u8,
    /// Duration, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub seance_length: u32,
    /// Duration, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub length: u32,
    /// Whether a specific master was asked for.
    #[serde(deserialize_with = "flex::int")]
    pub master_request: u8,
    /// External id from `book_record` (`""` or `"0"` when unset).
    #[serde(deserialize_with = "flex::text")]
    pub api_id: String,
    /// Referring page.
    #[serde(deserialize_with = "flex::text")]
    pub from_url: String,
    /// Visit id.
    #[serde(deserialize_with = "flex::int")]
    pub visit_id: u64,
    /// Who created the record.
    #[serde(deserialize_with = "flex::int")]
    pub created_user_id: u64,
    /// Deleted (cancelled).
    #[serde(deserialize_with = "flex::boolean")]
    pub deleted: bool,
    /// 1 when fully paid.
    #[serde(deserialize_with = "flex::int")]
    pub paid_full: u8,
    /// 0 not paid, 1 paid, 2–4 subscription states.
    #[serde(deserialize_with = "flex::int")]
    pub payment_status: u8,
    /// Online prepayment available.
    #[serde(deserialize_with = "flex::boolean")]
    pub prepaid: bool,
    /// Online prepayment made.
    #[serde(deserialize_with = "flex::boolean")]
    pub prepaid_confirmed: bool,
    /// Record custom fields by code (`[]` on the wire when empty).
    #[serde(
        deserialize_with = "flex::object_map",
        serialize_with = "flex::ser_map"
    )]
    pub custom_fields: Map<String, Value>,
    /// The booking form used.
    #[serde(deserialize_with = "flex::int")]
    pub bookform_id: u64,
    /// Widget name / source.
    #[serde(deserialize_with = "flex::text")]
    pub record_from: String,
    /// 0 admin/app, 1 mobile browser widget, 2 desktop browser widget.
    #[serde(deserialize_with = "flex::int")]
    pub is_mobile: u8,
    /// Group event id, 0 for an individual record.
    #[serde(deserialize_with = "flex::int")]
    pub activity_id: u64,
    /// Payments (with `include_finance_transactions=1`).
    #[serde(deserialize_with = "flex::list")]
    pub finance_transactions: Vec<FinanceTransaction>,
}

/// The visit status of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    /// -1: the client did not come.
    NoShow,
    /// 0: waiting.
    Waiting,
    /// 1: the client came.
    Came,
    /// 2: the client confirmed.
    Confirmed,
}

impl Record {
    /// The start instant, parsed from `datetime`.
    pub fn starts_at(&self) -> Option<Timestamp> {
        crate::time::parse_instant(&self.datetime)
    }

    /// The visit status.
    pub fn attendance_status(&self) -> Attendance {
        match self.attendance {
            i8::MIN..=-1 => Attendance::NoShow,
            1 => Attendance::Came,
            2 => Attendance::Confirmed,
            _ => Attendance::Waiting,
        }
    }

    /// The price to pay: the sum of `services[].cost`.
    pub fn total_cost(&self) -> f64 {
        self.services.iter().map(|s| s.cost).sum()
    }

    /// What was paid: the sum of the finance transactions' amounts.
    pub fn paid_amount(&self) -> f64 {
        self.finance_transactions.iter().map(|t| t.amount).sum()
    }
}

/// A service inside a record, with its price.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordService {
    /// Service id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Final price.
    #[serde(deserialize_with = "flex::num")]
    pub cost: f64,
    /// Price minus discounts and deposits.
    #[serde(deserialize_with = "flex::num")]
    pub cost_to_pay: f64,
    /// Price before discount.
    #[serde(deserialize_with = "flex::num")]
    pub first_cost: f64,
    /// Discount, percent.
    #[serde(deserialize_with = "flex::num")]
    pub discount: f64,
    /// Quantity.
    #[serde(deserialize_with = "flex::num")]
    pub amount: f64,
}

/// The master inside a record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordStaff {
    /// Staff id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Specialization.
    #[serde(deserialize_with = "flex::text")]
    pub specialization: String,
    /// Position; `[]` on the wire for none.
    #[serde(
        deserialize_with = "flex::opt_object",
        serialize_with = "flex::ser_opt"
    )]
    pub position: Option<Position>,
    /// Avatar URL.
    #[serde(deserialize_with = "flex::text")]
    pub avatar: String,
    /// Rating.
    #[serde(deserialize_with = "flex::num")]
    pub rating: f64,
}

/// The client inside a record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordClient {
    /// Client id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// First name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Surname.
    #[serde(deserialize_with = "flex::text")]
    pub surname: String,
    /// Full name as displayed.
    #[serde(deserialize_with = "flex::text")]
    pub display_name: String,
    /// Phone in any of the API's forms (`+79161234567`, `+7 916 123-45-67`).
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// E-mail.
    #[serde(deserialize_with = "flex::text")]
    pub email: String,
    /// Visits made.
    #[serde(deserialize_with = "flex::int")]
    pub success_visits_count: u32,
    /// Visits missed.
    #[serde(deserialize_with = "flex::int")]
    pub fail_visits_count: u32,
    /// Client-card custom fields.
    #[serde(
        deserialize_with = "flex::object_map",
        serialize_with = "flex::ser_map"
    )]
    pub custom_fields: Map<String, Value>,
}

/// A payment (finance transaction) linked to a record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinanceTransaction {
    /// Transaction id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Document id.
    #[serde(deserialize_with = "flex::int")]
    pub document_id: u64,
    /// Local time, `2019-01-02 09:55:00`.
    #[serde(deserialize_with = "flex::text")]
    pub date: String,
    /// Transaction type.
    #[serde(deserialize_with = "flex::int")]
    pub type_id: u64,
    /// Expense item (5 = «Оказание услуг»).
    #[serde(deserialize_with = "flex::int")]
    pub expense_id: u64,
    /// Cash desk / account.
    #[serde(deserialize_with = "flex::int")]
    pub account_id: u64,
    /// Amount (money may arrive as `"1000.00"`).
    #[serde(deserialize_with = "flex::num")]
    pub amount: f64,
    /// Client id.
    #[serde(deserialize_with = "flex::int")]
    pub client_id: u64,
    /// Record id.
    #[serde(deserialize_with = "flex::int")]
    pub record_id: u64,
    /// Comment.
    #[serde(deserialize_with = "flex::text")]
    pub comment: String,
    /// Expense item.
    #[serde(deserialize_with = "flex::opt_object")]
    pub expense: Option<Titled>,
    /// Account.
    #[serde(deserialize_with = "flex::opt_object")]
    pub account: Option<Titled>,
}

/// An `{id, title}` pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Titled {
    /// Id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Title.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
}

/// Filters of `GET /records/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordsQuery {
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size.
    pub count: Option<u32>,
    /// Only this master.
    pub staff_id: Option<u64>,
    /// Only this client.
    pub client_id: Option<u64>,
    /// Visits on or after this date.
    pub start_date: Option<Date>,
    /// Visits on or before this date.
    pub end_date: Option<Date>,
    /// Created on or after this date.
    pub c_start_date: Option<Date>,
    /// Created on or before this date.
    pub c_end_date: Option<Date>,
    /// Changed after this local time.
    pub changed_after: Option<DateTime>,
    /// Changed before this local time.
    pub changed_before: Option<DateTime>,
    /// Include deleted records.
    pub with_deleted: bool,
    /// Include `finance_transactions`.
    pub include_finance_transactions: bool,
}

impl RecordsQuery {
    /// Records visiting between two dates (inclusive).
    pub fn visits(from: Date, to: Date) -> Self {
        RecordsQuery {
            start_date: Some(from),
            end_date: Some(to),
            ..Self::default()
        }
    }

    /// Records changed after a local time.
    pub fn changed_after(after: DateTime) -> Self {
        RecordsQuery {
            changed_after: Some(after),
            ..Self::default()
        }
    }

    pub(crate) fn to_query(&self) -> Query {
        let mut q = Query::new();
        push(&mut q, "page", self.page);
        push(&mut q, "count", self.count);
        push(&mut q, "staff_id", self.staff_id);
        push(&mut q, "client_id", self.client_id);
        push(&mut q, "start_date", self.start_date);
        push(&mut q, "end_date", self.end_date);
        push(&mut q, "c_start_date", self.c_start_date);
        push(&mut q, "c_end_date", self.c_end_date);
        push(&mut q, "changed_after", self.changed_after);
        push(&mut q, "changed_before", self.changed_before);
        push_flag(&mut q, "with_deleted", self.with_deleted);
        push_flag(
            &mut q,
            "include_finance_transactions",
            self.include_finance_transactions,
        );
        q
    }
}

/// One page of `GET /records/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordsPage {
    /// The records.
    pub records: Vec<Record>,
    /// `meta.page`.
    pub page: u64,
    /// `meta.total_count` (all pages).
    pub total_count: u64,
}
