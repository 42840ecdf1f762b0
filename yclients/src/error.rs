//! The error type of every client call, with the booking refusals 431–438 typed.

use std::time::Duration;

/// Everything a client call can fail with.
///
/// Messages never contain tokens: requests are described by endpoint name, never by their
/// headers, and transport errors are reduced to their kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// YCLIENTS refused a booking with one of the documented codes 431–438.
    #[error(transparent)]
    Booking(#[from] BookingError),
    /// Any other answer with `success: false` or a 4xx/5xx status.
    #[error("YCLIENTS {endpoint} answered HTTP {status}: {message}")]
    Api {
        /// Which call failed (`book_times`, `records`, …).
        endpoint: &'static str,
        /// HTTP status (a 2xx status when the body said `success: false`).
        status: u16,
        /// `meta.message`, `errors.message` or the first item's message.
        message: String,
        /// The items of `meta.errors[]` or the legacy `errors` object.
        errors: Vec<ApiErrorItem>,
    },
    /// HTTP 429 from YCLIENTS that outlasted the retries (or asked to wait too long).
    #[error("YCLIENTS {endpoint} rate-limited the client (retry after {retry_after:?})")]
    RateLimited {
        /// Which call was refused.
        endpoint: &'static str,
        /// The `Retry-After` the server sent, if any.
        retry_after: Option<Duration>,
    },
    /// No complete answer within the configured timeout. For a write the outcome is unknown.
    #[error("YCLIENTS {endpoint} did not answer within {after:?}")]
    Timeout {
        /// Which call timed out.
        endpoint: &'static str,
        /// The per-call timeout that ran out.
        after: Duration,
    },
    /// The connection could not be opened: the request was never sent.
    #[error("could not connect to YCLIENTS for {endpoint}")]
    Connect {
        /// Which call failed.
        endpoint: &'static str,
    },
    /// The connection broke after the request was sent. For a write the outcome is unknown.
    #[error("the connection to YCLIENTS broke during {endpoint}")]
    Transport {
        /// Which call failed.
        endpoint: &'static str,
    },
    /// A 2xx answer whose body does not have the documented shape.
    #[error("unexpected answer from YCLIENTS {endpoint}: {message}")]
    Decode {
        /// Which call answered.
        endpoint: &'static str,
        /// What did not fit.
        message: String,
    },
    /// The call needs a user token (partner + user) and the client has none.
    #[error("YCLIENTS {endpoint} needs a user token; build the client with one")]
    UserTokenRequired {
        /// Which call needs it.
        endpoint: &'static str,
    },
    /// The client was configured with something unusable (a bad base URL, …).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status YCLIENTS answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Booking(b) => Some(b.status),
            Error::Api { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The booking refusal code, when this is one.
    pub fn booking_code(&self) -> Option<BookingCode> {
        match self {
            Error::Booking(b) => Some(b.code),
            _ => None,
        }
    }

    /// True when a write may have been applied although no success was seen: a timeout,
    /// a broken connection, or a 5xx. After `book_record` fails this way, look the record
    /// up with [`Client::find_record_by_api_id`](crate::Client::find_record_by_api_id)
    /// before booking again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// True for failures worth retrying later (rate limits, timeouts, network, 5xx).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::RateLimited { .. } | Error::Connect { .. }) || self.outcome_unknown()
    }
}

/// One item of an error body: `meta.errors[]`, the legacy `errors` object, or a
/// `{field: message}` validation map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiErrorItem {
    /// Numeric code, when given (`433`, `422`, …).
    pub code: Option<u16>,
    /// The appointment `id` from the request the error is about (433, 437).
    pub id: Option<u64>,
    /// The field a validation message is about, for `{field: message}` items.
    pub field: Option<String>,
    /// Human text as YCLIENTS wrote it.
    pub message: String,
}

/// A booking refused by YCLIENTS with a documented code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("booking refused with {} ({}): {message}", code.code(), code.key())]
pub struct BookingError {
    /// What went wrong.
    pub code: BookingCode,
    /// HTTP status (422, or 403 for a blacklisted phone).
    pub status: u16,
    /// YCLIENTS' own message (staff-facing, may name the master and the time).
    pub message: String,
    /// The `appointments[].id` the refusal is about, when YCLIENTS says.
    pub appointment_id: Option<u64>,
}

/// The documented booking refusal codes of `book_check`, `book_record` and activity booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BookingCode {
    /// 431: the phone number has a wrong format.
    InvalidPhone,
    /// 432: the SMS confirmation code is wrong.
    WrongSmsCode,
    /// 433: the time is taken or not a working time.
    SlotTaken,
    /// 434: the phone is blacklisted (HTTP 403).
    PhoneBlacklisted,
    /// 435: the client's name is missing.
    NameMissing,
    /// 436: "any master" was asked and nobody is free.
    NoStaffAvailable,
    /// 437: two appointments of one request overlap.
    AppointmentsOverlap,
    /// 438: a service is no longer bookable.
    ServiceUnavailable,
}

impl BookingCode {
    /// All codes, in numeric order.
    pub const ALL: [BookingCode; 8] = [
        BookingCode::InvalidPhone,
        BookingCode::WrongSmsCode,
        BookingCode::SlotTaken,
        BookingCode::PhoneBlacklisted,
        BookingCode::NameMissing,
        BookingCode::NoStaffAvailable,
        BookingCode::AppointmentsOverlap,
        BookingCode::ServiceUnavailable,
    ];

    /// The code for a number YCLIENTS sent, if it is a booking code.
    pub fn from_code(code: u16) -> Option<BookingCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The numeric code (431–438).
    pub fn code(self) -> u16 {
        match self {
            BookingCode::InvalidPhone => 431,
            BookingCode::WrongSmsCode => 432,
            BookingCode::SlotTaken => 433,
            BookingCode::PhoneBlacklisted => 434,
            BookingCode::NameMissing => 435,
            BookingCode::NoStaffAvailable => 436,
            BookingCode::AppointmentsOverlap => 437,
            BookingCode::ServiceUnavailable => 438,
        }
    }

    /// The HTTP status YCLIENTS documents for the code.
    pub fn http_status(self) -> u16 {
        if self == BookingCode::PhoneBlacklisted {
            403
        } else {
            422
        }
    }

    /// A stable snake_case key for APIs and translations (`slot_taken`, …).
    pub fn key(self) -> &'static str {
        match self {
            BookingCode::InvalidPhone => "invalid_phone",
            BookingCode::WrongSmsCode => "wrong_sms_code",
            BookingCode::SlotTaken => "slot_taken",
            BookingCode::PhoneBlacklisted => "phone_blacklisted",
            BookingCode::NameMissing => "name_missing",
            BookingCode::NoStaffAvailable => "no_staff_available",
            BookingCode::AppointmentsOverlap => "appointments_overlap",
            BookingCode::ServiceUnavailable => "service_unavailable",
        }
    }

    /// A short message a site visitor can be shown, in Russian (`ru`) or English (anything else).
    pub fn visitor_message(self, lang: &str) -> &'static str {
        let ru = lang.starts_with("ru");
        match (self, ru) {
            (BookingCode::InvalidPhone, true) => "Проверьте номер телефона.",
            (BookingCode::InvalidPhone, false) => "Please check the phone number.",
            (BookingCode::WrongSmsCode, true) => "Неверный код из SMS.",
            (BookingCode::WrongSmsCode, false) => "The SMS code is wrong.",
            (BookingCode::SlotTaken, true) => "Это время уже заняли. Выберите другое.",
            (BookingCode::SlotTaken, false) => {
                "This time has just been taken. Please pick another."
            }
            (BookingCode::PhoneBlacklisted, true) => {
                "Онлайн-запись на этот номер недоступна. Позвоните в салон."
            }
            (BookingCode::PhoneBlacklisted, false) => {
                "Online booking is not available for this number. Please call the salon."
            }
            (BookingCode::NameMissing, true) => "Укажите имя.",
            (BookingCode::NameMissing, false) => "Please enter your name.",
            (BookingCode::NoStaffAvailable, true) => {
                "На это время нет свободных мастеров. Выберите другое."
            }
            (BookingCode::NoStaffAvailable, false) => {
                "No master is free at this time. Please pick another."
            }
            (BookingCode::AppointmentsOverlap, true) => "Выбранные услуги пересекаются по времени.",
            (BookingCode::AppointmentsOverlap, false) => "The chosen appointments overlap in time.",
            (BookingCode::ServiceUnavailable, true) => "Эта услуга больше недоступна для записи.",
            (BookingCode::ServiceUnavailable, false) => "This service can no longer be booked.",
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
