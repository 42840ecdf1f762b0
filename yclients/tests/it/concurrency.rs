//! Many visitors pressing "book" for the same slot at once.

use yclients::BookingCode;
use yclients::model::Appointment;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_bookings_of_one_slot_make_exactly_one_record() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, EKATERINA, day(1), &[ONE_TONE]).await;
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let client = client.clone();
            let request = visitor(
                &format!("race-{n}"),
                vec![Appointment::new(
                    1,
                    &[ONE_TONE],
                    EKATERINA,
                    slot.datetime.clone(),
                )],
            );
            tokio::spawn(async move { client.book_record(MOSCOW, &request).await })
        })
        .collect();
    let mut won = 0;
    let mut taken = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(made) => won += made.len(),
            Err(e) if e.booking_code() == Some(BookingCode::SlotTaken) => taken += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((won, taken), (1, 49));
    let at_slot = sandbox
        .records()
        .into_iter()
        .filter(|r| r.datetime == slot.datetime && r.staff_id == EKATERINA && !r.deleted)
        .count();
    assert_eq!(at_slot, 1);
    assert_eq!(sandbox.calls("book_record"), 50);
}
