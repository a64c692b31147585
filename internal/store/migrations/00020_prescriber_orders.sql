-- +goose Up
-- The prescriber's structured orders on the evaluation (KAP.md §1): a
-- per-client pre-dose hold, substances held before a session, pre-medication
-- and the additional-dose plan, as JSON; and, for a maximum above the range
-- reported for its route, the prescriber's confirmation with a reason.
-- Evaluations signed before keep the defaults: no orders, nothing confirmed.
ALTER TABLE evaluation ADD COLUMN orders TEXT NOT NULL DEFAULT '{}';
ALTER TABLE evaluation ADD COLUMN above_bound TEXT NOT NULL DEFAULT '[]';

-- Pre-medication given in a session against the prescriber's order: what,
-- when, by whom. The first dose waits for each order's minutes.
CREATE TABLE session_premedication (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES session_record(id),
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    drug        TEXT NOT NULL,
    dose_mg     {{real}} NOT NULL,
    route       TEXT NOT NULL,
    given_at    {{timestamp}} NOT NULL,
    given_by    TEXT NOT NULL REFERENCES staff(id),
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at {{timestamp}} NOT NULL
);
CREATE INDEX session_premedication_record ON session_premedication(record_id, given_at);

-- A prescriber's authorisation, in the session, of one additional dose
-- beyond the plan, up to dose_mg, with a reason. dose_id is the dose that
-- used it; an authorisation lifts the plan for one dose only.
CREATE TABLE session_dose_authorisation (
    id            TEXT PRIMARY KEY,
    record_id     TEXT NOT NULL REFERENCES session_record(id),
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    client_id     TEXT NOT NULL REFERENCES client(id),
    dose_mg       {{real}} NOT NULL,
    reason        TEXT NOT NULL,
    authorised_by TEXT NOT NULL REFERENCES staff(id),
    authorised_at {{timestamp}} NOT NULL,
    dose_id       TEXT REFERENCES session_dose(id)
);
CREATE INDEX session_dose_authorisation_record ON session_dose_authorisation(record_id, authorised_at);

-- +goose Down
DROP TABLE session_dose_authorisation;
DROP TABLE session_premedication;
ALTER TABLE evaluation DROP COLUMN above_bound;
ALTER TABLE evaluation DROP COLUMN orders;
