//! The booking API with a small salon in it, for the browser tests.

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use protocol::{
    ErrorDetail,
    booking::{BookingRequest, BookingResult, CodeRequest},
    catalog::{
        Branch, Category, Dates, Service, Services, SiteInfo, Slot, Staff, StaffList, Times,
    },
    site::Theme,
};
use widget::{
    api::{Api, ApiError, Backend, Reply},
    i18n::Lang,
};

pub const DAY: &str = "2031-03-12";

pub fn branch(id: u64, title: &str) -> Branch {
    Branch {
        id,
        title: title.into(),
        address: format!("ул. Пушкина, {id}"),
        timezone: "Europe/Moscow".into(),
        phone_confirmation: false,
        email_required: false,
        comment_required: false,
        nearest: Some(format!("{DAY}T10:00:00+03:00")),
        phone: None,
        zone_ru: "по времени Москвы".into(),
        zone_en: "Moscow time".into(),
    }
}

fn service(id: u64, category_id: u64, title: &str, min: f64, max: f64, minutes: u32) -> Service {
    Service {
        id,
        category_id,
        title: title.into(),
        price_min: min,
        price_max: max,
        duration: minutes * 60,
        duration_max: 0,
        comment: String::new(),
    }
}

fn person(id: u64, name: &str, position: &str, rating: f32, bookable: bool) -> Staff {
    Staff {
        id,
        name: name.into(),
        position: position.into(),
        avatar: None,
        rating,
        bookable,
        nearest: bookable.then(|| format!("{DAY}T1{id}:00:00+03:00")),
    }
}

pub fn slot(date: &str, time: &str) -> Slot {
    Slot {
        time: time.into(),
        datetime: format!("{date}T{time}:00+03:00"),
        length: 3600,
    }
}

/// One call the widget made: its name and arguments, as text.
pub type Call = String;

/// The booking API with a small salon in it. Errors queued with [`Fake::fail`] answer the next
/// calls of that name, in order.
pub struct Fake {
    pub site: RefCell<SiteInfo>,
    pub services: RefCell<Services>,
    pub staff: RefCell<StaffList>,
    pub dates: RefCell<Vec<String>>,
    pub times: RefCell<Vec<&'static str>>,
    pub calls: RefCell<Vec<Call>>,
    /// (Idempotency-Key, request) of every booking attempt.
    pub bookings: RefCell<Vec<(String, BookingRequest)>>,
    pub codes: RefCell<Vec<CodeRequest>>,
    /// The cabinet receipt bookings answer with (`BookingResult.cabinet`).
    pub receipt: RefCell<Option<String>>,
    failures: RefCell<Vec<(&'static str, VecDeque<ApiError>)>>,
    /// Calls answered after 300 ms rather than at once (to see what loading looks like).
    pub slow: RefCell<Vec<&'static str>>,
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
            services: RefCell::new(Services {
                categories: vec![
                    Category {
                        id: 1,
                        title: "Стрижки".into(),
                    },
                    Category {
                        id: 2,
                        title: "Окрашивание".into(),
                    },
                ],
                services: vec![
                    service(10, 1, "Женская стрижка", 1500.0, 2500.0, 60),
                    service(11, 1, "Мужская стрижка", 1200.0, 1200.0, 45),
                    service(20, 2, "Окрашивание корней", 3000.0, 4500.0, 90),
                ],
            }),
            staff: RefCell::new(StaffList {
                staff: vec![
                    person(5, "Анна", "Топ-стилист", 4.9, true),
                    person(6, "Ольга", "Стилист", 4.5, true),
                    person(7, "Ирина", "Колорист", 0.0, false),
                ],
            }),
            dates: RefCell::new(vec![
                DAY.into(),
                "2031-03-13".into(),
                "2031-03-20".into(),
                "2031-04-02".into(),
            ]),
            times: RefCell::new(vec!["10:00", "11:30", "13:00", "15:30", "18:00", "19:30"]),
            calls: RefCell::new(Vec::new()),
            bookings: RefCell::new(Vec::new()),
            codes: RefCell::new(Vec::new()),
            receipt: RefCell::new(None),
            failures: RefCell::new(Vec::new()),
            slow: RefCell::new(Vec::new()),
        })
    }

    /// The next call named `call` fails with `err` (queued after earlier ones).
    pub fn fail(&self, call: &'static str, err: ApiError) {
        let mut f = self.failures.borrow_mut();
        match f.iter_mut().find(|(c, _)| *c == call) {
            Some((_, q)) => q.push_back(err),
            None => f.push((call, VecDeque::from([err]))),
        }
    }

    pub fn api(self: &Rc<Self>) -> Api {
        self.clone()
    }

    pub fn calls_named(&self, prefix: &str) -> Vec<Call> {
        self.calls
            .borrow()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .cloned()
            .collect()
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
        let result = match err {
            Some(e) => Err(e),
            None => Ok(ok()),
        };
        if self.slow.borrow().contains(&name.as_str()) {
            return Box::pin(async move {
                super::sleep(300).await;
                result
            });
        }
        Box::pin(std::future::ready(result))
    }
}

fn ids(list: &[u64]) -> String {
    list.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Backend for Fake {
    fn config(&self, lang: Lang) -> Reply<SiteInfo> {
        let site = self.site.borrow().clone();
        self.answer(format!("config {}", lang.code()), || site)
    }

    fn services(&self, _: Lang, branch: u64) -> Reply<Services> {
        let list = self.services.borrow().clone();
        self.answer(format!("services {branch}"), || list)
    }

    fn staff(&self, _: Lang, branch: u64, services: &[u64]) -> Reply<StaffList> {
        let list = self.staff.borrow().clone();
        self.answer(format!("staff {branch} {}", ids(services)), || list)
    }

    fn dates(&self, _: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates> {
        let dates = self.dates.borrow().clone();
        self.answer(format!("dates {branch} {} {staff}", ids(services)), || {
            Dates {
                dates,
                timezone: "Europe/Moscow".into(),
            }
        })
    }

    fn times(
        &self,
        _: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times> {
        let slots = self.times.borrow().iter().map(|t| slot(date, t)).collect();
        let date = date.to_owned();
        self.answer(
            format!("times {branch} {} {staff} {date}", ids(services)),
            || Times {
                date,
                timezone: "Europe/Moscow".into(),
                slots,
            },
        )
    }

    fn send_code(&self, _: Lang, branch: u64, req: &CodeRequest) -> Reply<()> {
        self.codes.borrow_mut().push(req.clone());
        self.answer(format!("code {branch} {}", req.phone), || ())
    }

    fn book(&self, _: Lang, key: &str, req: &BookingRequest) -> Reply<BookingResult> {
        self.bookings
            .borrow_mut()
            .push((key.to_owned(), req.clone()));
        let staff = self
            .staff
            .borrow()
            .staff
            .iter()
            .find(|s| s.id == req.staff)
            .map(|s| s.name.clone());
        let services = self.services.borrow();
        let chosen: Vec<&Service> = services
            .services
            .iter()
            .filter(|s| req.services.contains(&s.id))
            .collect();
        let result = BookingResult {
            id: format!("bk{}", self.bookings.borrow().len()),
            branch: "Лён на Пушкина".into(),
            address: "ул. Пушкина, 1".into(),
            datetime: req.datetime.clone(),
            timezone: "Europe/Moscow".into(),
            length: chosen.iter().map(|s| s.duration / 60).sum(),
            services: chosen.iter().map(|s| s.title.clone()).collect(),
            staff: staff.unwrap_or_else(|| "Анна".into()),
            price_min: chosen.iter().map(|s| s.price_min).sum(),
            price_max: chosen.iter().map(|s| s.price_max).sum(),
            cancel_url: "https://zapis.example/b/bk1?hash=x".into(),
            cabinet: self.receipt.borrow().clone(),
        };
        self.answer(format!("book {key}"), || result)
    }
}

/// A server error as the API sends it.
pub fn server_error(status: u16, code: &str, message: &str, field: Option<&str>) -> ApiError {
    ApiError::Server {
        status,
        detail: ErrorDetail {
            code: code.into(),
            message: message.into(),
            field: field.map(Into::into),
            times: None,
        },
    }
}
