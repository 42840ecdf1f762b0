-- Requests refused because their page's origin is not among the site's allowed origins (#16):
-- per site and origin, how many, the last page (path only, no query) and when, so an owner finds
-- a missing `origins` entry in a minute. Written by `sites::refused` in batches.
CREATE TABLE refused_origins (
    site        TEXT    NOT NULL,
    origin      TEXT    NOT NULL,
    count       BIGINT  NOT NULL,
    last_page   TEXT,
    last_seen   BIGINT  NOT NULL,
    PRIMARY KEY (site, origin)
);
