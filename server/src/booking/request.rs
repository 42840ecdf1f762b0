//! A booking request parsed at the edge into a [`ValidBooking`]: every field checked, the phone
//! normalised, the services and master checked against the branch's catalog. Nothing invalid
//! goes further, least of all to YCLIENTS.

use protocol::booking::{Attribution, BookingRequest, codes};
use protocol::catalog::{Branch, Services};
use protocol::track;

use super::phone::PhoneNumber;
use crate::{config::SiteSettings, error::ApiError};

pub const MAX_NAME: usize = 100;
pub const MAX_COMMENT: usize = 1000;
pub const MAX_SERVICES: usize = 10;

#[derive(Debug, Clone)]
pub struct ValidBooking {
    pub branch: Branch,
    pub services: Vec<u64>,
    pub staff: u64,
    /// As the slot gave it: branch-local with offset.
    pub datetime: String,
    /// `YYYY-MM-DD`, branch-local.
    pub date: String,
    pub name: String,
    pub phone: PhoneNumber,
    pub email: Option<String>,
    pub comment: Option<String>,
    pub code: Option<String>,
    pub attribution: Option<Attribution>,
    pub price_min: f64,
    pub price_max: f64,
    pub service_titles: Vec<String>,
    /// Sum of the services' durations.
    pub length_minutes: u32,
    /// Empty for "any master".
    pub staff_name: String,
}

fn invalid(field: &'static str, ru: &str, en: &str) -> ApiError {
    ApiError::invalid(field, ru, en)
}

/// Checks that need no upstream call: shapes, lengths, phone, consent, honeypot.
pub fn check_fields(req: &BookingRequest, site: &SiteSettings) -> Result<(), ApiError> {
    if req.website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        return Err(invalid("website", "Запрос отклонён.", "Request rejected."));
    }
    if req.services.is_empty() || req.services.len() > MAX_SERVICES {
        return Err(invalid(
            "services",
            "Выберите от 1 до 10 услуг.",
            "Choose 1 to 10 services.",
        ));
    }
    let name = req.name.trim();
    // A name of only invisible characters (zero-width spaces, joiners, fillers, marks) is no
    // name: it needs at least one letter or digit of some script that shows.
    if !name.chars().any(visible_letter) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::NAME_REQUIRED,
            "Укажите имя.",
            "Please enter your name.",
        )
        .field("name"));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "Имя слишком длинное или содержит недопустимые символы.",
            "The name is too long or has characters that are not allowed.",
        ));
    }
    PhoneNumber::parse(&req.phone).map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_PHONE,
            "Проверьте номер телефона: например, +7 916 123-45-67.",
            "Please check the phone number, e.g. +7 916 123-45-67.",
        )
        .field("phone")
    })?;
    if let Some(email) = req
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        && !looks_like_email(email)
    {
        return Err(invalid(
            "email",
            "Проверьте адрес почты.",
            "Please check the email address.",
        ));
    }
    if req
        .comment
        .as_deref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT)
    {
        return Err(invalid(
            "comment",
            "Комментарий длиннее 1000 символов.",
            "The comment is longer than 1000 characters.",
        ));
    }
    if req
        .code
        .as_deref()
        .is_some_and(|c| c.len() > 10 || !c.chars().all(|ch| ch.is_ascii_digit()))
    {
        return Err(invalid(
            "code",
            "Код из SMS — это несколько цифр.",
            "The SMS code is a few digits.",
        ));
    }
    if site.booking_consent && !req.consent {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::CONSENT_REQUIRED,
            "Нужно согласие на обработку персональных данных.",
            "Consent to personal data processing is required.",
        )
        .field("consent"));
    }
    if jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%:z", &req.datetime).is_err() {
        return Err(invalid(
            "datetime",
            "Выберите время из предложенных.",
            "Please pick one of the offered times.",
        ));
    }
    if let Some(a) = &req.attribution {
        let touches = [a.first.as_ref(), a.last.as_ref()];
        let texts_ok = touches
            .iter()
            .flatten()
            .all(|t| t.texts().all(|s| !track::too_long(s)));
        if !track::is_id(&a.vid) || !track::is_id(&a.sid) || !texts_ok {
            return Err(invalid(
                "attribution",
                "Некорректные данные посетителя.",
                "Malformed visitor data.",
            ));
        }
    }
    Ok(())
}

fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Completes the checks against the branch's catalog and builds the booking.
/// `staff_name`: the chosen master's name (empty for any master), `None` when the master is not
/// bookable for these services.
pub fn validate(
    req: BookingRequest,
    branch: Branch,
    catalog: &Services,
    staff_name: Option<String>,
) -> Result<ValidBooking, ApiError> {
    let mut titles = Vec::new();
    let (mut min, mut max, mut seconds) = (0.0, 0.0, 0u32);
    for id in &req.services {
        let Some(s) = catalog.services.iter().find(|s| s.id == *id) else {
            return Err(super::upstream::refusal(
                yclients::BookingCode::ServiceUnavailable,
            ));
        };
        titles.push(s.title.clone());
        min += s.price_min;
        max += s.price_max;
        seconds += s.duration;
    }
    let Some(staff_name) = staff_name else {
        return Err(super::upstream::refusal(
            yclients::BookingCode::NoStaffAvailable,
        ));
    };
    if branch.email_required && req.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        return Err(invalid(
            "email",
            "Укажите адрес почты.",
            "Please enter your email.",
        ));
    }
    if branch.comment_required && req.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(invalid(
            "comment",
            "Добавьте комментарий к записи.",
            "Please add a comment.",
        ));
    }
    if branch.phone_confirmation && req.code.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::CODE_REQUIRED,
            "Подтвердите номер кодом из SMS.",
            "Please confirm the number with the SMS code.",
        )
        .field("code"));
    }
    let phone = PhoneNumber::parse(&req.phone).map_err(|_| {
        invalid(
            "phone",
            "Проверьте номер телефона.",
            "Please check the phone number.",
        )
    })?;
    let date = req.datetime.get(..10).unwrap_or_default().to_owned();
    Ok(ValidBooking {
        branch,
        services: req.services,
        staff: req.staff,
        datetime: req.datetime,
        date,
        name: req.name.trim().to_owned(),
        phone,
        email: req
            .email
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty()),
        comment: req
            .comment
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        code: req.code.filter(|c| !c.is_empty()),
        // The server classifies the touches the tracker stored (DESIGN.md §4).
        attribution: req.attribution.map(crate::attribution::classify_context),
        price_min: min,
        price_max: max,
        service_titles: titles,
        length_minutes: seconds / 60,
        staff_name,
    })
}

pub fn sorted(ids: &[u64]) -> Vec<u64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// A letter or digit that shows: the Hangul fillers are letters to Unicode but print nothing.
fn visible_letter(c: char) -> bool {
    c.is_alphanumeric() && !matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}
