//! What a mapped row sends, and messages in both languages.

use serde::{Deserialize, Serialize};

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub ru: String,
    pub en: String,
}

impl Text {
    pub fn new(ru: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            ru: ru.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, ru: bool) -> &str {
        if ru { &self.ru } else { &self.en }
    }
}

/// What one row sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Payload {
    Booking {
        company: u64,
        staff: u64,
        services: Vec<u64>,
        /// Company-local `YYYY-MM-DD HH:MM:SS`.
        datetime: String,
        name: String,
        phone: String,
        email: String,
        comment: String,
        save_if_busy: bool,
    },
    Client {
        company: u64,
        name: String,
        phone: String,
        email: String,
        /// `DD-MM-YYYY` or empty.
        birthday: String,
        comment: String,
        categories: Vec<u64>,
    },
}

impl Payload {
    /// A digest of the content: tells a changed row from the one sent.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(&Sha256::digest(json)[..12])
    }

    /// The fields as the owner reads them, in order.
    pub fn shown(&self) -> Vec<(&'static str, String)> {
        let ids = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        match self {
            Payload::Booking {
                company,
                staff,
                services,
                datetime,
                name,
                phone,
                email,
                comment,
                ..
            } => vec![
                ("branch", company.to_string()),
                ("services", ids(services)),
                ("master", staff.to_string()),
                ("datetime", datetime.clone()),
                ("name", name.clone()),
                ("phone", phone.clone()),
                ("email", email.clone()),
                ("comment", comment.clone()),
            ],
            Payload::Client {
                company,
                name,
                phone,
                email,
                birthday,
                comment,
                categories,
            } => vec![
                ("branch", company.to_string()),
                ("name", name.clone()),
                ("phone", phone.clone()),
                ("email", email.clone()),
                ("birthday", birthday.clone()),
                ("comment", comment.clone()),
                ("categories", ids(categories)),
            ],
        }
    }
}
