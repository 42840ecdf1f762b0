//! Lookups with made-up ids never reach YCLIENTS (issue #20 item 3): ids are checked against
//! the branch's cached lists first, and every lookup that can reach YCLIENTS is metered.

use crate::booking::BRANCH;
use crate::helpers::{Db, ORIGIN, spawn_app};

async fn a_script_walking_made_up_master_ids_spends_no_yclients_calls(db: Db) {
    let app = spawn_app(db).await;
    let get = |path: String| {
        let req = app.client.get(app.url(&path)).header("origin", ORIGIN);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // The branch's lists are read once (a visitor's first screen does the same).
    assert_eq!(
        get(format!("/api/v1/sites/demo/branches/{BRANCH}/services")).await,
        200
    );
    app.sandbox.control().reset_calls();
    let mut answers = Vec::new();
    for n in 0..130u64 {
        let staff = 1_000_000 + n * 7919;
        answers.push(
            get(format!(
                "/api/v1/sites/demo/branches/{BRANCH}/services?staff={staff}"
            ))
            .await,
        );
        answers.push(
            get(format!(
                "/api/v1/sites/demo/branches/{BRANCH}/dates?services={}&staff=0",
                9_000_000 + n
            ))
            .await,
        );
    }
    let calls: u64 = app.sandbox.control().all_calls().values().sum();
    println!(
        "RELIABILITY lookups {db:?}: 130 made-up master ids + 130 made-up service ids → {} × 404, {calls} YCLIENTS calls",
        answers.iter().filter(|&&s| s == 404).count()
    );
    assert!(answers.iter().all(|&s| s == 404), "{answers:?}");
    assert!(
        calls <= 1,
        "only the branch's master list, once: {calls} calls"
    );
    // A real master's services still answer.
    let (service, _) = crate::booking::first_free_slot(&app).await;
    let staff: serde_json::Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/sites/demo/branches/{BRANCH}/staff?services={service}"
        )))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = staff["staff"][0]["id"].as_u64().expect("a master");
    assert_eq!(
        get(format!(
            "/api/v1/sites/demo/branches/{BRANCH}/services?staff={id}"
        ))
        .await,
        200
    );
}

crate::on_both_databases!(a_script_walking_made_up_master_ids_spends_no_yclients_calls);
