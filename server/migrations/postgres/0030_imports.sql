-- Import links (DESIGN.md §9.3): a sheet's rows become YCLIENTS bookings or clients.
-- A link: its source (an uploaded file, kept parsed as JSON, or a CSV URL fetched at each run),
-- action, mapping and schedule (JSON), and when it next runs by itself.
CREATE TABLE import_links (
    id          BIGSERIAL PRIMARY KEY,
    site        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    source_url  TEXT,
    file_name   TEXT,
    sheet       TEXT,
    mapping     TEXT    NOT NULL,
    schedule    TEXT    NOT NULL,
    next_run_ms BIGINT,
    created_ms  BIGINT  NOT NULL
);
CREATE INDEX import_links_by_site ON import_links (site, id);
-- Runs: queued, then worked by the one instance holding the `imports` lease; a run left
-- `running` by a stopped process is resumed. Counters are its progress.
CREATE TABLE import_runs (
    id          BIGSERIAL PRIMARY KEY,
    link_id     BIGINT  NOT NULL,
    cause       TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    total       BIGINT  NOT NULL DEFAULT 0,
    processed   BIGINT  NOT NULL DEFAULT 0,
    sent        BIGINT  NOT NULL DEFAULT 0,
    skipped     BIGINT  NOT NULL DEFAULT 0,
    failed      BIGINT  NOT NULL DEFAULT 0,
    changed     BIGINT  NOT NULL DEFAULT 0,
    message     TEXT,
    created_ms  BIGINT  NOT NULL,
    started_ms  BIGINT,
    finished_ms BIGINT
);
CREATE INDEX import_runs_by_state ON import_runs (state, id);
CREATE INDEX import_runs_by_link ON import_runs (link_id, id);
-- Each row of a link by its key: a digest of what was sent (no names or phones), where it
-- stands, and when a failed row is tried again. `sending` survives a lost answer: the row is looked up in
-- YCLIENTS by `api_id` (a client by phone) before it is sent again.
CREATE TABLE import_rows (
    link_id     BIGINT  NOT NULL,
    row_key     TEXT    NOT NULL,
    row_number  BIGINT  NOT NULL,
    status      TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    upstream_id TEXT,
    reason      TEXT,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    next_try_ms BIGINT,
    updated_ms  BIGINT  NOT NULL,
    PRIMARY KEY (link_id, row_key)
);
CREATE INDEX import_rows_due ON import_rows (status, next_try_ms);
-- What each run did with each row (sent, skipped, changed, waiting, failed, invalid).
CREATE TABLE import_log (
    run_id      BIGINT  NOT NULL,
    row_key     TEXT    NOT NULL,
    row_number  BIGINT  NOT NULL,
    outcome     TEXT    NOT NULL,
    reason      TEXT,
    at_ms       BIGINT  NOT NULL,
    PRIMARY KEY (run_id, row_key)
);
