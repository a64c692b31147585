-- +goose Up
-- When the client's latest medicine session before the alert was held: in
-- the two weeks after one (KAP.md §1) the alert escalates round the clock.
-- Kept on the alert so its timetable is fixed when it is raised.
ALTER TABLE safety_alert ADD COLUMN last_session_at {{timestamp}};

-- The outbox row of an "emailed" step, so the alert shows an email as sent
-- only once it was delivered, not when it was queued.
ALTER TABLE safety_alert_event ADD COLUMN outbox_id TEXT;
-- The banner shows each person the alerts escalated to them.
CREATE INDEX safety_alert_event_recipient ON safety_alert_event(recipient, alert_id) WHERE recipient IS NOT NULL;

-- The shared secret that signs requests to the practice's text and call
-- gateway, sealed with the keyring: a copy of the database alone does not
-- give it away.
CREATE TABLE safety_gateway_secret (
    practice_id TEXT PRIMARY KEY REFERENCES practice(id),
    sealed      TEXT NOT NULL,
    set_by      TEXT REFERENCES staff(id),
    set_at      {{timestamp}} NOT NULL
);

-- Texts and calls to the on-call clinician, queued in the transaction of
-- the escalation that asks for them and delivered to the gateway with
-- retries, each at most once per alert, level and person.
CREATE TABLE oncall_message (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    alert_id     TEXT NOT NULL REFERENCES safety_alert(id),
    level        INTEGER NOT NULL,
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    channel      TEXT NOT NULL CHECK (channel IN ('sms', 'voice')),
    to_phone     TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL,
    send_after   {{timestamp}} NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    sent_at      {{timestamp}},
    failed_at    {{timestamp}},
    withdrawn_at {{timestamp}},
    UNIQUE (alert_id, level, staff_id)
);
CREATE INDEX oncall_message_pending ON oncall_message(send_after) WHERE sent_at IS NULL AND failed_at IS NULL AND withdrawn_at IS NULL;

-- +goose Down
DROP TABLE oncall_message;
DROP TABLE safety_gateway_secret;
DROP INDEX safety_alert_event_recipient;
ALTER TABLE safety_alert_event DROP COLUMN outbox_id;
ALTER TABLE safety_alert DROP COLUMN last_session_at;
