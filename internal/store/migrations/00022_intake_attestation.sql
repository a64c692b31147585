-- +goose Up
-- Who confirmed, on submitting the intake, that the answers are true and
-- complete to the best of their knowledge: the name they typed, when, from
-- where, and the SHA-256 of the answers exactly as they stood (the canonical
-- text eligibility.CanonicalAnswers writes). by_kind is client when the
-- client sent it from the portal; staff or api when a staff member sent it
-- on the client's word, attesting under their own name. One per intake: a
-- submitted intake is never submitted again.
CREATE TABLE intake_attestation (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    client_id       TEXT NOT NULL REFERENCES client(id),
    intake_id       TEXT NOT NULL UNIQUE REFERENCES intake(id),
    typed_name      TEXT NOT NULL,
    confirmed       BOOLEAN NOT NULL CHECK (confirmed),
    by_kind         TEXT NOT NULL CHECK (by_kind IN ('client', 'staff', 'api')),
    by_id           TEXT NOT NULL,
    attested_at     {{timestamp}} NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    user_agent      TEXT NOT NULL DEFAULT '',
    answers_sha256  TEXT NOT NULL
);
CREATE INDEX intake_attestation_client ON intake_attestation(client_id);

-- The revision of each section the attestation covers, so that a later
-- change (a new revision, with who saved it) can be named section by
-- section.
CREATE TABLE intake_attestation_section (
    attestation_id  TEXT NOT NULL REFERENCES intake_attestation(id),
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    section         TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    PRIMARY KEY (attestation_id, section)
);

-- An attestation is a record of what happened: the database refuses to
-- change it.
-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER intake_attestation_frozen BEFORE UPDATE ON intake_attestation
BEGIN SELECT RAISE(ABORT, 'intake attestations cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER intake_attestation_kept BEFORE DELETE ON intake_attestation
BEGIN SELECT RAISE(ABORT, 'intake attestations cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER intake_attestation_section_frozen BEFORE UPDATE ON intake_attestation_section
BEGIN SELECT RAISE(ABORT, 'intake attestations cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER intake_attestation_section_kept BEFORE DELETE ON intake_attestation_section
BEGIN SELECT RAISE(ABORT, 'intake attestations cannot change'); END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION intake_attestation_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% cannot change once written', TG_TABLE_NAME;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER intake_attestation_frozen BEFORE UPDATE OR DELETE ON intake_attestation
    FOR EACH ROW EXECUTE FUNCTION intake_attestation_frozen();
CREATE TRIGGER intake_attestation_section_frozen BEFORE UPDATE OR DELETE ON intake_attestation_section
    FOR EACH ROW EXECUTE FUNCTION intake_attestation_frozen();
-- +both

-- +goose Down
-- +sqlite
DROP TRIGGER intake_attestation_section_kept;
DROP TRIGGER intake_attestation_section_frozen;
DROP TRIGGER intake_attestation_kept;
DROP TRIGGER intake_attestation_frozen;
-- +both
DROP TABLE intake_attestation_section;
DROP TABLE intake_attestation;
-- +postgres
DROP FUNCTION intake_attestation_frozen();
-- +both
