//! Run states, row outcomes and stored reasons in the owner's language.

use super::L;
use crate::imports::{mapping::Text, outcome};

pub fn state_word(l: L, state: &str) -> &'static str {
    match state {
        "queued" => l.t("в очереди", "queued"),
        "running" => l.t("выполняется", "running"),
        "done" => l.t("завершён", "done"),
        _ => l.t("ошибка", "failed"),
    }
}

pub fn outcome_word(l: L, o: &str) -> &'static str {
    match o {
        outcome::SENT => l.t("отправлена", "sent"),
        outcome::SKIPPED => l.t("пропущена", "skipped"),
        outcome::CHANGED => l.t("изменилась", "changed"),
        outcome::WAITING => l.t("ждёт повтора", "waiting to retry"),
        outcome::INVALID => l.t("ошибка в данных", "invalid"),
        _ => l.t("не отправлена", "failed"),
    }
}

pub fn cause_word(l: L, c: &str) -> &'static str {
    match c {
        "schedule" => l.t("по расписанию", "scheduled"),
        "after" => l.t("после другой связи", "after another link"),
        "retry" => l.t("повтор", "retry"),
        _ => l.t("вручную", "by hand"),
    }
}

pub fn status_word(l: L, s: Option<&str>) -> &'static str {
    match s {
        Some("sent") => l.t("уже отправлена", "already sent"),
        Some("failed") | Some("sending") => l.t("ждёт повтора", "waiting to retry"),
        Some("dismissed") => l.t("отклонена", "dismissed"),
        _ => "",
    }
}

/// A stored reason (`{"ru":…,"en":…}`) in the owner's language.
pub fn reason(l: L, raw: Option<&str>) -> String {
    raw.and_then(|r| serde_json::from_str::<Text>(r).ok())
        .map(|t| t.get(l.ru()).to_owned())
        .unwrap_or_default()
}
