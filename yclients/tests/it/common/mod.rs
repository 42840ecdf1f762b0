//! Shared helpers: the seeded ids, a sandbox at a fixed moment, configured clients.

pub mod fixture;

use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use yclients::model::{Appointment, BookRecord, Contact, TimeSlot};
use yclients::sandbox::{Sandbox, SandboxConfig};
use yclients::{Client, RetryPolicy};

/// Monday 10 March 2025, 10:00 in Moscow, 12:00 in Yekaterinburg.
pub const NOW: &str = "2025-03-10T07:00:00Z";

/// «Лён» on Pokrovka, Moscow (Europe/Moscow).
pub const MOSCOW: u64 = 410201;
/// «Лён» on Vainera, Yekaterinburg (Asia/Yekaterinburg), phones confirmed by SMS.
pub const EKB: u64 = 410202;
/// The «Лён» chain.
pub const LEN_CHAIN: u64 = 120501;
/// The barbershop of the second network.
pub const BARBERSHOP: u64 = 520301;

/// Топ-стилист, Tue–Sat 10–20, off on day +4; women's cut takes her 50 min.
pub const ANNA: u64 = 2900101;
/// Колорист, Mon–Fri 11–21, off on days +2 and +3.
pub const EKATERINA: u64 = 2900102;
/// Стилист, Mon/Tue/Sat/Sun 9–18; women's cut takes her 75 min.
pub const YULIA: u64 = 2900104;
/// Мастер маникюра, Mon–Sat 10–20, off on day +1.
pub const MARIA: u64 = 2900105;
/// Маникюр и педикюр, Wed–Sun 12–21.
pub const OLGA: u64 = 2900106;
/// Топ-стилист in Yekaterinburg, Mon–Fri 09–19, 30-min grid.
pub const SVETLANA: u64 = 2900201;

/// «Стрижка женская», 60 min by default.
pub const WOMEN_CUT: u64 = 9100101;
/// «Окрашивание в один тон», 120 min.
pub const ONE_TONE: u64 = 9100201;
/// «Маникюр классический», 60 min.
pub const MANICURE: u64 = 9100501;
/// Group service «Мастер-класс «Укладка на каждый день»».
pub const MASTER_CLASS: u64 = 9100801;
/// «Стрижка женская» in Yekaterinburg.
pub const EKB_WOMEN_CUT: u64 = 9200101;

/// The phone of the visitor in these stories.
pub const PHONE: &str = "79035550101";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// `today + days` in Moscow (the fixed clock's date).
pub fn day(days: i64) -> Date {
    jiff::civil::date(2025, 3, 10)
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
}

/// A sandbox at [`NOW`] with only the seed's listed bookings (an exact schedule).
pub async fn quiet_sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        generate_bookings: false,
        ..SandboxConfig::at(now())
    })
    .await
    .unwrap()
}

/// A sandbox at [`NOW`] with the full, generated schedule.
pub async fn busy_sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::at(now())).await.unwrap()
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

/// A client of the sandbox with partner and admin user tokens, quick retries, no budget.
pub fn client(sandbox: &Sandbox) -> Client {
    client_with_timeout(sandbox, Duration::from_secs(3))
}

/// [`client`] with another per-attempt timeout.
pub fn client_with_timeout(sandbox: &Sandbox, timeout: Duration) -> Client {
    Client::builder(sandbox.partner_token())
        .base_url(sandbox.base_url())
        .user_token(sandbox.user_token())
        .timeout(timeout)
        .retry(fast_retry())
        .rate_limit(None)
        .build()
        .unwrap()
}

/// A booking request from the story's visitor.
pub fn visitor(api_id: &str, appointments: Vec<Appointment>) -> BookRecord {
    BookRecord {
        contact: contact(api_id),
        appointments,
        ..BookRecord::default()
    }
}

/// The story's visitor, tagged with `api_id`.
pub fn contact(api_id: &str) -> Contact {
    Contact {
        email: Some("alisa@example.ru".to_owned()),
        api_id: Some(api_id.to_owned()),
        ..Contact::new(PHONE, "Алиса Воронцова")
    }
}

/// The first free slot of a master on a date.
pub async fn first_slot(
    client: &Client,
    company: u64,
    staff: u64,
    date: Date,
    services: &[u64],
) -> TimeSlot {
    let slots = client
        .book_times(company, staff, date, services)
        .await
        .unwrap();
    slots
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no free slot for {staff} on {date}"))
}
