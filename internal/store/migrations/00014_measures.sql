-- +goose Up
-- One questionnaire given to a client (KAP.md §2): for a course on an
-- occasion (baseline, pre_session:N, course_end, follow_up:LABEL) or ad hoc.
-- A draft keeps answers as the client goes; a submitted response is scored
-- with the instrument version that scored it and never changes. A
-- correction is a new response naming the one it supersedes, with a reason.
CREATE TABLE measure_response (
    id                 TEXT PRIMARY KEY,
    practice_id        TEXT NOT NULL REFERENCES practice(id),
    client_id          TEXT NOT NULL REFERENCES client(id),
    course_id          TEXT REFERENCES course(id),
    instrument         TEXT NOT NULL,
    occasion           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    answers            TEXT NOT NULL DEFAULT '{}',
    filled_by          TEXT NOT NULL CHECK (filled_by IN ('client', 'staff')),
    staff_id           TEXT REFERENCES staff(id),
    instrument_version TEXT NOT NULL DEFAULT '',
    total              INTEGER,
    max_total          INTEGER,
    band               TEXT NOT NULL DEFAULT '',
    risk_level         TEXT NOT NULL DEFAULT '',
    safety_positive    BOOLEAN NOT NULL DEFAULT {{false}},
    result             TEXT NOT NULL DEFAULT '',
    supersedes         TEXT REFERENCES measure_response(id),
    correction_reason  TEXT NOT NULL DEFAULT '',
    created_at         {{timestamp}} NOT NULL,
    updated_at         {{timestamp}} NOT NULL,
    submitted_at       {{timestamp}}
);
CREATE INDEX measure_response_client ON measure_response(client_id, instrument, created_at);
CREATE INDEX measure_response_course ON measure_response(course_id, instrument, occasion);
CREATE INDEX measure_response_supersedes ON measure_response(supersedes);

-- A client's own changes to the practice's measurement schedule
-- (safety.ClientOverrides as JSON).
CREATE TABLE measure_override (
    client_id   TEXT PRIMARY KEY REFERENCES client(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    value       TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES staff(id),
    updated_at  {{timestamp}} NOT NULL
);

-- One "a questionnaire is ready" email per due item, so the worker sends
-- each once however often it runs.
CREATE TABLE measure_due_notice (
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    course_id   TEXT NOT NULL REFERENCES course(id),
    instrument  TEXT NOT NULL,
    occasion    TEXT NOT NULL,
    outbox_id   TEXT NOT NULL,
    sent_at     {{timestamp}} NOT NULL,
    PRIMARY KEY (course_id, instrument, occasion)
);

-- +goose Down
DROP TABLE measure_due_notice;
DROP TABLE measure_override;
DROP TABLE measure_response;
