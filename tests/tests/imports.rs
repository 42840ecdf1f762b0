//! The owner's import in a real browser: a promo landing's sheet uploaded in the dashboard,
//! mapped to YCLIENTS' booking fields, its test data looked at (nothing written yet), run, the
//! progress bar followed until the run ends, the per-row log read — and YCLIENTS (the sandbox)
//! holds exactly one booking per valid row.

use e2e::{Browser, TestServer};
use fantoccini::Locator;

const ROWS: usize = 20;
/// Rows (1-based among the sign-ups) whose phone is not a number.
const BROKEN: [usize; 2] = [5, 12];

fn sheet() -> String {
    // As Excel saves a UTF-8 CSV: a byte-order mark, `;`, CRLF.
    let mut csv = String::from("\u{feff}Заявка;Имя;Телефон;Услуга;Когда\r\n");
    for i in 1..=ROWS {
        let phone = if BROKEN.contains(&i) {
            "8 (916) 12".to_owned()
        } else {
            format!("+7 (916) 700-{:02}-{:02}", i / 100, i % 100)
        };
        let (day, h) = (11 + i % 10, 10 + i % 8);
        csv.push_str(&format!(
            "P-{i};Гость {i};{phone};Стрижка;{day:02}.01.2027 {h:02}:00\r\n"
        ));
    }
    csv
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_uploads_a_sheet_maps_it_previews_runs_it_and_reads_each_rows_outcome()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("promo.csv");
    std::fs::write(&path, sheet())?;
    let sent = || {
        server
            .sandbox
            .records()
            .into_iter()
            .filter(|r| r.api_id.starts_with("zi"))
            .count()
    };

    let b = Browser::chromium(1280, 900).await?;
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for(
        "return location.pathname.startsWith('/dashboard/sites/')",
        15,
    )
    .await?;
    b.client
        .goto(&server.url("/dashboard/lang/ru?next=/dashboard/sites/demo/imports"))
        .await?;
    b.wait_for("return !!document.getElementById('new-link')", 10)
        .await?;

    // A new link: a name, "send bookings", the file.
    b.eval("document.getElementById('link-name').value = 'Промо-лендинг'; return 1;")
        .await?;
    b.client
        .find(Locator::Id("link-file"))
        .await?
        .send_keys(&path.to_string_lossy())
        .await?;
    b.eval("document.getElementById('create-link').click(); return 1;")
        .await?;
    b.wait_for("return !!document.getElementById('mapping')", 15)
        .await?;

    // The mapping: columns of the sheet, fixed text, and a value map for the service.
    b.client
        .execute(
            "const set = (id, v) => { document.getElementById(id).value = v; };
             set('key-column', 'Заявка'); set('branch-text', '410201');
             set('services-column', 'Услуга'); set('services-map', 'Стрижка = 9100101');
             set('master-text', '2900101'); set('datetime-column', 'Когда');
             set('name-column', 'Имя'); set('phone-column', 'Телефон');
             document.getElementById('save-if-busy').checked = true;
             document.getElementById('save-mapping').click(); return 1;",
            vec![],
        )
        .await?;

    // The test data: the first rows as they will be sent, the broken phone named; nothing sent.
    let preview = b
        .wait_for(
            "const t = document.getElementById('preview'); return t && t.tBodies[0] && t.tBodies[0].rows.length > 0 && t.innerText;",
            15,
        )
        .await?;
    let preview = preview.as_str().unwrap_or_default();
    assert!(
        preview.contains("8 (916) 12") && preview.contains("не номер"),
        "the preview names the broken phone: {preview}"
    );
    assert!(
        preview.contains("9100101"),
        "the service as its id: {preview}"
    );
    assert_eq!(sent(), 0, "a preview writes nothing");

    // Run now; the page follows the run (it reloads itself while the run goes).
    b.eval("document.getElementById('run').click(); return 1;")
        .await?;
    let done = b
        .wait_for(
            "const r = document.querySelector('#runs tbody tr'); return r && r.innerText.includes('завершён') && r.innerText;",
            90,
        )
        .await?;
    let bar = b
        .eval("const p = document.querySelector('#runs progress'); return [p.value, p.max];")
        .await?;
    assert_eq!(
        bar,
        serde_json::json!([ROWS, ROWS]),
        "the bar is full: {done}"
    );

    // The per-row log: every row with its outcome, the broken ones with their reason.
    let log = b
        .eval("const t = document.getElementById('row-log'); return t ? t.innerText : '';")
        .await?;
    let log = log.as_str().unwrap_or_default();
    let sent_rows = b
        .eval("return Array.from(document.querySelectorAll('#row-log tbody tr')).filter(r => r.cells[1].innerText.trim() == 'отправлена').length;")
        .await?;
    assert_eq!(sent_rows, serde_json::json!(ROWS - BROKEN.len()), "{log}");
    assert!(log.contains("не номер"), "{log}");
    assert_eq!(sent(), ROWS - BROKEN.len(), "one booking per valid row");

    // Run again: nothing is sent twice.
    b.eval("document.getElementById('run').click(); return 1;")
        .await?;
    b.wait_for(
        "const rs = document.querySelectorAll('#runs tbody tr'); return rs.length > 1 && rs[0].innerText.includes('завершён');",
        90,
    )
    .await?;
    assert_eq!(sent(), ROWS - BROKEN.len(), "the second run sent nothing");
    b.close().await;
    Ok(())
}
