-- One-time data migrations the server runs at start, in Rust (#22: stored touches are classified
-- again by the server's referrer database). A row here says one is done; it is written in the
-- transaction that does the work, so a second instance starting at the same time skips it.
CREATE TABLE data_migrations (
    name        TEXT    PRIMARY KEY,
    done        BIGINT  NOT NULL
);
