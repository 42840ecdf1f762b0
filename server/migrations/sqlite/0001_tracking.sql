-- Visitors, their sessions (each with its touch) and events. Times are ms since the Unix epoch.
CREATE TABLE visitors (
    site        TEXT    NOT NULL,
    vid         TEXT    NOT NULL,
    first_seen  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL,
    PRIMARY KEY (site, vid)
);

CREATE TABLE sessions (
    site        TEXT    NOT NULL,
    sid         TEXT    NOT NULL,
    vid         TEXT    NOT NULL,
    started     BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL,
    channel     TEXT    NOT NULL,
    source      TEXT,
    medium      TEXT,
    campaign    TEXT,
    content     TEXT,
    term        TEXT,
    yclid       TEXT,
    gclid       TEXT,
    fbclid      TEXT,
    referrer    TEXT,
    landing     TEXT,
    touch_ts    BIGINT  NOT NULL,
    PRIMARY KEY (site, sid)
);
CREATE INDEX sessions_by_visitor ON sessions (site, vid, started);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site        TEXT    NOT NULL,
    sid         TEXT    NOT NULL,
    vid         TEXT    NOT NULL,
    ts          BIGINT  NOT NULL,
    received    BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    title       TEXT,
    name        TEXT,
    props       TEXT
);
CREATE INDEX events_by_session ON events (site, sid, ts);
CREATE INDEX events_by_time ON events (site, ts);
