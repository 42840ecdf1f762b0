//! Import: rows of a spreadsheet become YCLIENTS bookings or clients (DESIGN.md §9.3).
//!
//! A site's owner makes a *link*: a source (an uploaded CSV/XLSX, or a CSV URL fetched at
//! each run), an action (booking or client), a mapping of each YCLIENTS field to a column,
//! fixed text or a column through a value map, and a schedule. The preview maps the first rows
//! without writing anything. A run (by hand, on schedule, after another link, or to retry
//! failed rows) is queued in the store and worked by the job under the `imports` lease, so it
//! happens once across instances and resumes after a restart. Each row is keyed (a column, or
//! a hash of the row); a row already sent is skipped, one whose content changed since is
//! reported, and a row whose answer was lost is looked up in YCLIENTS (by `api_id` =
//! link and row key, or a client by phone) before it is sent again. Failed rows wait +1, +10,
//! +30 min, then 3 h between tries until they succeed or the owner dismisses them.

pub mod mapping;
mod payload;
pub mod preview;
pub mod run;
pub mod schedule;
mod send;
pub mod source;

pub use run::Imports;
pub use send::api_id;

/// Outcomes a run logs per row.
pub mod outcome {
    pub const SENT: &str = "sent";
    pub const SKIPPED: &str = "skipped";
    pub const CHANGED: &str = "changed";
    pub const WAITING: &str = "waiting";
    pub const FAILED: &str = "failed";
    pub const INVALID: &str = "invalid";
}

/// A row's state in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// Being sent: an answer is awaited (or was lost with the process).
    Sending,
    Sent,
    /// Refused or unreachable; tried again at `next_try_ms`.
    Failed,
    /// The mapping found errors; re-checked at each run.
    Invalid,
    /// The owner gave up on it.
    Dismissed,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Sending => "sending",
            RowStatus::Sent => "sent",
            RowStatus::Failed => "failed",
            RowStatus::Invalid => "invalid",
            RowStatus::Dismissed => "dismissed",
        }
    }
}

impl std::str::FromStr for RowStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "sending" => RowStatus::Sending,
            "sent" => RowStatus::Sent,
            "failed" => RowStatus::Failed,
            "invalid" => RowStatus::Invalid,
            "dismissed" => RowStatus::Dismissed,
            other => return Err(format!("unknown import row status {other:?}")),
        })
    }
}
