//! The cabinet's JSON ↔ `protocol::cabinet` types, through the browser's `JSON` like the
//! booking's `crate::wire` (lenient: a missing optional field is `None`, a missing number 0).

use js_sys::{Array, Object};
use protocol::cabinet::{
    Abonement, Ask, Attendance, Balances, Certificate, CodeRequest, CodeSent, Deleted, Identity,
    IdentityKind, LoyaltyCard, Me, Message, PasswordUpdate, ProfileUpdate, Rule, SignIn, SignedIn,
    Thread, Visit, VisitService, Visits,
};
use wasm_bindgen::JsValue;

use crate::wire::{flag, get, id, list, num, opt_str, put, put_opt, str, stringify, strings};

pub fn code_sent(v: &JsValue) -> CodeSent {
    CodeSent {
        resend_after: num(v, "resend_after") as u32,
    }
}

pub fn signed_in(v: &JsValue) -> SignedIn {
    SignedIn {
        session: str(v, "session"),
        second_step: opt_str(v, "second_step"),
    }
}

pub fn me(v: &JsValue) -> Me {
    Me {
        name: str(v, "name"),
        phone: str(v, "phone"),
        email: opt_str(v, "email"),
        identities: list(v, "identities", |i| Identity {
            kind: if str(i, "kind") == "email" {
                IdentityKind::Email
            } else {
                IdentityKind::Phone
            },
            value: str(i, "value"),
        }),
        second_step: flag(v, "second_step"),
        unread: num(v, "unread") as u32,
    }
}

fn rule(v: &JsValue) -> Rule {
    Rule {
        allowed: flag(v, "allowed"),
        until: opt_str(v, "until"),
        hours_before: num(v, "hours_before") as u32,
    }
}

pub fn visit(v: &JsValue) -> Visit {
    let event = get(v, "event").as_f64().map(|n| n as u64);
    Visit {
        id: id(v, "id"),
        branch: id(v, "branch"),
        branch_title: str(v, "branch_title"),
        datetime: str(v, "datetime"),
        length: num(v, "length") as u32,
        services: list(v, "services", |s| VisitService {
            id: id(s, "id"),
            title: str(s, "title"),
            cost: num(s, "cost"),
        }),
        staff: id(v, "staff"),
        master: str(v, "master"),
        seats: num(v, "seats") as u32,
        event,
        online: flag(v, "online"),
        attendance: match str(v, "attendance").as_str() {
            "confirmed" => Attendance::Confirmed,
            "came" => Attendance::Came,
            "no_show" => Attendance::NoShow,
            _ => Attendance::Waiting,
        },
        paid: num(v, "paid"),
        cancel: rule(&get(v, "cancel")),
        reschedule: rule(&get(v, "reschedule")),
    }
}

pub fn visits(v: &JsValue) -> Visits {
    Visits {
        upcoming: list(v, "upcoming", visit),
        past: list(v, "past", visit),
    }
}

pub fn balances(v: &JsValue) -> Balances {
    Balances {
        cards: list(v, "cards", |c| LoyaltyCard {
            id: id(c, "id"),
            title: str(c, "title"),
            number: str(c, "number"),
            balance: num(c, "balance"),
            points: num(c, "points"),
            programs: strings(c, "programs"),
        }),
        abonements: list(v, "abonements", |a| Abonement {
            id: id(a, "id"),
            title: str(a, "title"),
            number: str(a, "number"),
            balance: str(a, "balance"),
            visits_left: get(a, "visits_left").as_f64().map(|n| n as u32),
            expires: opt_str(a, "expires"),
            frozen: flag(a, "frozen"),
            status: str(a, "status"),
        }),
        certificates: list(v, "certificates", |c| Certificate {
            id: id(c, "id"),
            title: str(c, "title"),
            number: str(c, "number"),
            balance: num(c, "balance"),
            nominal: num(c, "nominal"),
            expires: opt_str(c, "expires"),
            status: str(c, "status"),
        }),
    }
}

pub fn thread(v: &JsValue) -> Thread {
    Thread {
        id: id(v, "id"),
        visit: get(v, "visit").as_f64().map(|n| n as u64),
        unread: num(v, "unread") as u32,
        messages: list(v, "messages", |m| Message {
            from_salon: flag(m, "from_salon"),
            text: str(m, "text"),
            at: str(m, "at"),
        }),
    }
}

/// `GET questions` answers a bare array.
pub fn threads(v: &JsValue) -> Vec<Thread> {
    if !Array::is_array(v) {
        return Vec::new();
    }
    Array::from(v).iter().map(|t| thread(&t)).collect()
}

pub fn deleted(v: &JsValue) -> Deleted {
    Deleted {
        remains: strings(v, "remains"),
    }
}

pub fn code_request(r: &CodeRequest) -> String {
    let o = Object::new();
    put(&o, "phone", r.phone.as_str());
    if let Some(b) = r.branch {
        put(&o, "branch", b as f64);
    }
    stringify(&o)
}

pub fn sign_in(r: &SignIn) -> String {
    let o = Object::new();
    match r {
        SignIn::Sms { phone, code, name } => {
            put(&o, "method", "sms");
            put(&o, "phone", phone.as_str());
            put(&o, "code", code.as_str());
            put_opt(&o, "name", name);
        }
        SignIn::Password { email, password } => {
            put(&o, "method", "password");
            put(&o, "email", email.as_str());
            put(&o, "password", password.as_str());
        }
        SignIn::Booking { receipt } => {
            put(&o, "method", "booking");
            put(&o, "receipt", receipt.as_str());
        }
    }
    stringify(&o)
}

/// `{"code": …}` (the second step) or `{"datetime": …}` (a reschedule).
pub fn one(key: &str, value: &str) -> String {
    let o = Object::new();
    put(&o, key, value);
    stringify(&o)
}

pub fn profile(r: &ProfileUpdate) -> String {
    let o = Object::new();
    put(&o, "name", r.name.as_str());
    put_opt(&o, "email", &r.email);
    put_opt(&o, "phone", &r.phone);
    put_opt(&o, "code", &r.code);
    stringify(&o)
}

pub fn password(r: &PasswordUpdate) -> String {
    let o = Object::new();
    put(&o, "email", r.email.as_str());
    put_opt(&o, "old_password", &r.old_password);
    put(&o, "new_password", r.new_password.as_str());
    put(&o, "second_step", r.second_step);
    stringify(&o)
}

pub fn ask(r: &Ask) -> String {
    let o = Object::new();
    put(&o, "text", r.text.as_str());
    if let Some(v) = r.visit {
        put(&o, "visit", v as f64);
    }
    stringify(&o)
}
