//! A branch's time zone by the name a visitor knows: its city, in the genitive for
//! «по времени Екатеринбурга» and in English for "Yekaterinburg time". The widget, the cancel
//! page and the booking's answer say a time with it.

/// A time zone's city: in the genitive for "по времени …" and in English.
pub fn city(timezone: &str) -> (String, String) {
    let known = [
        ("Europe/Kaliningrad", "Калининграда", "Kaliningrad"),
        ("Europe/Moscow", "Москвы", "Moscow"),
        ("Europe/Samara", "Самары", "Samara"),
        ("Asia/Yekaterinburg", "Екатеринбурга", "Yekaterinburg"),
        ("Asia/Omsk", "Омска", "Omsk"),
        ("Asia/Novosibirsk", "Новосибирска", "Novosibirsk"),
        ("Asia/Krasnoyarsk", "Красноярска", "Krasnoyarsk"),
        ("Asia/Irkutsk", "Иркутска", "Irkutsk"),
        ("Asia/Yakutsk", "Якутска", "Yakutsk"),
        ("Asia/Vladivostok", "Владивостока", "Vladivostok"),
        ("Asia/Magadan", "Магадана", "Magadan"),
        ("Asia/Kamchatka", "Камчатки", "Kamchatka"),
    ];
    match known.iter().find(|(z, _, _)| *z == timezone) {
        Some((_, ru, en)) => ((*ru).to_owned(), (*en).to_owned()),
        None => {
            let name = timezone
                .rsplit('/')
                .next()
                .unwrap_or(timezone)
                .replace('_', " ");
            (format!("зоны {timezone}"), name)
        }
    }
}

/// «по времени Екатеринбурга» / "Yekaterinburg time": how a time at the branch is said.
pub fn time_of(timezone: &str) -> (String, String) {
    let (ru, en) = city(timezone);
    (format!("по времени {ru}"), format!("{en} time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_reads_as_its_city_and_an_unknown_one_as_its_last_part() {
        assert_eq!(
            time_of("Asia/Yekaterinburg"),
            (
                "по времени Екатеринбурга".into(),
                "Yekaterinburg time".into()
            )
        );
        assert_eq!(city("America/New_York").1, "New York");
        assert_eq!(time_of("Europe/Moscow").0, "по времени Москвы");
    }
}
