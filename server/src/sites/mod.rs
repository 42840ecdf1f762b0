//! The sites this server serves, looked up by key, with their allowed origins; [`http`] serves
//! each site's embed config.

pub mod http;
pub mod refused;
pub mod registry;

pub use refused::Refusals;
pub use registry::Sites;

use protocol::site::{EmbedConfig, FloatButtonMarkup, Theme};

use crate::{
    config::{FloatButton, FloatPosition, SiteSettings},
    util::html::esc,
};

impl SiteSettings {
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    pub fn embed_config(&self) -> EmbedConfig {
        EmbedConfig {
            site: self.key.clone(),
            consent: self.consent,
            honor_dnt: self.honor_dnt,
            allow_localhost: self.allow_localhost,
            allow_webdriver: self.allow_webdriver,
            lang: self.lang.clone(),
            theme: self.theme.clone(),
            float_button: self
                .float_button
                .as_ref()
                .map(|f| float_button(f, &self.theme)),
            goals: self.goals.clone(),
            modules: Default::default(),
        }
    }
}

/// The floating button's markup in both languages: fixed in a bottom corner above the page, in
/// the brand colour, a real `<button>` (keyboard and screen readers know it) that embed.js
/// treats like any `[data-zapis-book]` trigger. Owner-set labels and colour are escaped.
fn float_button(f: &FloatButton, theme: &Theme) -> FloatButtonMarkup {
    let side = match f.position {
        FloatPosition::Right => "right",
        FloatPosition::Left => "left",
    };
    let style = format!(
        "position:fixed;bottom:20px;{side}:20px;z-index:2147483000;padding:14px 22px;border:0;\
         border-radius:99px;color:#fff;background:{};font:600 16px system-ui,sans-serif;\
         cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)",
        theme.brand
    );
    let button = |label: &str, default: &str| {
        let label = if label.trim().is_empty() {
            default
        } else {
            label.trim()
        };
        format!(
            "<button type=\"button\" data-zapis-book=\"\" aria-haspopup=\"dialog\" style=\"{}\">{}</button>",
            esc(&style),
            esc(label)
        )
    };
    FloatButtonMarkup {
        ru: button(&f.label_ru, "Записаться"),
        en: button(&f.label_en, "Book now"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(position: FloatPosition, label_ru: &str, brand: &str) -> FloatButtonMarkup {
        let theme = Theme {
            brand: brand.into(),
            ..Theme::default()
        };
        float_button(
            &FloatButton {
                position,
                label_ru: label_ru.into(),
                label_en: String::new(),
            },
            &theme,
        )
    }

    #[test]
    fn the_float_button_has_default_labels_in_both_languages_and_sits_on_the_chosen_side() {
        let b = button(FloatPosition::Left, "  ", "#123456");
        assert!(b.ru.ends_with(">Записаться</button>"), "{}", b.ru);
        assert!(b.en.ends_with(">Book now</button>"), "{}", b.en);
        assert!(b.ru.contains("left:20px") && !b.ru.contains("right:20px"));
        assert!(b.ru.contains("background:#123456"));
        assert!(b.ru.starts_with("<button type=\"button\" data-zapis-book=\"\""));
    }

    #[test]
    fn an_owner_label_or_colour_cannot_inject_markup() {
        let b = button(
            FloatPosition::Right,
            "<img src=x onerror=alert(1)>",
            "red\"><script>alert(1)</script>",
        );
        assert!(
            !b.ru.contains("<img") && !b.ru.contains("<script"),
            "{}",
            b.ru
        );
        assert!(b.ru.contains("&lt;img src=x onerror=alert(1)&gt;</button>"));
        assert_eq!(
            b.ru.matches('<').count(),
            2,
            "only the button's own tags: {}",
            b.ru
        );
    }
}
