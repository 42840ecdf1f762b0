-- Issue #17: call tracking (numbers leased to visitors) and calls from the PBX.

-- The current holder of each pool number of a site. A lease is taken or renewed by a
-- compare-and-set on `hold_id`, so instances on one database never hand one number to two
-- visitors at once.
CREATE TABLE call_numbers (
    site        TEXT    NOT NULL,
    number      TEXT    NOT NULL,
    hold_id     TEXT    NOT NULL,
    vid         TEXT    NOT NULL,
    active_at   BIGINT  NOT NULL,
    PRIMARY KEY (site, number)
);

-- Every hold of a pool number, kept for matching a call to whoever held the number at its start:
-- held from `started` until `active_at` + the tail, or until `ended` when the number was taken
-- over earlier. `reused`: taken from a visitor still active (the pool was too small).
CREATE TABLE call_holds (
    id          TEXT    PRIMARY KEY,
    site        TEXT    NOT NULL,
    number      TEXT    NOT NULL,
    vid         TEXT    NOT NULL,
    started     BIGINT  NOT NULL,
    active_at   BIGINT  NOT NULL,
    ended       BIGINT,
    reused      BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX call_holds_by_number ON call_holds (site, number, started);
CREATE INDEX call_holds_by_time ON call_holds (site, started);

-- Calls from the PBX, one row per PBX call id however many notifications it sent.
-- Phones are digits only. Times in ms. kind: pool, static, default, unknown.
-- status: ringing, answered, missed.
CREATE TABLE calls (
    id              TEXT    PRIMARY KEY,
    site            TEXT    NOT NULL,
    pbx_id          TEXT    NOT NULL,
    caller          TEXT    NOT NULL,
    called          TEXT    NOT NULL,
    sip             TEXT,
    started         BIGINT  NOT NULL,
    answered        BIGINT,
    finished        BIGINT,
    duration        BIGINT,
    status          TEXT    NOT NULL,
    recording       TEXT,
    kind            TEXT    NOT NULL,
    vid             TEXT,
    first_channel   TEXT,
    first_source    TEXT,
    first_medium    TEXT,
    first_campaign  TEXT,
    last_channel    TEXT,
    last_source     TEXT,
    last_medium     TEXT,
    last_campaign   TEXT,
    -- When the popup and the history went to YCLIENTS (claimed before sending: once).
    voip_event      BIGINT,
    voip_history    BIGINT,
    voip_error      TEXT,
    created         BIGINT  NOT NULL,
    updated         BIGINT  NOT NULL,
    UNIQUE (site, pbx_id)
);
CREATE INDEX calls_by_time ON calls (site, started);
CREATE INDEX calls_by_caller ON calls (site, caller, started);
CREATE INDEX calls_by_visitor ON calls (site, vid);
