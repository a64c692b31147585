-- +goose Up
-- The client chart's clinical details: demographics and contacts on the
-- client row; diagnoses, medications, allergies and body measurements as
-- dated rows that are marked (removed, stopped) and never deleted, so the
-- history stays readable.
ALTER TABLE client ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN emergency_name TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN emergency_relationship TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN emergency_phone TEXT NOT NULL DEFAULT '';
-- The responsible adult who takes the client home after a medicine session
-- (KAP.md §1 Discharge).
ALTER TABLE client ADD COLUMN escort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN escort_relationship TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN escort_phone TEXT NOT NULL DEFAULT '';

-- Dates a person gives without a time (diagnosed, started, measured) are
-- kept as YYYY-MM-DD text: a calendar day, not an instant.
CREATE TABLE diagnosis (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    code            TEXT NOT NULL,
    description     TEXT NOT NULL,
    is_primary      BOOLEAN NOT NULL DEFAULT {{false}},
    diagnosed_on    TEXT NOT NULL,
    recorded_by     TEXT NOT NULL REFERENCES staff(id),
    recorded_at     {{timestamp}} NOT NULL,
    removed_at      {{timestamp}},
    removed_by      TEXT REFERENCES staff(id),
    removed_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX diagnosis_client ON diagnosis(client_id, recorded_at);

CREATE TABLE medication (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    name         TEXT NOT NULL,
    dose         TEXT NOT NULL,
    frequency    TEXT NOT NULL,
    started_on   TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL REFERENCES staff(id),
    recorded_at  {{timestamp}} NOT NULL,
    stopped_on   TEXT NOT NULL DEFAULT '',
    stopped_at   {{timestamp}},
    stopped_by   TEXT REFERENCES staff(id),
    stop_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX medication_client ON medication(client_id, recorded_at);

CREATE TABLE allergy (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    substance       TEXT NOT NULL,
    reaction        TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT NOT NULL REFERENCES staff(id),
    recorded_at     {{timestamp}} NOT NULL,
    removed_at      {{timestamp}},
    removed_by      TEXT REFERENCES staff(id),
    removed_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX allergy_client ON allergy(client_id, recorded_at);

-- Weight in kg and height in cm, whatever unit was typed (kept in
-- *_unit so the record shows what the person entered).
CREATE TABLE body_measurement (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    measured_on     TEXT NOT NULL,
    weight_kg       {{real}},
    weight_unit     TEXT NOT NULL DEFAULT '' CHECK (weight_unit IN ('', 'kg', 'lb')),
    height_cm       {{real}},
    height_unit     TEXT NOT NULL DEFAULT '' CHECK (height_unit IN ('', 'cm', 'in')),
    recorded_by     TEXT NOT NULL REFERENCES staff(id),
    recorded_at     {{timestamp}} NOT NULL,
    removed_at      {{timestamp}},
    removed_by      TEXT REFERENCES staff(id),
    removed_reason  TEXT NOT NULL DEFAULT '',
    CHECK (weight_kg IS NOT NULL OR height_cm IS NOT NULL)
);
CREATE INDEX body_measurement_client ON body_measurement(client_id, measured_on);

-- The prescriber's evaluation, signed electronically in the style of
-- 21 CFR Part 11 (KAP.md §6): printed name, time, meaning and a SHA-256 of
-- the canonical content. A signed evaluation is never changed: later words
-- are addenda, and a new evaluation supersedes an old one while both stay.
CREATE TABLE evaluation (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    decision        TEXT NOT NULL CHECK (decision IN ('approved', 'approved_with_conditions', 'not_approved')),
    conditions      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    -- JSON: [{"route", "max_mg", "max_mg_per_kg"}] and ["order", ...]
    limits          TEXT NOT NULL,
    premedication   TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    signer_id       TEXT NOT NULL REFERENCES staff(id),
    signer_name     TEXT NOT NULL,
    signed_at       {{timestamp}} NOT NULL,
    meaning         TEXT NOT NULL CHECK (meaning IN ('approval', 'review')),
    content_hash    TEXT NOT NULL
);
CREATE INDEX evaluation_client ON evaluation(client_id, signed_at);

CREATE TABLE evaluation_addendum (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    evaluation_id   TEXT NOT NULL REFERENCES evaluation(id),
    -- The evaluation's hash when the addendum was signed: binds the two.
    evaluation_hash TEXT NOT NULL,
    body            TEXT NOT NULL,
    signer_id       TEXT NOT NULL REFERENCES staff(id),
    signer_name     TEXT NOT NULL,
    signed_at       {{timestamp}} NOT NULL,
    meaning         TEXT NOT NULL CHECK (meaning = 'addendum'),
    content_hash    TEXT NOT NULL
);
CREATE INDEX evaluation_addendum_evaluation ON evaluation_addendum(evaluation_id, signed_at);

-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER evaluation_no_update BEFORE UPDATE ON evaluation
BEGIN SELECT RAISE(ABORT, 'a signed evaluation is never changed; add an addendum'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evaluation_no_delete BEFORE DELETE ON evaluation
BEGIN SELECT RAISE(ABORT, 'a signed evaluation is never deleted'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evaluation_addendum_no_update BEFORE UPDATE ON evaluation_addendum
BEGIN SELECT RAISE(ABORT, 'a signed addendum is never changed'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evaluation_addendum_no_delete BEFORE DELETE ON evaluation_addendum
BEGIN SELECT RAISE(ABORT, 'a signed addendum is never deleted'); END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION evaluation_signed_no_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a signed evaluation or addendum is never changed or deleted; add an addendum';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER evaluation_no_change BEFORE UPDATE OR DELETE ON evaluation
    FOR EACH ROW EXECUTE FUNCTION evaluation_signed_no_change();
CREATE TRIGGER evaluation_addendum_no_change BEFORE UPDATE OR DELETE ON evaluation_addendum
    FOR EACH ROW EXECUTE FUNCTION evaluation_signed_no_change();
-- +both

-- +goose Down
-- +sqlite
DROP TRIGGER evaluation_addendum_no_delete;
DROP TRIGGER evaluation_addendum_no_update;
DROP TRIGGER evaluation_no_delete;
DROP TRIGGER evaluation_no_update;
-- +both
DROP TABLE evaluation_addendum;
DROP TABLE evaluation;
-- +postgres
DROP FUNCTION evaluation_signed_no_change();
-- +both
DROP TABLE body_measurement;
DROP TABLE allergy;
DROP TABLE medication;
DROP TABLE diagnosis;
ALTER TABLE client DROP COLUMN escort_phone;
ALTER TABLE client DROP COLUMN escort_relationship;
ALTER TABLE client DROP COLUMN escort_name;
ALTER TABLE client DROP COLUMN emergency_phone;
ALTER TABLE client DROP COLUMN emergency_relationship;
ALTER TABLE client DROP COLUMN emergency_name;
ALTER TABLE client DROP COLUMN country;
ALTER TABLE client DROP COLUMN postal_code;
ALTER TABLE client DROP COLUMN region;
ALTER TABLE client DROP COLUMN city;
ALTER TABLE client DROP COLUMN address_line2;
ALTER TABLE client DROP COLUMN address_line1;
