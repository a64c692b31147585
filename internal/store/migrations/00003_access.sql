-- +goose Up
-- Practice settings that govern sign-in.
ALTER TABLE practice ADD COLUMN staff_idle_minutes INTEGER NOT NULL DEFAULT 15;
ALTER TABLE practice ADD COLUMN staff_mfa_required BOOLEAN NOT NULL DEFAULT {{true}};
-- optional, totp_or_email (client chooses), totp, email
ALTER TABLE practice ADD COLUMN client_mfa_policy TEXT NOT NULL DEFAULT 'optional';

-- An account is how one person signs in: a staff member or a client.
-- Email is unique across this holdspace so sign-in needs no practice name.
CREATE TABLE account (
    id                  TEXT PRIMARY KEY,
    practice_id         TEXT NOT NULL REFERENCES practice(id),
    kind                TEXT NOT NULL CHECK (kind IN ('staff', 'client')),
    staff_id            TEXT REFERENCES staff(id),
    client_id           TEXT REFERENCES client(id),
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL DEFAULT '',
    mfa_method          TEXT NOT NULL DEFAULT '' CHECK (mfa_method IN ('', 'totp', 'email')),
    totp_secret_sealed  TEXT NOT NULL DEFAULT '',
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    failed_attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until        {{timestamp}},
    disabled            BOOLEAN NOT NULL DEFAULT {{false}},
    created_at          {{timestamp}} NOT NULL,
    password_set_at     {{timestamp}},
    CHECK ((kind = 'staff' AND staff_id IS NOT NULL AND client_id IS NULL)
        OR (kind = 'client' AND client_id IS NOT NULL AND staff_id IS NULL))
);
CREATE UNIQUE INDEX account_staff ON account(staff_id) WHERE staff_id IS NOT NULL;
CREATE UNIQUE INDEX account_client ON account(client_id) WHERE client_id IS NOT NULL;

CREATE TABLE recovery_code (
    account_id  TEXT NOT NULL REFERENCES account(id),
    code_hash   TEXT NOT NULL,
    created_at  {{timestamp}} NOT NULL,
    used_at     {{timestamp}},
    PRIMARY KEY (account_id, code_hash)
);

-- Server-side sessions; the cookie carries a random token, the table its hash.
CREATE TABLE web_session (
    token_hash    TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES account(id),
    created_at    {{timestamp}} NOT NULL,
    last_seen_at  {{timestamp}} NOT NULL,
    expires_at    {{timestamp}} NOT NULL,
    mfa_passed    BOOLEAN NOT NULL DEFAULT {{false}},
    address       TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_session_account ON web_session(account_id);

-- Failed sign-ins per address, for rate limiting that lifts by itself.
CREATE TABLE sign_in_throttle (
    address       TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  {{timestamp}} NOT NULL,
    blocked_until {{timestamp}}
);

-- Single-use, expiring tokens sent by email: invitations, password resets
-- and one-time sign-in codes.
CREATE TABLE one_time_token (
    token_hash  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES account(id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset', 'email_code')),
    created_at  {{timestamp}} NOT NULL,
    expires_at  {{timestamp}} NOT NULL,
    used_at     {{timestamp}}
);
CREATE INDEX one_time_token_account ON one_time_token(account_id, purpose);

CREATE TABLE api_token (
    id            TEXT PRIMARY KEY,
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    account_id    TEXT NOT NULL REFERENCES account(id),
    name          TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    {{timestamp}} NOT NULL,
    last_used_at  {{timestamp}},
    revoked_at    {{timestamp}}
);

-- The staff who care for a client, and in what part.
CREATE TABLE care_team (
    client_id  TEXT NOT NULL REFERENCES client(id),
    staff_id   TEXT NOT NULL REFERENCES staff(id),
    role       TEXT NOT NULL CHECK (role IN ('therapist', 'prescriber', 'monitor')),
    added_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (client_id, staff_id, role)
);
CREATE INDEX care_team_staff ON care_team(staff_id);

-- Emergency access by a clinician outside the care team: time-limited and
-- reported to the owner.
CREATE TABLE break_glass (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    reason       TEXT NOT NULL,
    started_at   {{timestamp}} NOT NULL,
    expires_at   {{timestamp}} NOT NULL
);
CREATE INDEX break_glass_lookup ON break_glass(staff_id, client_id, expires_at);

-- The audit trail: one hash chain per practice ('system' for events that
-- belong to none, such as a sign-in attempt for an unknown address).
CREATE TABLE audit_event (
    id           TEXT PRIMARY KEY,
    chain        TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    at           {{timestamp}} NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reason       TEXT NOT NULL,
    address      TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX audit_event_client ON audit_event(chain, client_id, at);
CREATE INDEX audit_event_actor ON audit_event(chain, actor_id, at);
CREATE INDEX audit_event_at ON audit_event(chain, at);

-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
-- +both

-- The head of each chain: appends lock it, so entries are numbered one by
-- one even with several holdspace instances on PostgreSQL.
CREATE TABLE audit_head (
    chain  TEXT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_head;
-- +sqlite
DROP TRIGGER audit_event_no_delete;
DROP TRIGGER audit_event_no_update;
-- +both
DROP TABLE audit_event;
-- +postgres
DROP FUNCTION audit_append_only();
-- +both
DROP TABLE break_glass;
DROP TABLE care_team;
DROP TABLE api_token;
DROP TABLE one_time_token;
DROP TABLE sign_in_throttle;
DROP TABLE web_session;
DROP TABLE recovery_code;
DROP TABLE account;
ALTER TABLE practice DROP COLUMN client_mfa_policy;
ALTER TABLE practice DROP COLUMN staff_mfa_required;
ALTER TABLE practice DROP COLUMN staff_idle_minutes;
