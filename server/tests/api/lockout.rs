//! Failed logins (issue #20 items 1 and 2): counted in the database before the password is
//! checked, per (login, address), with the account as a whole slowed, not locked; the owner's
//! own browser gets through; `unlock` clears it.

use std::{net::IpAddr, time::Duration};

use zapis::auth::{
    keys::ServerKeys,
    lockout::{self, Gate, Source},
};

use crate::helpers::Db;
use crate::journey::{ANNA, browser, logged_in, spawn, submit_login};

/// A browser on its own loopback address (127.0.0.N), so each looks like another client.
fn browser_at(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::from([127, 0, 0, n]))
        .build()
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A login POST with a double-submit token of our own (cookie = field) and no cookie jar, so
/// many can be in flight at once.
async fn raw_login(client: reqwest::Client, url: String, password: &'static str) -> u16 {
    client
        .post(url)
        .header("cookie", "zapis_login=parallel-token")
        .form(&[
            ("login", ANNA.0),
            ("password", password),
            ("csrf", "parallel-token"),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn sixty_parallel_wrong_passwords_are_checked_no_more_than_the_limit(db: Db) {
    let app = spawn(db).await;
    let client = reqwest::Client::new();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..60 {
        set.spawn(raw_login(
            client.clone(),
            app.url("/dashboard/login"),
            "wrong",
        ));
    }
    let answers = set.join_all().await;
    let checked = answers.iter().filter(|&&s| s == 401).count();
    let refused = answers.iter().filter(|&&s| s == 429).count();
    println!("RELIABILITY lockout race {db:?}: 60 parallel → {checked} checked, {refused} refused");
    assert_eq!(checked + refused, 60, "{answers:?}");
    assert_eq!(
        checked,
        lockout::PAIR_MAX,
        "checked exactly up to the limit"
    );
    // Every attempt is in the database, the refused ones too.
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 60);
}

async fn an_owner_locked_out_by_strangers_still_signs_in_from_her_browser(db: Db) {
    let app = spawn(db).await;
    // Anna has signed in from her browser before, and signed out.
    let (home, csrf) = logged_in(&app, ANNA).await;
    let res = home
        .post(app.url("/dashboard/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // Strangers on three addresses try wrong passwords until each address is refused.
    for n in 2..=4 {
        let b = browser_at(n);
        let mut last = 0;
        for _ in 0..=lockout::PAIR_MAX {
            last = submit_login(&app, &b, ANNA.0, "wrong")
                .await
                .status()
                .as_u16();
        }
        assert_eq!(last, 429, "address 127.0.0.{n} refused after its failures");
    }
    // The stranger's own address stays refused for long, even with the right password.
    let attacker = browser_at(2);
    let res = submit_login(&app, &attacker, ANNA.0, ANNA.1).await;
    assert_eq!(res.status(), 429);
    assert!(retry_after(&res) > 600, "{}", retry_after(&res));

    // Her browser gets straight in, right after another stranger's try.
    let _ = submit_login(&app, &browser_at(5), ANNA.0, "wrong").await;
    let res = submit_login(&app, &home, ANNA.0, ANNA.1).await;
    assert_eq!(res.status(), 303, "the known browser is not slowed");

    // From a new place she is at most slowed, never locked: after the wait she is in.
    let fresh = browser_at(6);
    let mut waited = Vec::new();
    let mut status = 0;
    for _ in 0..5 {
        let res = submit_login(&app, &fresh, ANNA.0, ANNA.1).await;
        status = res.status().as_u16();
        if status != 429 {
            break;
        }
        let wait = retry_after(&res);
        assert!(wait <= 60, "slowed by {wait} s: a delay, not a lock");
        waited.push(wait);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
    println!("RELIABILITY lockout slowed {waited:?} s before the owner from a new address got in");
    assert_eq!(status, 303, "in after waiting {waited:?} s");
}

async fn a_slowed_account_takes_one_checked_attempt_per_delay(db: Db) {
    let app = spawn(db).await;
    let keys = ServerKeys::from_bytes([3; 32]);
    let store = &app.store;
    let t0 = 1_800_000_000_000i64;
    // Ten failures from ten addresses: none of them is refused on its own.
    for n in 0..lockout::ACCOUNT_FREE {
        let ip = format!("10.0.0.{n}");
        let from = Source {
            ip: &ip,
            device: None,
        };
        let Gate::Check(a) = lockout::begin(store, &keys, "anna", &from, t0 + n * 1000)
            .await
            .unwrap()
        else {
            panic!("attempt {n} checked");
        };
        lockout::failed(store, a).await.unwrap();
    }
    let last = t0 + (lockout::ACCOUNT_FREE - 1) * 1000;
    let stranger = Source {
        ip: "10.9.9.9",
        device: None,
    };
    // Within the delay after the last checked attempt: refused until the delay is over.
    assert_eq!(
        lockout::begin(store, &keys, "anna", &stranger, last + 100)
            .await
            .unwrap(),
        Gate::Refused {
            retry_after_ms: lockout::account_delay(lockout::ACCOUNT_FREE) - 100
        }
    );
    // A known device is not slowed.
    let home = Source {
        ip: "10.9.9.8",
        device: Some("device-signature"),
    };
    assert!(matches!(
        lockout::begin(store, &keys, "anna", &home, last + 150)
            .await
            .unwrap(),
        Gate::Check(_)
    ));
    // After the delay: checked again.
    let later = last + 150 + lockout::account_delay(lockout::ACCOUNT_FREE) + 1;
    assert!(matches!(
        lockout::begin(store, &keys, "anna", &stranger, later)
            .await
            .unwrap(),
        Gate::Check(_)
    ));
    // `zapis unlock` forgets them all.
    assert!(lockout::unlock(store, "Anna").await.unwrap() >= 12);
    let ip = "10.0.0.1";
    let from = Source { ip, device: None };
    assert!(matches!(
        lockout::begin(store, &keys, "anna", &from, later + 1)
            .await
            .unwrap(),
        Gate::Check(_)
    ));
}

async fn client_addresses_are_kept_only_as_keyed_hashes(db: Db) {
    let app = spawn(db).await;
    let b = browser();
    submit_login(&app, &b, ANNA.0, "wrong").await;
    let addrs: Vec<String> = sqlx::query_scalar("SELECT addr FROM login_attempts")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(addrs.len(), 1);
    let unkeyed = zapis::util::crypto::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"127.0.0.1"));
    let old_style = zapis::util::crypto::hex(&<sha2::Sha256 as sha2::Digest>::digest(
        b"zapis-login-ip:127.0.0.1",
    ));
    assert!(!addrs[0].contains("127.0.0.1"));
    assert!(!unkeyed.starts_with(&addrs[0]) && !old_style.starts_with(&addrs[0]));
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM server_keys")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(keys, 1, "the server's key is in the database");
}

crate::on_both_databases!(
    sixty_parallel_wrong_passwords_are_checked_no_more_than_the_limit,
    an_owner_locked_out_by_strangers_still_signs_in_from_her_browser,
    a_slowed_account_takes_one_checked_attempt_per_delay,
    client_addresses_are_kept_only_as_keyed_hashes,
);
