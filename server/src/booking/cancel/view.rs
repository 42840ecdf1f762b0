//! The move page (`booking/move.html`): the booking, the branch's time named, then the month
//! and the day's times, the code form, the moved visit, or the salon's phone.

use askama::Template;
use axum::{http::StatusCode, response::Response};
use protocol::catalog::Slot;

use super::calendar::Month;
use super::page::{Summary, html, labels, lang_tag, summary};
use super::{Found, t};
use crate::error::Lang;

/// What the move page shows below the booking.
pub enum Step {
    Calendar {
        month: Box<Month>,
        /// The chosen day in words.
        day: Option<String>,
        slots: Vec<Slot>,
    },
    Code(Code),
    /// The new time in words.
    Done(String),
    /// Outside the salon's window: call the salon.
    Closed(String),
}

pub struct Code {
    /// The chosen time, branch-local with its offset (sent back with the code).
    pub datetime: String,
    pub when: String,
    /// "+7 916 ***-**-34".
    pub phone: String,
}

/// The page's words and links in the visitor's language.
pub struct Words {
    lang: Lang,
    pub title: &'static str,
    /// `/cancel/{site}/{id}/move`: the form's action and the calendar's links.
    pub action: String,
    /// The booking's page.
    pub back: String,
    pub token: String,
    /// "Время указано по времени Москвы." / "Times are Moscow time."
    pub zone: String,
    pub notice: Option<String>,
    pub back_label: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    pub pick_day: &'static str,
    pub no_times: &'static str,
    pub times_of: &'static str,
    pub code_sent: &'static str,
    pub code_label: &'static str,
    pub confirm: &'static str,
    pub resend: &'static str,
    pub other_time: &'static str,
    pub moved: &'static str,
}

impl Words {
    pub fn new(lang: Lang, site: &str, id: &str, token: &str) -> Self {
        Self {
            lang,
            title: t(lang, "Перенос записи", "Move your booking"),
            action: format!("/cancel/{site}/{id}/move"),
            back: format!("/cancel/{site}/{id}?t={token}"),
            token: token.to_owned(),
            zone: String::new(),
            notice: None,
            back_label: t(lang, "Вернуться к записи", "Back to your booking"),
            prev: t(lang, "← Предыдущий месяц", "← Previous month"),
            next: t(lang, "Следующий месяц →", "Next month →"),
            pick_day: t(
                lang,
                "Выберите день со свободным временем у того же мастера.",
                "Pick a day when the same master has free time.",
            ),
            no_times: t(
                lang,
                "В этот день свободного времени уже нет. Выберите другой день.",
                "No free time is left that day. Please pick another day.",
            ),
            times_of: t(lang, "Свободное время", "Free times"),
            code_sent: t(
                lang,
                "Чтобы подтвердить перенос, введите код из SMS, отправленного на",
                "To confirm the move, enter the code from the SMS sent to",
            ),
            code_label: t(lang, "Код из SMS", "SMS code"),
            confirm: t(lang, "Перенести", "Move"),
            resend: t(lang, "Отправить код ещё раз", "Send the code again"),
            other_time: t(lang, "Выбрать другое время", "Pick another time"),
            moved: t(
                lang,
                "Запись перенесена. Салон получил уведомление. Новое время:",
                "Your booking is moved. The salon has been notified. The new time:",
            ),
        }
    }

    /// The branch's time named: every time on the page is the branch's.
    pub fn with_zone(mut self, timezone: &str) -> Self {
        let (ru, en) = crate::booking::zone::time_of(timezone);
        self.zone = match self.lang {
            Lang::Ru => format!("Время указано {ru}."),
            Lang::En => format!("Times are {en}."),
        };
        self
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }
}

#[derive(Template)]
#[template(path = "booking/move.html")]
struct MovePage {
    lang: &'static str,
    summary: Option<Summary>,
    labels: [&'static str; 4],
    w: Words,
    step: Step,
}

pub fn render(
    lang: Lang,
    status: StatusCode,
    found: Option<&Found>,
    w: Words,
    step: Step,
) -> Response {
    let page = MovePage {
        lang: lang_tag(lang),
        summary: found
            .and_then(|f| f.result.as_ref())
            .map(|r| summary(lang, r)),
        labels: labels(lang),
        w,
        step,
    };
    html(status, page.render())
}
