use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/imports/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

#[test]
fn an_excel_saved_csv_in_windows_1251_reads_with_its_semicolons_quotes_and_row_numbers() {
    let t = parse(&fixture("promo-excel-cp1251.csv")).unwrap();
    assert_eq!(
        t.headers,
        ["Имя", "Телефон", "Услуга", "Дата визита", "Комментарий"]
    );
    // The empty line 3 is dropped; the others keep their line numbers.
    let numbers: Vec<u32> = t.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [2, 4, 5]);
    assert_eq!(t.rows[0].cell(0), "Анна Смирнова");
    assert_eq!(t.rows[0].cell(4), "Хочу к Анне; можно утром");
    assert_eq!(t.column("телефон"), None, "Cyrillic is matched as written");
    assert_eq!(t.column("Телефон"), Some(1));
}

#[test]
fn utf8_with_and_without_a_bom_and_commas_or_tabs_read_alike() {
    let plain = "name,phone\nИрина,79161234567\n";
    let bom = [b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat();
    let tabs = plain.replace(',', "\t");
    for bytes in [plain.as_bytes().to_vec(), bom, tabs.into_bytes()] {
        let t = parse(&bytes).unwrap();
        assert_eq!(t.headers, ["name", "phone"]);
        assert_eq!(t.rows[0].cells, ["Ирина", "79161234567"]);
    }
}

#[test]
fn an_xlsx_with_numeric_dates_phones_and_empty_rows_reads_as_text() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd.mm.yyyy hh:mm");
    sheet.write_string(0, 0, "Имя").unwrap();
    sheet.write_string(0, 1, "Телефон").unwrap();
    sheet.write_string(0, 2, "Когда").unwrap();
    sheet.write_string(1, 0, "Анна").unwrap();
    sheet.write_number(1, 1, 79161234567.0).unwrap();
    let when = ExcelDateTime::parse_from_str("2025-03-11 12:00:00").unwrap();
    sheet
        .write_datetime_with_format(1, 2, &when, &date)
        .unwrap();
    // Row 3 is left empty; row 4 has a plain number where a date goes.
    sheet.write_string(3, 0, "Пётр").unwrap();
    sheet.write_string(3, 1, "+7 916 765-43-21").unwrap();
    sheet.write_number(3, 2, 45727.5).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let t = parse(&bytes).unwrap();
    assert_eq!(t.headers, ["Имя", "Телефон", "Когда"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        (t.rows[0].number, t.rows[0].cell(1), t.rows[0].cell(2)),
        (2, "79161234567", "45727.5")
    );
    assert_eq!((t.rows[1].number, t.rows[1].cell(2)), (4, "45727.5"));
}

#[test]
fn a_row_key_is_the_key_column_or_a_stable_hash_of_the_row() {
    let row = Row {
        number: 2,
        cells: vec!["A-17".into(), " Анна ".into()],
    };
    assert_eq!(row.key(Some(0)), "A-17");
    let same = Row {
        number: 9,
        cells: vec!["A-17".into(), "Анна".into()],
    };
    assert_eq!(row.key(None), same.key(None), "the number is not the key");
    assert_eq!(row.key(None).len(), 24);
}

#[test]
fn an_empty_file_is_refused_clearly() {
    assert_eq!(parse(b"\n;;\n"), Err(SourceError::Empty));
}
