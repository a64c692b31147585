-- +goose Up
-- The intake questionnaire: one per client, saved section by section so that
-- nothing typed is lost. A draft is changed in place; once submitted, every
-- change is a new revision of its section, so the answers a screening read
-- stay on record.
CREATE TABLE intake (
    id                 TEXT PRIMARY KEY,
    practice_id        TEXT NOT NULL REFERENCES practice(id),
    client_id          TEXT NOT NULL UNIQUE REFERENCES client(id),
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    created_at         {{timestamp}} NOT NULL,
    updated_at         {{timestamp}} NOT NULL,
    submitted_at       {{timestamp}},
    -- who submitted: client, staff or api, and their id
    submitted_by_kind  TEXT NOT NULL DEFAULT '',
    submitted_by_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intake_practice ON intake(practice_id);

CREATE TABLE intake_section (
    intake_id      TEXT NOT NULL REFERENCES intake(id),
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    client_id      TEXT NOT NULL REFERENCES client(id),
    section        TEXT NOT NULL CHECK (section IN ('medical', 'psychiatric', 'substances', 'medications', 'experience', 'goals')),
    revision       INTEGER NOT NULL,
    -- the section as JSON, in the shape of intake.Intake's field
    answers        TEXT NOT NULL,
    saved_at       {{timestamp}} NOT NULL,
    saved_by_kind  TEXT NOT NULL CHECK (saved_by_kind IN ('client', 'staff', 'api')),
    saved_by_id    TEXT NOT NULL,
    PRIMARY KEY (intake_id, section, revision)
);
CREATE INDEX intake_section_client ON intake_section(client_id);

-- Resting blood pressure taken for the screening (KAP.md §1: labels
-- contraindicate ketamine above 180/100 mmHg at rest). Append-only.
CREATE TABLE screening_vitals (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    bp_systolic     INTEGER NOT NULL,
    bp_diastolic    INTEGER NOT NULL,
    taken_at        {{timestamp}} NOT NULL,
    recorded_at     {{timestamp}} NOT NULL,
    recorded_by_kind TEXT NOT NULL,
    recorded_by_id  TEXT NOT NULL REFERENCES staff(id)
);
CREATE INDEX screening_vitals_client ON screening_vitals(client_id, taken_at);

-- A dated screening of the intake against the rule set (internal/screening).
-- Append-only: a new screening never overwrites an old one.
CREATE TABLE screening (
    id                        TEXT PRIMARY KEY,
    practice_id               TEXT NOT NULL REFERENCES practice(id),
    client_id                 TEXT NOT NULL REFERENCES client(id),
    intake_id                 TEXT NOT NULL REFERENCES intake(id),
    screened_at               {{timestamp}} NOT NULL,
    rule_set_version          TEXT NOT NULL,
    outcome                   TEXT NOT NULL CHECK (outcome IN ('blocked', 'incomplete', 'needs_acknowledgement', 'clear_with_cautions', 'clear')),
    needs_clinical_attention  BOOLEAN NOT NULL DEFAULT {{false}},
    -- JSON: the findings, the unanswered facts, the thresholds in effect
    -- and the facts screened, as screening.Screening holds them
    findings                  TEXT NOT NULL,
    unanswered                TEXT NOT NULL,
    parameters                TEXT NOT NULL,
    facts                     TEXT NOT NULL,
    -- why it ran: submitted, changed, vitals
    trigger_kind              TEXT NOT NULL,
    trigger_note              TEXT NOT NULL DEFAULT '',
    run_by_kind               TEXT NOT NULL,
    run_by_id                 TEXT NOT NULL
);
CREATE INDEX screening_client ON screening(client_id, screened_at);

-- A prescriber's documented acknowledgement of one finding of a screening.
-- carried_from names the acknowledgement of an earlier screening that this
-- one repeats, when the facts behind the finding did not change.
CREATE TABLE screening_acknowledgement (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practice(id),
    client_id      TEXT NOT NULL REFERENCES client(id),
    screening_id   TEXT NOT NULL REFERENCES screening(id),
    rule_id        TEXT NOT NULL,
    prescriber_id  TEXT NOT NULL REFERENCES staff(id),
    reason         TEXT NOT NULL,
    at             {{timestamp}} NOT NULL,
    carried_from   TEXT REFERENCES screening_acknowledgement(id),
    UNIQUE (screening_id, rule_id)
);
CREATE INDEX screening_acknowledgement_client ON screening_acknowledgement(client_id);

-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER screening_no_update BEFORE UPDATE ON screening
BEGIN SELECT RAISE(ABORT, 'screenings are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER screening_no_delete BEFORE DELETE ON screening
BEGIN SELECT RAISE(ABORT, 'screenings are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER screening_acknowledgement_no_update BEFORE UPDATE ON screening_acknowledgement
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER screening_acknowledgement_no_delete BEFORE DELETE ON screening_acknowledgement
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION screening_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'screenings and their acknowledgements are append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER screening_no_change BEFORE UPDATE OR DELETE ON screening
    FOR EACH ROW EXECUTE FUNCTION screening_append_only();
CREATE TRIGGER screening_no_truncate BEFORE TRUNCATE ON screening
    FOR EACH STATEMENT EXECUTE FUNCTION screening_append_only();
CREATE TRIGGER screening_acknowledgement_no_change BEFORE UPDATE OR DELETE ON screening_acknowledgement
    FOR EACH ROW EXECUTE FUNCTION screening_append_only();
CREATE TRIGGER screening_acknowledgement_no_truncate BEFORE TRUNCATE ON screening_acknowledgement
    FOR EACH STATEMENT EXECUTE FUNCTION screening_append_only();
-- +both

-- +goose Down
-- +sqlite
DROP TRIGGER screening_acknowledgement_no_delete;
DROP TRIGGER screening_acknowledgement_no_update;
DROP TRIGGER screening_no_delete;
DROP TRIGGER screening_no_update;
-- +both
DROP TABLE screening_acknowledgement;
DROP TABLE screening;
-- +postgres
DROP FUNCTION screening_append_only();
-- +both
DROP TABLE screening_vitals;
DROP TABLE intake_section;
DROP TABLE intake;
