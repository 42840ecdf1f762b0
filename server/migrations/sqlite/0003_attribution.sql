-- Attribution: what became of each booking in YCLIENTS and what was paid (webhooks and the
-- reconciler), the dashboard's owners' sessions and login failures, and the erasure log.

-- Outcome in YCLIENTS: upcoming, came, no_show, cancelled_client, cancelled_salon, rescheduled.
ALTER TABLE bookings ADD COLUMN record_id BIGINT;
ALTER TABLE bookings ADD COLUMN outcome TEXT;
-- The visit time YCLIENTS has now (differs from `datetime` after a reschedule).
ALTER TABLE bookings ADD COLUMN visit_at TEXT;
-- Sum of the record's finance transactions (the `payments` rows).
ALTER TABLE bookings ADD COLUMN paid DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN paid_full BIGINT NOT NULL DEFAULT 0;
-- The record's price in YCLIENTS and who/what it holds, as the salon left it.
ALTER TABLE bookings ADD COLUMN cost DOUBLE PRECISION;
ALTER TABLE bookings ADD COLUMN staff_name TEXT;
ALTER TABLE bookings ADD COLUMN service_titles TEXT;
-- `last_change_date` of the record state applied last (ms), so an older delivery never wins.
ALTER TABLE bookings ADD COLUMN record_changed BIGINT NOT NULL DEFAULT 0;
-- Set when the client cancelled through us: a deletion then reads "cancelled by the client".
ALTER TABLE bookings ADD COLUMN client_cancelled BIGINT;
-- Set when the personal data was erased (the row stays, anonymous, for the aggregates).
ALTER TABLE bookings ADD COLUMN erased BIGINT;
CREATE INDEX bookings_by_record ON bookings (site, record_id);

-- Webhook deliveries: stored before the answer, processed after. The body is dropped once
-- processed; the digest stays so that a repeat of the same delivery changes nothing.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site        TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    received    BIGINT  NOT NULL,
    body        TEXT,
    state       TEXT    NOT NULL,
    processed   BIGINT,
    UNIQUE (site, digest)
);
CREATE INDEX webhook_deliveries_by_state ON webhook_deliveries (state, id);

-- Finance transactions of our bookings' records (id = YCLIENTS transaction id).
CREATE TABLE payments (
    site        TEXT    NOT NULL,
    id          BIGINT  NOT NULL,
    booking_id  TEXT    NOT NULL,
    record_id   BIGINT  NOT NULL,
    amount      DOUBLE PRECISION NOT NULL,
    paid_at     TEXT,
    PRIMARY KEY (site, id)
);
CREATE INDEX payments_by_booking ON payments (booking_id);

-- The reconciler's `changed_after` position per branch (ms).
CREATE TABLE sync_cursors (
    site        TEXT    NOT NULL,
    company_id  BIGINT  NOT NULL,
    cursor_ms   BIGINT  NOT NULL,
    PRIMARY KEY (site, company_id)
);

-- Dashboard sessions: the cookie's token is stored only as its SHA-256.
CREATE TABLE owner_sessions (
    token_hash  TEXT    PRIMARY KEY,
    login       TEXT    NOT NULL,
    csrf        TEXT    NOT NULL,
    created     BIGINT  NOT NULL,
    expires     BIGINT  NOT NULL
);

-- Failed logins per account and per (hashed) IP, for the lock-out.
CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scope       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (scope, subject, at);

-- Who erased what and when; counts only, never the personal data itself.
CREATE TABLE erasures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    site        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    bookings    BIGINT  NOT NULL,
    visitors    BIGINT  NOT NULL,
    sessions    BIGINT  NOT NULL,
    events      BIGINT  NOT NULL
);
CREATE INDEX erasures_by_site ON erasures (site, at);
