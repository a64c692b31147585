-- +goose Up
-- The practice's public page: its own words about KAP above the inquiry
-- form. No row means the default text holdspace ships.
CREATE TABLE practice_page (
    practice_id  TEXT PRIMARY KEY REFERENCES practice(id),
    heading      TEXT NOT NULL,
    body         TEXT NOT NULL,
    updated_at   {{timestamp}} NOT NULL,
    updated_by   TEXT REFERENCES staff(id)
);

-- An inquiry from someone who is not yet a client. It holds personal data
-- of a prospective client: a record of the practice, seen only by staff
-- who may manage inquiries. client_id is set when it becomes a client.
CREATE TABLE inquiry (
    id                 TEXT PRIMARY KEY,
    practice_id        TEXT NOT NULL REFERENCES practice(id),
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    phone              TEXT NOT NULL DEFAULT '',
    preferred_contact  TEXT NOT NULL CHECK (preferred_contact IN ('email', 'phone')),
    message            TEXT NOT NULL,
    heard_from         TEXT NOT NULL DEFAULT '',
    heard_other        TEXT NOT NULL DEFAULT '',
    consent_at         {{timestamp}} NOT NULL,
    status             TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replied', 'declined', 'converted')),
    created_at         {{timestamp}} NOT NULL,
    updated_at         {{timestamp}} NOT NULL,
    decline_reason     TEXT NOT NULL DEFAULT '',
    declined_at        {{timestamp}},
    declined_by        TEXT REFERENCES staff(id),
    client_id          TEXT REFERENCES client(id),
    converted_at       {{timestamp}},
    converted_by       TEXT REFERENCES staff(id),
    CHECK (status <> 'converted' OR client_id IS NOT NULL),
    CHECK (status <> 'declined' OR decline_reason <> '')
);
CREATE INDEX inquiry_queue ON inquiry(practice_id, status, created_at);
CREATE INDEX inquiry_client ON inquiry(client_id) WHERE client_id IS NOT NULL;

-- Each email sent to the person from the queue: a reply, or the kind note
-- that goes with a decline.
CREATE TABLE inquiry_reply (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    inquiry_id   TEXT NOT NULL REFERENCES inquiry(id),
    kind         TEXT NOT NULL CHECK (kind IN ('reply', 'decline')),
    staff_id     TEXT REFERENCES staff(id),
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    outbox_id    TEXT REFERENCES outbox(id),
    sent_at      {{timestamp}} NOT NULL
);
CREATE INDEX inquiry_reply_inquiry ON inquiry_reply(inquiry_id, sent_at);

-- Accepted public submissions per address, for the rate limit; in the
-- database so that it holds across instances. The address is kept only as
-- a keyed hash.
CREATE TABLE inquiry_attempt (
    address_key  TEXT NOT NULL,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    at           {{timestamp}} NOT NULL
);
CREATE INDEX inquiry_attempt_address ON inquiry_attempt(address_key, at);
CREATE INDEX inquiry_attempt_at ON inquiry_attempt(at);

-- +goose Down
DROP TABLE inquiry_attempt;
DROP TABLE inquiry_reply;
DROP TABLE inquiry;
DROP TABLE practice_page;
