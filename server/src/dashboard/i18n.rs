//! The dashboard's two languages: chosen by the `zapis_lang` cookie (the switch), else by
//! Accept-Language; texts are written in pairs at the place they are used.

use axum::http::HeaderMap;

use crate::{auth::read_cookie, booking::status::LeadState, error::Lang};

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
pub fn state(lang: Lang, state: LeadState) -> &'static str {
    use crate::booking::status::{BookingStatus as S, Outcome as O};
    use crate::calls::CallStatus as C;
    let l = L(lang);
    match state {
        LeadState::Status(S::Pending) => l.t("оформляется", "being booked"),
        LeadState::Status(S::Unknown) => l.t("проверяется", "being checked"),
        LeadState::Status(S::Failed) => l.t("не создана", "not made"),
        // A confirmed booking shows its outcome; `LeadState::of` never yields this.
        LeadState::Status(S::Confirmed) | LeadState::Outcome(O::Upcoming) => {
            l.t("предстоит", "upcoming")
        }
        LeadState::Outcome(O::Came) => l.t("пришёл", "came"),
        LeadState::Outcome(O::NoShow) => l.t("не пришёл", "no-show"),
        LeadState::Outcome(O::CancelledClient) => {
            l.t("отменена клиентом", "cancelled by the client")
        }
        LeadState::Outcome(O::CancelledSalon) => l.t("отменена салоном", "cancelled by the salon"),
        LeadState::Outcome(O::Rescheduled) => l.t("перенесена", "rescheduled"),
        LeadState::Call(C::Ringing) => l.t("звонок идёт", "ringing"),
        LeadState::Call(C::Answered) => l.t("звонок принят", "call answered"),
        LeadState::Call(C::Missed) => l.t("звонок пропущен", "call missed"),
    }
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

/// A touch in words: `yandex / cpc / spring`; a touch without a source is named by its
/// channel (`Прямые заходы`), never by the raw key.
pub fn touch(l: L, t: &crate::reports::TouchView) -> String {
    let raw = t.source.starts_with('(') && t.source.ends_with(')');
    let mut text = if raw || t.source.is_empty() {
        channel(l, &t.channel).to_owned()
    } else {
        t.source.clone()
    };
    for part in [&t.medium, &t.campaign]
        .into_iter()
        .filter(|p| !p.is_empty())
    {
        text.push_str(" / ");
        text.push_str(part);
    }
    text
}
