//! The seed file: networks (chains) with their partner tokens and admins, branches with
//! categories, services, masters, weekly schedules, days off, bookings and group events.
//!
//! Days in the seed are offsets from "today" in the branch's time zone, so a sandbox started
//! on any date has a believable schedule; with a fixed clock it is fully deterministic.

use std::collections::BTreeMap;

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};

use crate::decode::flex;
use crate::model::Position;

/// The seed embedded in the crate (`seed/salon.json`).
pub const DEFAULT_SEED: &str = include_str!("../../seed/salon.json");

/// The whole seed file.
#[derive(Debug, Clone, Deserialize)]
pub struct SeedFile {
    /// Chains, each with its own partner token.
    pub networks: Vec<NetworkSeed>,
    /// Client pool for seeded and generated bookings.
    #[serde(default)]
    pub clients: Vec<ClientSeed>,
    /// Random bookings around today.
    #[serde(default)]
    pub generated: GeneratedSeed,
    /// Online-booking accounts of pool clients (the cabinet: passwords, balances, visits).
    #[serde(default)]
    pub accounts: Vec<super::accounts::AccountSeed>,
}

impl SeedFile {
    /// Parses a seed file.
    pub fn parse(text: &str) -> anyhow::Result<SeedFile> {
        let seed: SeedFile = serde_json::from_str(text)?;
        seed.validate()?;
        Ok(seed)
    }

    fn validate(&self) -> anyhow::Result<()> {
        for company in self.networks.iter().flat_map(|n| &n.companies) {
            jiff::tz::TimeZone::get(&company.timezone).map_err(|e| {
                anyhow::anyhow!(
                    "company {}: time zone {:?}: {e}",
                    company.id,
                    company.timezone
                )
            })?;
            for staff in &company.staff {
                for id in &staff.services {
                    anyhow::ensure!(
                        company.service(*id).is_some(),
                        "staff {} offers unknown service {id}",
                        staff.id
                    );
                }
                for (day, hours) in &staff.schedule {
                    anyhow::ensure!(
                        weekday(day).is_some(),
                        "staff {}: unknown weekday {day:?}",
                        staff.id
                    );
                    anyhow::ensure!(
                        hours.window().is_some(),
                        "staff {}: bad hours {:?}",
                        staff.id,
                        hours.0
                    );
                }
            }
            let visits = self.accounts.iter().flat_map(|a| &a.visits);
            let visits = visits
                .filter(|v| v.company == company.id)
                .map(|v| &v.booking);
            for booking in company.bookings.iter().chain(visits) {
                anyhow::ensure!(
                    booking.client < self.clients.len(),
                    "booking refers to client #{}",
                    booking.client
                );
            }
        }
        for account in &self.accounts {
            anyhow::ensure!(
                account.client < self.clients.len(),
                "account refers to client #{}",
                account.client
            );
        }
        Ok(())
    }
}

/// A chain of branches sharing a partner token and admins.
#[derive(Debug, Clone, Deserialize)]
pub struct NetworkSeed {
    /// Chain (group) id.
    pub id: u64,
    /// Chain name.
    pub title: String,
    /// The partner token that opens this chain's branches.
    pub partner_token: String,
    /// Staff users with login/password and a user token.
    #[serde(default)]
    pub admins: Vec<AdminSeed>,
    /// Branches.
    pub companies: Vec<CompanySeed>,
}

/// A staff user who can read records.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminSeed {
    /// User id.
    pub id: u64,
    /// Login for `POST /auth`.
    pub login: String,
    /// Password for `POST /auth`.
    pub password: String,
    /// The user token `POST /auth` returns.
    pub user_token: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

/// A branch.
#[derive(Debug, Clone, Deserialize)]
pub struct CompanySeed {
    /// Company id.
    pub id: u64,
    /// Name.
    pub title: String,
    /// Short description.
    #[serde(default)]
    pub short_descr: String,
    /// Long description.
    #[serde(default)]
    pub description: String,
    /// City.
    pub city: String,
    /// City id.
    #[serde(default)]
    pub city_id: u64,
    /// IANA time zone.
    pub timezone: String,
    /// Address.
    pub address: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Site.
    #[serde(default)]
    pub site: String,
    /// Latitude and longitude.
    #[serde(default)]
    pub coordinates: (f64, f64),
    /// Whether online booking needs an SMS code.
    #[serde(default)]
    pub phone_confirmation: bool,
    /// The branch's booking form id.
    pub bookform_id: u64,
    /// Grid of start times, minutes.
    #[serde(default = "fifteen")]
    pub slot_step_minutes: u32,
    /// How soon after "now" the first slot may start, minutes.
    #[serde(default)]
    pub min_lead_minutes: u32,
    /// How many days ahead booking is open.
    #[serde(default = "thirty")]
    pub horizon_days: u32,
    /// Phones refused with 434.
    #[serde(default)]
    pub blacklist: Vec<String>,
    /// Service categories.
    pub categories: Vec<CategorySeed>,
    /// Services.
    pub services: Vec<ServiceSeed>,
    /// Masters.
    pub staff: Vec<StaffSeed>,
    /// Existing bookings.
    #[serde(default)]
    pub bookings: Vec<BookingSeed>,
    /// Group events.
    #[serde(default)]
    pub activities: Vec<ActivitySeed>,
    /// Clients may cancel their own records (`allow_delete_record`).
    #[serde(default = "yes")]
    pub allow_delete_record: bool,
    /// Until how many seconds before the visit (`allow_delete_record_delay_step`).
    #[serde(default = "two_hours")]
    pub delete_delay_secs: u64,
    /// Clients may move their own records (`allow_change_record`).
    #[serde(default = "yes")]
    pub allow_change_record: bool,
    /// Until how many seconds before the visit (`allow_change_record_delay_step`).
    #[serde(default = "two_hours")]
    pub change_delay_secs: u64,
    /// Most places one online sign-up may take (`activity_online_record_clients_count_max`).
    #[serde(default = "one")]
    pub activity_clients_max: u32,
}

fn yes() -> bool {
    true
}

fn two_hours() -> u64 {
    7200
}

fn one() -> u32 {
    1
}

fn fifteen() -> u32 {
    15
}

fn thirty() -> u32 {
    30
}

impl CompanySeed {
    /// A service by id.
    pub fn service(&self, id: u64) -> Option<&ServiceSeed> {
        self.services.iter().find(|s| s.id == id)
    }

    /// A master by id.
    pub fn staff(&self, id: u64) -> Option<&StaffSeed> {
        self.staff.iter().find(|s| s.id == id)
    }
}

/// A service category.
#[derive(Debug, Clone, Deserialize)]
pub struct CategorySeed {
    /// Category id.
    pub id: u64,
    /// Name.
    pub title: String,
    /// Sort weight.
    #[serde(default)]
    pub weight: i64,
}

/// A service.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceSeed {
    /// Service id.
    pub id: u64,
    /// Category id.
    pub category_id: u64,
    /// Name.
    pub title: String,
    /// Lowest price.
    pub price_min: f64,
    /// Highest price.
    pub price_max: f64,
    /// Default duration, minutes (a master may override it).
    pub minutes: u32,
    /// Description.
    #[serde(default)]
    pub comment: String,
    /// A group service: booked through group events, not `book_record`.
    #[serde(default)]
    pub group: bool,
    /// Sort weight.
    #[serde(default)]
    pub weight: i64,
}

/// A master.
#[derive(Debug, Clone, Deserialize)]
pub struct StaffSeed {
    /// Staff id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Specialization.
    pub specialization: String,
    /// Position; `[]` for none, as the API sends it.
    #[serde(default, deserialize_with = "flex::opt_object")]
    pub position: Option<Position>,
    /// Rating.
    #[serde(default)]
    pub rating: f64,
    /// Votes.
    #[serde(default)]
    pub votes: u32,
    /// Sort weight (higher first; "any master" picks the highest free one).
    #[serde(default)]
    pub weight: i64,
    /// About (HTML).
    #[serde(default)]
    pub information: String,
    /// Services the master does.
    pub services: Vec<u64>,
    /// Per-master durations, minutes, by service id.
    #[serde(default)]
    pub durations: BTreeMap<String, u32>,
    /// Weekly hours: `{"mon": "10:00-20:00", …}`; a missing day is a day off.
    pub schedule: BTreeMap<String, Hours>,
    /// Extra days off, as offsets from today.
    #[serde(default)]
    pub days_off: Vec<i32>,
}

impl StaffSeed {
    /// The master's duration for a service, minutes; `None` if the master does not do it.
    pub fn minutes_for(&self, service: &ServiceSeed) -> Option<u32> {
        if !self.services.contains(&service.id) {
            return None;
        }
        Some(
            self.durations
                .get(&service.id.to_string())
                .copied()
                .unwrap_or(service.minutes),
        )
    }

    /// Working hours on a weekday.
    pub fn hours_on(&self, day: Weekday) -> Option<(Time, Time)> {
        self.schedule
            .iter()
            .find(|(name, _)| weekday(name) == Some(day))
            .and_then(|(_, hours)| hours.window())
    }
}

/// `"10:00-20:00"`.
#[derive(Debug, Clone, Deserialize)]
pub struct Hours(pub String);

impl Hours {
    /// Opening and closing time.
    pub fn window(&self) -> Option<(Time, Time)> {
        let (open, close) = self.0.split_once('-')?;
        let open: Time = open.trim().parse().ok()?;
        let close: Time = close.trim().parse().ok()?;
        (open < close).then_some((open, close))
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// An existing booking.
#[derive(Debug, Clone, Deserialize)]
pub struct BookingSeed {
    /// Master.
    pub staff_id: u64,
    /// Services.
    pub service_ids: Vec<u64>,
    /// Day offset from today.
    pub day: i32,
    /// Local start time.
    pub time: Time,
    /// Index into the client pool.
    pub client: usize,
    /// Comment.
    #[serde(default)]
    pub comment: String,
    /// Visit status.
    #[serde(default)]
    pub attendance: i8,
    /// Paid in full.
    #[serde(default)]
    pub paid: bool,
}

/// A group event.
#[derive(Debug, Clone, Deserialize)]
pub struct ActivitySeed {
    /// Event id.
    pub id: u64,
    /// The group service.
    pub service_id: u64,
    /// Master.
    pub staff_id: u64,
    /// Day offset from today.
    pub day: i32,
    /// Local start time.
    pub time: Time,
    /// Places.
    pub capacity: u32,
    /// Places already taken.
    #[serde(default)]
    pub booked: u32,
    /// The room it takes place in.
    #[serde(default)]
    pub room: Option<RoomSeed>,
}

/// A room (a resource instance) a group event takes place in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSeed {
    /// Resource instance id.
    pub id: u64,
    /// Name ("Зал №1").
    pub title: String,
    /// The resource it is an instance of.
    pub resource_id: u64,
}

/// A client of the pool.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientSeed {
    /// Full name.
    pub name: String,
    /// Phone, digits.
    pub phone: String,
}

/// Random bookings around today, per master and working day.
#[derive(Debug, Clone, Deserialize)]
pub struct GeneratedSeed {
    /// Days before today to fill.
    pub days_before: u32,
    /// Days after today to fill.
    pub days_after: u32,
    /// Chance that a free grid point gets a booking (0 = none).
    pub fill: f64,
}

impl Default for GeneratedSeed {
    fn default() -> Self {
        GeneratedSeed {
            days_before: 0,
            days_after: 0,
            fill: 0.0,
        }
    }
}
