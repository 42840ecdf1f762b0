//! kill -9 in the middle of an import. The real `zapis` binary imports a 200-row sheet into a
//! YCLIENTS sandbox that lives in this test; while YCLIENTS holds the answer to a record it has
//! already made, the process is killed. Started again on the same SQLite file, the run resumes:
//! the row whose answer was lost is found by its `api_id`, not sent again, and every row ends
//! in YCLIENTS exactly once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, SaltString},
};
use yclients::sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

#[path = "common/zapis_process.rs"]
mod zapis_process;
use zapis_process::{Server, start};

const PASSWORD: &str = "owner-password-1";

fn config(dir: &std::path::Path, sandbox: &Sandbox) -> std::path::PathBuf {
    let params = Params::new(64, 1, 1, None).unwrap();
    let salt = SaltString::encode_b64(b"zapis-test-salt!").unwrap();
    let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let path = dir.join("zapis.toml");
    let text = format!(
        r#"
[server]
addr = "127.0.0.1:0"
database_url = "sqlite://{db}"
dist_dir = "{dist}"

[upstream]
timeout_ms = 30000
rate_budget = false

[reconciler]
interval_secs = 0

[[networks]]
name = "len"
base_url = "{base}"
partner_token_env = "CRASH_PARTNER_TOKEN"
user_token_env = "CRASH_USER_TOKEN"

[[sites]]
key = "demo"
origins = ["http://salon.test"]

[sites.yclients]
network = "len"
group_id = 120501

[[owners]]
login = "owner"
password_hash = "{hash}"
sites = ["demo"]
"#,
        db = dir.join("zapis.db").display(),
        dist = dir.join("dist").display(),
        base = sandbox.base_url(),
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

/// The owner's browser, logged in, and the session's CSRF token.
async fn log_in(server: &Server) -> (reqwest::Client, String) {
    let b = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = b
        .get(format!("{}/dashboard/login", server.base))
        .send()
        .await
        .unwrap();
    let token = csrf_of(&form.text().await.unwrap());
    let res = b
        .post(format!("{}/dashboard/login", server.base))
        .form(&[("login", "owner"), ("password", PASSWORD), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = b
        .get(format!("{}/dashboard/sites/demo/imports", server.base))
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    (b, csrf)
}

fn sheet(rows: usize) -> String {
    let mut csv = String::from("Заявка;Имя;Телефон;Когда\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "K-{i};Гость {i};+7 916 {:03} {:04};{:02}.02.2027 {:02}:{:02}\n",
            i / 1000,
            i % 10_000,
            1 + i % 28,
            9 + i % 10,
            i % 4 * 15
        ));
    }
    csv
}

fn booked(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for r in sandbox.records() {
        if r.api_id.starts_with("zi1-") {
            *seen.entry(r.api_id).or_insert(0) += 1;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_mid_call_resumes_and_sends_every_row_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let config = config(dir.path(), &sandbox);
    // Each record takes a moment, so the kill lands mid-run.
    sandbox
        .control()
        .inject(Fault::rate(1.0, FaultKind::Latency { ms: 15 }).on("create_record"));
    let first = start(&config, &sandbox);
    let (b, csrf) = log_in(&first).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("name", "Промо")
        .text("action", "booking")
        .part(
            "file",
            reqwest::multipart::Part::bytes(sheet(200).into_bytes()).file_name("promo.csv"),
        );
    let res = b
        .post(format!("{}/dashboard/sites/demo/imports", first.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let link = format!("{}/dashboard/sites/demo/imports/1", first.base);
    let mapping = [
        ("csrf", csrf.as_str()),
        ("key_column", "Заявка"),
        ("branch.text", "410201"),
        ("services.text", "9100101"),
        ("master.text", "2900101"),
        ("datetime.column", "Когда"),
        ("name.column", "Имя"),
        ("phone.column", "Телефон"),
        ("save_if_busy", "1"),
    ];
    let res = b
        .post(format!("{link}/mapping"))
        .form(&mapping)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let res = b
        .post(format!("{link}/run"))
        .form(&[("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // Some rows in, YCLIENTS makes the next record and keeps the answer; then SIGKILL.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sandbox.calls("create_record") < 60 {
        assert!(Instant::now() < deadline, "the import never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // (The first matching fault rule wins: the latency goes, the hang is the only rule.)
    sandbox.control().clear_faults();
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenHang).on("create_record"));
    let made = booked(&sandbox).len();
    while booked(&sandbox).len() <= made + 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before_kill = booked(&sandbox).len();
    drop(first);
    assert!(before_kill < 200, "killed mid-run ({before_kill} rows in)");

    let second = start(&config, &sandbox);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let seen = booked(&sandbox);
        if seen.len() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "resumed run stalled at {}",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the run finish and look: no row twice, the lost answer found by its api_id.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = booked(&sandbox);
    assert_eq!(seen.len(), 200);
    assert!(seen.values().all(|n| *n == 1), "a row sent twice: {seen:?}");
    let (b, _) = log_in(&second).await;
    let page = b
        .get(format!("{}/dashboard/sites/demo/imports/1", second.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("the answer to an earlier try was lost")
            || page.contains("ответ на прошлую попытку потерялся"),
        "{page}"
    );
}
