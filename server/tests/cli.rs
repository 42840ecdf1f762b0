//! The `zapis` binary's command line: the demo only when asked for, a bare `zapis` that says what
//! it needs, `--help`, and `zapis unlock`.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

fn zapis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zapis"));
    for v in [
        "ZAPIS_CONFIG",
        "ZAPIS_ADDR",
        "DATABASE_URL",
        "ZAPIS_PUBLIC_URL",
    ] {
        c.env_remove(v);
    }
    c.env("RUST_LOG", "warn");
    c
}

#[test]
fn a_bare_zapis_without_a_config_explains_what_it_needs_instead_of_running_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let out = zapis()
        .current_dir(tmp.path())
        // Whatever DATABASE_URL names is never touched without a config.
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/prod.db", tmp.path().display()),
        )
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bare zapis exits with status 2"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--config"), "names the config option: {err}");
    assert!(err.contains("zapis demo"), "names the demo command: {err}");
    assert!(out.stdout.is_empty(), "nothing served");
    assert!(
        !tmp.path().join("prod.db").exists(),
        "the database was not opened"
    );
}

#[test]
fn help_lists_every_command_and_unknown_arguments_are_refused() {
    let out = zapis().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "serve",
        "demo",
        "sandbox",
        "hash-password",
        "unlock",
        "--config",
        "ZAPIS_CONFIG",
    ] {
        assert!(help.contains(cmd), "--help mentions {cmd}: {help}");
    }
    let out = zapis().arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
}

#[test]
fn the_demo_runs_only_when_asked_for_and_never_on_the_database_url_of_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let demo_db = tmp.path().join("demo.db");
    let mut child = zapis()
        .current_dir(tmp.path())
        .args(["demo", "--database"])
        .arg(format!("sqlite://{}", demo_db.display()))
        .env("ZAPIS_ADDR", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/prod.db", tmp.path().display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Log lines share stdout; the two lines the demo prints follow each other.
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .skip_while(|l| !l.starts_with("zapis listening"));
    let first = lines.next().unwrap();
    let second = lines.next().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("zapis listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(second.contains("login demo, password demo"), "{second}");
    assert!(demo_db.exists(), "the demo's own database");
    assert!(
        !tmp.path().join("prod.db").exists(),
        "DATABASE_URL not used by the demo"
    );
}

#[tokio::test]
async fn zapis_unlock_clears_an_owners_failed_logins_at_once() {
    use zapis::auth::{
        keys::ServerKeys,
        lockout::{self, Gate, Source},
    };
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("zapis.db").display());
    let config = tmp.path().join("zapis.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\ndatabase_url = \"{url}\"\n\n[[sites]]\nkey = \"x\"\norigins = [\"http://x.test\"]\n\n\
             [[owners]]\nlogin = \"anna\"\npassword_hash = \"{}\"\nsites = [\"x\"]\n",
            zapis::config::DEMO_PASSWORD_HASH
        ),
    )
    .unwrap();
    let store = zapis::store::Store::open(&url).await.unwrap();
    let keys = ServerKeys::load(&store).await.unwrap();
    let from = Source {
        ip: "10.1.1.1",
        device: None,
    };
    let now = zapis::util::clock::now_ms();
    for _ in 0..lockout::PAIR_MAX {
        let Gate::Check(a) = lockout::begin(&store, &keys, "anna", &from, now)
            .await
            .unwrap()
        else {
            panic!("checked");
        };
        lockout::failed(&store, a).await.unwrap();
    }
    assert!(matches!(
        lockout::begin(&store, &keys, "anna", &from, now)
            .await
            .unwrap(),
        Gate::Refused { .. }
    ));

    let out = zapis()
        .arg("--config")
        .arg(&config)
        .args(["unlock", "anna"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("anna: 6 failed attempt(s) cleared"));
    assert!(matches!(
        lockout::begin(&store, &keys, "anna", &from, now)
            .await
            .unwrap(),
        Gate::Check(_)
    ));
    store.close().await;
}

#[test]
fn owners_without_an_https_public_url_are_warned_about_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("zapis.toml");
    let write = |public_url: &str| {
        std::fs::write(
            &config,
            format!(
                "[server]\naddr = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{}\"\n{public_url}\n\n\
                 [[sites]]\nkey = \"x\"\norigins = [\"http://x.test\"]\n\n\
                 [[owners]]\nlogin = \"anna\"\npassword_hash = \"{}\"\nsites = [\"x\"]\n",
                tmp.path().join("zapis.db").display(),
                zapis::config::DEMO_PASSWORD_HASH
            ),
        )
        .unwrap()
    };
    // What the server logs before it says where it listens.
    let start_log = || {
        let mut child = zapis()
            .arg("--config")
            .arg(&config)
            .current_dir(tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut log = Vec::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            if line.starts_with("zapis listening") {
                break;
            }
            log.push(line);
        }
        let _ = child.kill();
        let _ = child.wait();
        log.join("\n")
    };
    write("");
    assert!(start_log().contains("public_url is not https"));
    write("public_url = \"https://book.example.com\"");
    assert!(!start_log().contains("public_url is not https"));
}
