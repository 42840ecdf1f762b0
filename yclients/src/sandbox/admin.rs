//! The administrator's writes: `POST /records/{company_id}` and `POST /clients/{company_id}`.
//!
//! What YCLIENTS documents: the record's fields (`staff_id`, `services[]`, `client{phone,name}`,
//! `datetime`, `seance_length`, `save_if_busy`, `api_id`, `custom_fields`, …) and the client's
//! (`name*`, `phone*`, `birth_date` as `dd-mm-yyyy`, …). What it does not, and the sandbox
//! assumes (UNCONFIRMED): a busy or non-working slot without `save_if_busy` is refused like
//! `book_record`'s 433; a bad phone 431, a missing name 435; an unknown master, service or a
//! malformed time plain 422; an admin skips the blacklist and the SMS code; a client card is
//! made even when another with the phone exists.

use jiff::civil::Date;

use super::rules::Refusal;
use super::schedule::Planner;
use super::world::{Booking, ClientCard, World, normalize_phone};
use crate::model::{NewClient, NewRecord};

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal {
        code: 422,
        status: 422,
        message: message.into(),
        id: None,
    }
}

fn coded(code: u16, message: &str) -> Refusal {
    Refusal {
        code,
        ..invalid(message)
    }
}

/// Checks and stores an admin's record; returns its id.
pub(crate) fn create_record(
    world: &mut World,
    company_id: u64,
    request: &NewRecord,
) -> Result<u64, Refusal> {
    let company = &world.companies[&company_id];
    let phone = normalize_phone(&request.client.phone)
        .ok_or_else(|| coded(431, "Неверный формат номера телефона"))?;
    if request.client.name.trim().is_empty() {
        return Err(coded(435, "Не указано имя клиента"));
    }
    let staff = company
        .seed
        .staff(request.staff_id)
        .ok_or_else(|| invalid(format!("Сотрудник {} не найден", request.staff_id)))?;
    let services: Vec<u64> = request.services.iter().map(|s| s.id).collect();
    if services.is_empty() {
        return Err(invalid("No services or promotions set"));
    }
    if let Some(unknown) = services
        .iter()
        .find(|id| company.seed.service(**id).is_none())
    {
        return Err(invalid(format!("Услуга {unknown} не найдена")));
    }
    let start = crate::time::parse_in_zone(&request.datetime, &company.tz).ok_or_else(|| {
        invalid(format!(
            "Некорректная дата и время записи: {:?}",
            request.datetime
        ))
    })?;
    let own: i64 = services
        .iter()
        .filter_map(|id| company.seed.service(*id))
        .map(|s| i64::from(s.minutes) * 60)
        .sum();
    let length = match request.seance_length {
        0 => company.length_secs(staff, &services).unwrap_or(own),
        n => n as i64,
    };
    if !request.save_if_busy {
        let planner = Planner::new(world, company);
        if !planner.is_free(staff, start, length, &world.busy(staff.id)) {
            return Err(coded(
                433,
                &format!(
                    "К сотруднику {}({}) нельзя записаться на это время. Выбранное время уже занято или является нерабочим.",
                    staff.name, staff.id
                ),
            ));
        }
    }
    let staff_id = staff.id;
    let client_id = world.client_for(
        &phone,
        &request.client.name,
        Some(request.client.email.as_str()),
    );
    let now = world.now();
    let booking = Booking {
        company_id,
        staff_id,
        service_ids: services,
        start,
        length,
        client_id,
        api_id: request.api_id.clone(),
        comment: request.comment.clone(),
        custom_fields: request.custom_fields.clone(),
        online: false,
        source: String::new(),
        bookform_id: 0,
        activity_id: 0,
        clients_count: 1,
    };
    Ok(world.insert_record(booking, now))
}

/// Checks and stores an admin's client card; returns its id.
pub(crate) fn create_client(
    world: &mut World,
    company_id: u64,
    request: &NewClient,
) -> Result<u64, Refusal> {
    if request.name.trim().is_empty() {
        return Err(invalid("Поле name обязательно для заполнения"));
    }
    let phone = normalize_phone(&request.phone)
        .ok_or_else(|| coded(431, "Неверный формат номера телефона"))?;
    let birth_date = match request.birth_date.trim() {
        "" => String::new(),
        raw => birth_date(raw)
            .ok_or_else(|| invalid(format!("Некорректная дата рождения: {raw:?}")))?
            .to_string(),
    };
    Ok(world.add_client(ClientCard {
        id: 0,
        name: request.name.trim().to_owned(),
        phone,
        email: request.email.trim().to_owned(),
        custom_fields: request.custom_fields.clone(),
        company_id,
        birth_date,
        comment: request.comment.clone(),
        categories: request.categories.clone(),
    }))
}

/// `dd-mm-yyyy` as documented (`yyyy-mm-dd` read too).
fn birth_date(raw: &str) -> Option<Date> {
    let parts: Vec<&str> = raw.split(['-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// The cards an administrator of `company_id` sees with this phone (digits compared).
pub(crate) fn clients_with_phone<'w>(
    world: &'w World,
    company_id: u64,
    phone: Option<&str>,
) -> Vec<&'w ClientCard> {
    let wanted = phone.map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
    world
        .clients
        .iter()
        .filter(|c| c.company_id == 0 || c.company_id == company_id)
        .filter(|c| {
            wanted
                .as_ref()
                .is_none_or(|w| !w.is_empty() && c.phone == *w)
        })
        .collect()
}
