-- Many instances on one database (DESIGN.md §10).
-- Named leases: one holder of a background job (reconciler, webhook processing) at a time, and
-- each instance's own liveness (`instance:<id>`). A lease not renewed by `until_ms` is free.
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    until_ms    BIGINT  NOT NULL
);
-- Hits of the limits every instance shares (SMS codes and bookings per address, visitor,
-- phone). `key` is a hash: no address or phone number is stored. `what` tells repeats of one
-- request (an Idempotency-Key's fingerprint) from new ones; 0 counts every hit.
CREATE TABLE limit_hits (
    scope       TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    what        BIGINT  NOT NULL,
    at_ms       BIGINT  NOT NULL
);
CREATE INDEX limit_hits_by_key ON limit_hits (scope, key, at_ms);
-- YCLIENTS calls sent by any instance, per upstream origin: the shared 5/s and 200/min budget.
CREATE TABLE upstream_calls (
    origin      TEXT    NOT NULL,
    at_ms       BIGINT  NOT NULL
);
CREATE INDEX upstream_calls_by_origin ON upstream_calls (origin, at_ms);
-- The instance running a booking's flow: when it is gone, the reconciler finishes the booking
-- at once instead of waiting for the flow's own deadline.
ALTER TABLE bookings ADD COLUMN instance TEXT;
