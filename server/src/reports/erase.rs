//! Erasure requests (API and dashboard): a visitor by id or a client by phone. Pending webhook
//! deliveries are processed first, so that no stored body still holds the client's data.

use axum::http::StatusCode;

use crate::{
    app::AppState, booking::phone::PhoneNumber, error::ApiError, store::Erased, util::clock::now_ms,
};

/// What the erasure receipt says is still held, and where, as (Russian, English): zapis keeps
/// anonymous rows; YCLIENTS keeps its record of each booking, which zapis does not change (the
/// salon's own CRM, where the client's card may hold far more than zapis ever sent).
pub fn remains(erased: &Erased) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![(
        "zapis: обезличенные строки под новыми идентификаторами — канал, источник и тип трафика, адреса страниц до первого раздела, день каждого визита и оплаты, суммы — чтобы отчёты сходились",
        "zapis: anonymous rows under fresh ids — channel, source and medium, page paths to their first segment, the day of each visit and payment, amounts — so reports still add up",
    )];
    if erased.bookings > 0 {
        out.extend([
            (
                "YCLIENTS: запись каждой заявки с именем и телефоном клиента — это CRM салона",
                "YCLIENTS: the record of each booking with the client's name and phone, as the salon's CRM keeps them",
            ),
            (
                "YCLIENTS: комментарий записи со строкой источника от zapis и поле zapis_visitor (идентификатор посетителя, которому в zapis больше ничего не соответствует)",
                "YCLIENTS: the record's comment with zapis's source line and the custom field zapis_visitor (a visitor id that no longer matches anything in zapis)",
            ),
            (
                "YCLIENTS: карточка клиента и оплаты; удалите их в YCLIENTS, если клиент просит",
                "YCLIENTS: the client card and payments; erase them in YCLIENTS if the client asks",
            ),
        ]);
    }
    out
}

pub enum Target<'a> {
    Visitor(&'a str),
    Phone(&'a str),
}

pub async fn erase(
    app: &AppState,
    site: &str,
    actor: &str,
    target: Target<'_>,
) -> Result<Erased, ApiError> {
    crate::webhooks::drain(app)
        .await
        .map_err(ApiError::unavailable)?;
    let erased = match target {
        Target::Visitor(vid) => {
            let vid = vid.trim();
            if !protocol::track::is_id(vid) {
                return Err(ApiError::invalid(
                    "visitor",
                    "Идентификатор посетителя — 32 символа 0-9a-f.",
                    "A visitor id is 32 characters 0-9a-f.",
                ));
            }
            app.store.erase_visitor(site, vid, actor, now_ms()).await
        }
        Target::Phone(raw) => {
            let phone = PhoneNumber::parse(raw).map_err(|_| {
                ApiError::invalid(
                    "phone",
                    "Проверьте номер телефона.",
                    "Please check the phone number.",
                )
            })?;
            app.store
                .erase_client(site, phone.as_digits(), actor, now_ms())
                .await
        }
    }
    .map_err(ApiError::unavailable)?;
    if erased == Erased::default() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "nothing_to_erase",
            "Таких данных у нас нет.",
            "We hold no such data.",
        ));
    }
    Ok(erased)
}
