//! The account: who is signed in, the profile (a new phone proved by the SMS code sent to
//! it), and deleting the account with its data.

use axum::http::{HeaderMap, StatusCode};
use protocol::cabinet::{Deleted, Identity, IdentityKind, Me, ProfileUpdate};
use yclients::model::UserUpdate;

use super::session::{Signed, truncate};
use super::{Res, upstream};
use crate::app::AppState;
use crate::booking::phone::PhoneNumber;
use crate::error::{ApiError, Lang};
use crate::reports::erase::{Target, erase};
use crate::util::clock::now_ms;

pub async fn me(app: &AppState, signed: &Signed) -> Res<Me> {
    let a = &signed.account;
    let store = &app.store;
    let identities = store
        .cabinet_identities(&a.id)
        .await
        .map_err(ApiError::unavailable)?;
    let unread = store
        .cabinet_threads(&a.id)
        .await
        .map_err(ApiError::unavailable)?
        .iter()
        .map(|t| t.client_unread)
        .sum::<i64>();
    // The e-mail lives in the client's YCLIENTS profile.
    let email = signed
        .client()
        .booking_user()
        .await
        .map_err(upstream)?
        .email;
    Ok(Me {
        name: a.name.clone(),
        phone: format!("+{}", a.phone),
        email: Some(email).filter(|e| !e.is_empty()),
        identities: identities
            .into_iter()
            .map(|(kind, value)| Identity {
                kind: if kind == "email" {
                    IdentityKind::Email
                } else {
                    IdentityKind::Phone
                },
                value: if kind == "phone" {
                    format!("+{value}")
                } else {
                    value
                },
            })
            .collect(),
        second_step: a.second_step,
        unread: u32::try_from(unread).unwrap_or(0),
    })
}

/// `PUT …/cabinet/me`: name and e-mail go to the YCLIENTS profile; a new phone needs the code
/// `…/cabinet/code` sent to it while signed in, and must not be another account's.
pub async fn update(app: &AppState, signed: &Signed, req: ProfileUpdate) -> Res<Me> {
    let name = truncate(req.name.trim(), 100);
    if name.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "name_required",
            "Как вас зовут?",
            "What is your name?",
        )
        .field("name")
        .into());
    }
    let email = req
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if email.is_some_and(|e| !e.contains('@') || e.len() > 200) {
        return Err(ApiError::invalid(
            "email",
            "Проверьте адрес почты.",
            "Please check the email.",
        )
        .into());
    }
    let mut phone = signed.account.phone.clone();
    let mut update = UserUpdate {
        name: Some(name.clone()),
        email: email.map(str::to_owned),
        ..UserUpdate::default()
    };
    if let Some(raw) = req.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        let new = PhoneNumber::parse(raw).map_err(|_| {
            ApiError::invalid(
                "phone",
                "Проверьте номер телефона.",
                "Please check the phone number.",
            )
        })?;
        if new.as_digits() != phone {
            let code = req.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
            let code = code.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "code_required",
                    "Введите код из SMS, отправленного на новый номер.",
                    "Enter the code from the SMS sent to the new number.",
                )
                .field("code")
            })?;
            let taken = app
                .store
                .cabinet_identity(&signed.site, "phone", new.as_digits())
                .await
                .map_err(ApiError::unavailable)?;
            if taken.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "phone_taken",
                    "Этот номер уже привязан к другому кабинету.",
                    "This number already belongs to another account.",
                )
                .field("phone")
                .into());
            }
            update.phone = Some(new.as_digits().to_owned());
            update.confirmation_code = Some(code.to_owned());
            phone = new.as_digits().to_owned();
        }
    }
    match signed.client().update_booking_user(&update).await {
        Ok(_) => {}
        Err(e) if e.booking_code() == Some(yclients::BookingCode::WrongSmsCode) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_code",
                "Код не подходит.",
                "That code does not match.",
            )
            .field("code")
            .into());
        }
        Err(e) => return Err(upstream(e).into()),
    }
    app.store
        .cabinet_update_profile(&signed.account, &name, &phone)
        .await
        .map_err(ApiError::unavailable)?;
    let mut account = signed.account.clone();
    account.name = name;
    account.phone = phone;
    let updated = Signed {
        account,
        site: signed.site.clone(),
        hash: signed.hash.clone(),
        token: signed.token.clone(),
        up: signed.up.clone(),
    };
    me(app, &updated).await
}

/// What remains after a deletion, and where.
fn remains(lang: Lang) -> Vec<String> {
    let lines: [&str; 3] = match lang {
        Lang::Ru => [
            "Удалены: вход в личный кабинет, все сеансы, способы входа, ваши вопросы и ответы салона, данные о ваших посещениях сайта.",
            "Остаются в YCLIENTS у салона: карточка клиента, история визитов и оплат, бонусы, абонементы и сертификаты. Салону отправлен запрос на удаление — он удалит карточку, если закон не обязывает её хранить.",
            "Будущие записи не отменены: отмените их заранее или позвоните в салон.",
        ],
        Lang::En => [
            "Deleted: your sign-in, every session, the ways you signed in, your questions and the salon's answers, the data about your visits to the site.",
            "Kept in YCLIENTS by the salon: your client card, the history of visits and payments, bonuses, abonements and certificates. The salon has been asked to delete them and will, unless the law makes it keep them.",
            "Upcoming visits are not cancelled: cancel them first or call the salon.",
        ],
    };
    lines.iter().map(|l| (*l).to_owned()).collect()
}

/// `DELETE …/cabinet/account`.
pub async fn delete(app: &AppState, signed: &Signed, headers: &HeaderMap) -> Res<Deleted> {
    let a = &signed.account;
    app.store
        .cabinet_delete_account(a, now_ms())
        .await
        .map_err(ApiError::unavailable)?;
    // The site's tracking data about this client, erased as the owner's erasure does.
    match erase(
        app,
        &signed.site,
        "cabinet: the client",
        Target::Phone(&a.phone),
    )
    .await
    {
        Ok(_) => {}
        Err(e) if e.code == "nothing_to_erase" => {}
        Err(e) => tracing::warn!(code = e.code, "cabinet deletion: tracking data not erased"),
    }
    Ok(Deleted {
        remains: remains(Lang::from_headers(headers)),
    })
}
