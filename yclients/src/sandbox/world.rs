//! The sandbox's in-memory state: branches, records, clients, codes, the clock.
//!
//! One `World` sits behind one mutex; every booking rule runs with the lock held, so
//! concurrent requests for one slot cannot both win.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};

use super::ErrorStyle;
use super::seed::{AdminSeed, CompanySeed, RoomSeed, SeedFile, ServiceSeed, StaffSeed};

/// The clock: real time or a fixed instant, either one moved by an offset.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    fixed: Option<Timestamp>,
    offset: SignedDuration,
}

impl Clock {
    pub(crate) fn new(fixed: Option<Timestamp>) -> Clock {
        Clock {
            fixed,
            offset: SignedDuration::ZERO,
        }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.fixed
            .unwrap_or_else(Timestamp::now)
            .saturating_add(self.offset)
            .unwrap_or(Timestamp::MAX)
    }

    pub(crate) fn advance(&mut self, by: SignedDuration) {
        self.offset = self.offset.saturating_add(by);
    }

    pub(crate) fn set(&mut self, to: Timestamp) {
        match self.fixed {
            Some(_) => {
                self.fixed = Some(to);
                self.offset = SignedDuration::ZERO;
            }
            None => self.offset = Timestamp::now().duration_until(to),
        }
    }
}

pub(crate) struct Network {
    pub id: u64,
    pub title: String,
    pub partner_token: String,
    pub admins: Vec<AdminSeed>,
}

pub(crate) struct Company {
    pub seed: CompanySeed,
    pub network_id: u64,
    pub tz: TimeZone,
    pub phone_confirmation: bool,
    pub blacklist: BTreeSet<String>,
    /// Services no longer bookable (438).
    pub retired: BTreeSet<u64>,
    /// Extra days off per master, as dates.
    pub days_off: HashMap<u64, BTreeSet<Date>>,
}

impl Company {
    pub(crate) fn id(&self) -> u64 {
        self.seed.id
    }

    /// A service that can be booked individually now.
    pub(crate) fn bookable_service(&self, id: u64) -> Option<&ServiceSeed> {
        self.seed
            .service(id)
            .filter(|s| !s.group && !self.retired.contains(&id))
    }

    /// Today's date in the branch.
    pub(crate) fn today(&self, now: Timestamp) -> Date {
        now.to_zoned_datetime(self.tz.clone()).date()
    }

    /// Total length in seconds of `services` with `staff`; `None` if the master does not do
    /// one of them or one is not bookable.
    pub(crate) fn length_secs(&self, staff: &StaffSeed, services: &[u64]) -> Option<i64> {
        let mut minutes = 0i64;
        for id in services {
            minutes += i64::from(staff.minutes_for(self.bookable_service(*id)?)?);
        }
        (!services.is_empty()).then_some(minutes * 60)
    }
}

pub(crate) struct Payment {
    pub id: u64,
    pub document_id: u64,
    pub at: Timestamp,
    pub amount: f64,
}

/// A record: what was booked, plus what happened to it since.
pub(crate) struct StoredRecord {
    pub id: u64,
    pub booking: Booking,
    pub created: Timestamp,
    pub changed: Timestamp,
    pub attendance: i8,
    pub deleted: bool,
    pub hash: String,
    pub visit_id: u64,
    pub payments: Vec<Payment>,
}

/// Read access to the booking's fields (`record.start`, `record.staff_id`, …).
impl std::ops::Deref for StoredRecord {
    type Target = Booking;

    fn deref(&self) -> &Booking {
        &self.booking
    }
}

impl StoredRecord {
    pub(crate) fn end(&self) -> Timestamp {
        self.start
            .saturating_add(SignedDuration::from_secs(self.length))
            .unwrap_or(Timestamp::MAX)
    }
}

pub(crate) struct ClientCard {
    pub id: u64,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub custom_fields: Map<String, Value>,
    /// The branch whose administrator made the card (`POST /clients`); 0 for cards made by a
    /// booking, seen from every branch of the network.
    pub company_id: u64,
    /// `YYYY-MM-DD` or empty.
    pub birth_date: String,
    pub comment: String,
    pub categories: Vec<u64>,
}

pub(crate) struct Activity {
    pub id: u64,
    pub company_id: u64,
    pub service_id: u64,
    pub staff_id: u64,
    pub start: Timestamp,
    pub length: i64,
    pub capacity: u32,
    pub records_count: u32,
    pub room: Option<RoomSeed>,
}

impl Activity {
    pub(crate) fn end(&self) -> Timestamp {
        self.start
            .saturating_add(SignedDuration::from_secs(self.length))
            .unwrap_or(Timestamp::MAX)
    }
}

/// Who an end-user token belongs to.
pub(crate) struct Session {
    pub phone: String,
}

/// What a record is made of (`book_record`, activity booking, the seeder).
pub(crate) struct Booking {
    pub company_id: u64,
    pub staff_id: u64,
    pub service_ids: Vec<u64>,
    pub start: Timestamp,
    pub length: i64,
    pub client_id: u64,
    pub api_id: String,
    pub comment: String,
    pub custom_fields: Map<String, Value>,
    pub online: bool,
    pub source: String,
    pub bookform_id: u64,
    pub activity_id: u64,
    pub clients_count: u32,
}

#[derive(Default)]
struct Counters {
    record: u64,
    visit: u64,
    client: u64,
    payment: u64,
    user: u64,
}

pub(crate) struct World {
    pub networks: Vec<Network>,
    pub companies: BTreeMap<u64, Company>,
    pub records: BTreeMap<u64, StoredRecord>,
    pub clients: Vec<ClientCard>,
    pub activities: BTreeMap<u64, Activity>,
    pub sms_codes: HashMap<String, String>,
    pub sessions: HashMap<String, Session>,
    /// Online-booking accounts by phone (digits).
    pub accounts: HashMap<String, super::accounts::Account>,
    pub clock: Clock,
    pub rng: StdRng,
    pub error_style: ErrorStyle,
    /// Telephony: routes, routing, popups, call histories.
    pub voip: super::voip::VoipBook,
    next: Counters,
}

impl World {
    /// An empty world over the seed's branches (bookings are added by `populate`).
    pub(crate) fn new(seed: &SeedFile, rng_seed: u64, clock: Clock) -> World {
        let now = clock.now();
        let mut networks = Vec::new();
        let mut companies = BTreeMap::new();
        for network in &seed.networks {
            for company in &network.companies {
                let tz = TimeZone::get(&company.timezone).unwrap_or(TimeZone::UTC);
                let today = now.to_zoned_datetime(tz.clone()).date();
                let days_off = company
                    .staff
                    .iter()
                    .map(|s| {
                        (
                            s.id,
                            s.days_off
                                .iter()
                                .filter_map(|d| today.checked_add(jiff::Span::new().days(*d)).ok())
                                .collect(),
                        )
                    })
                    .collect();
                let state = Company {
                    seed: company.clone(),
                    network_id: network.id,
                    tz,
                    phone_confirmation: company.phone_confirmation,
                    blacklist: company
                        .blacklist
                        .iter()
                        .filter_map(|p| normalize_phone(p))
                        .collect(),
                    retired: BTreeSet::new(),
                    days_off,
                };
                companies.insert(company.id, state);
            }
            networks.push(Network {
                id: network.id,
                title: network.title.clone(),
                partner_token: network.partner_token.clone(),
                admins: network.admins.clone(),
            });
        }
        let voip = super::voip::VoipBook::new(networks.iter().map(|n: &Network| n.id));
        World {
            voip,
            networks,
            companies,
            records: BTreeMap::new(),
            clients: Vec::new(),
            activities: BTreeMap::new(),
            sms_codes: HashMap::new(),
            sessions: HashMap::new(),
            accounts: HashMap::new(),
            clock,
            rng: StdRng::seed_from_u64(rng_seed),
            error_style: ErrorStyle::Current,
            next: Counters {
                record: 600_000_000,
                visit: 510_000_000,
                client: 31_000_000,
                payment: 61_000_000,
                user: 77_000_000,
            },
        }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn network(&self, id: u64) -> Option<&Network> {
        self.networks.iter().find(|n| n.id == id)
    }

    /// The client card for a phone, made on first use.
    pub(crate) fn client_for(&mut self, phone: &str, name: &str, email: Option<&str>) -> u64 {
        if let Some(card) = self.clients.iter_mut().find(|c| c.phone == phone) {
            if let Some(email) = email.filter(|e| !e.is_empty()) {
                card.email = email.to_owned();
            }
            return card.id;
        }
        self.next.client += 1;
        let card = ClientCard {
            id: self.next.client,
            name: name.trim().to_owned(),
            phone: phone.to_owned(),
            email: email.unwrap_or_default().to_owned(),
            custom_fields: Map::new(),
            company_id: 0,
            birth_date: String::new(),
            comment: String::new(),
            categories: Vec::new(),
        };
        self.clients.push(card);
        self.next.client
    }

    /// A new card even when one with the phone exists (an administrator's `POST /clients`:
    /// YCLIENTS keeps duplicates, to be merged by hand).
    pub(crate) fn add_client(&mut self, card: ClientCard) -> u64 {
        self.next.client += 1;
        let id = self.next.client;
        self.clients.push(ClientCard { id, ..card });
        id
    }

    pub(crate) fn client(&self, id: u64) -> Option<&ClientCard> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub(crate) fn client_mut(&mut self, id: u64) -> Option<&mut ClientCard> {
        self.clients.iter_mut().find(|c| c.id == id)
    }

    /// Stores a record and returns its id.
    pub(crate) fn insert_record(&mut self, booking: Booking, created: Timestamp) -> u64 {
        self.next.record += 1;
        self.next.visit += 1;
        let id = self.next.record;
        let record = StoredRecord {
            id,
            booking,
            created,
            changed: created,
            attendance: 0,
            deleted: false,
            hash: self.hex32(),
            visit_id: self.next.visit,
            payments: Vec::new(),
        };
        self.records.insert(id, record);
        id
    }

    /// Adds a payment to a record; returns the payment's index.
    pub(crate) fn add_payment(
        &mut self,
        record_id: u64,
        amount: f64,
        at: Timestamp,
    ) -> Option<usize> {
        self.next.payment += 1;
        let id = self.next.payment;
        let record = self.records.get_mut(&record_id)?;
        record.payments.push(Payment {
            id,
            document_id: id + 9_000_000,
            at,
            amount,
        });
        record.changed = at;
        Some(record.payments.len() - 1)
    }

    /// A fresh end-user id.
    pub(crate) fn next_user_id(&mut self) -> u64 {
        self.next.user += 1;
        self.next.user
    }

    /// 32 lowercase hex characters from the seeded generator.
    pub(crate) fn hex32(&mut self) -> String {
        format!("{:032x}", self.rng.random::<u128>())
    }

    /// Records of a master that hold time (not deleted), as intervals.
    pub(crate) fn busy(&self, staff_id: u64) -> Vec<(Timestamp, Timestamp)> {
        let records = self
            .records
            .values()
            .filter(|r| r.staff_id == staff_id && !r.deleted)
            .map(|r| (r.start, r.end()));
        let events = self
            .activities
            .values()
            .filter(|a| a.staff_id == staff_id)
            .map(|a| (a.start, a.end()));
        records.chain(events).collect()
    }
}

/// Digits of a phone (`+7 (916) 123-45-67` → `79161234567`); `None` if it is not 10–15 digits.
pub(crate) fn normalize_phone(raw: &str) -> Option<String> {
    let mut digits = String::with_capacity(raw.len());
    for (i, c) in raw.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    (10..=15).contains(&digits.len()).then_some(digits)
}
