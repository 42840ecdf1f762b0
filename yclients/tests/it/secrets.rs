//! Tokens never show up in Debug output, error messages or logs.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use yclients::Client;
use yclients::model::RecordsQuery;
use yclients::sandbox::{Fault, FaultKind};

use crate::common::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_client_debug_output_shows_neither_token() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let shown = format!("{client:?} {client:#?}");
    assert!(shown.contains(&sandbox.base_url()));
    for token in [sandbox.partner_token(), sandbox.user_token()] {
        assert!(!shown.contains(&token), "{shown}");
    }
}

#[tokio::test]
async fn errors_of_every_kind_leave_the_tokens_out() {
    let sandbox = quiet_sandbox().await;
    let partner = sandbox.partner_token();
    let user = sandbox.user_token();
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Hang).on("records"));
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Drop).on("record"));
    let client = Client::builder(partner.as_str())
        .base_url(sandbox.base_url())
        .user_token(user.as_str())
        .timeout(Duration::from_millis(300))
        .retry(yclients::RetryPolicy {
            max_attempts: 1,
            ..fast_retry()
        })
        .rate_limit(None)
        .build()
        .unwrap();
    let stranger = client.with_user_token("x").partner_only();
    let errors = vec![
        client
            .records(MOSCOW, &RecordsQuery::default())
            .await
            .unwrap_err(),
        client.record(MOSCOW, 1).await.unwrap_err(),
        client
            .with_user_token("wrong-user")
            .records(MOSCOW, &RecordsQuery::default())
            .await
            .unwrap_err(),
        stranger.record(MOSCOW, 1).await.unwrap_err(),
        Client::builder(partner.as_str())
            .base_url("http://127.0.0.1:9")
            .rate_limit(None)
            .build()
            .unwrap()
            .company(1)
            .await
            .unwrap_err(),
        Client::builder(partner.as_str())
            .base_url("not a url")
            .build()
            .unwrap_err(),
    ];
    for err in errors {
        let shown = format!("{err} | {err:?}");
        assert!(
            !shown.contains(&partner) && !shown.contains(&user),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn logs_of_calls_and_sms_codes_never_carry_tokens() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Another test's thread may have met a log call site for the first time while this
    // subscriber was being registered, and cached "nobody listens" for it: ask again.
    tracing::callsite::rebuild_interest_cache();
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    client
        .records(MOSCOW, &RecordsQuery::default())
        .await
        .unwrap();
    client.book_code(MOSCOW, PHONE, "Алиса").await.unwrap();
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Status { status: 503 }).on("company"));
    client.company(MOSCOW).await.unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("yclients call") && logs.contains("retrying"),
        "{logs}"
    );
    let code = sandbox.last_sms_code(PHONE).unwrap();
    assert!(
        logs.contains("sandbox SMS code") && logs.contains(&code),
        "the demo log shows the SMS code"
    );
    assert!(
        !logs.contains(&sandbox.partner_token()) && !logs.contains(&sandbox.user_token()),
        "{logs}"
    );
}
