-- +goose Up
-- A practice's own choices for one area of holdspace (the medicine-phase
-- numbers, appointment durations, reminder texts, safety escalation), kept
-- as one JSON document per area. Holdspace starts from documented
-- defaults and overlays what the practice saved, so a new setting added in
-- a later version takes its default until the practice changes it.
CREATE TABLE practice_setting (
    practice_id TEXT NOT NULL REFERENCES practice(id),
    area        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_by  TEXT REFERENCES staff(id),
    updated_at  {{timestamp}} NOT NULL,
    PRIMARY KEY (practice_id, area)
);

-- +goose Down
DROP TABLE practice_setting;
