//! The documented booking rules of `book_check`, `book_record` and activity booking:
//! 431 phone, 432 SMS code, 433 slot taken, 434 blacklist (HTTP 403), 435 name,
//! 436 no master for "any", 437 overlap inside one request, 438 service gone.

use jiff::{SignedDuration, Timestamp};

use super::schedule::Planner;
use super::world::{Booking, Company, World, normalize_phone};
use crate::model::{ActivityBooking, Appointment, BookRecord, Contact};

/// A refusal, rendered by the routes as an error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// Inner code (431–438, or 422 for a malformed request).
    pub code: u16,
    /// HTTP status.
    pub status: u16,
    pub message: String,
    /// The appointment the refusal is about.
    pub id: Option<u64>,
}

impl Refusal {
    fn new(code: u16, message: impl Into<String>) -> Refusal {
        let status = if code == 434 { 403 } else { 422 };
        Refusal {
            code,
            status,
            message: message.into(),
            id: None,
        }
    }

    fn about(mut self, id: u64) -> Refusal {
        self.id = Some(id);
        self
    }
}

/// Where an appointment goes once checked.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    pub appointment_id: u64,
    pub staff_id: u64,
    pub start: Timestamp,
    pub length: i64,
    pub services: Vec<u64>,
}

fn when(company: &Company, t: Timestamp) -> String {
    t.to_zoned_datetime(company.tz.clone())
        .strftime("%d.%m.%Y в %H:%M")
        .to_string()
}

/// Checks appointments in order and decides the master and length of each.
pub(crate) fn place(
    world: &World,
    company: &Company,
    appointments: &[Appointment],
) -> Result<Vec<Placement>, Refusal> {
    if appointments.is_empty() {
        return Err(Refusal::new(422, "No services or promotions set"));
    }
    let planner = Planner::new(world, company);
    let mut placed: Vec<Placement> = Vec::new();
    for a in appointments {
        let Some(start) = crate::time::parse_in_zone(&a.datetime, &company.tz) else {
            return Err(Refusal::new(
                422,
                format!("Некорректная дата и время записи: {:?}", a.datetime),
            )
            .about(a.id));
        };
        if a.services.is_empty() {
            return Err(Refusal::new(422, "No services or promotions set").about(a.id));
        }
        if let Some(gone) = a
            .services
            .iter()
            .find(|id| company.bookable_service(**id).is_none())
        {
            return Err(
                Refusal::new(438, format!("Услуга {gone} недоступна для онлайн-записи"))
                    .about(a.id),
            );
        }
        let default_length: i64 = a
            .services
            .iter()
            .filter_map(|id| company.seed.service(*id))
            .map(|s| i64::from(s.minutes) * 60)
            .sum();
        let extra: Vec<(u64, Timestamp, Timestamp)> = placed
            .iter()
            .map(|p| (p.staff_id, p.start, plus(p.start, p.length)))
            .collect();
        let fixed = (a.staff_id != 0)
            .then(|| company.seed.staff(a.staff_id))
            .flatten();
        let length = fixed
            .and_then(|s| company.length_secs(s, &a.services))
            .unwrap_or(default_length);
        if let Some(earlier) = placed
            .iter()
            .find(|p| p.start < plus(start, length) && start < plus(p.start, p.length))
        {
            let name = fixed.map_or("", |s| s.name.as_str());
            let message = format!(
                "К сотруднику {name}({}) нельзя записаться на {}. Пересечение с предыдущим визитом ({}).",
                a.staff_id,
                when(company, start),
                earlier.appointment_id
            );
            return Err(Refusal::new(437, message).about(a.id));
        }
        let (staff, length) = if a.staff_id == 0 {
            planner
                .resolve_any(&a.services, start, &extra)
                .ok_or_else(|| {
                    Refusal::new(
                        436,
                        format!("Нет свободных сотрудников на {}", when(company, start)),
                    )
                    .about(a.id)
                })?
        } else {
            let taken = || {
                Refusal::new(
                    433,
                    format!(
                        "К сотруднику {}({}) нельзя записаться на {}. Выбранное время уже занято или является нерабочим.",
                        fixed.map_or("", |s| s.name.as_str()),
                        a.staff_id,
                        when(company, start)
                    ),
                )
                .about(a.id)
            };
            let staff = fixed.ok_or_else(taken)?;
            let length = company.length_secs(staff, &a.services).ok_or_else(taken)?;
            if !planner.is_free(staff, start, length, &planner.busy_with(staff.id, &extra)) {
                return Err(taken());
            }
            (staff, length)
        };
        placed.push(Placement {
            appointment_id: a.id,
            staff_id: staff.id,
            start,
            length,
            services: a.services.clone(),
        });
    }
    Ok(placed)
}

fn plus(t: Timestamp, secs: i64) -> Timestamp {
    t.saturating_add(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MAX)
}

/// The contact checks shared by `book_record` and activity booking, in the order YCLIENTS
/// documents them; returns the phone as digits.
fn check_contact(world: &World, company: &Company, contact: &Contact) -> Result<String, Refusal> {
    let phone = normalize_phone(&contact.phone)
        .ok_or_else(|| Refusal::new(431, "Неверный формат номера телефона"))?;
    if contact.fullname.trim().is_empty() {
        return Err(Refusal::new(435, "Не указано имя клиента"));
    }
    if company.blacklist.contains(&phone) {
        return Err(Refusal::new(
            434,
            "Запись на этот номер телефона невозможна. Обратитесь к администратору.",
        ));
    }
    if company.phone_confirmation {
        let expected = world.sms_codes.get(&phone);
        if expected.is_none()
            || expected.map(String::as_str) != contact.code.as_deref().map(str::trim)
        {
            return Err(Refusal::new(432, "Неверный код подтверждения"));
        }
    }
    Ok(phone)
}

/// A booking for `placement` tagged with the contact's `api_id`, comment and source.
fn booking(company_id: u64, client_id: u64, contact: &Contact, placement: Placement) -> Booking {
    Booking {
        company_id,
        staff_id: placement.staff_id,
        service_ids: placement.services,
        start: placement.start,
        length: placement.length,
        client_id,
        api_id: contact.api_id.clone().unwrap_or_default(),
        comment: contact.comment.clone().unwrap_or_default(),
        custom_fields: serde_json::Map::new(),
        online: true,
        source: contact.source.clone().unwrap_or_default(),
        bookform_id: 0,
        activity_id: 0,
        clients_count: 1,
    }
}

/// `book_record`: all checks, then one record per appointment, atomically (the caller holds
/// the world lock). Returns `(appointment id, record id)` pairs in request order.
pub(crate) fn book(
    world: &mut World,
    company_id: u64,
    request: &BookRecord,
) -> Result<Vec<(u64, u64)>, Refusal> {
    let contact = &request.contact;
    let company = &world.companies[&company_id];
    let phone = check_contact(world, company, contact)?;
    let placements = place(world, company, &request.appointments)?;
    let client_id = world.client_for(&phone, &contact.fullname, contact.email.as_deref());
    if let Some(card) = world.client_mut(client_id) {
        card.custom_fields.extend(request.custom_fields.clone());
    }
    let now = world.now();
    let mut made = Vec::with_capacity(placements.len());
    for (placement, appointment) in placements.into_iter().zip(&request.appointments) {
        let appointment_id = placement.appointment_id;
        let mut new = booking(company_id, client_id, contact, placement);
        new.custom_fields = appointment.custom_fields.clone();
        new.bookform_id = request.bookform_id.unwrap_or_default();
        made.push((appointment_id, world.insert_record(new, now)));
    }
    Ok(made)
}

/// Activity booking: contact checks, the company's maximum of places per sign-up, then the
/// places themselves, all under the world lock so concurrent sign-ups never oversell. A full
/// (or already started) event answers 433 like a taken slot, with the event's id; the real
/// code for "full" is not documented (yclients-api.md §3.13), this is our assumption.
pub(crate) fn book_activity(
    world: &mut World,
    company_id: u64,
    activity_id: u64,
    request: &ActivityBooking,
) -> Result<u64, Refusal> {
    let company = &world.companies[&company_id];
    let phone = check_contact(world, company, &request.contact)?;
    let Some(event) = world
        .activities
        .get(&activity_id)
        .filter(|a| a.company_id == company_id)
    else {
        return Err(Refusal {
            code: 404,
            status: 404,
            message: "Групповое событие не найдено".into(),
            id: None,
        });
    };
    let wanted = request.clients_count.unwrap_or(1).max(1);
    let max = company.seed.activity_clients_max.max(1);
    if wanted > max {
        return Err(Refusal::new(
            422,
            format!("Онлайн можно записать не более {max} чел. за раз"),
        ));
    }
    let left = event.capacity.saturating_sub(event.records_count);
    if wanted > left || event.start <= world.now() {
        let message = if event.start <= world.now() {
            format!("Событие {} уже началось", when(company, event.start))
        } else if left == 0 {
            format!(
                "На событие {} нет свободных мест",
                when(company, event.start)
            )
        } else {
            format!(
                "На событие {} осталось мест: {left}, запрошено: {wanted}",
                when(company, event.start)
            )
        };
        return Err(Refusal::new(433, message).about(activity_id));
    }
    let placement = Placement {
        appointment_id: 0,
        staff_id: event.staff_id,
        start: event.start,
        length: event.length,
        services: vec![event.service_id],
    };
    let client_id = world.client_for(
        &phone,
        &request.contact.fullname,
        request.contact.email.as_deref(),
    );
    let mut new = booking(company_id, client_id, &request.contact, placement);
    new.activity_id = activity_id;
    new.clients_count = wanted;
    new.custom_fields = request.custom_fields.clone();
    let now = world.now();
    let id = world.insert_record(new, now);
    if let Some(event) = world.activities.get_mut(&activity_id) {
        event.records_count += wanted;
    }
    Ok(id)
}
