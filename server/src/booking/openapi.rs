//! The error answers the widget API documents: each status with the codes it carries and the body
//! [`protocol::ErrorBody`], for a handler's `responses(...)`.

use std::collections::BTreeMap;

use utoipa::{
    IntoResponses,
    openapi::{
        ContentBuilder, Ref, RefOr,
        response::{Response, ResponseBuilder},
    },
};

/// Error answers, each status with the codes it carries and the body [`protocol::ErrorBody`].
pub(crate) fn errors(list: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    let body = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build()
    };
    list.iter()
        .map(|(status, description)| {
            (
                status.to_string(),
                ResponseBuilder::new()
                    .description(*description)
                    .content("application/json", body())
                    .build()
                    .into(),
            )
        })
        .collect()
}

/// What every operation under `/api/v1/sites/{site}/…` that looks up the site (and branch) and
/// asks YCLIENTS may answer besides its own: in a handler's `responses(...)`.
pub struct LookupErrors;

impl IntoResponses for LookupErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            (
                403,
                "origin_not_allowed: the request comes from a page of another site",
            ),
            (
                404,
                "unknown_site, unknown_branch, booking_not_configured; not_found: a path segment that names nothing (`/branches/abc`), a master or service id not in the branch's lists, or YCLIENTS no longer has it",
            ),
            (
                429,
                "rate_limited: YCLIENTS asked to slow down, or this address made too many lookups the cache could not answer; try again in a minute",
            ),
            (503, "upstream_unavailable: YCLIENTS did not answer in time"),
        ])
    }
}

/// The reads with `services` (and `date`) in the query.
pub struct QueryErrors;

impl IntoResponses for QueryErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            (
                400,
                "bad_json: a query parameter this operation does not have, or `staff` not a number",
            ),
            (
                422,
                "invalid_field: `services` or `date` not as this document says (`field` names it)",
            ),
        ])
    }
}

/// The writes (JSON bodies, the site's own pages only), besides [`LookupErrors`]' 404 and 503.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            (400, "bad_json: the body is not this operation's JSON"),
            (
                403,
                "origin_not_allowed: no Origin, or another site's; blacklisted: YCLIENTS refuses this phone",
            ),
            (
                404,
                "unknown_site, unknown_branch, booking_not_configured; not_found: a path segment that names nothing",
            ),
            (413, "payload_too_large: a body over 64 KiB"),
            (
                415,
                "unsupported_media_type: the body is not application/json",
            ),
            (
                429,
                "rate_limited: too many attempts from this address, visitor or phone, or YCLIENTS asked to slow down",
            ),
            (503, "upstream_unavailable: YCLIENTS did not answer in time"),
        ])
    }
}
