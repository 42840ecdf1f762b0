-- Issue #20 (numbered after the issue so parallel branches' migrations never share a version).

-- Every login attempt, written before the password is checked: the lock-out counts rows, so
-- parallel attempts cannot all slip under the limit. `subject` is the HMAC of the client
-- address (`a:…`) or of a known-device cookie (`d:…`); `addr` the HMAC of the address.
-- state: pending (being checked), failed (checked, wrong), refused (not checked).
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    id          BIGSERIAL PRIMARY KEY,
    login       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    addr        TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    state       TEXT    NOT NULL
);
CREATE INDEX login_attempts_by_login ON login_attempts (login, at);
CREATE INDEX login_attempts_by_addr ON login_attempts (addr, at);

-- Server-wide secrets made at first start (HMAC keys), shared by every instance on the database.
CREATE TABLE server_keys (
    name        TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL
);

-- "Sign out everywhere" moves an owner's epoch on; sessions and known-device cookies of an older
-- epoch, or made under another password hash (`pw_tag`), are void.
CREATE TABLE owner_epochs (
    login       TEXT    PRIMARY KEY,
    epoch       BIGINT  NOT NULL
);
ALTER TABLE owner_sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE owner_sessions ADD COLUMN pw_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE owner_sessions ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
