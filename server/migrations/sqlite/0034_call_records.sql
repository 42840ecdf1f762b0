-- Issue #17: what followed a call. A record the salon made in YCLIENTS (not a zapis booking)
-- for a phone that called the site shortly before joins that call: its visit, cost, payments
-- and state, kept as YCLIENTS last showed them (read back, absolute; repeats change nothing).
-- Phones are digits only. Times in ms. state: booked, came, no_show, paid, cancelled.
CREATE TABLE call_records (
    site        TEXT    NOT NULL,
    record_id   BIGINT  NOT NULL,
    company_id  BIGINT  NOT NULL,
    call_id     TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    created     BIGINT  NOT NULL,
    visit_at    TEXT    NOT NULL,
    amount      DOUBLE PRECISION NOT NULL DEFAULT 0,
    paid        DOUBLE PRECISION NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL,
    changed     BIGINT  NOT NULL,
    updated     BIGINT  NOT NULL,
    PRIMARY KEY (site, record_id)
);
CREATE INDEX call_records_by_call ON call_records (call_id);

-- The touch the page sent with its number ask ({"first": …, "last": …}, classified): what a
-- call is attributed to when the visitor's first beacon had not reached the server yet.
ALTER TABLE call_holds ADD COLUMN page_touch TEXT;
