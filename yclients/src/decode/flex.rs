//! Tolerant field decoders for what YCLIENTS really sends: numbers as strings, booleans as
//! `"0"`/`1`, objects as `[]` when empty, dates as strings or unix seconds.
//!
//! Use with `#[serde(deserialize_with = "…")]` on a `#[serde(default)]` struct.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

fn value<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Value::deserialize(d)
}

/// A number out of a JSON number or a numeric string; `None` for null, `""` or absent.
pub(crate) fn number_of(v: &Value) -> Result<Option<f64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(f64::from(u8::from(*b)))),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("not a number: {s:?}")),
        other => Err(format!("expected a number, got {other}")),
    }
}

fn integer_of(v: &Value) -> Result<Option<i64>, String> {
    if let Value::Number(n) = v
        && let Some(i) = n.as_i64()
    {
        return Ok(Some(i));
    }
    match number_of(v)? {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Some(f) => Err(format!("expected an integer, got {f}")),
    }
}

/// An integer (any width) from a number or a string; null/`""` → 0.
pub fn int<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + Default,
{
    opt_int(d).map(Option::unwrap_or_default)
}

/// An optional integer from a number or a string; null/`""` → `None`.
pub fn opt_int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    match integer_of(&value(d)?).map_err(D::Error::custom)? {
        None => Ok(None),
        Some(i) => T::try_from(i)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("integer out of range: {i}"))),
    }
}

/// A float from a number or a string (`"1000.00"`); null/`""` → 0.
pub fn num<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    number_of(&value(d)?)
        .map(Option::unwrap_or_default)
        .map_err(D::Error::custom)
}

/// A boolean from `true`/`false`, `0`/`1`, `"0"`/`"1"`, `"true"`/`"false"`; null → false.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match value(d)? {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        other => number_of(&other)
            .map(|n| n.unwrap_or_default() != 0.0)
            .map_err(D::Error::custom),
    }
}

/// A string from a string or a number; null → `""`. A whole number sent as a float
/// (`26285.0`, as clients generated from an OpenAPI `number` send it) reads as the integer's
/// text (`"26285"`).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match value(d)? {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(number_text(&n)),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(D::Error::custom(format!("expected a string, got {other}"))),
    }
}

/// A JSON number as text, whole floats without their `.0`.
fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if !n.is_i64() && !n.is_u64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
            format!("{}", f as i64)
        }
        _ => n.to_string(),
    }
}

fn date_of(v: &Value) -> Result<Option<Date>, String> {
    match v {
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => {
            let day = s.get(..10).unwrap_or(s);
            day.parse::<Date>()
                .map(Some)
                .map_err(|e| format!("bad date {s:?}: {e}"))
        }
        Value::Number(_) => match integer_of(v)? {
            Some(secs) => jiff::Timestamp::from_second(secs)
                .map(|t| Some(t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()))
                .map_err(|e| e.to_string()),
            None => Ok(None),
        },
        Value::Null | Value::Bool(false) => Ok(None),
        other => Err(format!("expected a date, got {other}")),
    }
}

/// A date from `"YYYY-MM-DD"` (a longer date-time string is cut to its date) or unix seconds.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date_of(&value(d)?).map_err(D::Error::custom)
}

/// A list of dates in any of the forms [`opt_date`] accepts; `{}`/null → empty.
pub fn dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
    let items = match value(d)? {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        if let Some(date) = date_of(item).map_err(D::Error::custom)? {
            out.push(date);
        }
    }
    Ok(out)
}

/// `{"9": ["4", "5"], "10": [1]}` → month → days; `[]` → empty.
pub fn month_days<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u8, Vec<u8>>, D::Error> {
    let Value::Object(map) = value(d)? else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (month, days) in map {
        let month: u8 = month
            .trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("bad month {month:?}")))?;
        let days = match days {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        let mut parsed = Vec::with_capacity(days.len());
        for day in &days {
            let n = integer_of(day)
                .map_err(D::Error::custom)?
                .unwrap_or_default();
            parsed.push(u8::try_from(n).map_err(|_| D::Error::custom(format!("bad day {n}")))?);
        }
        out.insert(month, parsed);
    }
    Ok(out)
}

/// A JSON object, where PHP sends `[]` (or null) for an empty one.
pub fn object_map<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    match value(d)? {
        Value::Object(map) => Ok(map),
        Value::Array(items) if items.is_empty() => Ok(Map::new()),
        Value::Null => Ok(Map::new()),
        other => Err(D::Error::custom(format!("expected an object, got {other}"))),
    }
}

/// An optional nested object, where "none" is sent as `[]`, `{}`-less null, `""`, `0` or `false`.
pub fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match value(d)? {
        Value::Object(map) => serde_json::from_value(Value::Object(map))
            .map(Some)
            .map_err(D::Error::custom),
        _ => Ok(None),
    }
}

/// A list, where "none" is sent as null or `{}`.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match value(d)? {
        Value::Array(items) => {
            serde_json::from_value(Value::Array(items)).map_err(D::Error::custom)
        }
        Value::Object(map) => {
            serde_json::from_value(Value::Array(map.into_iter().map(|(_, v)| v).collect()))
                .map_err(D::Error::custom)
        }
        _ => Ok(Vec::new()),
    }
}

/// A list of integers sent as numbers or strings.
pub fn int_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let items = match value(d)? {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        if let Some(i) = integer_of(item).map_err(D::Error::custom)? {
            out.push(
                T::try_from(i)
                    .map_err(|_| D::Error::custom(format!("integer out of range: {i}")))?,
            );
        }
    }
    Ok(out)
}

/// An optional string from a string or a number; null/`""` → `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    text(d).map(|s| if s.is_empty() { None } else { Some(s) })
}

/// Serializes an empty map the PHP way, as `[]`.
pub fn ser_map<S: serde::Serializer>(map: &Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    if map.is_empty() {
        Vec::<Value>::new().serialize(s)
    } else {
        map.serialize(s)
    }
}

/// Serializes a flag the way the documented samples show it, as `1`/`0`.
pub fn ser_bool_int<S: serde::Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*v))
}

/// Serializes `None` the PHP way, as `[]`.
pub fn ser_opt<S: serde::Serializer, T: serde::Serialize>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    match v {
        Some(v) => v.serialize(s),
        None => Vec::<Value>::new().serialize(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "int")]
        id: u64,
        #[serde(deserialize_with = "boolean")]
        on: bool,
        #[serde(deserialize_with = "num")]
        price: f64,
        #[serde(deserialize_with = "opt_date")]
        day: Option<Date>,
        #[serde(deserialize_with = "object_map")]
        fields: Map<String, Value>,
    }

    #[test]
    fn php_flavoured_values_decode() {
        let p: Probe = serde_json::from_str(
            r#"{"id":"16","on":"1","price":"1000.00","day":1443139200,"fields":[]}"#,
        )
        .unwrap();
        assert_eq!((p.id, p.on, p.price), (16, true, 1000.0));
        assert_eq!(p.day, Some(jiff::civil::date(2015, 9, 25)));
        assert!(p.fields.is_empty());
        let p: Probe =
            serde_json::from_str(r#"{"id":16.0,"on":false,"price":null,"day":"2015-09-25"}"#)
                .unwrap();
        assert_eq!((p.id, p.on, p.price), (16, false, 0.0));
        assert!(serde_json::from_str::<Probe>(r#"{"id":"abc"}"#).is_err());
    }

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Texts {
        #[serde(deserialize_with = "text")]
        code: String,
        #[serde(deserialize_with = "opt_text")]
        api_id: Option<String>,
    }

    #[test]
    fn whole_numbers_sent_as_floats_read_as_the_integers_text() {
        let t: Texts = serde_json::from_str(r#"{"code":26285.0,"api_id":12345.0}"#).unwrap();
        assert_eq!(
            (t.code.as_str(), t.api_id.as_deref()),
            ("26285", Some("12345"))
        );
        let t: Texts = serde_json::from_str(r#"{"code":26285,"api_id":-7.0}"#).unwrap();
        assert_eq!(
            (t.code.as_str(), t.api_id.as_deref()),
            ("26285", Some("-7"))
        );
        let t: Texts = serde_json::from_str(r#"{"code":1.5,"api_id":"0042"}"#).unwrap();
        assert_eq!(
            (t.code.as_str(), t.api_id.as_deref()),
            ("1.5", Some("0042"))
        );
    }
}
