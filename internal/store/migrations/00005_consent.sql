-- +goose Up
-- Informed consent. A practice keeps one document of each kind; each
-- document has versions, numbered when published and never changed after.
-- Whether a document must be signed before treatment is the practice's
-- choice, taken with each version and kept on the document.
CREATE TABLE consent_document (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    kind         TEXT NOT NULL CHECK (kind IN ('kap_treatment', 'telehealth', 'release_of_information', 'financial_policy')),
    required     BOOLEAN NOT NULL DEFAULT {{false}},
    created_at   {{timestamp}} NOT NULL,
    UNIQUE (practice_id, kind)
);

-- A version is a draft until published; its number is 0 until then. The
-- text is stored with its SHA-256 so a signature can be checked against
-- exactly what was shown.
CREATE TABLE consent_version (
    id            TEXT PRIMARY KEY,
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    document_id   TEXT NOT NULL REFERENCES consent_document(id),
    number        INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_sha256   TEXT NOT NULL,
    required      BOOLEAN NOT NULL DEFAULT {{false}},
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT REFERENCES staff(id),
    created_at    {{timestamp}} NOT NULL,
    published_by  TEXT REFERENCES staff(id),
    published_at  {{timestamp}}
);
CREATE UNIQUE INDEX consent_version_number ON consent_version(document_id, number) WHERE status = 'published';
CREATE INDEX consent_version_practice ON consent_version(practice_id, document_id);

-- A client's signature of one version: what they typed, that they agreed,
-- when, from where, and the hash of the text they were shown.
CREATE TABLE consent_signature (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practice(id),
    client_id    TEXT NOT NULL REFERENCES client(id),
    document_id  TEXT NOT NULL REFERENCES consent_document(id),
    version_id   TEXT NOT NULL REFERENCES consent_version(id),
    typed_name   TEXT NOT NULL,
    agreed       BOOLEAN NOT NULL CHECK (agreed),
    meaning      TEXT NOT NULL DEFAULT 'consent',
    signed_at    {{timestamp}} NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    text_sha256  TEXT NOT NULL
);
CREATE INDEX consent_signature_client ON consent_signature(client_id, document_id, signed_at);

-- A clinician on the care team witnesses a signature.
CREATE TABLE consent_countersignature (
    id            TEXT PRIMARY KEY,
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    client_id     TEXT NOT NULL REFERENCES client(id),
    signature_id  TEXT NOT NULL UNIQUE REFERENCES consent_signature(id),
    staff_id      TEXT NOT NULL REFERENCES staff(id),
    printed_name  TEXT NOT NULL,
    meaning       TEXT NOT NULL DEFAULT 'witness',
    signed_at     {{timestamp}} NOT NULL,
    text_sha256   TEXT NOT NULL
);

-- A withdrawn consent, by the client in the portal or recorded by staff
-- when said aloud. It takes effect when written.
CREATE TABLE consent_revocation (
    id            TEXT PRIMARY KEY,
    practice_id   TEXT NOT NULL REFERENCES practice(id),
    client_id     TEXT NOT NULL REFERENCES client(id),
    signature_id  TEXT NOT NULL UNIQUE REFERENCES consent_signature(id),
    revoked_at    {{timestamp}} NOT NULL,
    by_kind       TEXT NOT NULL CHECK (by_kind IN ('client', 'staff')),
    by_staff_id   TEXT REFERENCES staff(id),
    by_name       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);

-- A published version, a signature, a countersignature and a revocation
-- are records of what happened: the database refuses to change them.
-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER consent_version_frozen BEFORE UPDATE ON consent_version WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published consent version cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_version_kept BEFORE DELETE ON consent_version WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published consent version cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_signature_frozen BEFORE UPDATE ON consent_signature
BEGIN SELECT RAISE(ABORT, 'consent signatures cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_signature_kept BEFORE DELETE ON consent_signature
BEGIN SELECT RAISE(ABORT, 'consent signatures cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_countersignature_frozen BEFORE UPDATE ON consent_countersignature
BEGIN SELECT RAISE(ABORT, 'consent signatures cannot change'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_revocation_frozen BEFORE UPDATE ON consent_revocation
BEGIN SELECT RAISE(ABORT, 'consent revocations cannot change'); END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION consent_record_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'consent_version' AND OLD.status <> 'published' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% cannot change once written', TG_TABLE_NAME;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER consent_version_frozen BEFORE UPDATE OR DELETE ON consent_version
    FOR EACH ROW EXECUTE FUNCTION consent_record_frozen();
CREATE TRIGGER consent_signature_frozen BEFORE UPDATE OR DELETE ON consent_signature
    FOR EACH ROW EXECUTE FUNCTION consent_record_frozen();
CREATE TRIGGER consent_countersignature_frozen BEFORE UPDATE ON consent_countersignature
    FOR EACH ROW EXECUTE FUNCTION consent_record_frozen();
CREATE TRIGGER consent_revocation_frozen BEFORE UPDATE ON consent_revocation
    FOR EACH ROW EXECUTE FUNCTION consent_record_frozen();
-- +both

-- +goose Down
-- +sqlite
DROP TRIGGER consent_revocation_frozen;
DROP TRIGGER consent_countersignature_frozen;
DROP TRIGGER consent_signature_kept;
DROP TRIGGER consent_signature_frozen;
DROP TRIGGER consent_version_kept;
DROP TRIGGER consent_version_frozen;
-- +both
DROP TABLE consent_revocation;
DROP TABLE consent_countersignature;
DROP TABLE consent_signature;
DROP TABLE consent_version;
DROP TABLE consent_document;
-- +postgres
DROP FUNCTION consent_record_frozen();
-- +both
