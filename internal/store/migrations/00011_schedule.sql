-- +goose Up
-- The practice's rooms. A retired room keeps its past appointments and is
-- no longer offered for new ones.
CREATE TABLE room (
    id          TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practice(id),
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT {{true}},
    created_at  {{timestamp}} NOT NULL,
    UNIQUE (practice_id, name)
);

-- A staff member's weekly working hours: spans of minutes after midnight
-- in the practice's zone, weekday 0 = Sunday as Go counts them.
CREATE TABLE staff_availability (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX staff_availability_staff ON staff_availability(staff_id, weekday);

-- An appointment: a time, a room, the clinicians and the clients. Times are
-- UTC; the end is stored so overlaps are one comparison. A move updates the
-- row and writes the old and new times to the audit trail.
CREATE TABLE appointment (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    kind            TEXT NOT NULL CHECK (kind IN ('consultation', 'preparation', 'medicine_session', 'integration', 'follow_up', 'group_session')),
    title           TEXT NOT NULL DEFAULT '',
    starts_at       {{timestamp}} NOT NULL,
    ends_at         {{timestamp}} NOT NULL,
    room_id         TEXT REFERENCES room(id),
    status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'held', 'missed')),
    cancel_reason   TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL REFERENCES staff(id),
    created_at      {{timestamp}} NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES staff(id),
    updated_at      {{timestamp}} NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX appointment_practice_time ON appointment(practice_id, starts_at);

CREATE TABLE appointment_staff (
    appointment_id TEXT NOT NULL REFERENCES appointment(id),
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    staff_id       TEXT NOT NULL REFERENCES staff(id),
    PRIMARY KEY (appointment_id, staff_id)
);
CREATE INDEX appointment_staff_staff ON appointment_staff(staff_id);

-- The clients of an appointment; for a medicine session (alone or in a
-- group) the course session it books.
CREATE TABLE appointment_client (
    appointment_id    TEXT NOT NULL REFERENCES appointment(id),
    practice_id       TEXT NOT NULL REFERENCES practice(id),
    client_id         TEXT NOT NULL REFERENCES client(id),
    course_id         TEXT REFERENCES course(id),
    session_number    INTEGER,
    course_session_id TEXT REFERENCES course_session(id),
    PRIMARY KEY (appointment_id, client_id)
);
CREATE INDEX appointment_client_client ON appointment_client(client_id);
CREATE INDEX appointment_client_session ON appointment_client(course_session_id);

-- A clinician's calendar feed. Only the token's hash is kept; replacing or
-- revoking sets revoked_at.
CREATE TABLE calendar_feed (
    id          TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practice(id),
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  {{timestamp}} NOT NULL,
    revoked_at  {{timestamp}}
);
CREATE INDEX calendar_feed_staff ON calendar_feed(staff_id);

-- +goose Down
DROP TABLE calendar_feed;
DROP TABLE appointment_client;
DROP TABLE appointment_staff;
DROP TABLE appointment;
DROP TABLE staff_availability;
DROP TABLE room;
