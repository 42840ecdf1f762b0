//! The fake cabinet's answers: what the server would do with each call, on the fake's state.

use protocol::cabinet::{
    Ask, Balances, CodeRequest, CodeSent, Deleted, Me, Message, PasswordUpdate, ProfileUpdate,
    SignIn, SignedIn, Thread, Visit, Visits,
};
use protocol::catalog::{Dates, Times};
use protocol::site::Theme;
use widget::{api::Reply, cabinet::api::Cabinet, i18n::Lang};

use super::{BRAND, CODE, DAY, EMAIL, FakeCabinet, PASSWORD, error, slot};

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Cabinet for FakeCabinet {
    fn send_code(&self, _: Lang, req: &CodeRequest) -> Reply<CodeSent> {
        let wait = *self.resend_after.borrow();
        self.answer(format!("code {}", digits(&req.phone)), None, || {
            Ok(CodeSent { resend_after: wait })
        })
    }

    fn sign_in(&self, _: Lang, req: &SignIn) -> Reply<SignedIn> {
        self.sign_ins.borrow_mut().push(req.clone());
        let out = match req {
            SignIn::Sms { phone, code, name } => {
                let known = self
                    .known_phones
                    .borrow()
                    .iter()
                    .any(|p| digits(p) == digits(phone));
                if code != CODE {
                    Err(error(401, "wrong_code", Some("code")))
                } else if !known && name.is_none() {
                    Err(error(422, "name_required", Some("name")))
                } else {
                    Ok(self.signed(None))
                }
            }
            SignIn::Password { email, password } => {
                if email != EMAIL || password != PASSWORD {
                    Err(error(401, "wrong_password", None))
                } else if *self.second_step.borrow() {
                    Ok(self.signed(Some("+7 916 ***-**-67".into())))
                } else {
                    Ok(self.signed(None))
                }
            }
            SignIn::Booking { receipt } if receipt == "receipt-1" => Ok(self.signed(None)),
            SignIn::Booking { .. } => Err(error(401, "wrong_receipt", None)),
        };
        self.answer("sign_in".into(), None, || out)
    }

    fn second_step(&self, _: Lang, s: &str, code: &str) -> Reply<()> {
        let ok = code == CODE;
        if ok {
            self.sessions.borrow_mut().push(s.to_owned());
        }
        self.answer(format!("second_step {code}"), None, || {
            if ok {
                Ok(())
            } else {
                Err(error(401, "wrong_code", Some("code")))
            }
        })
    }

    fn sign_out(&self, _: Lang, s: &str, everywhere: bool) -> Reply<()> {
        let r = self.answer(format!("sign_out {everywhere}"), Some(s), || Ok(()));
        if everywhere {
            self.sessions.borrow_mut().clear();
        } else {
            self.sessions.borrow_mut().retain(|x| x != s);
        }
        r
    }

    fn me(&self, _: Lang, s: &str) -> Reply<Me> {
        let me = self.me.borrow().clone();
        self.answer("me".into(), Some(s), || Ok(me))
    }

    fn update_me(&self, _: Lang, s: &str, req: &ProfileUpdate) -> Reply<Me> {
        self.profiles.borrow_mut().push(req.clone());
        {
            let mut me = self.me.borrow_mut();
            me.name = req.name.clone();
            me.email = req.email.clone();
        }
        let me = self.me.borrow().clone();
        self.answer("update_me".into(), Some(s), || Ok(me))
    }

    fn set_password(&self, _: Lang, s: &str, req: &PasswordUpdate) -> Reply<()> {
        self.passwords.borrow_mut().push(req.clone());
        self.answer("set_password".into(), Some(s), || Ok(()))
    }

    fn visits(&self, _: Lang, s: &str) -> Reply<Visits> {
        let v = self.visits.borrow().clone();
        self.answer("visits".into(), Some(s), || Ok(v))
    }

    fn reschedule(&self, _: Lang, s: &str, id: u64, datetime: &str) -> Reply<Visit> {
        let signed = self.sessions.borrow().iter().any(|x| x == s);
        let mut visits = self.visits.borrow_mut();
        let found = visits.upcoming.iter_mut().find(|v| v.id == id);
        let out = match found {
            Some(v) if v.reschedule.allowed && signed => {
                v.datetime = datetime.to_owned();
                Ok(v.clone())
            }
            Some(_) => Err(error(403, "not_allowed", None)),
            None => Err(error(404, "not_found", None)),
        };
        drop(visits);
        self.answer(format!("reschedule {id} {datetime}"), Some(s), || out)
    }

    fn cancel(&self, _: Lang, s: &str, id: u64) -> Reply<()> {
        let signed = self.sessions.borrow().iter().any(|x| x == s);
        let mut visits = self.visits.borrow_mut();
        let allowed = visits
            .upcoming
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.cancel.allowed);
        if signed && allowed == Some(true) {
            visits.upcoming.retain(|v| v.id != id);
        }
        drop(visits);
        self.answer(format!("cancel {id}"), Some(s), || match allowed {
            Some(true) => Ok(()),
            Some(false) => Err(error(403, "not_allowed", None)),
            None => Err(error(404, "not_found", None)),
        })
    }

    fn balances(&self, _: Lang, s: &str) -> Reply<Balances> {
        let b = self.balances.borrow().clone();
        self.answer("balances".into(), Some(s), || Ok(b))
    }

    fn threads(&self, _: Lang, s: &str) -> Reply<Vec<Thread>> {
        let t = self.threads.borrow().clone();
        self.answer("threads".into(), Some(s), || Ok(t))
    }

    fn thread(&self, _: Lang, s: &str, id: u64) -> Reply<Thread> {
        let signed = self.sessions.borrow().iter().any(|x| x == s);
        let mut threads = self.threads.borrow_mut();
        let found = threads.iter_mut().find(|t| t.id == id).map(|t| {
            if signed {
                t.unread = 0;
            }
            t.clone()
        });
        drop(threads);
        if signed && found.is_some() {
            self.me.borrow_mut().unread = 0;
        }
        self.answer(format!("thread {id}"), Some(s), || {
            found.ok_or_else(|| error(404, "not_found", None))
        })
    }

    fn ask(&self, _: Lang, s: &str, thread: Option<u64>, req: &Ask) -> Reply<Thread> {
        self.asked.borrow_mut().push((thread, req.clone()));
        let mut threads = self.threads.borrow_mut();
        let message = Message {
            from_salon: false,
            text: req.text.clone(),
            at: "2031-03-02T09:00:00Z".into(),
        };
        let th = match thread {
            Some(id) => threads.iter_mut().find(|t| t.id == id).map(|t| {
                t.messages.push(message);
                t.clone()
            }),
            None => {
                let t = Thread {
                    id: threads.len() as u64 + 1,
                    visit: req.visit,
                    unread: 0,
                    messages: vec![message],
                };
                threads.insert(0, t.clone());
                Some(t)
            }
        };
        drop(threads);
        self.answer("ask".into(), Some(s), || {
            th.ok_or_else(|| error(404, "not_found", None))
        })
    }

    fn delete_account(&self, _: Lang, s: &str) -> Reply<Deleted> {
        let r = self.answer("delete_account".into(), Some(s), || {
            Ok(Deleted {
                remains: vec![
                    "Карточка клиента и история визитов остаются в салоне.".into(),
                    "Салон получил просьбу удалить их.".into(),
                ],
            })
        });
        self.sessions.borrow_mut().clear();
        r
    }

    fn theme(&self, _: Lang) -> Reply<Theme> {
        self.answer("theme".into(), None, || {
            Ok(Theme {
                brand: BRAND.into(),
                mode: "dark".into(),
                ..Theme::default()
            })
        })
    }

    fn dates(&self, _: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates> {
        self.answer(format!("dates {branch} {services:?} {staff}"), None, || {
            Ok(Dates {
                dates: vec![DAY.into(), "2031-03-13".into()],
                timezone: "Europe/Moscow".into(),
            })
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
        let date = date.to_owned();
        self.answer(
            format!("times {branch} {services:?} {staff} {date}"),
            None,
            || {
                Ok(Times {
                    slots: ["10:00", "11:30", "16:00"]
                        .iter()
                        .map(|t| slot(&date, t))
                        .collect(),
                    date,
                    timezone: "Europe/Moscow".into(),
                })
            },
        )
    }
}
