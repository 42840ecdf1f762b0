use super::*;
use crate::imports::source::parse;

fn sheet() -> Table {
    parse(
        "Имя;Телефон;Услуга;Когда;Почта\n\
         Анна;+7 (916) 123-45-67;Стрижка;11.03.2025 12:00;a@example.ru\n\
         Ольга;8 (916) 12;Маникюр;завтра;\n\
         Пётр;8 916 765 43 21;Стрижка, Укладка;45727.5;\n"
            .as_bytes(),
    )
    .unwrap()
}

fn booking_mapping() -> Mapping {
    let col = |c: &str| FieldSource::Column { column: c.into() };
    let mut fields = BTreeMap::from([
        ("name".to_owned(), col("Имя")),
        ("phone".to_owned(), col("Телефон")),
        ("datetime".to_owned(), col("Когда")),
        ("email".to_owned(), col("Почта")),
        (
            "master".to_owned(),
            FieldSource::Text {
                text: "2900101".into(),
            },
        ),
    ]);
    fields.insert(
        "services".into(),
        FieldSource::Map {
            column: "Услуга".into(),
            values: BTreeMap::from([
                ("Стрижка".into(), "9100101".into()),
                ("Укладка".into(), "9100102".into()),
            ]),
        },
    );
    Mapping {
        fields,
        ..Mapping::default()
    }
}

#[test]
fn a_row_maps_to_the_booking_it_sends() {
    let t = sheet();
    let p = apply(
        Action::Booking,
        &booking_mapping(),
        &t,
        &t.rows[0],
        Some(410201),
    )
    .unwrap();
    assert_eq!(
        p,
        Payload::Booking {
            company: 410201,
            staff: 2900101,
            services: vec![9100101],
            datetime: "2025-03-11 12:00:00".into(),
            name: "Анна".into(),
            phone: "79161234567".into(),
            email: "a@example.ru".into(),
            comment: String::new(),
            save_if_busy: false,
        }
    );
}

#[test]
fn a_bad_row_lists_every_problem_with_its_row_number_in_both_languages() {
    let t = sheet();
    let errors = apply(
        Action::Booking,
        &booking_mapping(),
        &t,
        &t.rows[1],
        Some(410201),
    )
    .unwrap_err();
    let en: Vec<&str> = errors.iter().map(|e| e.en.as_str()).collect();
    assert_eq!(
        en,
        [
            "row 3: 'Маникюр' is not in the value map of column \"Услуга\"",
            "row 3: phone '8 (916) 12' is not a number",
            "row 3: 'завтра' is not a date and time (DD.MM.YYYY HH:MM)",
        ]
    );
    assert_eq!(errors[1].ru, "строка 3: телефон «8 (916) 12» — не номер");
}

#[test]
fn excel_serial_dates_lists_of_services_and_eights_are_understood() {
    let t = sheet();
    let Payload::Booking {
        services,
        datetime,
        phone,
        ..
    } = apply(
        Action::Booking,
        &booking_mapping(),
        &t,
        &t.rows[2],
        Some(410201),
    )
    .unwrap()
    else {
        panic!("a booking")
    };
    assert_eq!(services, [9100101, 9100102]);
    assert_eq!(datetime, "2025-03-11 12:00:00");
    assert_eq!(phone, "79167654321");
}

#[test]
fn a_mapping_without_a_required_field_or_with_a_missing_column_is_refused() {
    let t = sheet();
    let mut m = booking_mapping();
    m.fields.remove("phone");
    m.fields.insert(
        "comment".into(),
        FieldSource::Column {
            column: "Нет такого".into(),
        },
    );
    let errors = check(Action::Booking, &m, &t, Some(410201));
    let en: Vec<&str> = errors.iter().map(|e| e.en.as_str()).collect();
    assert_eq!(
        en,
        [
            "The field \"Phone\" is required: pick a column or type a value.",
            "The field \"Comment\": the sheet has no column \"Нет такого\".",
        ]
    );
    assert!(check(Action::Booking, &booking_mapping(), &t, Some(410201)).is_empty());
    assert_eq!(
        check(Action::Booking, &booking_mapping(), &t, None).len(),
        1,
        "branch needed on a chain"
    );
}

#[test]
fn a_client_row_gets_its_birthday_as_yclients_writes_it() {
    let t = parse("name;phone;born\nИра;79031234567;14.02.1990\n".as_bytes()).unwrap();
    let col = |c: &str| FieldSource::Column { column: c.into() };
    let m = Mapping {
        fields: BTreeMap::from([
            ("name".into(), col("name")),
            ("phone".into(), col("phone")),
            ("birthday".into(), col("born")),
        ]),
        ..Mapping::default()
    };
    let Payload::Client { birthday, .. } =
        apply(Action::Client, &m, &t, &t.rows[0], Some(1)).unwrap()
    else {
        panic!("a client")
    };
    assert_eq!(birthday, "14-02-1990");
}
