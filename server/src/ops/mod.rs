//! What the operator needs: `/health`, `/metrics` (with the middleware that counts every
//! request) and the API document at `/api/openapi.json`.

pub mod headers;
pub mod http;
pub mod openapi;
pub mod retention;
