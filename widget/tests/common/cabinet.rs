//! The cabinet API with one client in it, for the browser tests: sessions it issued (anything
//! else answers 401), two upcoming visits (one the salon's rules still let the client change,
//! one they do not), a class sign-up, a past visit made at the salon, balances, and a question
//! the salon answered and the client has not read.

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use protocol::{
    ErrorDetail,
    cabinet::{
        Abonement, Ask, Attendance, Balances, Certificate, Identity, IdentityKind, LoyaltyCard, Me,
        Message, PasswordUpdate, ProfileUpdate, Rule, SignIn, SignedIn, Thread, Visit,
        VisitService, Visits,
    },
};
use widget::{
    api::{ApiError, Reply},
    cabinet::api::CabinetApi,
};

/// The salon's brand colour in its theme.
pub const BRAND: &str = "#0a7d5a";
pub const CODE: &str = "1234";
pub const PHONE: &str = "+79161234567";
pub const EMAIL: &str = "maria@example.com";
pub const PASSWORD: &str = "Пароль с пробелами";

fn rule(allowed: bool, until: Option<&str>) -> Rule {
    Rule {
        allowed,
        until: until.map(Into::into),
        hours_before: 24,
    }
}

fn visit(id: u64, datetime: &str, services: &[(u64, &str, f64)]) -> Visit {
    Visit {
        id,
        branch: 1,
        branch_title: "Лён на Пушкина".into(),
        datetime: datetime.into(),
        length: 60,
        services: services
            .iter()
            .map(|(id, title, cost)| VisitService {
                id: *id,
                title: (*title).into(),
                cost: *cost,
            })
            .collect(),
        staff: 5,
        master: "Анна".into(),
        seats: 1,
        event: None,
        online: true,
        attendance: Attendance::Waiting,
        paid: 0.0,
        cancel: rule(true, Some("2031-03-11T10:00:00+03:00")),
        reschedule: rule(true, Some("2031-03-11T10:00:00+03:00")),
    }
}

pub struct FakeCabinet {
    /// Sessions this fake issued and still honours.
    pub sessions: RefCell<Vec<String>>,
    pub known_phones: RefCell<Vec<String>>,
    /// The account asks for the SMS step after a password.
    pub second_step: RefCell<bool>,
    pub me: RefCell<Me>,
    pub visits: RefCell<Visits>,
    pub balances: RefCell<Balances>,
    pub threads: RefCell<Vec<Thread>>,
    pub resend_after: RefCell<u32>,
    pub calls: RefCell<Vec<String>>,
    pub sign_ins: RefCell<Vec<SignIn>>,
    pub asked: RefCell<Vec<(Option<u64>, Ask)>>,
    pub passwords: RefCell<Vec<PasswordUpdate>>,
    pub profiles: RefCell<Vec<ProfileUpdate>>,
    failures: RefCell<Vec<(&'static str, VecDeque<ApiError>)>>,
    issued: RefCell<u32>,
}

pub fn error(status: u16, code: &str, field: Option<&str>) -> ApiError {
    ApiError::Server {
        status,
        detail: ErrorDetail {
            code: code.into(),
            message: format!("server says {code}"),
            field: field.map(Into::into),
            times: None,
        },
    }
}

impl FakeCabinet {
    pub fn new() -> Rc<FakeCabinet> {
        let mut past = visit(
            90,
            "2031-02-01T12:00:00+03:00",
            &[(10, "Женская стрижка", 2000.0), (11, "Укладка", 500.0)],
        );
        past.online = false;
        past.attendance = Attendance::Came;
        past.paid = 2500.0;
        let mut locked = visit(
            102,
            "2031-03-12T12:00:00+03:00",
            &[(20, "Окрашивание", 4000.0)],
        );
        locked.cancel = rule(false, Some("2031-03-11T12:00:00+03:00"));
        locked.reschedule = rule(false, None);
        let mut class = visit(103, "2031-03-14T19:00:00+03:00", &[(30, "Йога", 800.0)]);
        class.event = Some(7);
        class.reschedule = rule(false, None);
        class.cancel = rule(true, None);
        Rc::new(FakeCabinet {
            sessions: RefCell::new(Vec::new()),
            known_phones: RefCell::new(vec![PHONE.into()]),
            second_step: RefCell::new(false),
            me: RefCell::new(Me {
                name: "Мария".into(),
                phone: PHONE.into(),
                email: None,
                identities: vec![Identity {
                    kind: IdentityKind::Phone,
                    value: PHONE.into(),
                }],
                second_step: false,
                unread: 1,
            }),
            visits: RefCell::new(Visits {
                upcoming: vec![
                    visit(
                        101,
                        "2031-03-12T10:00:00+03:00",
                        &[(10, "Женская стрижка", 2000.0)],
                    ),
                    locked,
                    class,
                ],
                past: vec![past],
            }),
            balances: RefCell::new(Balances {
                cards: vec![LoyaltyCard {
                    id: 1,
                    title: "Карта гостя".into(),
                    number: "0001".into(),
                    balance: 0.0,
                    points: 350.0,
                    programs: vec!["кешбэк 5%".into()],
                }],
                abonements: vec![Abonement {
                    id: 2,
                    title: "10 укладок".into(),
                    number: "A-2".into(),
                    balance: "8 из 10".into(),
                    visits_left: Some(8),
                    expires: Some("2031-06-30".into()),
                    frozen: false,
                    status: "active".into(),
                }],
                certificates: vec![Certificate {
                    id: 3,
                    title: "Подарочный".into(),
                    number: "C-3".into(),
                    balance: 1500.0,
                    nominal: 3000.0,
                    expires: Some("2031-12-31".into()),
                    status: "active".into(),
                }],
            }),
            threads: RefCell::new(vec![Thread {
                id: 1,
                visit: None,
                unread: 1,
                messages: vec![
                    Message {
                        from_salon: false,
                        text: "Есть ли парковка?".into(),
                        at: "2031-03-01T09:00:00Z".into(),
                    },
                    Message {
                        from_salon: true,
                        text: "Да, во дворе".into(),
                        at: "2031-03-01T10:00:00Z".into(),
                    },
                ],
            }]),
            resend_after: RefCell::new(30),
            calls: RefCell::new(Vec::new()),
            sign_ins: RefCell::new(Vec::new()),
            asked: RefCell::new(Vec::new()),
            passwords: RefCell::new(Vec::new()),
            profiles: RefCell::new(Vec::new()),
            failures: RefCell::new(Vec::new()),
            issued: RefCell::new(0),
        })
    }

    pub fn api(self: &Rc<Self>) -> CabinetApi {
        self.clone()
    }

    /// A session this fake honours, as if signed in earlier.
    pub fn session(&self) -> String {
        let s = format!("sess-{}", {
            *self.issued.borrow_mut() += 1;
            *self.issued.borrow()
        });
        self.sessions.borrow_mut().push(s.clone());
        s
    }

    /// The next call named `call` fails with `err`.
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

    /// Answers `call`; `s` (when given) must be a session this fake issued.
    pub(super) fn answer<T: 'static>(
        &self,
        call: String,
        s: Option<&str>,
        ok: impl FnOnce() -> Result<T, ApiError>,
    ) -> Reply<T> {
        let name = call.split(' ').next().unwrap_or_default().to_owned();
        self.calls.borrow_mut().push(call);
        let queued = self
            .failures
            .borrow_mut()
            .iter_mut()
            .find(|(c, _)| *c == name)
            .and_then(|(_, q)| q.pop_front());
        let result = if let Some(e) = queued {
            Err(e)
        } else if s.is_some_and(|s| !self.sessions.borrow().iter().any(|x| x == s)) {
            Err(error(401, "not_signed_in", None))
        } else {
            ok()
        };
        Box::pin(std::future::ready(result))
    }

    pub(super) fn signed(&self, second: Option<String>) -> SignedIn {
        let session = self.session();
        if second.is_some() {
            self.sessions.borrow_mut().retain(|s| *s != session);
        }
        SignedIn {
            session,
            second_step: second,
        }
    }
}
