//! The group events API with a small salon's two weeks of classes in it, for the browser tests.
//! It keeps count: a sign-up takes its seats off the event, as the real one does.

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use protocol::{
    booking::CodeRequest,
    catalog::SiteInfo,
    events::{Choice, EventDay, GroupEvent, Schedule, SignupRequest, SignupResult},
    site::Theme,
};
use widget::{
    api::{ApiError, Reply},
    events::api::{EventsApi, EventsBackend, Week},
    i18n::Lang,
};

pub const FIRST: &str = "2031-03-10";
pub const SECOND: &str = "2031-03-17";

#[allow(clippy::too_many_arguments)]
fn event(
    id: u64,
    date: &str,
    time: &str,
    title: &str,
    (service, category, staff, master): (u64, u64, u64, &str),
    minutes: u32,
    price: f64,
    (capacity, left): (u32, u32),
    next: Option<u64>,
) -> GroupEvent {
    GroupEvent {
        id,
        datetime: format!("{date}T{time}:00+03:00"),
        time: time.into(),
        length: minutes,
        title: title.into(),
        description: None,
        service,
        category,
        staff,
        master: master.into(),
        price_min: price,
        price_max: price,
        capacity,
        seats_left: left,
        full: left == 0,
        next,
        room: Some("Зал для мастер-классов".into()),
    }
}

fn choice(id: u64, title: &str) -> Choice {
    Choice {
        id,
        title: title.into(),
    }
}

fn week(from: &str, till: &str, days: Vec<EventDay>) -> Schedule {
    Schedule {
        branch: 1,
        timezone: "Europe/Moscow".into(),
        from: from.into(),
        till: till.into(),
        max_seats: 4,
        phone_confirmation: false,
        email_required: false,
        comment_required: false,
        categories: vec![choice(1, "Мастер-классы"), choice(2, "Лекции")],
        masters: vec![choice(5, "Анна Соколова"), choice(6, "Ольга Ким")],
        days,
    }
}

fn day(date: &str, events: Vec<GroupEvent>) -> EventDay {
    EventDay {
        date: date.into(),
        events,
    }
}

const STYLING: (u64, u64, u64, &str) = (801, 1, 5, "Анна Соколова");
const CARE: (u64, u64, u64, &str) = (802, 2, 6, "Ольга Ким");
const BRAIDS: (u64, u64, u64, &str) = (803, 1, 6, "Ольга Ким");

/// The two weeks: a class with three seats left, a lecture with two, a full class whose next
/// one (same service) is later that week with six; next week one more class.
pub fn weeks() -> Vec<Schedule> {
    vec![
        week(
            FIRST,
            "2031-03-16",
            vec![
                day(
                    "2031-03-11",
                    vec![event(
                        101,
                        "2031-03-11",
                        "19:00",
                        "Укладка дома",
                        STYLING,
                        90,
                        2500.0,
                        (8, 3),
                        None,
                    )],
                ),
                day(
                    "2031-03-12",
                    vec![
                        event(
                            102,
                            "2031-03-12",
                            "18:30",
                            "Лекция об уходе",
                            CARE,
                            60,
                            1000.0,
                            (20, 2),
                            None,
                        ),
                        event(
                            103,
                            "2031-03-12",
                            "20:00",
                            "Косы",
                            BRAIDS,
                            120,
                            3000.0,
                            (6, 0),
                            Some(104),
                        ),
                    ],
                ),
                day(
                    "2031-03-14",
                    vec![event(
                        104,
                        "2031-03-14",
                        "20:00",
                        "Косы",
                        BRAIDS,
                        120,
                        3000.0,
                        (6, 6),
                        None,
                    )],
                ),
            ],
        ),
        week(
            SECOND,
            "2031-03-23",
            vec![day(
                "2031-03-18",
                vec![event(
                    201,
                    "2031-03-18",
                    "11:00",
                    "Укладка дома",
                    STYLING,
                    90,
                    2500.0,
                    (8, 8),
                    None,
                )],
            )],
        ),
    ]
}

pub struct Fake {
    pub site: RefCell<SiteInfo>,
    pub weeks: RefCell<Vec<Schedule>>,
    /// Every call, as text: `schedule 1 2031-03-17 fresh`, `signup <key>`, `code 1 <phone>`.
    pub calls: RefCell<Vec<String>>,
    pub signups: RefCell<Vec<(String, SignupRequest)>>,
    pub codes: RefCell<Vec<CodeRequest>>,
    failures: RefCell<Vec<(&'static str, VecDeque<ApiError>)>>,
}

impl Fake {
    pub fn new() -> Rc<Fake> {
        Rc::new(Fake {
            site: RefCell::new(SiteInfo {
                site: "demo".into(),
                lang: "ru".into(),
                theme: Theme::default(),
                branches: vec![branch(1, "Лён на Пушкина")],
                privacy_url: Some("https://salon.example/privacy".into()),
                goals: Default::default(),
            }),
            weeks: RefCell::new(weeks()),
            calls: RefCell::new(Vec::new()),
            signups: RefCell::new(Vec::new()),
            codes: RefCell::new(Vec::new()),
            failures: RefCell::new(Vec::new()),
        })
    }

    pub fn api(self: &Rc<Self>) -> EventsApi {
        self.clone()
    }

    /// The next call named `call` fails with `err` (queued after earlier ones).
    pub fn fail(&self, call: &'static str, err: ApiError) {
        let mut f = self.failures.borrow_mut();
        match f.iter_mut().find(|(c, _)| *c == call) {
            Some((_, q)) => q.push_back(err),
            None => f.push((call, VecDeque::from([err]))),
        }
    }

    pub fn calls_named(&self, prefix: &str) -> Vec<String> {
        self.calls
            .borrow()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Every week's settings (SMS code, seats per sign-up…) changed by `f`.
    pub fn tune(&self, f: impl Fn(&mut Schedule)) {
        self.weeks.borrow_mut().iter_mut().for_each(f);
    }

    fn answer<T: 'static>(&self, call: String, ok: impl FnOnce() -> T) -> Reply<T> {
        let name = call.split(' ').next().unwrap_or_default().to_owned();
        self.calls.borrow_mut().push(call);
        let err = self
            .failures
            .borrow_mut()
            .iter_mut()
            .find(|(c, _)| *c == name)
            .and_then(|(_, q)| q.pop_front());
        Box::pin(std::future::ready(match err {
            Some(e) => Err(e),
            None => Ok(ok()),
        }))
    }
}

pub fn branch(id: u64, title: &str) -> protocol::catalog::Branch {
    protocol::catalog::Branch {
        id,
        title: title.into(),
        address: format!("ул. Пушкина, {id}"),
        timezone: "Europe/Moscow".into(),
        phone_confirmation: false,
        email_required: false,
        comment_required: false,
        nearest: None,
        phone: None,
        zone_ru: "по времени Москвы".into(),
        zone_en: "Moscow time".into(),
    }
}

impl EventsBackend for Fake {
    fn config(&self, lang: Lang) -> Reply<SiteInfo> {
        let site = self.site.borrow().clone();
        self.answer(format!("config {}", lang.code()), || site)
    }

    fn schedule(&self, _: Lang, branch: u64, asked: &Week, fresh: bool) -> Reply<Schedule> {
        let from = asked.from.clone().unwrap_or_else(|| FIRST.into());
        let found = self.weeks.borrow().iter().find(|w| w.from == from).cloned();
        let shown = found
            .unwrap_or_else(|| week(&from, asked.till.as_deref().unwrap_or(&from), Vec::new()));
        let how = if fresh { "fresh" } else { "cached" };
        self.answer(format!("schedule {branch} {from} {how}"), || shown)
    }

    fn send_code(&self, _: Lang, branch: u64, req: &CodeRequest) -> Reply<()> {
        self.codes.borrow_mut().push(req.clone());
        self.answer(format!("code {branch} {}", req.phone), || ())
    }

    fn sign_up(&self, _: Lang, key: &str, req: &SignupRequest) -> Reply<SignupResult> {
        self.signups
            .borrow_mut()
            .push((key.to_owned(), req.clone()));
        let call = format!("signup {key}");
        let failing = self
            .failures
            .borrow()
            .iter()
            .any(|(c, q)| *c == "signup" && !q.is_empty());
        let mut weeks = self.weeks.borrow_mut();
        let event = weeks
            .iter_mut()
            .flat_map(|w| w.days.iter_mut())
            .flat_map(|d| d.events.iter_mut())
            .find(|e| e.id == req.event)
            .expect("an event of the schedule");
        if !failing {
            event.seats_left -= req.seats as u32;
            event.full = event.seats_left == 0;
        }
        let seats = req.seats as u32;
        let result = SignupResult {
            id: format!("su{}", self.signups.borrow().len()),
            event: event.id,
            branch: "Лён на Пушкина".into(),
            address: "ул. Пушкина, 1".into(),
            datetime: event.datetime.clone(),
            timezone: "Europe/Moscow".into(),
            length: event.length,
            services: vec![event.title.clone()],
            staff: event.master.clone(),
            seats,
            price_min: event.price_min * f64::from(seats),
            price_max: event.price_max * f64::from(seats),
            cancel_url: "https://zapis.example/cancel/demo/su1?t=h".into(),
        };
        drop(weeks);
        self.answer(call, || result)
    }
}
