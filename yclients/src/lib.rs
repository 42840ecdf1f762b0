//! YCLIENTS REST client and sandbox. See `../shared/yclients-api.md`.
