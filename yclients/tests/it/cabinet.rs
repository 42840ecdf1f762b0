//! The client cabinet's YCLIENTS calls against the sandbox: sign-in by SMS and by password,
//! the user's records with their branch's rules, reschedule and cancel within the window,
//! balances, and the SMS-confirmed phone change.

use yclients::model::UserUpdate;
use yclients::{Client, Secret};

use crate::common::*;

/// The seed's demo client.
const ANNA_K: &str = "79161234501";

async fn signed_in(sandbox: &yclients::sandbox::Sandbox, phone: &str) -> Client {
    let client = client(sandbox);
    client.book_code(MOSCOW, phone, "Анна").await.unwrap();
    let code = sandbox.last_sms_code(phone).unwrap();
    let user = client.user_auth(phone, &code).await.unwrap();
    client.partner_only().with_user_token(user.user_token)
}

/// The client's first upcoming record.
async fn upcoming(me: &Client) -> yclients::model::UserRecord {
    let records = me.my_records().await.unwrap();
    let mut ahead = records
        .into_iter()
        .filter(|r| r.record.starts_at().unwrap() > now());
    ahead.next().unwrap()
}

#[tokio::test]
async fn the_demo_client_sees_visits_made_at_the_salon_with_the_branch_rules() {
    let sandbox = quiet_sandbox().await;
    let me = signed_in(&sandbox, ANNA_K).await;
    let records = me.my_records().await.unwrap();
    let upcoming: Vec<_> = records
        .iter()
        .filter(|r| r.record.starts_at().unwrap() > now())
        .collect();
    assert!(records.len() >= 4, "{} records", records.len());
    assert!(records.iter().all(|r| !r.record.online));
    assert_eq!(upcoming.len(), 1);
    let visit = upcoming[0];
    assert!(visit.record.datetime.starts_with(&day(12).to_string()));
    assert_eq!(visit.company.id, MOSCOW);
    assert!(visit.company.allow_change_record && visit.company.allow_delete_record);
    assert_eq!(visit.company.allow_change_record_delay_step, 7200);
    assert_eq!(visit.record.staff.as_ref().unwrap().id, ANNA);
    let past = records.iter().find(|r| r.record.attendance == 1).unwrap();
    assert!(
        past.record.paid_full == 1
            || past.record.payment_status > 0
            || past.record.services[0].cost > 0.0
    );
}

#[tokio::test]
async fn another_client_sees_only_their_own_records_and_cannot_move_hers() {
    let sandbox = quiet_sandbox().await;
    let hers = signed_in(&sandbox, ANNA_K).await;
    let visit = upcoming(&hers).await;
    let other = signed_in(&sandbox, PHONE).await;
    assert!(other.my_records().await.unwrap().is_empty());
    let when = format!("{}T15:00:00", day(12));
    let err = other
        .reschedule_record(MOSCOW, visit.record.id, &when)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let err = other
        .delete_user_record(visit.record.id, "not-the-hash")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn a_visit_moves_to_a_free_time_and_not_onto_a_taken_one_nor_inside_the_window() {
    let sandbox = quiet_sandbox().await;
    let me = signed_in(&sandbox, ANNA_K).await;
    let visit = upcoming(&me).await;
    let moved = me
        .reschedule_record(MOSCOW, visit.record.id, &format!("{}T15:00:00", day(12)))
        .await
        .unwrap();
    assert!(moved.record.datetime.contains("T15:00:00"));
    // Someone else books 17:00; the visit cannot move onto it.
    let client = client(&sandbox);
    client
        .book_record(
            MOSCOW,
            &visitor(
                "x",
                vec![yclients::model::Appointment::new(
                    1,
                    &[WOMEN_CUT],
                    ANNA,
                    format!("{}T17:00:00", day(12)),
                )],
            ),
        )
        .await
        .unwrap();
    let err = me
        .reschedule_record(MOSCOW, visit.record.id, &format!("{}T17:00:00", day(12)))
        .await
        .unwrap_err();
    assert_eq!(err.booking_code(), Some(yclients::BookingCode::SlotTaken));
    // An hour before the visit the window is closed for both moving and cancelling.
    sandbox.control().set_now(
        format!("{}T14:00:00+03:00", day(12))
            .parse::<jiff::Timestamp>()
            .unwrap(),
    );
    let err = me
        .reschedule_record(MOSCOW, visit.record.id, &format!("{}T18:00:00", day(12)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    let err = me
        .delete_user_record(visit.record.id, "0")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!sandbox.control().record(visit.record.id).unwrap().deleted);
}

#[tokio::test]
async fn the_demo_client_has_bonuses_an_abonement_and_a_certificate() {
    let sandbox = quiet_sandbox().await;
    let me = signed_in(&sandbox, ANNA_K).await;
    let cards = me.my_loyalty_cards(LEN_CHAIN).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert!(cards[0].points > 0.0);
    assert!(!cards[0].programs.is_empty());
    let abonements = me.my_abonements(MOSCOW).await.unwrap();
    assert_eq!(abonements[0].balance_string, "8 из 10");
    assert_eq!(abonements[0].balance_container.links[0].count, 8);
    assert!(!abonements[0].expiration_date.is_empty());
    let certificates = me.my_certificates(MOSCOW).await.unwrap();
    assert_eq!(certificates[0].balance, 3200.0);
    assert_eq!(certificates[0].default_balance, 5000.0);
    let nobody = signed_in(&sandbox, PHONE).await;
    assert!(nobody.my_loyalty_cards(LEN_CHAIN).await.unwrap().is_empty());
    assert!(nobody.my_certificates(MOSCOW).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_password_sign_in_takes_the_email_or_the_phone_and_refuses_a_wrong_password() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox).partner_only();
    let password = Secret::from("лён-2024".to_owned());
    let by_email = client
        .booking_auth("Anna@Example.com", &password)
        .await
        .unwrap();
    assert_eq!(by_email.phone, ANNA_K);
    let by_phone = client
        .booking_auth("+7 916 123-45-01", &password)
        .await
        .unwrap();
    let me = client.with_user_token(by_phone.user_token);
    assert_eq!(me.booking_user().await.unwrap().name, "Анна Кузнецова");
    let wrong = Secret::from("лён-2025".to_owned());
    let err = client.booking_auth(ANNA_K, &wrong).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn a_phone_change_needs_the_code_sent_to_the_new_phone() {
    let sandbox = quiet_sandbox().await;
    let me = signed_in(&sandbox, ANNA_K).await;
    let new = "79990001122";
    let update = UserUpdate {
        name: Some("Анна К.".into()),
        phone: Some(new.into()),
        confirmation_code: Some("11111".into()),
        ..UserUpdate::default()
    };
    let err = me.update_booking_user(&update).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    me.phone_confirmation(MOSCOW, new).await.unwrap();
    let code = sandbox.last_sms_code(new).unwrap();
    let changed = me
        .update_booking_user(&UserUpdate {
            confirmation_code: Some(code),
            ..update
        })
        .await
        .unwrap();
    assert_eq!(
        (changed.phone.as_str(), changed.name.as_str()),
        (new, "Анна К.")
    );
    assert!(!me.my_records().await.unwrap().is_empty());
}
