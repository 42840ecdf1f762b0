//! The events screens' own texts, per language. What they share with the booking flow (close,
//! back, retry, the contact form's labels and errors, the SMS step, the summary's row names,
//! calendar, cancel link, months and weekdays) comes from [`crate::i18n`].

use crate::i18n::Lang;

pub struct EventTexts {
    pub title: &'static str,
    pub schedule: &'static str,
    pub prev_week: &'static str,
    pub next_week: &'static str,
    pub filters: &'static str,
    pub category: &'static str,
    pub master: &'static str,
    pub all_categories: &'static str,
    pub all_masters: &'static str,
    pub no_events: &'static str,
    pub no_matches: &'static str,
    /// `5 мест`, `1 seat` (forms: one, few, many).
    pub seats_forms: [&'static str; 3],
    pub full: &'static str,
    pub full_next: &'static str,
    pub no_next: &'static str,
    pub sign_up: &'static str,
    pub seats_title: &'static str,
    pub seats_label: &'static str,
    pub fewer: &'static str,
    pub more: &'static str,
    pub seats_limit: &'static str,
    pub sum_event: &'static str,
    pub sum_seats: &'static str,
    pub sum_room: &'static str,
    pub submit: &'static str,
    pub confirm: &'static str,
    pub done_title: &'static str,
    pub cancel_link: &'static str,
    pub again: &'static str,
    pub per_seat: &'static str,
}

pub static RU: EventTexts = EventTexts {
    title: "Расписание занятий",
    schedule: "Выберите занятие",
    prev_week: "Предыдущая неделя",
    next_week: "Следующая неделя",
    filters: "Фильтры",
    category: "Направление",
    master: "Мастер",
    all_categories: "Все направления",
    all_masters: "Все мастера",
    no_events: "На эту неделю занятий нет. Посмотрите следующую.",
    no_matches: "Под выбранные фильтры на этой неделе ничего нет.",
    seats_forms: ["место", "места", "мест"],
    full: "Мест нет",
    full_next: "Следующее: ",
    no_next: "Смотреть следующую неделю",
    sign_up: "Записаться",
    seats_title: "Сколько человек?",
    seats_label: "Количество мест",
    fewer: "Меньше мест",
    more: "Больше мест",
    seats_limit: "Мест в одной записи: не больше ",
    sum_event: "Занятие",
    sum_seats: "Мест",
    sum_room: "Зал",
    submit: "Записаться",
    confirm: "Подтвердить запись",
    done_title: "Вы записаны!",
    cancel_link: "Посмотреть или отменить запись",
    again: "Записаться ещё",
    per_seat: " за место",
};

pub static EN: EventTexts = EventTexts {
    title: "Class schedule",
    schedule: "Choose a class",
    prev_week: "Previous week",
    next_week: "Next week",
    filters: "Filters",
    category: "Category",
    master: "Instructor",
    all_categories: "All categories",
    all_masters: "All instructors",
    no_events: "No classes this week. Try the next one.",
    no_matches: "Nothing this week matches the filters.",
    seats_forms: ["seat", "seats", "seats"],
    full: "Full",
    full_next: "Next one: ",
    no_next: "See next week",
    sign_up: "Sign up",
    seats_title: "How many people?",
    seats_label: "Number of seats",
    fewer: "Fewer seats",
    more: "More seats",
    seats_limit: "Seats in one sign-up: at most ",
    sum_event: "Class",
    sum_seats: "Seats",
    sum_room: "Room",
    submit: "Sign up",
    confirm: "Confirm sign-up",
    done_title: "You're signed up!",
    cancel_link: "See or cancel the sign-up",
    again: "Sign up again",
    per_seat: " per seat",
};

/// The events texts of `lang`.
pub fn et(lang: Lang) -> &'static EventTexts {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// `Осталось 5 мест` / `5 seats left`.
pub fn seats_left(lang: Lang, n: u32) -> String {
    let seats = crate::format::count(lang, u64::from(n), &et(lang).seats_forms);
    match lang {
        Lang::Ru => format!("Осталось {seats}"),
        Lang::En => format!("{seats} left"),
    }
}
