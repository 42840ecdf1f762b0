-- Bookings: written before the visitor is answered. `id` is ours and is the YCLIENTS api_id.
CREATE TABLE bookings (
    id              TEXT    PRIMARY KEY,
    site            TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    -- pending: being booked; confirmed: record made; failed: refused (error holds why);
    -- unknown: the upstream outcome is not known yet (found by api_id later).
    state           TEXT    NOT NULL,
    company_id      BIGINT  NOT NULL,
    staff_id        BIGINT  NOT NULL,
    services        TEXT    NOT NULL,
    datetime        TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    email           TEXT,
    comment         TEXT,
    price_min       DOUBLE PRECISION NOT NULL DEFAULT 0,
    price_max       DOUBLE PRECISION NOT NULL DEFAULT 0,
    records         TEXT,
    result          TEXT,
    error           TEXT,
    vid             TEXT,
    sid             TEXT,
    first_channel   TEXT,
    first_source    TEXT,
    first_medium    TEXT,
    first_campaign  TEXT,
    first_touch     TEXT,
    last_channel    TEXT,
    last_source     TEXT,
    last_medium     TEXT,
    last_campaign   TEXT,
    last_touch      TEXT,
    created         BIGINT  NOT NULL,
    updated         BIGINT  NOT NULL,
    UNIQUE (site, idempotency_key)
);
CREATE INDEX bookings_by_site_time ON bookings (site, created);
CREATE INDEX bookings_by_visitor ON bookings (site, vid);
CREATE INDEX bookings_by_state ON bookings (state, updated);
