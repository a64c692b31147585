-- +goose Up
-- A course of medicine sessions planned by the prescriber (KAP.md §1 Session
-- and course). The numbers are the plan as set when the course was made.
CREATE TABLE course (
    id               TEXT PRIMARY KEY,
    practice_id      TEXT NOT NULL REFERENCES practice(id),
    client_id        TEXT NOT NULL REFERENCES client(id),
    indication_code  TEXT NOT NULL,
    indication_text  TEXT NOT NULL,
    route            TEXT NOT NULL,
    planned_sessions INTEGER NOT NULL,
    window_days      INTEGER NOT NULL,
    min_gap_hours    INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'stopped')),
    starts_on        {{timestamp}},
    completed_at     {{timestamp}},
    stopped_on       {{timestamp}},
    stop_reason      TEXT NOT NULL DEFAULT '',
    status_by        TEXT REFERENCES staff(id),
    created_by       TEXT NOT NULL REFERENCES staff(id),
    created_at       {{timestamp}} NOT NULL
);
CREATE INDEX course_client ON course(client_id, created_at);
CREATE INDEX course_practice_status ON course(practice_id, status);

-- The planned dose of each medicine session of a course; touch-up sessions
-- after completion are extra rows. Changes are kept in dose_change.
CREATE TABLE course_dose (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    client_id      TEXT NOT NULL REFERENCES client(id),
    course_id      TEXT NOT NULL REFERENCES course(id),
    session_number INTEGER NOT NULL,
    planned_mg     {{real}} NOT NULL,
    touch_up       BOOLEAN NOT NULL DEFAULT {{false}},
    created_by     TEXT NOT NULL REFERENCES staff(id),
    created_at     {{timestamp}} NOT NULL,
    UNIQUE (course_id, session_number)
);

-- Every change of a planned dose: who, when and why. Append-only.
CREATE TABLE dose_change (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    client_id      TEXT NOT NULL REFERENCES client(id),
    course_id      TEXT NOT NULL REFERENCES course(id),
    session_number INTEGER NOT NULL,
    old_mg         {{real}} NOT NULL,
    new_mg         {{real}} NOT NULL,
    reason         TEXT NOT NULL,
    staff_id       TEXT NOT NULL REFERENCES staff(id),
    changed_at     {{timestamp}} NOT NULL
);
CREATE INDEX dose_change_course ON dose_change(course_id, changed_at);

-- The medicine sessions of a course as booked and kept. Staff keep it by
-- hand until scheduling fills it; a missed or cancelled session stays and a
-- rebooking is a new row for the same session number.
CREATE TABLE course_session (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    client_id      TEXT NOT NULL REFERENCES client(id),
    course_id      TEXT NOT NULL REFERENCES course(id),
    session_number INTEGER NOT NULL,
    scheduled_at   {{timestamp}},
    status         TEXT NOT NULL CHECK (status IN ('booked', 'held', 'missed', 'cancelled')),
    updated_by     TEXT NOT NULL REFERENCES staff(id),
    created_at     {{timestamp}} NOT NULL,
    updated_at     {{timestamp}} NOT NULL
);
CREATE INDEX course_session_course ON course_session(course_id, session_number, created_at);

-- +goose Down
DROP TABLE course_session;
DROP TABLE dose_change;
DROP TABLE course_dose;
DROP TABLE course;
