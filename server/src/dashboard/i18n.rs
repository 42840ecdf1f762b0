//! The dashboard's two languages: chosen by the `zapis_lang` cookie (the switch), else by
//! Accept-Language; texts are written in pairs at the place they are used.

use axum::http::HeaderMap;

use crate::{auth::read_cookie, error::Lang};

pub const COOKIE: &str = "zapis_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L(pub Lang);

impl L {
    pub fn from_headers(headers: &HeaderMap) -> L {
        match read_cookie(headers, COOKIE) {
            Some("ru") => L(Lang::Ru),
            Some("en") => L(Lang::En),
            _ => L(Lang::from_headers(headers)),
        }
    }

    pub fn t(self, ru: &'static str, en: &'static str) -> &'static str {
        match self.0 {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    pub fn ru(self) -> bool {
        self.0 == Lang::Ru
    }

    pub fn code(self) -> &'static str {
        self.t("ru", "en")
    }
}

/// A booking's state in words.
pub fn state(lang: Lang, state: &str) -> String {
    let l = L(lang);
    match state {
        "pending" => l.t("оформляется", "being booked"),
        "unknown" => l.t("проверяется", "being checked"),
        "failed" => l.t("не создана", "not made"),
        "upcoming" => l.t("предстоит", "upcoming"),
        "came" => l.t("пришёл", "came"),
        "no_show" => l.t("не пришёл", "no-show"),
        "cancelled_client" => l.t("отменена клиентом", "cancelled by the client"),
        "cancelled_salon" => l.t("отменена салоном", "cancelled by the salon"),
        "rescheduled" => l.t("перенесена", "rescheduled"),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// An event kind in words.
pub fn event_kind(l: L, kind: &str) -> &'static str {
    match kind {
        "pageview" => l.t("просмотр", "page view"),
        "custom" => l.t("событие", "event"),
        "widget_open" => l.t("открыл запись", "opened booking"),
        "booked" => l.t("записался", "booked"),
        _ => l.t("другое", "other"),
    }
}

/// A touch's channel in words (`protocol::track::Channel::as_str`, rules in
/// `server/src/attribution/README.md`).
pub fn channel(l: L, channel: &str) -> &'static str {
    match channel {
        "direct" => l.t("Прямые заходы", "Direct"),
        "search" => l.t("Поиск", "Organic search"),
        "paid_search" => l.t("Платный поиск", "Paid search"),
        "social" => l.t("Соцсети", "Organic social"),
        "paid_social" => l.t("Реклама в соцсетях", "Paid social"),
        "email" => l.t("Email-рассылки и почта", "Email"),
        "referral" => l.t("Переходы с сайтов", "Referral"),
        "campaign" => l.t("Другие кампании", "Other campaigns"),
        "paid" => l.t("Реклама (до классификации)", "Campaign (unclassified)"),
        _ => l.t("другое", "other"),
    }
}
