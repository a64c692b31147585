-- +goose Up
-- The live record of one medicine session (KAP.md §1): one per booked
-- course_session. The row holds what happens once (start, discharge,
-- signature) and a change counter that every write bumps, so the live page
-- can ask cheaply whether anything is new and concurrent writers queue on
-- the row instead of overwriting each other.
CREATE TABLE session_record (
    id                TEXT PRIMARY KEY,
    practice_id       TEXT NOT NULL REFERENCES practice(id),
    client_id         TEXT NOT NULL REFERENCES client(id),
    course_id         TEXT NOT NULL REFERENCES course(id),
    course_session_id TEXT NOT NULL UNIQUE REFERENCES course_session(id),
    session_number    INTEGER NOT NULL,
    route             TEXT NOT NULL,
    planned_mg        {{real}} NOT NULL,
    started_by        TEXT NOT NULL REFERENCES staff(id),
    started_at        {{timestamp}} NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        {{timestamp}} NOT NULL,
    discharged_at     {{timestamp}},
    discharged_by     TEXT REFERENCES staff(id),
    discharge         TEXT NOT NULL DEFAULT '',
    signer_id         TEXT REFERENCES staff(id),
    signer_name       TEXT NOT NULL DEFAULT '',
    signed_at         {{timestamp}},
    meaning           TEXT NOT NULL DEFAULT '',
    content_hash      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_record_client ON session_record(client_id, started_at);

-- The clinicians present: the one who started the record and everyone who
-- recorded into it.
CREATE TABLE session_clinician (
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    joined_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (record_id, staff_id)
);

-- Every saved version of the pre-dose checklist. A save names the version
-- it was based on; the unique pair refuses a second save of the same one.
CREATE TABLE session_checklist (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    saved_by    TEXT NOT NULL REFERENCES staff(id),
    saved_at    {{timestamp}} NOT NULL,
    UNIQUE (record_id, version)
);

-- Vitals readings, appended and never changed. A missing measure is NULL.
CREATE TABLE session_reading (
    id               TEXT PRIMARY KEY,
    record_id        TEXT NOT NULL REFERENCES session_record(id),
    practice_id      TEXT NOT NULL REFERENCES practice(id),
    client_id        TEXT NOT NULL REFERENCES client(id),
    taken_at         {{timestamp}} NOT NULL,
    systolic         INTEGER,
    diastolic        INTEGER,
    heart_rate       INTEGER,
    spo2             INTEGER,
    respiratory_rate INTEGER,
    status           TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES staff(id),
    recorded_at      {{timestamp}} NOT NULL
);
CREATE INDEX session_reading_record ON session_reading(record_id, taken_at);

-- Each dose given, with the weight and mg/kg as they stood.
CREATE TABLE session_dose (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    product     TEXT NOT NULL,
    strength    TEXT NOT NULL,
    lot         TEXT NOT NULL,
    route       TEXT NOT NULL,
    dose_mg     {{real}} NOT NULL,
    weight_kg   {{real}} NOT NULL DEFAULT 0,
    given_at    {{timestamp}} NOT NULL,
    given_by    TEXT NOT NULL REFERENCES staff(id),
    additional  BOOLEAN NOT NULL DEFAULT {{false}},
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at {{timestamp}} NOT NULL
);
CREATE INDEX session_dose_record ON session_dose(record_id, given_at);

-- Alerts raised by a reading beyond an alarm threshold. They stay open
-- until a clinician acknowledges them with the action taken (set once).
CREATE TABLE session_alert (
    id              TEXT PRIMARY KEY,
    record_id       TEXT NOT NULL REFERENCES session_record(id),
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    reading_id      TEXT NOT NULL REFERENCES session_reading(id),
    message         TEXT NOT NULL,
    raised_at       {{timestamp}} NOT NULL,
    acknowledged_by TEXT REFERENCES staff(id),
    acknowledged_at {{timestamp}},
    action_taken    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_alert_record ON session_alert(record_id, raised_at);

-- Observations, interventions, adverse events and hold overrides: dated
-- entries with who wrote them. Appended, never changed.
CREATE TABLE session_event (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    category    TEXT NOT NULL CHECK (category IN ('observation', 'intervention', 'adverse_event', 'hold_override')),
    kind        TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '',
    follow_up   TEXT NOT NULL DEFAULT '',
    occurred_at {{timestamp}} NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    recorded_at {{timestamp}} NOT NULL
);
CREATE INDEX session_event_record ON session_event(record_id, occurred_at);

-- Notes: each save of the session summary is a new row (the latest is the
-- summary); process notes are sealed with the practice key and readable by
-- their author only. Exactly one of body and sealed is filled.
CREATE TABLE session_note (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    kind        TEXT NOT NULL CHECK (kind IN ('summary', 'process')),
    body        TEXT NOT NULL DEFAULT '',
    sealed      TEXT NOT NULL DEFAULT '',
    author_id   TEXT NOT NULL REFERENCES staff(id),
    written_at  {{timestamp}} NOT NULL
);
CREATE INDEX session_note_record ON session_note(record_id, kind, written_at);

-- Addenda to a signed record, each signed and bound to the record's hash.
CREATE TABLE session_addendum (
    id           TEXT PRIMARY KEY,
    record_id    TEXT NOT NULL REFERENCES session_record(id),
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    record_hash  TEXT NOT NULL,
    body         TEXT NOT NULL,
    signer_id    TEXT NOT NULL REFERENCES staff(id),
    signer_name  TEXT NOT NULL,
    signed_at    {{timestamp}} NOT NULL,
    meaning      TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX session_addendum_record ON session_addendum(record_id, signed_at);

-- +goose Down
DROP TABLE session_addendum;
DROP TABLE session_note;
DROP TABLE session_event;
DROP TABLE session_alert;
DROP TABLE session_dose;
DROP TABLE session_reading;
DROP TABLE session_checklist;
DROP TABLE session_clinician;
DROP TABLE session_record;
