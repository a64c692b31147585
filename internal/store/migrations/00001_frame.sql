-- +goose Up
-- A practice is a tenant: every row of client data carries its practice_id.
CREATE TABLE practice (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    created_at  {{timestamp}} NOT NULL
);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    email           TEXT NOT NULL,
    full_name       TEXT NOT NULL,
    credentials     TEXT NOT NULL DEFAULT '',
    licence_number  TEXT NOT NULL DEFAULT '',
    npi             TEXT NOT NULL DEFAULT '',
    dea_number      TEXT NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT {{true}},
    created_at      {{timestamp}} NOT NULL,
    UNIQUE (practice_id, email)
);

CREATE TABLE staff_role (
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'prescriber', 'therapist', 'monitor')),
    PRIMARY KEY (staff_id, role)
);

CREATE TABLE client (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    legal_name      TEXT NOT NULL,
    preferred_name  TEXT NOT NULL DEFAULT '',
    pronouns        TEXT NOT NULL DEFAULT '',
    date_of_birth   TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    time_zone       TEXT NOT NULL DEFAULT '',
    created_at      {{timestamp}} NOT NULL
);
CREATE INDEX client_practice ON client(practice_id, legal_name);

-- Outbound email is written here in the same transaction as the change that
-- causes it, then delivered by the sender; a reminder is never lost.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT REFERENCES practice(id),
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL,
    send_after   {{timestamp}} NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    sent_at      {{timestamp}}
);
CREATE INDEX outbox_pending ON outbox(sent_at, send_after);

-- +goose Down
DROP TABLE outbox;
DROP TABLE client;
DROP TABLE staff_role;
DROP TABLE staff;
DROP TABLE practice;
