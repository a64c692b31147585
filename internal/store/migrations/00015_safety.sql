-- +goose Up
-- Safety alerts: a positive answer (PHQ-9 item 9, C-SSRS screener, a
-- check-in's self-harm question) that must reach a clinician (KAP.md §2,
-- §7). The trigger is kept whole, with the client's answers quoted, because
-- the clinician calling back needs exactly what was said.
CREATE TABLE safety_alert (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    source          TEXT NOT NULL,
    instrument      TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('moderate', 'high')),
    trigger_json    TEXT NOT NULL,
    message         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('raised', 'escalated', 'acknowledged', 'closed')),
    level           INTEGER NOT NULL DEFAULT 0,
    raised_at       {{timestamp}} NOT NULL,
    escalated_at    {{timestamp}},
    acknowledged_by TEXT REFERENCES staff(id),
    acknowledged_at {{timestamp}},
    ack_role        TEXT NOT NULL DEFAULT '',
    ack_action      TEXT NOT NULL DEFAULT '',
    ack_note        TEXT NOT NULL DEFAULT '',
    closed_by       TEXT REFERENCES staff(id),
    closed_at       {{timestamp}},
    close_note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safety_alert_practice ON safety_alert(practice_id, raised_at);
CREATE INDEX safety_alert_client ON safety_alert(client_id, raised_at);
-- The banner on every staff page reads only open alerts.
CREATE INDEX safety_alert_open ON safety_alert(client_id) WHERE state IN ('raised', 'escalated');

-- Every step of an alert, append-only: raised, each email sent, each
-- escalation level, the acknowledgement with the action taken, the closure.
CREATE TABLE safety_alert_event (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    alert_id     TEXT NOT NULL REFERENCES safety_alert(id),
    kind         TEXT NOT NULL CHECK (kind IN ('raised', 'emailed', 'escalated', 'acknowledged', 'closed')),
    at           {{timestamp}} NOT NULL,
    by_staff     TEXT REFERENCES staff(id),
    level        INTEGER NOT NULL DEFAULT 0,
    due          {{timestamp}},
    recipient    TEXT REFERENCES staff(id),
    audience     TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safety_alert_event_alert ON safety_alert_event(alert_id, at);
-- Each escalation level is recorded once, however many workers tick.
CREATE UNIQUE INDEX safety_alert_event_level ON safety_alert_event(alert_id, level) WHERE kind = 'escalated';

-- Post-session check-ins (KAP.md §1: mood and suicidal thoughts can worsen
-- for up to two weeks after ketamine), planned from held medicine sessions.
CREATE TABLE check_in (
    id                TEXT PRIMARY KEY,
    practice_id       TEXT NOT NULL REFERENCES practice(id),
    client_id         TEXT NOT NULL REFERENCES client(id),
    course_session_id TEXT NOT NULL REFERENCES course_session(id),
    session_number    INTEGER NOT NULL,
    days_after        INTEGER NOT NULL,
    occasion          TEXT NOT NULL,
    due_date          TEXT NOT NULL,
    window_opens      {{timestamp}} NOT NULL,
    due_by            {{timestamp}} NOT NULL,
    window_closes     {{timestamp}} NOT NULL,
    mood              INTEGER,
    sleep             TEXT NOT NULL DEFAULT '',
    self_harm         BOOLEAN,
    for_care_team     TEXT NOT NULL DEFAULT '',
    answered_at       {{timestamp}},
    alert_id          TEXT REFERENCES safety_alert(id),
    emailed_at        {{timestamp}},
    missed_at         {{timestamp}},
    created_at        {{timestamp}} NOT NULL,
    UNIQUE (course_session_id, days_after)
);
CREATE INDEX check_in_client ON check_in(client_id, due_by);
CREATE INDEX check_in_practice_due ON check_in(practice_id, window_closes);

-- The Stanley-Brown safety plan, one row per saved version; never updated.
CREATE TABLE safety_plan_version (
    id          TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    version     INTEGER NOT NULL,
    plan_json   TEXT NOT NULL,
    author      TEXT NOT NULL REFERENCES staff(id),
    saved_at    {{timestamp}} NOT NULL,
    UNIQUE (client_id, version)
);

-- +goose Down
DROP TABLE safety_plan_version;
DROP TABLE check_in;
DROP TABLE safety_alert_event;
DROP TABLE safety_alert;
