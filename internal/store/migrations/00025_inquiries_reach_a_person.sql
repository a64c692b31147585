-- +goose Up
-- Who at the practice is told by email that a new inquiry arrived. No row
-- for a practice means its owner and administrators. The email says only
-- that one arrived, with a link: nothing the person wrote.
CREATE TABLE inquiry_notify (
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    PRIMARY KEY (practice_id, staff_id)
);

-- A call, email or text to the person who sent an inquiry, as staff log
-- it: who, when, how, and a note. Emails sent from the queue itself are
-- in inquiry_reply.
CREATE TABLE inquiry_contact (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    inquiry_id   TEXT NOT NULL REFERENCES inquiry(id),
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    method       TEXT NOT NULL CHECK (method IN ('phone', 'email', 'text')),
    note         TEXT NOT NULL,
    contacted_at {{timestamp}} NOT NULL,
    recorded_at  {{timestamp}} NOT NULL
);
CREATE INDEX inquiry_contact_inquiry ON inquiry_contact(inquiry_id, contacted_at);

-- The API token an integration acted with, for each trail entry made
-- through the API, so a client's accounting of disclosures names the
-- integration and not only the staff member whose token it is. Written in
-- the same transaction as the entry; the trail's own columns and hash are
-- as they were.
CREATE TABLE audit_token (
    event_id     TEXT PRIMARY KEY REFERENCES audit_event(id),
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    token_id     TEXT NOT NULL REFERENCES api_token(id)
);

-- +goose Down
DROP TABLE audit_token;
DROP TABLE inquiry_contact;
DROP TABLE inquiry_notify;
