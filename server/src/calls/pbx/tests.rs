//! The adapters on sample notifications written from the reference's field lists, and the merge
//! of one call's notifications in any order.

use super::*;

const NOW: i64 = 1_780_000_000_000;

fn moscow() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Moscow").unwrap()
}

fn dec(body: &str) -> Result<CallEvent, Refused> {
    decode(body.as_bytes(), None, &moscow(), NOW)
}

#[test]
fn a_generic_notification_is_read_with_digits_only_phones() {
    let e = dec(
        r#"{"call_id":"c-1","event":"finished","caller":"+7 (916) 123-45-67",
        "called":"8 495 100-00-01","at":"2026-12-06T10:03:10Z","started_at":"2026-12-06T10:00:00Z",
        "duration":150,"answered":true,"recording_url":"https://pbx.example/rec/c-1.mp3"}"#,
    )
    .unwrap();
    assert_eq!(e.pbx_id, "c-1");
    assert_eq!(e.stage, Stage::Finished);
    assert_eq!(e.caller.as_deref(), Some("79161234567"));
    assert_eq!(e.called.as_deref(), Some("74951000001"));
    assert_eq!(e.duration, Some(150));
    assert_eq!(e.answered, Some(true));
    assert_eq!(
        e.started,
        Some(
            "2026-12-06T10:00:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond()
        )
    );
    assert_eq!(
        e.recording.as_deref(),
        Some("https://pbx.example/rec/c-1.mp3")
    );
}

#[test]
fn a_generic_notification_may_come_form_encoded_and_without_a_time() {
    let e = dec("call_id=c-2&event=started&caller=%2B79161234567&called=74951000001").unwrap();
    assert_eq!(e.stage, Stage::Started);
    assert_eq!(e.at, NOW);
    assert_eq!(e.caller.as_deref(), Some("79161234567"));
}

#[test]
fn bad_notifications_are_refused_with_the_field_named() {
    assert_eq!(
        dec(r#"{"event":"started"}"#),
        Err(Refused::Field("call_id"))
    );
    assert_eq!(
        dec(r#"{"call_id":"c","event":"exploded"}"#),
        Err(Refused::Field("event"))
    );
    assert_eq!(
        dec(r#"{"call_id":"c","event":"started","caller":"not a phone"}"#),
        Err(Refused::Field("caller"))
    );
    assert!(matches!(dec("[1,2]"), Err(Refused::Shape(_))));
    assert!(matches!(dec(""), Err(Refused::Shape(_))));
    assert_eq!(
        dec(r#"{"call_id":"c","event":"started","direction":"outgoing"}"#),
        Err(Refused::NotIncoming)
    );
    // A recording link that is not http(s) is dropped, never stored.
    let e = dec(r#"{"call_id":"c","event":"recording","recording_url":"javascript:alert(1)"}"#)
        .unwrap();
    assert_eq!(e.recording, None);
}

#[test]
fn uis_notifications_of_one_call_are_read_in_the_sites_zone() {
    let start = dec(r#"{"notification_mnemonic":"incoming_call_virtual_number",
        "notification_name":"Входящий звонок на виртуальный номер","call_session_id":"3421345678",
        "virtual_phone_number":"74951000001","contact_phone_number":"79161234567",
        "notification_time":"2026-12-06 13:00:00","scenario_name":"Салон"}"#)
    .unwrap();
    assert_eq!(start.stage, Stage::Started);
    assert_eq!(start.pbx_id, "3421345678");
    assert_eq!(start.called.as_deref(), Some("74951000001"));
    // 13:00 in Moscow is 10:00 UTC.
    assert_eq!(
        start.at,
        "2026-12-06T10:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond()
    );
    let end = dec(
        r#"{"notification_mnemonic":"call_finished","call_session_id":3421345678,
        "virtual_phone_number":"74951000001","contact_phone_number":"79161234567",
        "notification_time":"2026-12-06 13:03:00","talk_duration":"140","is_lost":"false",
        "employee_sip":"101","file_link":"https://app.uiscom.ru/rec/3421345678.mp3"}"#,
    )
    .unwrap();
    assert_eq!(end.stage, Stage::Finished);
    assert_eq!(end.pbx_id, "3421345678");
    assert_eq!(end.duration, Some(140));
    assert_eq!(end.answered, Some(true));
    assert_eq!(end.sip.as_deref(), Some("101"));
    let lost = dec(
        r#"{"notification_mnemonic":"lost_call","call_session_id":"9",
        "contact_phone_number":"79161234567","is_lost":true}"#,
    )
    .unwrap();
    assert_eq!((lost.stage, lost.answered), (Stage::Finished, Some(false)));
}

#[test]
fn onlinepbx_webhooks_are_read_and_outbound_calls_ignored() {
    let end = dec(
        r#"{"event":"call_end","uuid":"1b2c-33","caller_id_number":"79161234567",
        "destination_number":"74951000001","start_stamp":1780000000,"duration":95,
        "user_talk_time":80,"hangup_cause":"NORMAL_CLEARING","accountcode":"inbound"}"#,
    )
    .unwrap();
    assert_eq!(end.stage, Stage::Finished);
    assert_eq!(end.started, Some(1_780_000_000_000));
    assert_eq!((end.duration, end.answered), (Some(80), Some(true)));
    let missed = dec(
        "uuid=9f&caller_id_number=89161234567&destination_number=74951000001\
        &start_stamp=1780000000&hangup_cause=NO_ANSWER&accountcode=inbound",
    )
    .unwrap();
    assert_eq!(missed.stage, Stage::Finished);
    assert_eq!(missed.answered, Some(false));
    assert_eq!(missed.caller.as_deref(), Some("79161234567"));
    let rec = dec(r#"{"event":"call_record","uuid":"1b2c-33",
        "download_url":"https://api.onlinepbx.ru/rec/1b2c-33.mp3"}"#)
    .unwrap();
    assert_eq!(rec.stage, Stage::Recording);
    assert_eq!(
        dec(r#"{"uuid":"x","accountcode":"outbound","caller_id_number":"101"}"#),
        Err(Refused::NotIncoming)
    );
}

fn ev(stage: Stage, at: i64) -> CallEvent {
    CallEvent {
        pbx_id: "c".into(),
        stage,
        caller: Some("79161234567".into()),
        called: Some("74951000001".into()),
        sip: None,
        at,
        started: None,
        duration: None,
        answered: None,
        recording: None,
    }
}

#[test]
fn notifications_out_of_order_and_repeated_merge_into_one_call() {
    let start = ev(Stage::Started, 1_000);
    let answer = ev(Stage::Answered, 5_000);
    let end = CallEvent {
        duration: Some(60),
        ..ev(Stage::Finished, 65_000)
    };
    let rec = CallEvent {
        caller: None,
        called: None,
        recording: Some("https://r/1.mp3".into()),
        ..ev(Stage::Recording, 90_000)
    };
    let orders = [
        vec![&start, &answer, &end, &rec],
        vec![&rec, &end, &answer, &start],
        vec![&end, &start, &start, &rec, &answer, &end],
    ];
    let mut results = orders.iter().map(|o| {
        let mut s = CallState::new(o[0]);
        o[1..].iter().for_each(|e| s.apply(e));
        s
    });
    let first = results.next().unwrap();
    assert_eq!(first.started, 1_000);
    assert_eq!(first.answered, Some(5_000));
    assert_eq!(first.finished, Some(65_000));
    assert_eq!(first.status, CallStatus::Answered);
    assert_eq!(first.recording.as_deref(), Some("https://r/1.mp3"));
    assert_eq!(first.caller, "79161234567");
    for other in results {
        assert_eq!(other, first);
    }
}

#[test]
fn a_call_that_ended_unanswered_is_missed_and_one_still_ringing_is_ringing() {
    let mut s = CallState::new(&ev(Stage::Started, 1_000));
    assert_eq!(s.status, CallStatus::Ringing);
    s.apply(&CallEvent {
        answered: Some(false),
        duration: Some(20),
        ..ev(Stage::Finished, 21_000)
    });
    assert_eq!(s.status, CallStatus::Missed);
    assert_eq!(s.answered, None);
}

/// A cheap fuzz in the unit tests (the cargo-fuzz target `pbx_webhook` runs the same decoders
/// longer): the samples above with bytes flipped, cut and repeated decode or refuse, never
/// panic, and what decodes keeps phones as digits and links as http(s).
#[test]
fn mangled_notifications_never_panic_and_decode_only_to_clean_events() {
    let samples: [&[u8]; 3] = [
        br#"{"call_id":"c-1","event":"finished","caller":"+7 (916) 123-45-67","called":"8 495 100-00-01","at":"2026-12-06T10:03:10Z","duration":150,"answered":true,"recording_url":"https://pbx.example/r.mp3"}"#,
        br#"{"notification_mnemonic":"call_finished","call_session_id":34,"virtual_phone_number":"74951000001","contact_phone_number":"79161234567","notification_time":"2026-12-06 13:03:00","talk_duration":"140","is_lost":"false"}"#,
        b"uuid=9f&caller_id_number=89161234567&destination_number=74951000001&start_stamp=1780000000&hangup_cause=NO_ANSWER&accountcode=inbound",
    ];
    let zone = moscow();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut decoded = 0;
    for round in 0..20_000 {
        let mut body = samples[round % samples.len()].to_vec();
        for _ in 0..(rand() % 4) {
            let at = (rand() as usize) % body.len().max(1);
            match rand() % 3 {
                0 if !body.is_empty() => body[at] = rand() as u8,
                1 => body.truncate(at),
                _ => body.insert(at, b"0123456789+-() \"{}[],:=&%"[(rand() % 25) as usize]),
            }
        }
        let format = [
            None,
            Some(Format::Generic),
            Some(Format::Uis),
            Some(Format::OnlinePbx),
        ][(rand() % 4) as usize];
        if let Ok(e) = decode(&body, format, &zone, NOW) {
            decoded += 1;
            for p in [&e.caller, &e.called].into_iter().flatten() {
                assert!(p.bytes().all(|b| b.is_ascii_digit()) && (10..=15).contains(&p.len()));
            }
            assert!(e.recording.as_ref().is_none_or(|r| r.starts_with("http")));
            let mut s = CallState::new(&e);
            let before = s.clone();
            s.apply(&e);
            assert_eq!(s, before, "an event applied twice changes nothing");
        }
    }
    assert!(
        decoded > 1000,
        "the mangling keeps some inputs readable: {decoded}"
    );
}
