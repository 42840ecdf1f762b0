//! Fields YCLIENTS documents in its samples that the client's models do not read: added to the
//! sandbox's answers with the documented shape, so that a client generated from YCLIENTS' own
//! description finds them (issue #20 item 16; held by `tests/it/documented.rs`). Values are
//! plain defaults where the sandbox has nothing better (no labels, no pixels, no reminders).

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::world::{Activity, Company, StoredRecord, World};

/// `extra`'s keys added to `value` where absent; objects on both sides merged the same way.
fn merge(value: &mut Value, extra: Value) {
    let (Value::Object(into), Value::Object(extra)) = (value, extra) else {
        return;
    };
    for (k, v) in extra {
        match into.get_mut(&k) {
            Some(existing @ Value::Object(_)) if v.is_object() => merge(existing, v),
            Some(_) => {}
            None => {
                into.insert(k, v);
            }
        }
    }
}

fn with(shown: impl Serialize, extra: Value) -> Value {
    let mut value = serde_json::to_value(shown).unwrap_or(Value::Null);
    merge(&mut value, extra);
    value
}

fn network_title(world: &World, id: u64) -> String {
    world
        .networks
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.title.clone())
        .unwrap_or_default()
}

/// `GET /company/{id}`.
pub(crate) fn company(world: &World, c: &Company, shown: crate::model::Company) -> Value {
    let group = json!({"id": c.network_id, "title": network_title(world, c.network_id)});
    let mut groups = Map::new();
    groups.insert(c.network_id.to_string(), group.clone());
    with(
        shown,
        json!({
            "country_id": 1,
            "zip": 0,
            "business_type_id": 1,
            "group_priority": 900,
            "main_group": group,
            "groups": groups,
            "social": {"facebook": "", "vk": "", "instagram": "", "telegram": "", "whatsapp": "", "viber": ""},
            "push_notification_phone_confirm": 1,
            "online_sales_form_url": "",
            "access": {},
        }),
    )
}

/// `GET /bookform/{id}`.
pub(crate) fn bookform(shown: crate::model::Bookform) -> Value {
    with(
        shown,
        json!({
            "langs": [
                {"id": 1, "code": "ru-RU", "title": "Русский"},
                {"id": 2, "code": "en-US", "title": "English"},
            ],
            "app_metrika_id": "",
            "facebook_pixel_id": "",
            "vkontakte_pixel_id": "",
        }),
    )
}

/// The style of a bookform as documented (colours without `#`).
pub(crate) fn bookform_style() -> Map<String, Value> {
    let Value::Object(style) = json!({
        "show_header": true, "logo": "", "header_background": "fff", "menu_background": "eee",
        "main_color": "666", "secondary_color": "999", "buttons_color": "FFF",
    }) else {
        unreachable!("an object literal");
    };
    style
}

/// A record as `GET /record`, `GET /records` answer it.
pub(crate) fn record(world: &World, r: &StoredRecord, with_finance: bool) -> Value {
    let shown = super::render::record(world, r, with_finance);
    let services: Vec<Value> = r
        .service_ids
        .iter()
        .map(|_| json!({"cost_per_unit": 0, "manual_cost": 0}))
        .collect();
    let mut value = with(
        shown,
        json!({
            "client": {"patronymic": "", "card": "", "discount": 0, "is_new": false},
            "staff": {"avatar_big": "", "votes_count": 0},
            "sms_before": 0, "sms_now": 0, "sms_now_text": "", "email_now": 0, "notified": 0,
            "sms_remain_hours": 0, "email_remain_hours": 0,
            "comer": null, "consumables": [], "goods_transactions": [],
            "custom_color": "", "custom_font_color": "", "record_labels": [],
            "review_requested": 0, "is_sale_bill_printed": false,
            "documents": [{
                "id": r.visit_id, "type_id": 7, "storage_id": 0, "user_id": 0,
                "company_id": r.company_id, "number": r.id % 100_000, "comment": "",
                "date_created": r.created.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                "category_id": 0, "visit_id": r.visit_id, "record_id": r.id,
                "type_title": "Визит", "is_sale_bill_printed": false,
            }],
        }),
    );
    // Each service line gets the documented per-unit and manual cost (its cost).
    if let Some(Value::Array(lines)) = value.get_mut("services") {
        for (line, extra) in lines.iter_mut().zip(services) {
            let cost = line.get("cost").cloned().unwrap_or(json!(0));
            let mut extra = extra;
            extra["cost_per_unit"] = cost.clone();
            extra["manual_cost"] = cost;
            merge(line, extra);
        }
    }
    value
}

/// A record as the visitor's `GET /user/records/{id}/{hash}` answers it: with its branch (the
/// cabinet shows the address and whether it may still change or cancel).
pub(crate) fn user_record(world: &World, r: &StoredRecord) -> Value {
    let c = &world.companies[&r.company_id];
    let offset = c.tz.to_offset(world.now()).seconds() / 3600;
    let mut shown = record(world, r, false);
    let lines = r.service_ids.len().max(1) as i64;
    if let Some(Value::Array(services)) = shown.get_mut("services") {
        for line in services.iter_mut() {
            let cost = line.get("cost").cloned().unwrap_or(json!(0));
            let extra =
                json!({"price_min": cost, "price_max": cost, "seance_length": r.length / lines});
            merge(line, extra);
        }
    }
    with(
        shown,
        json!({
            "staff": {"show_rating": 1, "comments_count": 0},
            "company": {
                "id": c.id(), "title": c.seed.title, "timezone": offset,
                "address": c.seed.address, "phone": c.seed.phone,
                "allow_delete_record": c.seed.allow_delete_record,
                "allow_delete_record_delay_step": c.seed.delete_delay_secs,
                "allow_change_record": c.seed.allow_change_record,
                "allow_change_record_delay_step": c.seed.change_delay_secs,
            },
            "master_requested": r.staff_id != 0,
            "notify_by_sms": 0,
            "notify_by_email": 0,
        }),
    )
}

/// An event of `GET /activity/{company_id}/search`.
pub(crate) fn activity(world: &World, a: &Activity) -> Value {
    let company = &world.companies[&a.company_id];
    let staff = company.seed.staff(a.staff_id);
    with(
        super::render::activity(world, a),
        json!({
            "color": "", "font_color": "", "instructions": "", "stream_link": "",
            "notified": false, "labels": [],
            "service": {
                "image_url": "", "prepaid": "forbidden", "salon_service_id": a.service_id,
                "category": {"category_id": 1},
            },
            "staff": {
                "company_id": a.company_id, "show_rating": 0, "avatar_big": "", "comments_count": 0,
                "votes_count": 0, "average_score": staff.map_or(0.0, |s| s.rating),
                "prepaid": "forbidden",
            },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_adds_missing_keys_deeply_and_keeps_what_is_there() {
        let mut v = json!({"a": 1, "o": {"x": 1}});
        merge(&mut v, json!({"a": 2, "b": 3, "o": {"x": 2, "y": 4}}));
        assert_eq!(v, json!({"a": 1, "b": 3, "o": {"x": 1, "y": 4}}));
    }
}
