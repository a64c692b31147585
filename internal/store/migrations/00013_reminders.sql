-- +goose Up
-- Every reminder email queued for a medicine session: one row per session,
-- kind and session time. The unique key is what makes the reminder worker
-- idempotent across passes, restarts and two instances: a second insert
-- for the same session, kind and time fails and its email rolls back with
-- it. A session moved to a new time has a new key, so the client is told
-- the new time.
CREATE TABLE reminder_sent (
    id                TEXT PRIMARY KEY,
    practice_id       TEXT NOT NULL REFERENCES practice(id),
    client_id         TEXT NOT NULL REFERENCES client(id),
    course_session_id TEXT NOT NULL REFERENCES course_session(id),
    kind              TEXT NOT NULL CHECK (kind IN ('before', 'after')),
    session_at        {{timestamp}} NOT NULL,
    outbox_id         TEXT NOT NULL,
    queued_at         {{timestamp}} NOT NULL,
    UNIQUE (course_session_id, kind, session_at)
);
CREATE INDEX reminder_sent_client ON reminder_sent(client_id, queued_at);

-- One active course per client (course.Create and course.Activate refuse a
-- second with a message); the index keeps two racing requests from both
-- succeeding.
CREATE UNIQUE INDEX course_one_active ON course(client_id) WHERE status = 'active';

-- +goose Down
DROP INDEX course_one_active;
DROP TABLE reminder_sent;
