-- Issue #15: the client cabinet. One account per client and site, many identities (phone,
-- email), opaque sessions (only their SHA-256 is kept; the YCLIENTS user token sealed with
-- the server's cabinet key), questions to the salon, what clients did, deletion requests.
-- Times in ms. Phones are digits only.

CREATE TABLE cabinet_accounts (
    id          TEXT    PRIMARY KEY,
    site        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    vid         TEXT,
    second_step BIGINT  NOT NULL DEFAULT 0,
    -- The YCLIENTS user token of the last SMS sign-in, sealed (the account id as associated
    -- data): what a password sign-in acts with.
    token       TEXT,
    created     BIGINT  NOT NULL
);

-- kind: phone, email. secret: the Argon2id hash of the email sign-in's password.
CREATE TABLE cabinet_identities (
    site        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    account     TEXT    NOT NULL,
    secret      TEXT,
    created     BIGINT  NOT NULL,
    PRIMARY KEY (site, kind, value)
);
CREATE INDEX cabinet_identities_by_account ON cabinet_identities (account);

-- id_hash: hex SHA-256 of the session the browser holds. token: the YCLIENTS user token,
-- XChaCha20-Poly1305-sealed (hex nonce||ciphertext, the id hash as associated data).
-- pending: 1 while a second step by SMS is awaited.
CREATE TABLE cabinet_sessions (
    id_hash     TEXT    PRIMARY KEY,
    site        TEXT    NOT NULL,
    account     TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    pending     BIGINT  NOT NULL DEFAULT 0,
    created     BIGINT  NOT NULL,
    seen        BIGINT  NOT NULL
);
CREATE INDEX cabinet_sessions_by_account ON cabinet_sessions (account);

CREATE TABLE cabinet_threads (
    id              BIGSERIAL PRIMARY KEY,
    site            TEXT    NOT NULL,
    account         TEXT    NOT NULL,
    visit           BIGINT,
    client_name     TEXT    NOT NULL,
    updated         BIGINT  NOT NULL,
    client_unread   BIGINT  NOT NULL DEFAULT 0,
    salon_unread    BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX cabinet_threads_by_account ON cabinet_threads (account, updated);
CREATE INDEX cabinet_threads_by_site ON cabinet_threads (site, updated);

CREATE TABLE cabinet_messages (
    id          BIGSERIAL PRIMARY KEY,
    thread      BIGINT  NOT NULL,
    from_salon  BIGINT  NOT NULL,
    text        TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX cabinet_messages_by_thread ON cabinet_messages (thread, id);

-- What clients did in the cabinet, for the owner's counts: sign_in, cancel, reschedule.
CREATE TABLE cabinet_actions (
    site        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX cabinet_actions_by_site ON cabinet_actions (site, at);

-- A client deleted their account: the salon is told (the dashboard's requests list) since
-- YCLIENTS keeps the client card. handled: when the owner marked it done.
CREATE TABLE cabinet_deletions (
    id          BIGSERIAL PRIMARY KEY,
    site        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    handled     BIGINT
);
CREATE INDEX cabinet_deletions_by_site ON cabinet_deletions (site, at);

-- A booking made with an SMS code proves the phone: its one-time receipt (kept as its hash)
-- opens a cabinet session within 10 minutes. token: the YCLIENTS user token, sealed.
CREATE TABLE cabinet_receipts (
    id_hash     TEXT    PRIMARY KEY,
    site        TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    expires     BIGINT  NOT NULL
);
