//! The sandbox's state rendered as the API's answer types.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::schedule::Slot;
use super::seed::{CategorySeed, ServiceSeed, StaffSeed};
use super::world::{Company, Payment, StoredRecord, World};
use crate::model;
use crate::time::{local, with_colon, without_colon};

const AVATAR: &str = "https://assets.yclients.com/masters/origin/no-master.png";

pub(crate) fn company(c: &Company, now: Timestamp, next_slot: Option<Timestamp>) -> model::Company {
    let seed = &c.seed;
    let offset_hours = f64::from(c.tz.to_offset(now).seconds()) / 3600.0;
    model::Company {
        id: seed.id,
        title: seed.title.clone(),
        public_title: seed.title.clone(),
        short_descr: seed.short_descr.clone(),
        description: seed.description.clone(),
        logo: format!(
            "https://assets.yclients.com/main_service_image/basic/{}.png",
            seed.id
        ),
        country: "Россия".to_owned(),
        city_id: seed.city_id,
        city: seed.city.clone(),
        timezone_name: seed.timezone.clone(),
        timezone: offset_hours,
        address: seed.address.clone(),
        phone: seed.phone.clone(),
        site: seed.site.clone(),
        coordinate_lat: seed.coordinates.0,
        coordinate_lon: seed.coordinates.1,
        phone_confirmation: c.phone_confirmation,
        active_staff_count: seed.staff.len() as u32,
        next_slot: next_slot
            .map(|t| without_colon(&t.to_zoned_datetime(c.tz.clone())))
            .unwrap_or_default(),
        main_group_id: c.network_id,
        currency_short_title: "₽".to_owned(),
        booking_comment_required: false,
        booking_email_required: false,
        allow_delete_record: seed.allow_delete_record,
        allow_delete_record_delay_step: seed.delete_delay_secs,
        allow_change_record: seed.allow_change_record,
        allow_change_record_delay_step: seed.change_delay_secs,
        activity_online_record_clients_count_max: seed.activity_clients_max,
        bookforms: vec![model::BookformRef {
            id: seed.bookform_id,
            title: "Онлайн-запись".to_owned(),
            is_default: true,
            url: format!("https://n{}.yclients.com/", seed.bookform_id),
        }],
    }
}

pub(crate) fn bookform(c: &Company, chain: bool) -> model::Bookform {
    let step = |step: &str, title: &str, num: u32| model::BookformStep {
        step: step.to_owned(),
        title: title.to_owned(),
        num,
        hidden: false,
        default: serde_json::json!(-1),
    };
    let mut steps = vec![
        step("service", "Выберите услугу", 1),
        step("master", "Выберите специалиста", 2),
        step("datetime", "Выберите дату и время", 3),
        step("contact", "Ваши контакты", 4),
    ];
    if chain {
        steps.insert(0, step("company", "Выберите филиал", 0));
    }
    model::Bookform {
        steps,
        group_id: if chain { c.network_id } else { 0 },
        company_id: c.id(),
        phone_confirmation: c.phone_confirmation,
        lang: "ru-RU".to_owned(),
        comment_required: false,
        sms_enabled: true,
        metrika_counter_id: String::new(),
        google_analytics_id: String::new(),
        booking_notify_text: "Ждём вас! Если планы изменятся, пожалуйста, отмените запись заранее."
            .to_owned(),
        style: super::documented::bookform_style(),
    }
}

pub(crate) fn service(s: &ServiceSeed, staff: Option<&StaffSeed>) -> model::Service {
    model::Service {
        id: s.id,
        title: s.title.clone(),
        category_id: s.category_id,
        price_min: s.price_min,
        price_max: s.price_max,
        discount: 0.0,
        comment: s.comment.clone(),
        weight: s.weight,
        sex: 0,
        image: String::new(),
        prepaid: "forbidden".to_owned(),
        seance_length: staff.and_then(|m| m.minutes_for(s)).map(|m| m * 60),
    }
}

pub(crate) fn category(c: &CategorySeed) -> model::ServiceCategory {
    model::ServiceCategory {
        id: c.id,
        title: c.title.clone(),
        sex: 0,
        api_id: "0".to_owned(),
        weight: c.weight,
    }
}

pub(crate) fn book_staff(s: &StaffSeed) -> model::BookStaff {
    model::BookStaff {
        id: s.id,
        name: s.name.clone(),
        bookable: false,
        specialization: s.specialization.clone(),
        position: s.position.clone(),
        show_rating: true,
        rating: s.rating,
        votes_count: s.votes,
        comments_count: s.votes / 3,
        avatar: AVATAR.to_owned(),
        avatar_big: AVATAR.to_owned(),
        weight: s.weight,
        information: s.information.clone(),
        seance_date: None,
        seances: Vec::new(),
    }
}

pub(crate) fn record_staff(s: &StaffSeed) -> model::RecordStaff {
    model::RecordStaff {
        id: s.id,
        name: s.name.clone(),
        specialization: s.specialization.clone(),
        position: s.position.clone(),
        avatar: AVATAR.to_owned(),
        rating: s.rating,
    }
}

pub(crate) fn slot(tz: &TimeZone, slot: &Slot) -> model::TimeSlot {
    let z = slot.start.to_zoned_datetime(tz.clone());
    let length = u32::try_from(slot.length).unwrap_or(u32::MAX);
    model::TimeSlot {
        time: z.strftime("%H:%M").to_string(),
        seance_length: length,
        sum_length: Some(length),
        datetime: with_colon(&z),
    }
}

/// The price of a record: the lowest price of each service, times the places of a group
/// event sign-up (each place is paid for; our assumption).
pub(crate) fn record_cost(world: &World, record_id: u64) -> f64 {
    let Some(r) = world.records.get(&record_id) else {
        return 0.0;
    };
    let company = &world.companies[&r.company_id];
    r.service_ids
        .iter()
        .filter_map(|id| company.seed.service(*id))
        .map(|s| s.price_min * f64::from(places(r)))
        .sum()
}

fn places(r: &StoredRecord) -> u32 {
    if r.activity_id == 0 {
        1
    } else {
        r.clients_count.max(1)
    }
}

pub(crate) fn client(world: &World, id: u64) -> Option<model::RecordClient> {
    let card = world.client(id)?;
    let visits = world
        .records
        .values()
        .filter(|r| r.client_id == id && !r.deleted);
    let (came, missed) = visits.fold((0, 0), |(c, m), r| {
        (
            c + u32::from(r.attendance == 1),
            m + u32::from(r.attendance == -1),
        )
    });
    Some(model::RecordClient {
        id,
        name: card.name.clone(),
        surname: String::new(),
        display_name: card.name.clone(),
        phone: format!("+{}", card.phone),
        email: card.email.clone(),
        success_visits_count: came,
        fail_visits_count: missed,
        custom_fields: card.custom_fields.clone(),
    })
}

pub(crate) fn record(world: &World, r: &StoredRecord, with_finance: bool) -> model::Record {
    let company = &world.companies[&r.company_id];
    let tz = &company.tz;
    let staff = company.seed.staff(r.staff_id);
    let services = r
        .service_ids
        .iter()
        .filter_map(|id| company.seed.service(*id))
        .map(|s| model::RecordService {
            id: s.id,
            title: s.title.clone(),
            cost: s.price_min * f64::from(places(r)),
            cost_to_pay: s.price_min * f64::from(places(r)),
            first_cost: s.price_min * f64::from(places(r)),
            discount: 0.0,
            amount: f64::from(places(r)),
        })
        .collect();
    let start = r.start.to_zoned_datetime(tz.clone());
    let paid: f64 = r.payments.iter().map(|p| p.amount).sum();
    let cost = record_cost(world, r.id);
    let length = u32::try_from(r.length).unwrap_or(u32::MAX);
    model::Record {
        id: r.id,
        company_id: r.company_id,
        staff_id: r.staff_id,
        services,
        staff: staff.map(record_staff),
        client: client(world, r.client_id),
        clients_count: r.clients_count,
        date: local(&start),
        datetime: with_colon(&start),
        create_date: without_colon(&r.created.to_zoned_datetime(tz.clone())),
        last_change_date: without_colon(&r.changed.to_zoned_datetime(tz.clone())),
        comment: r.comment.clone(),
        online: r.online,
        attendance: r.attendance,
        visit_attendance: r.attendance,
        confirmed: 1,
        seance_length: length,
        length,
        master_request: u8::from(r.online),
        api_id: r.api_id.clone(),
        from_url: String::new(),
        visit_id: r.visit_id,
        created_user_id: 0,
        deleted: r.deleted,
        paid_full: u8::from(cost > 0.0 && paid >= cost),
        payment_status: u8::from(cost > 0.0 && paid >= cost),
        prepaid: false,
        prepaid_confirmed: false,
        custom_fields: r.custom_fields.clone(),
        bookform_id: r.bookform_id,
        record_from: r.source.clone(),
        is_mobile: 0,
        activity_id: r.activity_id,
        finance_transactions: if with_finance {
            r.payments.iter().map(|p| finance(world, r, p)).collect()
        } else {
            Vec::new()
        },
    }
}

pub(crate) fn finance(world: &World, r: &StoredRecord, p: &Payment) -> model::FinanceTransaction {
    let tz = &world.companies[&r.company_id].tz;
    model::FinanceTransaction {
        id: p.id,
        document_id: p.document_id,
        date: local(&p.at.to_zoned_datetime(tz.clone())),
        type_id: 5,
        expense_id: 5,
        account_id: 90_459,
        amount: p.amount,
        client_id: r.client_id,
        record_id: r.id,
        comment: String::new(),
        expense: Some(model::Titled {
            id: 5,
            title: "Оказание услуг".to_owned(),
        }),
        account: Some(model::Titled {
            id: 90_459,
            title: "Основная касса".to_owned(),
        }),
    }
}

pub(crate) fn finance_operation(
    world: &World,
    r: &StoredRecord,
    p: &Payment,
) -> model::FinanceOperation {
    let tz = &world.companies[&r.company_id].tz;
    model::FinanceOperation {
        transaction: finance(world, r, p),
        visit_id: r.visit_id,
        last_change_date: local(&p.at.to_zoned_datetime(tz.clone())),
        client: client(world, r.client_id),
    }
}

pub(crate) fn activity(world: &World, a: &super::world::Activity) -> model::Activity {
    let company = &world.companies[&a.company_id];
    let service = company.seed.service(a.service_id);
    model::Activity {
        id: a.id,
        service_id: a.service_id,
        company_id: a.company_id,
        staff_id: a.staff_id,
        date: local(&a.start.to_zoned_datetime(company.tz.clone())),
        timestamp: a.start.as_second(),
        length: u32::try_from(a.length).unwrap_or(u32::MAX),
        capacity: a.capacity,
        records_count: a.records_count,
        prepaid: "forbidden".to_owned(),
        service: service.map(|s| model::ActivityService {
            id: s.id,
            category_id: s.category_id,
            title: s.title.clone(),
            price_min: s.price_min,
            price_max: s.price_max,
            comment: s.comment.clone(),
            category: company
                .seed
                .categories
                .iter()
                .find(|c| c.id == s.category_id)
                .map(|c| model::ActivityCategory {
                    id: c.id,
                    title: c.title.clone(),
                }),
        }),
        staff: company.seed.staff(a.staff_id).map(record_staff),
        resource_instances: a
            .room
            .iter()
            .map(
                |r| serde_json::json!({"id": r.id, "title": r.title, "resource_id": r.resource_id}),
            )
            .collect(),
    }
}
