-- +goose Up
-- What the client hopes for from the work, in their words. Each save is a
-- new row; the latest is the current one, the rest its history.
CREATE TABLE intention (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    text         TEXT NOT NULL,
    written_by   TEXT NOT NULL CHECK (written_by IN ('client', 'staff')),
    author_id    TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL
);
CREATE INDEX intention_client ON intention(client_id, created_at);

-- A preparation session held with the client, and the clinician's note.
CREATE TABLE preparation_session (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    held_on      TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL
);
CREATE INDEX preparation_session_client ON preparation_session(client_id, held_on);

-- The client's acknowledgement of the practical instructions (fasting,
-- hydration, escort, no driving), bound by hash to the text they read.
CREATE TABLE instructions_ack (
    id            TEXT PRIMARY KEY,
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    client_id     TEXT NOT NULL REFERENCES client(id),
    text_sha256   TEXT NOT NULL,
    acknowledged_at {{timestamp}} NOT NULL,
    address       TEXT NOT NULL
);
CREATE INDEX instructions_ack_client ON instructions_ack(client_id, acknowledged_at);

-- +goose Down
DROP TABLE instructions_ack;
DROP TABLE preparation_session;
DROP TABLE intention;
