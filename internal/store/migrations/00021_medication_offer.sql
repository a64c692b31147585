-- +goose Up
-- The medicines a client listed on the intake, offered to the chart's
-- medication list when the intake is submitted. What a client writes does
-- not reach the chart on its own word: a clinician confirms each offer
-- (edited if need be) or declines it. Name, dose and frequency are kept as
-- the client wrote them, so the clinician reads the client's own words.
CREATE TABLE medication_offer (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    intake_id       TEXT NOT NULL REFERENCES intake(id),
    -- the row's place on the intake's list, to show them in the client's order
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    dose            TEXT NOT NULL,
    frequency       TEXT NOT NULL,
    -- the client's own total mg in a usual day, asked for benzodiazepines
    daily_dose_mg   {{real}},
    offered_at      {{timestamp}} NOT NULL,
    status          TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'confirmed', 'declined')),
    decided_at      {{timestamp}},
    decided_by      TEXT REFERENCES staff(id),
    decline_reason  TEXT NOT NULL DEFAULT '',
    -- the chart entry a confirmed offer became
    medication_id   TEXT REFERENCES medication(id),
    CHECK ((status = 'offered') = (decided_at IS NULL))
);
CREATE INDEX medication_offer_client ON medication_offer(client_id, status);

-- The intake a chart medication was confirmed from; NULL when staff
-- entered it on the chart themselves.
ALTER TABLE medication ADD COLUMN source_intake_id TEXT REFERENCES intake(id);

-- +goose Down
ALTER TABLE medication DROP COLUMN source_intake_id;
DROP TABLE medication_offer;
