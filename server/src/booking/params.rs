//! The widget API's paths and queries, parsed exactly as documented: an unknown parameter is a
//! 400, a malformed `services` or `date` a 422 naming the field.

use serde::{Deserialize, de::DeserializeOwned};
use utoipa::IntoParams;

use super::request::sorted;
use crate::error::{self, ApiError};

/// `{site}` of the site routes.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SitePath {
    /// Site key (the snippet's data-site)
    pub site: String,
}

/// `{site}` and `{branch}` of the branch routes.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct BranchPath {
    /// Site key (the snippet's data-site)
    pub site: String,
    /// Branch (YCLIENTS company) id
    pub branch: u64,
}

/// Each read's query, exactly as documented: another parameter is a 400, `services` and `date`
/// are checked by [`service_ids`] and [`day`] (422 naming the field, also when missing).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ServicesQuery {
    /// Only this master's services
    pub(super) staff: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct StaffQuery {
    /// Service ids, comma-separated (1 to 10)
    #[serde(default)]
    #[param(required = true, pattern = "^[0-9]{1,19}(,[0-9]{1,19}){0,9}$")]
    pub(super) services: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct DatesQuery {
    /// Service ids, comma-separated (1 to 10)
    #[serde(default)]
    #[param(required = true, pattern = "^[0-9]{1,19}(,[0-9]{1,19}){0,9}$")]
    pub(super) services: String,
    /// Master id; 0 or absent = any master
    pub(super) staff: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct TimesQuery {
    /// Service ids, comma-separated (1 to 10)
    #[serde(default)]
    #[param(required = true, pattern = "^[0-9]{1,19}(,[0-9]{1,19}){0,9}$")]
    pub(super) services: String,
    /// Master id; 0 or absent = any master
    pub(super) staff: Option<u64>,
    /// YYYY-MM-DD, branch-local
    #[serde(default)]
    #[param(required = true, format = Date)]
    pub(super) date: String,
}

pub(crate) fn query<T: DeserializeOwned>(raw: Option<String>) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).map_err(error::bad_json)
}

/// `services=1,2`: 1 to [`MAX_SERVICES`](crate::booking::request::MAX_SERVICES) ids of 1 to 19
/// digits (every such id fits a u64), comma-separated, nothing else: exactly what the
/// document's pattern `^[0-9]{1,19}(,[0-9]{1,19}){0,9}$` allows.
pub(super) fn service_ids(services: &str) -> Result<Vec<u64>, ApiError> {
    let bad = || {
        ApiError::invalid(
            "services",
            "Укажите услуги: services=1,2.",
            "Give the services as services=1,2.",
        )
    };
    let id = |s: &str| (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let ids: Vec<u64> = services
        .split(',')
        .map(|s| {
            if id(s) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        })
        .collect::<Result<_, _>>()?;
    if ids.len() > crate::booking::request::MAX_SERVICES {
        return Err(bad());
    }
    Ok(sorted(&ids))
}

/// `date=YYYY-MM-DD`, a real day: the document's `format: date` (RFC 3339 full-date), and
/// nothing else jiff would also read (a datetime, a week date).
pub(crate) fn day(date: &str) -> Result<jiff::civil::Date, ApiError> {
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped.then(|| date.parse().ok()).flatten().ok_or_else(|| {
        ApiError::invalid(
            "date",
            "Укажите дату: date=ГГГГ-ММ-ДД.",
            "Give the date as date=YYYY-MM-DD.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{day, service_ids};

    #[test]
    fn services_are_what_the_documents_pattern_allows_and_nothing_else() {
        assert_eq!(service_ids("9100101").unwrap(), vec![9100101]);
        assert_eq!(service_ids("2,1,2").unwrap(), vec![1, 2]);
        assert_eq!(
            service_ids(&["9999999999999999999"; 10].join(","))
                .unwrap()
                .len(),
            1
        );
        let twenty_digits = "12345678901234567890";
        for refused in [
            "",
            "1,",
            ",1",
            "1,,2",
            " 1",
            "+1",
            "-1",
            "1.0",
            "a",
            twenty_digits,
            &["1"; 11].join(","),
        ] {
            assert!(service_ids(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn a_date_is_an_rfc_3339_full_date_of_a_real_day() {
        assert!(day("2030-02-28").is_ok());
        assert!(day("2028-02-29").is_ok());
        for refused in [
            "",
            "2030-02-29",
            "2030-13-01",
            "2030-1-01",
            "20300101",
            "2030-01-01T00:00",
            "2030-W01-1",
            "+002030-01-01",
        ] {
            assert!(day(refused).is_err(), "{refused:?}");
        }
    }
}
