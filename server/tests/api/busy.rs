//! A busy salon: free times are cached long (the step would otherwise spend the salon's YCLIENTS
//! budget on every visitor), which is safe because a record made anywhere drops the cached day —
//! by zapis's own booking at once, by YCLIENTS' record webhook for one made elsewhere.

use yclients::model::{Appointment, BookRecord, Contact};

use crate::booking::{BRANCH, first_free_slot, get};
use crate::helpers::Db;
use crate::journey::spawn;

async fn a_time_booked_elsewhere_in_yclients_stops_being_offered_once_its_webhook_arrives(db: Db) {
    let app = spawn(db).await; // the sandbox posts its webhooks to the app
    let (service, datetime) = first_free_slot(&app).await;
    let date = &datetime[..10];
    let path = format!(
        "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={date}"
    );
    let offered = |times: &serde_json::Value| {
        times["slots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["datetime"] == datetime.as_str())
            .count()
    };
    assert_eq!(offered(&get(&app, &path).await), 1, "the time is free");
    let calls = app.sandbox.calls("book_times");
    assert_eq!(
        offered(&get(&app, &path).await),
        1,
        "and answered from the cache"
    );
    assert_eq!(app.sandbox.calls("book_times"), calls);

    // Every master of the salon books that time from another site (straight into YCLIENTS),
    // so that "any master" has nobody left then.
    let other = yclients::Client::builder(app.sandbox.partner_token())
        .base_url(app.sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap();
    let mut made = 0;
    for n in 0..20u64 {
        let body = BookRecord {
            contact: Contact {
                phone: format!("7916555{:04}", 100 + n),
                fullname: "Гость с другого сайта".into(),
                ..Contact::default()
            },
            appointments: vec![Appointment {
                id: 1,
                services: vec![service],
                staff_id: 0,
                datetime: datetime.clone(),
                ..Appointment::default()
            }],
            ..BookRecord::default()
        };
        if other.book_record(BRANCH, &body).await.is_err() {
            break; // nobody is free at that time any more
        }
        made += 1;
    }
    assert!(made > 0, "the other site booked the time");

    // The webhooks arrive and are processed: the cached day is dropped, the time is gone.
    let mut left = usize::MAX;
    for _ in 0..100 {
        left = offered(&get(&app, &path).await);
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        left, 0,
        "a time taken in YCLIENTS is not offered once its webhook arrived"
    );
    assert!(
        app.sandbox.calls("book_times") > calls,
        "asked YCLIENTS again"
    );
}

crate::on_both_databases!(
    a_time_booked_elsewhere_in_yclients_stops_being_offered_once_its_webhook_arrives,
);
