//! Every text the widget shows, per language, in one place.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// `ru`, `ru-RU`, `en-GB`… → a language we have; anything else → Russian.
    pub fn pick(tag: Option<&str>) -> Lang {
        match tag.map(|t| t.trim().to_ascii_lowercase()) {
            Some(t) if t.starts_with("en") => Lang::En,
            _ => Lang::Ru,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

pub struct Texts {
    pub title: &'static str,
    pub close: &'static str,
    pub choose_service: &'static str,
    pub loading: &'static str,
}

pub static RU: Texts = Texts {
    title: "Онлайн-запись",
    close: "Закрыть",
    choose_service: "Выберите услугу",
    loading: "Загрузка…",
};

pub static EN: Texts = Texts {
    title: "Book online",
    close: "Close",
    choose_service: "Choose a service",
    loading: "Loading…",
};
