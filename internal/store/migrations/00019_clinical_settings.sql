-- +goose Up
-- The practice may name staff members clinical leads: besides prescribers,
-- only they change the medicine-phase numbers (hold, alarms, vitals
-- schedule, discharge, fasting).
ALTER TABLE staff ADD COLUMN clinical_lead BOOLEAN NOT NULL DEFAULT {{false}};

-- Every change of the clinical settings, with who made it, when, why, and
-- each changed number before and after (JSON list), newest read first.
CREATE TABLE clinical_setting_change (
    id          TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practice(id),
    area        TEXT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES staff(id),
    changed_at  {{timestamp}} NOT NULL,
    reason      TEXT NOT NULL,
    changes     TEXT NOT NULL
);
CREATE INDEX clinical_setting_change_practice ON clinical_setting_change(practice_id, changed_at);

-- The medicine settings in force when the session record was started: the
-- session runs on them to its end, whatever the practice changes meanwhile.
-- '' for records started before this column existed.
ALTER TABLE session_record ADD COLUMN settings_snapshot TEXT NOT NULL DEFAULT '';

-- A prescriber's signed exception for one client: a shorter discharge
-- observation minimum than the practice's bound allows. The newest one not
-- withdrawn is in force.
CREATE TABLE discharge_exception (
    id                      TEXT PRIMARY KEY,
    practice_id             TEXT NOT NULL REFERENCES practice(id),
    client_id               TEXT NOT NULL REFERENCES client(id),
    min_observation_minutes INTEGER NOT NULL CHECK (min_observation_minutes > 0),
    reason                  TEXT NOT NULL,
    prescriber_id           TEXT NOT NULL REFERENCES staff(id),
    prescriber_name         TEXT NOT NULL,
    signed_at               {{timestamp}} NOT NULL
);
CREATE INDEX discharge_exception_client ON discharge_exception(client_id, signed_at);

-- +goose Down
DROP TABLE discharge_exception;
ALTER TABLE session_record DROP COLUMN settings_snapshot;
DROP TABLE clinical_setting_change;
ALTER TABLE staff DROP COLUMN clinical_lead;
