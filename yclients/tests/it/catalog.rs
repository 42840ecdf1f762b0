//! The catalogue as the sandbox serves it to the client: chain, branches, services,
//! masters, dates, slots, and who may read what.

use std::time::Duration;

use yclients::model::BookQuery;
use yclients::{Client, Error};

use crate::common::*;

#[tokio::test]
async fn the_chain_lists_both_branches_in_their_own_time_zones() {
    let sandbox = busy_sandbox().await;
    let branches = client(&sandbox).chain_companies(LEN_CHAIN).await.unwrap();
    let zones: Vec<(u64, &str, bool)> = branches
        .iter()
        .map(|c| (c.id, c.timezone_name.as_str(), c.phone_confirmation))
        .collect();
    assert_eq!(
        zones,
        [
            (MOSCOW, "Europe/Moscow", false),
            (EKB, "Asia/Yekaterinburg", true)
        ]
    );
    assert_eq!(branches[1].timezone, 5.0);
}

#[tokio::test]
async fn the_bookform_names_its_branch_and_chain() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let form = client.bookform(730102).await.unwrap();
    assert_eq!(
        (form.company_id, form.group_id, form.phone_confirmation),
        (EKB, LEN_CHAIN, true)
    );
    assert_eq!(form.steps[0].step, "company");
    let company = client.company(MOSCOW).await.unwrap();
    assert_eq!(company.title, "Студия красоты «Лён» на Покровке");
    assert_eq!(company.bookforms[0].id, 730101);
    assert!(
        company.next_slot.starts_with("2025-03-10T"),
        "{}",
        company.next_slot
    );
}

#[tokio::test]
async fn services_come_with_their_categories_and_without_group_classes() {
    let sandbox = busy_sandbox().await;
    let answer = client(&sandbox)
        .book_services(MOSCOW, &BookQuery::default())
        .await
        .unwrap();
    assert!(answer.services.len() >= 20, "{}", answer.services.len());
    assert!(
        answer
            .services
            .iter()
            .all(|s| s.id != MASTER_CLASS && s.seance_length.is_none())
    );
    let cut = answer.services.iter().find(|s| s.id == WOMEN_CUT).unwrap();
    assert_eq!(
        (cut.title.as_str(), cut.price_min, cut.price_max),
        ("Стрижка женская", 2200.0, 3500.0)
    );
    assert!(answer.categories.iter().any(|c| c.title == "Окрашивание"));
    assert!(answer.categories.iter().all(|c| c.title != "Мастер-классы"));
}

#[tokio::test]
async fn services_for_a_master_carry_that_masters_own_durations() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let length = |staff| {
        let client = client.clone();
        async move {
            let answer = client
                .book_services(MOSCOW, &BookQuery::new(staff, &[]))
                .await
                .unwrap();
            answer
                .services
                .iter()
                .find(|s| s.id == WOMEN_CUT)
                .and_then(|s| s.seance_length)
        }
    };
    assert_eq!(length(ANNA).await, Some(50 * 60));
    assert_eq!(length(YULIA).await, Some(75 * 60));
    assert_eq!(length(MARIA).await, None);
}

#[tokio::test]
async fn only_masters_who_do_a_service_are_listed_for_it() {
    let sandbox = busy_sandbox().await;
    let staff = client(&sandbox)
        .book_staff(MOSCOW, &BookQuery::new(0, &[MANICURE]))
        .await
        .unwrap();
    let ids: Vec<u64> = staff.iter().map(|s| s.id).collect();
    assert_eq!(ids, [MARIA, OLGA]);
    assert!(staff.iter().all(|s| s.bookable && s.seance_date.is_some()));
    let everyone = client(&sandbox)
        .book_staff(MOSCOW, &BookQuery::default())
        .await
        .unwrap();
    let viktoria = everyone
        .iter()
        .find(|s| s.name == "Виктория Павлова")
        .unwrap();
    assert_eq!(
        viktoria.position, None,
        "a master without a position is sent as []"
    );
}

#[tokio::test]
async fn the_nearest_free_day_of_a_master_is_found() {
    let sandbox = quiet_sandbox().await;
    let seances = client(&sandbox)
        .book_staff_seances(MOSCOW, ANNA, &BookQuery::new(0, &[WOMEN_CUT]))
        .await
        .unwrap();
    assert_eq!(
        seances.seance_date,
        Some(day(1)),
        "Anna does not work on Mondays"
    );
    assert_eq!(seances.seances[0].datetime, "2025-03-11T10:00:00+03:00");
}

#[tokio::test]
async fn a_wrong_partner_token_is_refused_with_401() {
    let sandbox = busy_sandbox().await;
    let stranger = Client::builder("not-a-partner")
        .base_url(sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap();
    let err = stranger.company(MOSCOW).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    let bare = reqwest::get(format!("{}/api/v1/company/{MOSCOW}", sandbox.base_url()))
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
}

#[tokio::test]
async fn another_networks_partner_cannot_open_this_chain() {
    let sandbox = busy_sandbox().await;
    let barber = &sandbox.networks()[1];
    let other = Client::builder(barber.partner_token.as_str())
        .base_url(sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap();
    assert_eq!(other.company(MOSCOW).await.unwrap_err().status(), Some(403));
    let own = other
        .book_services(BARBERSHOP, &BookQuery::default())
        .await
        .unwrap();
    assert_eq!(own.services[0].title, "Мужская стрижка");
}

#[tokio::test]
async fn records_need_a_user_token() {
    let sandbox = busy_sandbox().await;
    let partner_only = client(&sandbox).partner_only();
    let err = partner_only.record(MOSCOW, 1).await.unwrap_err();
    assert!(
        matches!(err, Error::UserTokenRequired { endpoint: "record" }),
        "{err:?}"
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let answer = http
        .get(format!("{}/api/v1/records/{MOSCOW}", sandbox.base_url()))
        .header(
            "Authorization",
            format!("Bearer {}", sandbox.partner_token()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let wrong_user = client(&sandbox).with_user_token("someone-else");
    assert_eq!(
        wrong_user
            .records(MOSCOW, &Default::default())
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
}

#[tokio::test]
async fn the_admin_signs_in_with_the_seeded_login_and_gets_the_seeded_token() {
    let sandbox = busy_sandbox().await;
    let network = &sandbox.networks()[0];
    let user = client(&sandbox)
        .auth(
            &network.admin_login,
            &network.admin_password.as_str().into(),
        )
        .await
        .unwrap();
    assert_eq!(user.user_token.expose(), sandbox.user_token());
    let err = client(&sandbox)
        .auth(&network.admin_login, &"wrong".into())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
}
