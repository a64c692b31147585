-- +goose Up
-- What the first-run setup asks of a practice besides its name and zone:
-- where it is and how to reach it, and the country whose crisis lines its
-- clients are shown until it sets its own.
ALTER TABLE practice ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE practice ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE practice ADD COLUMN country TEXT NOT NULL DEFAULT 'US';

-- The steps of a practice's setup checklist that are a person's word
-- rather than something holdspace can see in the records: a prescriber's
-- review of the medicine and safety settings, and a test email sent
-- (message_id is the outbox message, whose delivery the checklist shows).
CREATE TABLE setup_step (
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    step         TEXT NOT NULL CHECK (step IN ('clinical_review', 'test_email')),
    done_by      TEXT NOT NULL REFERENCES staff(id),
    done_at      {{timestamp}} NOT NULL,
    message_id   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (practice_id, step)
);

-- Each backup holdspace has written, so a practice's checklist knows one
-- was taken. A backup holds every practice, so the row names none.
CREATE TABLE backup_taken (
    id        TEXT PRIMARY KEY,
    taken_at  {{timestamp}} NOT NULL,
    rows      INTEGER NOT NULL
);

-- +goose Down
DROP TABLE backup_taken;
DROP TABLE setup_step;
ALTER TABLE practice DROP COLUMN country;
ALTER TABLE practice DROP COLUMN phone;
ALTER TABLE practice DROP COLUMN address;
