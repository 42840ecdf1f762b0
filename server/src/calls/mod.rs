//! Calls as leads. A page of a site with `[sites.calls]` asks which number to show
//! (`GET /api/v1/sites/{site}/number`): a static number when the visitor's touch matches a rule,
//! else a number of the dynamic pool leased to the visitor ([`pool`]; held while they are active
//! plus a tail, renewed by each ask), else the default number — always in the default number's
//! format. The PBX posts each call's notifications to `/hooks/pbx/{site}/{secret}` ([`pbx`]
//! decodes the generic, UIS and onlinePBX shapes); they merge into one call per PBX call id
//! whatever their order. The first notification matches the call ([`matching`]): to the
//! visitor holding the pool number at the call's start, to a static number's source, or
//! unknown. Then [`voip`] tells YCLIENTS: the popup when the call starts, the history entry
//! (duration, status, recording) when it has ended — each once, claimed in the database. A
//! record the salon then makes in YCLIENTS for the caller's phone joins the call ([`followed`]).

pub mod followed;
pub mod http;
pub mod matching;
pub mod page_touch;
pub mod pbx;
pub mod phone;
pub mod pool;
pub mod settings;
pub mod simulate;
pub mod voip;

use std::fmt;

pub use phone::{digits, format_like};
pub use settings::{CallSettings, StaticNumber, TouchFacts};

/// How the number a call reached was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberKind {
    /// A number of the dynamic pool: the call belongs to whoever held it.
    Pool,
    /// A number of a source rule.
    Static,
    /// The salon's default number.
    Default,
    /// A number zapis does not know.
    Unknown,
}

/// Where a call is: ringing (started, not answered yet), answered, missed (ended unanswered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallStatus {
    Ringing,
    Answered,
    Missed,
}

macro_rules! text_enum {
    ($t:ty { $($v:ident = $s:literal),* }) => {
        impl $t {
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
        }
        impl std::str::FromStr for $t {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s { $($s => Ok(Self::$v),)* _ => Err(UnknownValue(s.to_owned())) }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(NumberKind { Pool = "pool", Static = "static", Default = "default", Unknown = "unknown" });
text_enum!(CallStatus { Ringing = "ringing", Answered = "answered", Missed = "missed" });

/// A stored value that names no variant.
#[derive(Debug)]
pub struct UnknownValue(pub String);

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown value {}", self.0)
    }
}

impl std::error::Error for UnknownValue {}

/// The number to show and what it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Shown {
    /// As the page shows it, in the default number's format.
    pub number: String,
    /// For `tel:` links: `+` and the digits.
    pub tel: String,
    /// `pool`, `static` or `default`.
    pub kind: String,
    /// Seconds the number is held after the last ask (pool numbers; 0 otherwise): the page asks
    /// again before then while the visitor is active.
    pub hold_secs: u64,
    /// The digits of the site's default number: the page's copies of it, in any format, show
    /// `number` instead.
    pub replaces: String,
}

impl Shown {
    pub fn new(settings: &CallSettings, digits: &str, kind: NumberKind) -> Shown {
        Shown {
            number: format_like(&settings.default_number, digits),
            tel: format!("+{digits}"),
            kind: kind.as_str().to_owned(),
            hold_secs: if kind == NumberKind::Pool {
                settings.tail_secs
            } else {
                0
            },
            replaces: phone::digits(&settings.default_number).unwrap_or_default(),
        }
    }
}
