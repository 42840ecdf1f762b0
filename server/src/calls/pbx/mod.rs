//! PBX notifications → [`CallEvent`]s, and how the events of one call merge ([`CallState`]).
//! Three shapes: zapis' generic JSON ([`generic`]), UIS/CoMagic notification templates
//! ([`uis`]) and onlinePBX webhooks ([`onlinepbx`]); JSON or form-encoded bodies. Which one is
//! named by `?format=` or recognised by its fields.

pub mod generic;
pub mod onlinepbx;
pub mod uis;

use serde_json::{Map, Value};

use super::{CallStatus, phone::digits};

/// One notification of one call, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    /// The PBX's call id: every notification of a call carries the same one.
    pub pbx_id: String,
    pub stage: Stage,
    /// The caller's phone, digits only.
    pub caller: Option<String>,
    /// The number dialled (digits), as the PBX saw it.
    pub called: Option<String>,
    /// The SIP extension (user) that took the call.
    pub sip: Option<String>,
    /// When this notification's moment happened, ms.
    pub at: i64,
    /// When the call started, if the notification says.
    pub started: Option<i64>,
    /// Talk time (answered) or total duration, seconds.
    pub duration: Option<i64>,
    /// The PBX says whether it was answered (end notifications).
    pub answered: Option<bool>,
    pub recording: Option<String>,
}

/// What a notification reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Started,
    Answered,
    Finished,
    /// The recording is ready (often after the call has ended).
    Recording,
}

/// Why a body is not a call notification (answered 400 with this text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not JSON or form data, or not an object.
    Shape(String),
    /// A field missing or unreadable.
    Field(&'static str),
    /// Something else than an incoming call (outgoing, internal): accepted and ignored.
    NotIncoming,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Shape(s) => write!(f, "not a notification: {s}"),
            Refused::Field(name) => write!(f, "field {name} is missing or unreadable"),
            Refused::NotIncoming => f.write_str("not an incoming call"),
        }
    }
}

/// The PBX formats zapis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Generic,
    Uis,
    OnlinePbx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "generic" => Some(Format::Generic),
            "uis" | "comagic" => Some(Format::Uis),
            "onlinepbx" => Some(Format::OnlinePbx),
            _ => None,
        }
    }

    /// Recognised by fields only one of them has.
    fn detect(m: &Map<String, Value>) -> Format {
        if m.contains_key("call_session_id") || m.contains_key("notification_mnemonic") {
            Format::Uis
        } else if m.contains_key("uuid") && !m.contains_key("call_id") {
            Format::OnlinePbx
        } else {
            Format::Generic
        }
    }
}

/// Decodes a body (JSON, else form-encoded) in `format` (or the one its fields say).
/// `zone` reads local times without an offset (UIS' `2026-12-06 10:00:00`).
pub fn decode(
    body: &[u8],
    format: Option<Format>,
    zone: &jiff::tz::TimeZone,
    now: i64,
) -> Result<CallEvent, Refused> {
    let map = fields(body)?;
    let format = format.unwrap_or_else(|| Format::detect(&map));
    let f = Fields {
        map: &map,
        zone,
        now,
    };
    match format {
        Format::Generic => generic::decode(&f),
        Format::Uis => uis::decode(&f),
        Format::OnlinePbx => onlinepbx::decode(&f),
    }
}

fn fields(body: &[u8]) -> Result<Map<String, Value>, Refused> {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return match v {
            Value::Object(m) => Ok(m),
            _ => Err(Refused::Shape("a JSON body must be an object".into())),
        };
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| Refused::Shape("neither JSON nor form data".into()))?;
    if pairs.is_empty() {
        return Err(Refused::Shape("empty body".into()));
    }
    Ok(pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect())
}

/// Lenient reads of a notification's fields: strings or numbers, as PBX templates send them.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    zone: &'a jiff::tz::TimeZone,
    now: i64,
}

impl Fields<'_> {
    /// The first present, non-empty field of `names` as text.
    pub fn text(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| match self.map.get(*n)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
    }

    pub fn int(&self, names: &[&str]) -> Option<i64> {
        let t = self.text(names)?;
        t.parse::<i64>()
            .ok()
            .or_else(|| t.parse::<f64>().ok().map(|f| f.round() as i64))
            .filter(|n| *n >= 0)
    }

    pub fn flag(&self, names: &[&str]) -> Option<bool> {
        match self.text(names)?.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => Some(true),
            "0" | "false" | "no" => Some(false),
            _ => None,
        }
    }

    /// A phone's digits; a field present but not a phone is refused.
    pub fn phone(&self, names: &[&str], field: &'static str) -> Result<Option<String>, Refused> {
        match self.text(names) {
            None => Ok(None),
            Some(t) => digits(&t).map(Some).ok_or(Refused::Field(field)),
        }
    }

    /// A time: ms or s since the epoch, RFC 3339, or a local `YYYY-MM-DD HH:MM:SS`.
    pub fn time(&self, names: &[&str], field: &'static str) -> Result<Option<i64>, Refused> {
        let Some(t) = self.text(names) else {
            return Ok(None);
        };
        parse_time(&t, self.zone)
            .map(Some)
            .ok_or(Refused::Field(field))
    }

    /// The moment of this notification: its own time field, else when it arrived.
    pub fn at(&self, names: &[&str], field: &'static str) -> Result<i64, Refused> {
        Ok(self.time(names, field)?.unwrap_or(self.now))
    }

    /// The call id (at most 128 characters).
    pub fn id(&self, names: &[&str], field: &'static str) -> Result<String, Refused> {
        self.text(names)
            .filter(|s| s.len() <= 128)
            .ok_or(Refused::Field(field))
    }

    /// A recording link: http(s) only.
    pub fn link(&self, names: &[&str]) -> Option<String> {
        self.text(names)
            .filter(|l| (l.starts_with("https://") || l.starts_with("http://")) && l.len() <= 2048)
    }
}

fn parse_time(t: &str, zone: &jiff::tz::TimeZone) -> Option<i64> {
    if let Ok(n) = t.parse::<i64>() {
        // Seconds until the year 5138; ms after.
        return Some(if n < 100_000_000_000 { n * 1000 } else { n });
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let local: jiff::civil::DateTime = t.replace('T', " ").parse().ok()?;
    local
        .to_zoned_datetime(zone.clone())
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// One call as the merge of its notifications, in any order and with repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallState {
    pub caller: String,
    pub called: String,
    pub sip: Option<String>,
    pub started: i64,
    pub answered: Option<i64>,
    pub finished: Option<i64>,
    pub duration: Option<i64>,
    pub status: CallStatus,
    pub recording: Option<String>,
}

impl CallState {
    pub fn new(e: &CallEvent) -> CallState {
        let mut s = CallState {
            caller: String::new(),
            called: String::new(),
            sip: None,
            started: e.started.unwrap_or(e.at),
            answered: None,
            finished: None,
            duration: None,
            status: CallStatus::Ringing,
            recording: None,
        };
        s.apply(e);
        s
    }

    /// Folds a notification in: the earliest start, the first answer, the end, the longest
    /// duration, the recording once known. Applying one twice changes nothing.
    pub fn apply(&mut self, e: &CallEvent) {
        if self.caller.is_empty()
            && let Some(c) = &e.caller
        {
            self.caller = c.clone();
        }
        if self.called.is_empty()
            && let Some(c) = &e.called
        {
            self.called = c.clone();
        }
        if e.sip.is_some() {
            self.sip = e.sip.clone();
        }
        let start = match e.stage {
            Stage::Started => Some(e.started.unwrap_or(e.at)),
            _ => e.started,
        };
        if let Some(s) = start {
            self.started = self.started.min(s);
        }
        let talked = e.answered == Some(true)
            || (e.answered.is_none() && e.stage == Stage::Finished && e.duration.unwrap_or(0) > 0);
        if e.stage == Stage::Answered || talked {
            // An end that says only how long they talked was answered that long before it.
            let at = match e.stage {
                Stage::Answered => e.at,
                _ => e.at - e.duration.unwrap_or(0).saturating_mul(1000),
            };
            self.answered = Some(self.answered.map_or(at, |a| a.min(at)));
        }
        if e.stage == Stage::Finished {
            self.finished = Some(self.finished.map_or(e.at, |f| f.max(e.at)));
        }
        if let Some(d) = e.duration {
            self.duration = Some(self.duration.map_or(d, |x| x.max(d)));
        }
        if e.recording.is_some() {
            self.recording = e.recording.clone();
        }
        self.status = if self.answered.is_some() {
            CallStatus::Answered
        } else if self.finished.is_some() {
            CallStatus::Missed
        } else {
            CallStatus::Ringing
        };
    }
}

#[cfg(test)]
mod tests;
