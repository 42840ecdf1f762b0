//! Online-booking user accounts (the client cabinet's side of YCLIENTS): a client's password
//! for `booking/auth`, their loyalty cards, abonements and gift certificates, and the extra
//! visits the seed gives them (made at the salon, `online: false`).
//!
//! The seed's `accounts` list these per client of the pool. The embedded seed gives the demo
//! client **Анна Кузнецова, +7 916 123-45-01** (`79161234501`; email `anna@example.com`,
//! password `лён-2024`): past visits made at the salon, one upcoming visit made at the salon
//! 12 days ahead, a loyalty card with bonus points, an abonement with visits left and a gift
//! certificate. Sign in with `book_code` + `user/auth` (the code is in the sandbox's log and
//! `/sandbox/sms/{phone}`) or `booking/auth` with the email and password.

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};

use super::seed::BookingSeed;

/// A client's online-booking account in the seed.
#[derive(Debug, Clone, Deserialize)]
pub struct AccountSeed {
    /// Index into the client pool.
    pub client: usize,
    /// E-mail (also a login for `booking/auth`).
    #[serde(default)]
    pub email: String,
    /// Password for `booking/auth` (login = phone or e-mail); empty = none.
    #[serde(default)]
    pub password: String,
    /// Visits made at the salon, besides the branch's seeded bookings.
    #[serde(default)]
    pub visits: Vec<VisitSeed>,
    /// Loyalty cards.
    #[serde(default)]
    pub cards: Vec<CardSeed>,
    /// Abonements.
    #[serde(default)]
    pub abonements: Vec<AbonementSeed>,
    /// Gift certificates.
    #[serde(default)]
    pub certificates: Vec<CertificateSeed>,
}

/// A visit of an account's client in a branch.
#[derive(Debug, Clone, Deserialize)]
pub struct VisitSeed {
    /// Branch.
    pub company: u64,
    /// The booking.
    #[serde(flatten)]
    pub booking: BookingSeed,
}

/// A loyalty card.
#[derive(Debug, Clone, Deserialize)]
pub struct CardSeed {
    /// Card id.
    pub id: u64,
    /// Card type's title.
    pub title: String,
    /// Card number.
    pub number: String,
    /// Money on the card.
    #[serde(default)]
    pub balance: f64,
    /// Bonus points.
    #[serde(default)]
    pub points: f64,
    /// Programme titles.
    #[serde(default)]
    pub programs: Vec<String>,
    /// Paid in total.
    #[serde(default)]
    pub paid_amount: f64,
    /// Visits.
    #[serde(default)]
    pub visits_count: u32,
}

/// An abonement (membership) with a number of visits.
#[derive(Debug, Clone, Deserialize)]
pub struct AbonementSeed {
    /// Abonement id.
    pub id: u64,
    /// Type's title.
    pub title: String,
    /// Number.
    pub number: String,
    /// Visits bought.
    pub visits: u32,
    /// Visits left.
    pub left: u32,
    /// Expires this many days from today.
    pub expires_in_days: i32,
    /// Frozen.
    #[serde(default)]
    pub frozen: bool,
}

/// A gift certificate.
#[derive(Debug, Clone, Deserialize)]
pub struct CertificateSeed {
    /// Certificate id.
    pub id: u64,
    /// Type's title.
    pub title: String,
    /// Number (code).
    pub number: String,
    /// Nominal value.
    pub nominal: f64,
    /// What is left.
    pub balance: f64,
    /// Expires this many days from today.
    pub expires_in_days: i32,
}

/// An account in the world (keyed by the client's phone).
pub(crate) struct Account {
    pub email: String,
    pub password: String,
    pub cards: Vec<CardSeed>,
    pub abonements: Vec<(AbonementSeed, Date)>,
    pub certificates: Vec<(CertificateSeed, Date)>,
    /// The group (chain) the loyalty programmes belong to.
    pub group_id: u64,
}

impl Account {
    pub(crate) fn new(seed: &AccountSeed, today: Date, group_id: u64) -> Account {
        let day = |d: i32| today.checked_add(Span::new().days(d)).unwrap_or(today);
        Account {
            email: seed.email.clone(),
            password: seed.password.clone(),
            cards: seed.cards.clone(),
            abonements: seed
                .abonements
                .iter()
                .map(|a| (a.clone(), day(a.expires_in_days)))
                .collect(),
            certificates: seed
                .certificates
                .iter()
                .map(|c| (c.clone(), day(c.expires_in_days)))
                .collect(),
            group_id,
        }
    }

    /// An account made on first sign-in by SMS: no password, no balances.
    pub(crate) fn empty(group_id: u64) -> Account {
        Account {
            email: String::new(),
            password: String::new(),
            cards: Vec::new(),
            abonements: Vec::new(),
            certificates: Vec::new(),
            group_id,
        }
    }
}

/// `GET /user/loyalty_cards/{group_id}`, as PY-Y's `LoyaltyCardsResponseDataTypes` shows it.
pub(crate) fn card(account: &Account, c: &CardSeed, group_title: &str) -> Value {
    let programs: Vec<Value> = c
        .programs
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({"id": c.id * 10 + i as u64, "title": title, "value": 0, "loyalty_type_id": 1,
                "item_type_id": 0, "value_unit_id": 1, "group_id": account.group_id,
                "loyalty_type": {"id": 1, "title": "Скидка"}, "rules": []})
        })
        .collect();
    json!({
        "id": c.id, "balance": c.balance, "points": c.points, "paid_amount": c.paid_amount,
        "sold_amount": c.paid_amount, "visits_count": c.visits_count, "number": c.number,
        "type_id": c.id / 10, "salon_group_id": account.group_id,
        "type": {"id": c.id / 10, "title": c.title, "salon_group_id": account.group_id},
        "salon_group": {"id": account.group_id, "title": group_title},
        "programs": programs,
    })
}

/// `GET /user/loyalty/abonements`, as PY-Y shows it. `balance_string` reads "8 из 10".
pub(crate) fn abonement(a: &AbonementSeed, expires: Date, now: Timestamp) -> Value {
    let active = !a.frozen && now.strftime("%Y-%m-%d").to_string() <= expires.to_string();
    let (status_id, status) = match (a.frozen, active) {
        (true, _) => (3, "Заморожен"),
        (false, true) => (2, "Активен"),
        (false, false) => (4, "Истёк"),
    };
    json!({
        "id": a.id, "number": a.number, "balance_string": format!("{} из {}", a.left, a.visits),
        "is_frozen": a.frozen, "freeze_period": 0, "period": 3, "period_unit_id": 3,
        "expiration_date": expires.to_string(),
        "status": {"id": status_id, "title": status, "extended_title": status},
        "balance_container": {"links": [{"count": a.left, "service": null, "category": null}]},
        "type": {"id": a.id / 10, "title": a.title, "freeze_limit": 30, "is_united_balance": true,
            "united_balance_services_count": a.visits},
    })
}

/// `GET /user/loyalty/certificates`, as PY-Y shows it.
pub(crate) fn certificate(c: &CertificateSeed, expires: Date, group_id: u64) -> Value {
    let (status_id, status) = if c.balance > 0.0 {
        (1, "Активен")
    } else {
        (2, "Использован")
    };
    json!({
        "id": c.id, "number": c.number, "balance": c.balance, "default_balance": c.nominal,
        "type_id": c.id / 10, "status_id": status_id, "created_date": "",
        "expiration_date": expires.to_string(),
        "type": {"id": c.id / 10, "title": c.title, "balance": c.nominal,
            "company_group_id": group_id, "expiration_type_id": 1, "expiration_timeout": 0,
            "is_allow_empty_code": false},
        "status": {"id": status_id, "title": status},
    })
}
